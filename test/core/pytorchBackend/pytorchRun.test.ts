// The pytorch backend's runner against a stand-in script run by `node` (fixtures/fakeEmitter.js;
// no Python or torch needed): the events it streams are checked, recorded and diagnosed like our
// own engine's; bad lines become located warnings; stops are forwarded and escalate; a script
// that dies fails the run with its stderr, keeping what it sent.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inferShapes } from '../../../src/core/config/shapeInference';
import type { TrainConfig } from '../../../src/core/config/trainConfig';
import { RunDiagnosis } from '../../../src/core/diagnosis/runDiagnosis';
import { readRun } from '../../../src/core/engine/runFolderReader';
import type { LogEvent, RunEndedEvent, RunStartedEvent, TrainingEvent } from '../../../src/core/engine/trainingEvents';
import { runPytorchTraining } from '../../../src/core/pytorchBackend/pytorchRun';
import { configFrom, gaussianConfig, tempDir } from '../engine/engineFixtures';

const runs = tempDir('pytorch-runner');
after(runs.cleanup);

const emitter = fs.readFileSync(path.join(__dirname, 'fixtures', 'fakeEmitter.js'), 'utf8');

interface FakeRun {
  ended: RunEndedEvent;
  events: TrainingEvent[];
  warnings: string[];
  runDir: string;
}

async function runFake(mode: string, options: { config?: TrainConfig; signal?: AbortSignal; stopGraceMs?: number; onEvent?: (e: TrainingEvent) => void } = {}): Promise<FakeRun> {
  const config = options.config ?? configFrom({ ...gaussianConfig(), name: `fake-${mode}` });
  const events: TrainingEvent[] = [];
  const ended = await runPytorchTraining(config, {
    python: { command: process.execPath },
    script: { text: `const MODE = ${JSON.stringify(mode)};\n${emitter}`, fileName: 'train_fake.js' },
    cwd: runs.dir,
    runsDir: runs.dir,
    configText: JSON.stringify(config),
    initialEvents: [{ type: 'log', level: 'info', message: 'a note on the Python chosen' }],
    signal: options.signal,
    stopGraceMs: options.stopGraceMs,
    monitors: [new RunDiagnosis(config, inferShapes(config.model.layers, config.model.input))],
    onEvent: (event) => {
      events.push(event);
      options.onEvent?.(event);
    },
  });
  const started = events.find((e): e is RunStartedEvent => e.type === 'run-started');
  const runDir = started?.runDir ?? fs.readdirSync(runs.dir).map((d) => path.join(runs.dir, d)).find((d) => fs.existsSync(path.join(d, 'train_fake.js')) && readRun(d).record?.configName === config.name)!;
  const warnings = events.filter((e): e is LogEvent => e.type === 'log' && e.level === 'warning').map((e) => e.message);
  return { ended, events, warnings, runDir };
}

describe('runPytorchTraining with a stand-in script', () => {
  it('records a completed run like our own engine: script in the folder, events, run.json, pytorch as the backend', async () => {
    const run = await runFake('complete');
    assert.equal(run.ended.status, 'completed', run.ended.reason);
    assert.equal(run.ended.epochsCompleted, 2);
    assert.equal(run.ended.steps, 6);
    assert.equal(fs.readFileSync(path.join(run.runDir, 'train_fake.js'), 'utf8'), `const MODE = "complete";\n${emitter}`, 'the script that ran is in the run folder');
    const started = run.events.find((e): e is RunStartedEvent => e.type === 'run-started')!;
    assert.equal(started.backend, 'pytorch');
    assert.match(started.backendDetail, /PyTorch 9\.9 \(fake\), cpu, 1 thread/);
    assert.equal(started.configName, 'fake-complete', 'the config names the run, not the script');
    assert.equal(started.runDir, run.runDir);
    const stored = readRun(run.runDir);
    assert.equal(stored.record?.status, 'completed');
    assert.equal(stored.record?.backend, 'pytorch');
    assert.deepEqual(stored.issues, []);
    assert.deepEqual(stored.events.map((e) => e.type), run.events.map((e) => e.type), 'metrics.jsonl holds every event emitted');
    assert.equal(stored.events[0].type, 'run-started', 'run-started comes first, as in our own runs');
    assert.equal(stored.events[1].type === 'log' && stored.events[1].message, 'a note on the Python chosen');
    assert.equal(stored.events.filter((e) => e.type === 'step').length, 6);
    assert.equal(stored.events.filter((e) => e.type === 'run-ended').length, 1);
    assert.ok(fs.existsSync(path.join(run.runDir, 'config.train.json')));
    assert.ok(fs.readdirSync(run.runDir).some((f) => f.startsWith('events.out.tfevents')), 'the TensorBoard event file is written as for tfjs runs');
  });

  it('turns each bad stdout line into a located warning and keeps going', async () => {
    const run = await runFake('complete');
    const located = (pattern: RegExp) => assert.ok(run.warnings.some((w) => pattern.test(w)), `a warning matching ${pattern} in ${JSON.stringify(run.warnings, null, 1)}`);
    located(/stdout line 2: not a JSON event .*a stray print/);
    located(/stdout line 3: not a valid training event: stdout line 3\.epoch: expected a whole number/);
    located(/stdout line 4: a finding from the script, ignored/);
    const logs = run.events.filter((e): e is LogEvent => e.type === 'log').map((e) => e.message);
    assert.ok(logs.includes('NaN in a string stays text'));
    assert.ok(logs.includes('joined ✓'), 'a line written in two pieces is one event');
    assert.equal(run.ended.status, 'completed');
  });

  it('a line longer than the bound is skipped with a warning, not kept in memory', async () => {
    const { LineSplitter } = await import('../../../src/core/pytorchBackend/lineSplitter');
    const lines: string[] = [];
    const overlong: string[] = [];
    const splitter = new LineSplitter({ line: (t, n) => lines.push(`${n}:${t}`), overlong: (n, length) => overlong.push(`${n}:${length}`) }, 10);
    splitter.push('short\nabcdefghij');
    splitter.push('klmnop\nok\r\nlast');
    splitter.push(Buffer.from([0xe2, 0x9c]));
    splitter.push(Buffer.from([0x93]));
    splitter.end();
    assert.deepEqual(lines, ['1:short', '3:ok', '4:last✓']);
    assert.deepEqual(overlong, ['2:16']);
  });

  it('reads Python\'s bare NaN and Infinity as numbers, so the live rules see the blow-up and stop the script', async () => {
    const run = await runFake('nan');
    assert.equal(run.ended.status, 'failed');
    assert.match(run.ended.reason ?? '', /^grad\.nonfinite: The loss became NaN at step 1/);
    assert.ok(run.ended.findings.some((f) => f.rule === 'grad.nonfinite'));
    assert.ok(run.events.some((e) => e.type === 'finding' && e.finding.rule === 'grad.nonfinite'));
    const stored = readRun(run.runDir);
    assert.equal(stored.record?.status, 'failed');
  });

  it('a script that dies fails the run with the end of its stderr, keeping the events it sent', async () => {
    const run = await runFake('crash');
    assert.equal(run.ended.status, 'failed');
    assert.match(run.ended.reason ?? '', /^The PyTorch script exited with code 1:/);
    assert.match(run.ended.reason ?? '', /RuntimeError: mat1 and mat2 shapes cannot be multiplied/);
    assert.equal(run.ended.steps, 2);
    assert.match(fs.readFileSync(path.join(run.runDir, 'script-stderr.log'), 'utf8'), /fake emitter: starting\nTraceback .*\n[^]*RuntimeError: mat1/, 'the whole stderr is kept in the run folder');
    const stored = readRun(run.runDir);
    assert.equal(stored.record?.status, 'failed');
    assert.equal(stored.events.filter((e) => e.type === 'step').length, 2);
  });

  it('a script that exits 0 without run-ended, or before run-started, fails the run', async () => {
    const noEnd = await runFake('no-end');
    assert.equal(noEnd.ended.status, 'failed');
    assert.match(noEnd.ended.reason ?? '', /ended without reporting the end of its run/);
    const noStart = await runFake('no-start');
    assert.equal(noStart.ended.status, 'failed');
    assert.equal(readRun(noStart.runDir).record?.status, 'failed');
  });

  it('a Python that cannot be started fails the run with the reason', async () => {
    const config = configFrom({ ...gaussianConfig(), name: 'no-python' });
    const ended = await runPytorchTraining(config, {
      python: { command: path.join(runs.dir, 'no-such-python') }, script: { text: '', fileName: 'train_x.py' }, cwd: runs.dir, runsDir: runs.dir,
    });
    assert.equal(ended.status, 'failed');
    assert.match(ended.reason ?? '', /could not be started: .*ENOENT/);
  });

  it('cancel forwards SIGINT: the script finishes its step, the run is cancelled and its events kept', async () => {
    const abort = new AbortController();
    const run = await runFake('slow', {
      signal: abort.signal,
      onEvent: (e) => {
        if (e.type === 'step' && e.step === 4) abort.abort();
      },
    });
    assert.equal(run.ended.status, 'cancelled');
    assert.equal(run.ended.reason, 'Cancelled by the user.');
    assert.ok(run.ended.steps >= 5);
    const stored = readRun(run.runDir);
    assert.equal(stored.record?.status, 'cancelled');
    assert.ok(stored.events.filter((e) => e.type === 'step').length >= 5);
  });

  it('a script that ignores SIGINT and SIGTERM is killed after the grace period; still cancelled, events kept', async () => {
    const abort = new AbortController();
    const run = await runFake('hang', {
      signal: abort.signal,
      stopGraceMs: 200,
      onEvent: (e) => {
        if (e.type === 'step' && e.step === 2) abort.abort();
      },
    });
    assert.equal(run.ended.status, 'cancelled');
    assert.match(run.ended.reason ?? '', /did not stop within .* and was killed/);
    assert.equal(readRun(run.runDir).record?.status, 'cancelled');
    assert.ok(readRun(run.runDir).events.filter((e) => e.type === 'step').length >= 3);
  });
});
