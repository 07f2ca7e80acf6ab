import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { readRun } from '../../../src/core/engine/runFolderReader';
import type { TrainingEvent } from '../../../src/core/engine/trainingEvents';
import { TrainerClient, describeCrash, type TrainerOutcome } from '../../../src/core/trainerProcess/trainerClient';
import type { StartMessage, TrainerMessage } from '../../../src/core/trainerProcess/trainerProtocol';
import { noTorchReason } from '../pytorchBackend/torchAvailability';

// These tests drive the bundled trainer (npm test builds it first).
const root = path.resolve(__dirname, '../../..');
const script = path.join(root, 'dist', 'trainer.js');
const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'td-trainer-'));
after(() => fs.rmSync(workspace, { recursive: true, force: true }));

function writeConfig(name: string, body: object): string {
  const file = path.join(workspace, `${name}.train.json`);
  fs.writeFileSync(file, JSON.stringify(body, null, 2));
  return file;
}

const spirals = (epochs: number) => ({
  name: 'trainer-test', seed: 3,
  data: { dataset: { synthetic: 'spirals', samples: 400, classes: 2 }, preprocess: { normalize: 'standardize' } },
  model: { input: [2], layers: [{ type: 'dense', units: 32, activation: 'tanh' }, { type: 'dense', units: 2, activation: 'softmax' }] },
  training: { epochs, batchSize: 16, optimizer: { type: 'adam', learningRate: 0.01 } },
});

interface Session {
  messages: TrainerMessage[];
  events: TrainingEvent[];
  outcome: Promise<TrainerOutcome>;
  client: TrainerClient;
}

function startTrainer(start: Partial<StartMessage> & { configPath: string }, onEvent?: (e: TrainingEvent, client: TrainerClient) => void, stopGraceMs?: number): Session {
  const messages: TrainerMessage[] = [];
  const events: TrainingEvent[] = [];
  let resolve!: (o: TrainerOutcome) => void;
  const outcome = new Promise<TrainerOutcome>((r) => (resolve = r));
  const client: TrainerClient = TrainerClient.start({
    script,
    start: { type: 'start', job: 'train', workspaceDir: workspace, ...start },
    onMessage: (m) => {
      messages.push(m);
      if (m.type === 'event') {
        events.push(m.event);
        onEvent?.(m.event, client);
      }
    },
    onExit: resolve,
    stopGraceMs,
  });
  return { messages, events, outcome, client };
}

/** The stop test asks for the stop once this many epochs have ended, and allows the stop this many epochs' time. */
const STOP_AFTER_EPOCHS = 5;
const STOP_WITHIN_EPOCHS = 5;

/** The CPU time the host may spend between two 10 ms ticks (95th percentile) while a child trains. */
const HOST_BUSY_PER_TICK_MS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

describe('the trainer child process', () => {
  it('says ready, runs the job, streams events in order with findings, and exits cleanly', async () => {
    const session = startTrainer({ configPath: writeConfig('ok', spirals(3)) });
    const outcome = await session.outcome;
    assert.equal(outcome.kind, 'finished');
    assert.equal(session.messages[0].type, 'ready');
    assert.equal(session.events[0].type, 'run-started');
    assert.equal(session.events.at(-1)!.type, 'run-ended');
    assert.equal(session.messages.at(-1)!.type, 'finished');
    const ended = session.events.at(-1) as Extract<TrainingEvent, { type: 'run-ended' }>;
    assert.equal(ended.status, 'completed');
    assert.equal(session.events.filter((e) => e.type === 'epoch-end').length, 3);
    const started = session.events[0] as Extract<TrainingEvent, { type: 'run-started' }>;
    assert.equal(readRun(started.runDir!).record?.status, 'completed');
  });

  it('runs on the threaded wasm build when the config asks for it, and still exits when the job is done', async () => {
    const session = startTrainer({ configPath: writeConfig('threads', { ...spirals(2), backend: 'wasm', wasmThreads: 2 }) });
    const outcome = await session.outcome;
    assert.equal(outcome.kind, 'finished', outcome.reason);
    const started = session.events[0] as Extract<TrainingEvent, { type: 'run-started' }>;
    assert.equal(started.backendDetail, "WebAssembly with SIMD, 2 threads: the config's wasmThreads");
    assert.equal(readRun(started.runDir!).record?.status, 'completed');
  });

  it('uses the text it is given (an unsaved editor) instead of the file on disk', async () => {
    const file = writeConfig('unsaved', spirals(1));
    const session = startTrainer({ configPath: file, configText: JSON.stringify(spirals(2)) });
    await session.outcome;
    assert.equal(session.events.filter((e) => e.type === 'epoch-end').length, 2);
  });

  it('stops within a few of its own epochs\' time of being asked, records the run as cancelled and keeps its data', async () => {
    let stoppedAt = 0;
    let endedAt = 0;
    const epochMs: number[] = [];
    const session = startTrainer({ configPath: writeConfig('long', spirals(500)) }, (event, client) => {
      if (event.type === 'epoch-end' && !stoppedAt) epochMs.push(event.durationMs);
      if (event.type === 'epoch-end' && epochMs.length === STOP_AFTER_EPOCHS && !stoppedAt) {
        stoppedAt = Date.now();
        client.stop();
      }
      if (event.type === 'run-ended') endedAt = Date.now();
    });
    const outcome = await session.outcome;
    // Measured to the run's end as the host hears it; the process exits right after. Judged against
    // what an epoch took in this very run (the trainer's own clock), so a busy machine, which slows
    // both, cannot fail it; a stop that waited for the run's end (500 epochs) would.
    const elapsed = endedAt - stoppedAt;
    const epoch = median(epochMs);
    console.log(`stopped ${elapsed} ms after the request; an epoch took ${epoch} ms (median of ${epochMs.join(', ')}): ${(elapsed / epoch).toFixed(2)} epochs`);
    assert.equal(outcome.kind, 'finished', 'a stop request ends the job cleanly, not by a signal');
    assert.ok(endedAt > 0 && elapsed < STOP_WITHIN_EPOCHS * epoch, `stopped after ${elapsed} ms, ${(elapsed / epoch).toFixed(2)} times an epoch (${epoch} ms)`);
    const ended = session.events.at(-1) as Extract<TrainingEvent, { type: 'run-ended' }>;
    assert.equal(ended.status, 'cancelled');
    const started = session.events[0] as Extract<TrainingEvent, { type: 'run-started' }>;
    const stored = readRun(started.runDir!);
    assert.equal(stored.record?.status, 'cancelled');
    assert.ok(stored.events.some((e) => e.type === 'step'), 'the steps run so far are kept');
  });

  it('reports an invalid config as problems, with codes and places, and finishes', async () => {
    const broken = spirals(1) as Record<string, any>;
    broken.model.layers[0].type = 'dense2d';
    const session = startTrainer({ configPath: writeConfig('invalid', broken) });
    const outcome = await session.outcome;
    assert.equal(outcome.kind, 'finished');
    const problems = session.messages.find((m) => m.type === 'problems');
    assert.ok(problems && problems.type === 'problems');
    assert.equal(problems.problems[0].code, 'layer.unknown-type');
    assert.ok(problems.problems[0].range!.line > 1);
  });

  it('reads a CSV outside the workspace only when the host allows it (a trusted workspace)', async () => {
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'td-trainer-elsewhere-'));
    try {
      const csv = path.join(elsewhere, 'table.csv');
      fs.writeFileSync(csv, `a,b,y\n${Array.from({ length: 40 }, (_, i) => `${i},${i % 7},${i % 2}`).join('\n')}\n`);
      const config = writeConfig('outside', {
        name: 'outside', data: { dataset: { csv, label: 'y' }, validationSplit: 0.25 },
        model: { input: [2], layers: [{ type: 'dense', units: 2, activation: 'softmax' }] },
        training: { epochs: 1, batchSize: 8, optimizer: { type: 'adam' } },
      });
      const refused = startTrainer({ configPath: config, job: 'probe' });
      assert.equal((await refused.outcome).kind, 'finished');
      const problems = refused.messages.find((m) => m.type === 'problems');
      assert.ok(problems && problems.type === 'problems', JSON.stringify(refused.messages));
      assert.deepEqual(problems.problems.map((p) => p.code), ['data.outside-workspace']);

      const allowed = startTrainer({ configPath: config, job: 'probe', allowDataOutside: true });
      assert.equal((await allowed.outcome).kind, 'finished');
      assert.ok(allowed.messages.some((m) => m.type === 'probe-result'), JSON.stringify(allowed.messages.map((m) => m.type)));
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('turns a crash of the process into a crashed outcome with its reason, never an exception in the host', async () => {
    const session = startTrainer({ configPath: writeConfig('crash', spirals(500)) }, (event) => {
      if (event.type === 'step' && event.step === 5) process.kill(session.client.pid!, 'SIGKILL');
    });
    const outcome = await session.outcome;
    assert.equal(outcome.kind, 'crashed');
    assert.equal(outcome.signal, 'SIGKILL');
    assert.match(outcome.reason ?? '', /killed by SIGKILL/);
  });

  it('reports a job that fails as failed, with its reason, not as a crash', async () => {
    // A file where the workspace folder should be: the run folder cannot be created.
    const notAFolder = path.join(workspace, 'not-a-folder');
    fs.writeFileSync(notAFolder, '');
    const session = startTrainer({ configPath: writeConfig('fails', spirals(1)), workspaceDir: notAFolder });
    const outcome = await session.outcome;
    assert.equal(outcome.kind, 'failed', outcome.reason);
    assert.equal(outcome.exitCode, 1);
    assert.match(outcome.reason ?? '', /^Cannot write the run folder \(.+\): .+not-a-folder is not a folder\.$/);
    assert.deepEqual(session.messages.map((m) => m.type), ['ready', 'failed']);
  });

  it('quotes the error of a process that crashes at start-up, not only the end of its stack', async () => {
    // Ten frames deep, as a real start-up failure in a bundled module is: Node prints the error
    // line above the frames and its version below them.
    const script = path.join(workspace, 'crashes-at-start.js');
    fs.writeFileSync(script, "function load(depth) { if (depth === 0) throw new TypeError('the config loader broke at start-up'); load(depth - 1); }\nload(10);\n");
    const outcome = await new Promise<TrainerOutcome>((resolve) => {
      TrainerClient.start({ script, start: { type: 'start', job: 'train', configPath: 'x', workspaceDir: workspace }, onMessage: () => undefined, onExit: resolve });
    });
    assert.equal(outcome.kind, 'crashed');
    assert.equal(outcome.exitCode, 1);
    assert.match(outcome.reason ?? '', /^The trainer process exited with code 1:\n/);
    assert.match(outcome.reason ?? '', /TypeError: the config loader broke at start-up/);
    assert.doesNotMatch(outcome.reason ?? '', /^\s+at /m, 'stack frames are left out');
    assert.ok((outcome.reason ?? '').split('\n').filter((line) => line !== '…').length <= 1 + 8, outcome.reason);
  });

  it('keeps the host responsive while it trains (the work is in the child)', async () => {
    // At each 10 ms tick: how late it came, and the CPU time the host spent since the last one.
    const lags: number[] = [];
    const busy: number[] = [];
    let last = Date.now();
    let lastCpu = process.cpuUsage();
    const timer = setInterval(() => {
      const now = Date.now();
      const used = process.cpuUsage(lastCpu);
      lags.push(Math.max(0, now - last - 10));
      busy.push((used.user + used.system) / 1000);
      last = now;
      lastCpu = process.cpuUsage();
    }, 10);
    const session = startTrainer({ configPath: writeConfig('responsive', spirals(20)) });
    await session.outcome;
    clearInterval(timer);
    const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)];
    console.log(`${lags.length} ticks: 95% within ${p95(lags)} ms of schedule (worst ${Math.max(...lags)} ms); host CPU between ticks: 95% under ${p95(busy).toFixed(2)} ms (worst ${Math.max(...busy).toFixed(2)} ms)`);
    // How late a tick comes is the machine's doing as much as the host's (on a busy machine the host
    // waits for a core), so it is only logged. What the host itself spends between ticks is its own:
    // training in the host would fill the ticks; a blocked event loop would leave few of them.
    assert.ok(lags.length > 50, `${lags.length} ticks`);
    assert.ok(p95(busy) < HOST_BUSY_PER_TICK_MS, `95% of 10 ms ticks had under ${HOST_BUSY_PER_TICK_MS} ms of host CPU before them (${p95(busy).toFixed(2)} ms; worst ${Math.max(...busy).toFixed(2)} ms)`);
  });
});

describe('the trainer child process on the pytorch backend', () => {
  it('a Python without torch: a failed message saying what was tried and how to fix it (the editor shows it), no run', async () => {
    const missing = path.join(workspace, 'no-such-python');
    const session = startTrainer({ configPath: writeConfig('no-python', spirals(1)), backend: 'pytorch', python: { named: { command: missing, source: 'the setting trainingDoctor.pythonPath' } } });
    const outcome = await session.outcome;
    assert.equal(outcome.kind, 'failed');
    const failed = session.messages.find((m) => m.type === 'failed');
    assert.ok(failed && failed.type === 'failed');
    assert.match(failed.message, /^The pytorch backend needs a Python that can import torch; the one named by the setting trainingDoctor\.pythonPath cannot: .*no-such-python: not found\./);
    assert.doesNotMatch(failed.message, /\n\s+at /, 'no stack trace');
    assert.equal(session.events.length, 0);
  });

  it('stop: the script is told, the run ends cancelled, the job finishes cleanly and the run folder keeps the steps', { skip: noTorchReason() }, async () => {
    const session = startTrainer({ configPath: writeConfig('pytorch-long', spirals(500)), backend: 'pytorch' }, (event, client) => {
      if (event.type === 'step' && event.step === 30) client.stop();
    }, 60_000);
    const outcome = await session.outcome;
    assert.equal(outcome.kind, 'finished', outcome.reason);
    const started = session.events.find((e): e is Extract<TrainingEvent, { type: 'run-started' }> => e.type === 'run-started');
    assert.equal(started?.backend, 'pytorch');
    const ended = session.events.at(-1) as Extract<TrainingEvent, { type: 'run-ended' }>;
    assert.equal(ended.status, 'cancelled');
    const stored = readRun(started!.runDir!);
    assert.equal(stored.record?.status, 'cancelled');
    assert.ok(stored.events.filter((e) => e.type === 'step').length >= 31);
  });
});

describe('describeCrash', () => {
  it('recognizes running out of memory', () => {
    const text = describeCrash(134, null, '<--- Last few GCs --->\nFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory');
    assert.match(text, /ran out of memory/);
  });

  it('keeps the first error line and the tail of a long stderr, each line bounded', () => {
    const stderr = ['warming up', 'RangeError: the real cause', ...Array.from({ length: 50 }, (_, k) => `noise ${k} ${'x'.repeat(k === 49 ? 1000 : 0)}`)].join('\n');
    const lines = describeCrash(1, null, stderr).split('\n');
    assert.equal(lines[1], 'RangeError: the real cause');
    assert.equal(lines[2], '…');
    assert.match(lines.at(-1)!, /^noise 49 x+…$/);
    assert.ok(lines.at(-1)!.length <= 301);
    assert.equal(lines.filter((line) => line !== '…').length, 1 + 8, 'the header, then at most 8 lines of stderr');
  });

  it('says how the process ended and quotes the end of its stderr', () => {
    assert.equal(describeCrash(3, null, ''), 'The trainer process exited with code 3.');
    assert.match(describeCrash(null, 'SIGSEGV', 'boom\n'), /was killed by SIGSEGV:\nboom/);
  });
});
