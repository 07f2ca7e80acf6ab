// `training-doctor train`: log-friendly output, the run folder, --epochs/--out/--json, a run that
// fails (exit 1), Ctrl+C (exit 130, run kept as cancelled) and invalid configs (exit 2).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  assertBuilt, EXAMPLES, interruptAfterFirstEpoch, jsonLines, readJson, removeDir, runCli, runFolders, show, tempDir, writeDivergingConfig, writeSpiralsConfig,
} from './cliTestHelpers';

// The spirals config: 400 samples, 20% validation → 320 training examples, batches of 32.
const STEPS_PER_EPOCH = 10;

function metricsEvents(runDir: string): Array<{ type: string; [key: string]: any }> {
  const file = path.join(runDir, 'metrics.jsonl');
  assert.ok(fs.existsSync(file), `${file} exists`);
  return jsonLines(fs.readFileSync(file, 'utf8'));
}

describe('training-doctor train', () => {
  let dir: string;
  /** A fresh working directory for one test, so its run folders are its own. */
  const workspace = (name: string) => {
    const cwd = path.join(dir, name);
    fs.mkdirSync(cwd);
    return cwd;
  };
  before(() => {
    assertBuilt();
    dir = tempDir('train');
  });
  after(() => removeDir(dir));

  it('in a log (no TTY): plain lines, one per epoch, the run folder and the findings; exit 0; the run folder is recorded', async () => {
    const cwd = workspace('plain');
    const config = writeSpiralsConfig(cwd, 'plain.train.json', { name: 'cli-plain', epochs: 3 });
    const result = await runCli(['train', 'plain.train.json'], { cwd });
    assert.equal(result.code, 0, show(result));
    assert.doesNotMatch(result.stdout, /\r/, 'no carriage returns');
    assert.doesNotMatch(result.stdout, /\x1b/, 'no ANSI escapes');
    assert.ok(result.stdout.endsWith('\n'));
    const lines = result.stdout.split('\n');
    assert.match(lines[0], /^Training "cli-plain" on \w+/);
    const epochLines = lines.filter((l) => /^epoch \d+\/\d+ /.test(l));
    assert.deepEqual(epochLines.map((l) => l.split(' ')[1]), ['1/3', '2/3', '3/3'], 'one line per epoch');
    for (const l of epochLines) assert.match(l, /loss \d.*val_loss \d/);
    assert.match(result.stdout, /^Run completed after 3 epoch\(s\), 30 steps/m);
    assert.match(result.stdout, /^Findings( \(\d+\):|: none\.)$/m);

    const shown = /^ {2}run folder: (.+)$/m.exec(result.stdout);
    assert.ok(shown, 'the run folder is printed');
    const runsRoot = path.join(cwd, '.training-doctor', 'runs');
    const folders = runFolders(runsRoot);
    assert.equal(folders.length, 1, 'one run folder under ./.training-doctor/runs');
    assert.equal(fs.realpathSync(shown[1]), fs.realpathSync(folders[0]));

    const record = readJson(path.join(folders[0], 'run.json'));
    assert.equal(record.status, 'completed');
    assert.equal(record.configName, 'cli-plain');
    assert.equal(fs.realpathSync(record.configPath), fs.realpathSync(config));
    assert.equal(record.epochsCompleted, 3);
    assert.equal(record.steps, 3 * STEPS_PER_EPOCH);
    const events = metricsEvents(folders[0]);
    assert.equal(events[0].type, 'run-started');
    assert.equal(events.at(-1)!.type, 'run-ended');
    assert.equal(events.filter((e) => e.type === 'epoch-end').length, 3);
    assert.equal(events.filter((e) => e.type === 'step').length, 3 * STEPS_PER_EPOCH);
  });

  it('--json --epochs 2 --out DIR: one JSON event per line from run-started to run-ended, the run folder in DIR', async () => {
    const cwd = workspace('json');
    writeSpiralsConfig(cwd, 'json.train.json', { name: 'cli-json', epochs: 5 });
    const out = path.join(cwd, 'elsewhere', 'runs');
    const result = await runCli(['train', 'json.train.json', '--json', '--epochs', '2', '--out', out], { cwd });
    assert.equal(result.code, 0, show(result));
    const events = jsonLines(result.stdout);
    const started = events[0] as Record<string, any>;
    const ended = events.at(-1) as Record<string, any>;
    assert.equal(started.type, 'run-started');
    assert.equal(ended.type, 'run-ended', 'run-ended is printed before the process ends, as the last line');
    assert.equal(events.filter((e) => e.type === 'run-started').length, 1);
    assert.equal(events.filter((e) => e.type === 'run-ended').length, 1);
    const known = new Set(['run-started', 'step', 'layer-stats', 'epoch-end', 'finding', 'log', 'run-ended']);
    for (const e of events) assert.ok(known.has(e.type), `documented event type: ${e.type}`);

    assert.equal(started.epochs, 2, '--epochs overrides training.epochs');
    assert.equal(started.stepsPerEpoch, STEPS_PER_EPOCH);
    assert.equal(ended.status, 'completed');
    assert.equal(ended.epochsCompleted, 2);
    assert.equal(ended.steps, 2 * STEPS_PER_EPOCH);
    const steps = events.filter((e) => e.type === 'step') as Array<Record<string, any>>;
    assert.equal(steps.length, ended.steps, 'one step event per step');
    assert.deepEqual(steps.map((s) => s.step), Array.from({ length: ended.steps }, (_, k) => k), 'steps numbered 0, 1, ...');
    assert.deepEqual(events.filter((e) => e.type === 'epoch-end').map((e) => (e as Record<string, any>).epoch), [0, 1]);

    // The run folder is in --out, not in the working directory.
    assert.equal(fs.existsSync(path.join(cwd, '.training-doctor')), false, 'nothing under ./.training-doctor');
    const folders = runFolders(out);
    assert.equal(folders.length, 1);
    assert.equal(fs.realpathSync(started.runDir), fs.realpathSync(folders[0]));
    const record = readJson(path.join(folders[0], 'run.json'));
    assert.equal(record.status, 'completed');
    assert.equal(record.epochsCompleted, 2);
    // The run folder holds the same events as stdout.
    assert.deepEqual(metricsEvents(folders[0]).map((e) => e.type), events.map((e) => e.type));
  });

  it('a run whose loss overflows: exit 1, the reason printed, the run recorded as failed', async () => {
    const cwd = workspace('fails');
    writeDivergingConfig(cwd, 'diverging.train.json');
    const result = await runCli(['train', 'diverging.train.json'], { cwd });
    assert.equal(result.code, 1, show(result));
    assert.match(result.stdout, /^Run failed after \d+ epoch\(s\), \d+ steps/m);
    const reason = /^Run failed .*\n {2}(.+)$/m.exec(result.stdout);
    assert.ok(reason, 'the reason follows the run-end line');
    assert.match(reason[1], /NaN|infinit/i);
    assert.match(result.stdout, /error grad\.nonfinite/, 'the finding that explains it');
    const [folder] = runFolders(path.join(cwd, '.training-doctor', 'runs'));
    const record = readJson(path.join(folder, 'run.json'));
    assert.equal(record.status, 'failed');
    assert.equal(record.reason, reason[1]);
    assert.ok(record.epochsCompleted < 5, 'it stopped early');
  });

  it('Ctrl+C (SIGINT) during a run: exit 130, the run folder kept with status "cancelled"', async () => {
    const cwd = workspace('cancel');
    writeSpiralsConfig(cwd, 'long.train.json', { name: 'cli-long', epochs: 1000 });
    const { result, signalled } = await interruptAfterFirstEpoch('long.train.json', 1000, cwd);
    assert.ok(signalled, `the first epoch line appeared:\n${show(result)}`);
    assert.equal(result.code, 130, show(result));
    assert.match(result.stdout, /^Run cancelled after \d+ epoch\(s\)/m);
    const [folder] = runFolders(path.join(cwd, '.training-doctor', 'runs'));
    const record = readJson(path.join(folder, 'run.json'));
    assert.equal(record.status, 'cancelled');
    assert.ok(record.epochsCompleted >= 1 && record.epochsCompleted < 1000, `epochs completed: ${record.epochsCompleted}`);
    const events = metricsEvents(folder);
    assert.equal(events[0].type, 'run-started');
    assert.ok(events.some((e) => e.type === 'epoch-end'), 'the data of the finished epoch is kept');
    const ended = events.at(-1)!;
    assert.equal(ended.type, 'run-ended');
    assert.equal(ended.status, 'cancelled');
    assert.ok(fs.existsSync(path.join(folder, 'config.train.json')), 'the config copy is kept');
  });

  it('an invalid config: exit 2 with the problems (and a config-error event with --json); no run folder', async () => {
    const cwd = workspace('invalid');
    const file = path.join(EXAMPLES, 'broken', 'dense-after-conv.train.json');
    const result = await runCli(['train', file], { cwd });
    assert.equal(result.code, 2, show(result));
    assert.match(result.stderr, /dense-after-conv\.train\.json:\d+:\d+: error shape\.dense-needs-flat: /);

    const json = await runCli(['train', path.join(EXAMPLES, 'broken', 'typos.train.json'), '--json'], { cwd });
    assert.equal(json.code, 2, show(json));
    const events = jsonLines(json.stdout);
    assert.equal(events.length, 1);
    assert.equal(events[0].type, 'config-error');
    assert.ok((events[0].problems as unknown[]).length >= 5);
    assert.deepEqual(fs.readdirSync(cwd), [], 'no run folder for a config that cannot run');
  });
});
