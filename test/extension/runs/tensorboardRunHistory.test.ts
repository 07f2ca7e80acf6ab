// TensorBoard runs in the extension's run history: the workspace's event files listed beside our
// own runs without being read, a run read (and then tailed) when its dashboard asks for it, its
// events fed to the dashboards like a training run's, and the tailing stopped on dispose.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import type { RunStore as RunStoreType } from '../../../src/extension/runs/runStore';
import { withVscodeStandIn } from './vscodeStandIn';
import { TensorboardRuns, tensorboardRunId } from '../../../src/extension/tensorboard/tensorboardRuns';
import type { TrainingEvent } from '../../../src/core/engine/trainingEvents';
import { tempLogdir, writeKerasRun, writePytorchRun, writerAt } from '../../core/interop/tensorboard/tensorboardFixtures';

// RunStore needs only vscode's EventEmitter: a stand-in, so this runs without VS Code.
// (TensorboardRuns imports no vscode.)
const { RunStore } = withVscodeStandIn(() => require('../../../src/extension/runs/runStore') as { RunStore: typeof RunStoreType });

const workspace = tempLogdir('tb-history');
after(workspace.cleanup);

/** Event files of the workspace, as vscode.workspace.findFiles would give them. */
function eventFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => path.basename(f).startsWith('events.out.tfevents.') && !f.includes('.training-doctor'))
    .map((f) => path.join(dir, f));
}

function setUp(root: string) {
  const logs: string[] = [];
  const store = new RunStore(() => [root], (line) => logs.push(line));
  const runs = new TensorboardRuns(store, {
    findEventFiles: async () => eventFiles(root),
    displayName: (dir) => path.relative(root, dir),
    log: (line) => logs.push(line),
    // Polled by the test, not by the clock.
    pollMs: 3_600_000,
  });
  store.addExternalRuns(runs);
  const appended: { runId: string; events: TrainingEvent[] }[] = [];
  store.onDidAppend((batch) => appended.push(batch));
  return { store, runs, logs, appended, dispose: () => { runs.dispose(); store.dispose(); } };
}

function ownRunFolder(root: string, id: string): void {
  const dir = path.join(root, '.training-doctor', 'runs', id);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify({
    runId: id, configName: 'mnist', configPath: path.join(root, 'mnist.train.json'), status: 'completed',
    startedAt: '2026-01-01T00:00:00.000Z', epochsCompleted: 3, backend: 'cpu', final: { loss: 0.2 }, findingCount: 0,
  }));
  fs.writeFileSync(path.join(dir, 'metrics.jsonl'), '');
}

const root = path.join(workspace.dir, 'project');
writePytorchRun(path.join(root, 'runs', 'exp1'), { steps: 30, validationEvery: 10 });
writeKerasRun(path.join(root, 'logs', 'fit'), 4, (e) => 1 / (e + 1), (e) => 1.2 / (e + 1));
writePytorchRun(path.join(root, 'lightning_logs', 'version_0'), { steps: 5 });
ownRunFolder(root, 'run-own');

test('event files of the workspace are listed in the history beside our own runs, one line per run, none read', async () => {
  const { store, runs, dispose } = setUp(root);
  try {
    await runs.discoverWorkspace();
    const history = store.listRuns();
    const byName = new Map(history.map((r) => [r.configName, r]));
    assert.deepEqual([...byName.keys()].sort(), ['lightning_logs/version_0', 'logs/fit', 'mnist', 'runs/exp1'].sort());
    // Keras' train/ and validation/ folders are one run.
    assert.equal(byName.get('logs/fit')!.runId, tensorboardRunId(path.join(root, 'logs', 'fit')));
    assert.equal(byName.get('runs/exp1')!.status, 'unknown');
    assert.equal(byName.get('mnist')!.status, 'completed');
    // The start time comes from the event file's name (written at 1_700_000_000 s).
    assert.equal(byName.get('runs/exp1')!.startedAt, new Date(1_700_000_000_000).toISOString());
    assert.deepEqual(runs.followedFolders(), []);
  } finally {
    dispose();
  }
});

test('a dashboard asking for a TensorBoard run starts following it; its events reach the store and the dashboards', async () => {
  const { store, runs, appended, dispose } = setUp(root);
  try {
    await runs.discoverWorkspace();
    const runId = tensorboardRunId(path.join(root, 'runs', 'exp1'));
    assert.equal(store.getRunData(runId), undefined);
    assert.deepEqual(runs.followedFolders(), [path.join(root, 'runs', 'exp1')]);
    await runs.pollNow();
    await runs.pollNow();
    const data = store.getRunData(runId);
    assert.ok(data?.started);
    assert.equal(data.started.runId, runId);
    assert.equal(data.started.configName, 'runs/exp1');
    assert.equal(data.started.configPath, undefined);
    assert.ok(data.steps.step.length >= 29, `steps: ${data.steps.step.length}`);
    assert.ok(data.layerStats.length > 0);
    assert.deepEqual(data.layerStats[0].layers.map((l) => l.name), ['fc1', 'fc2']);
    assert.ok(data.epochs.length > 0);
    // Not the active run: the side bar keeps following our own training.
    assert.equal(store.activeRunId, undefined);
    const entry = store.listRuns().find((r) => r.runId === runId);
    assert.equal(entry?.status, 'running');
    assert.equal(entry?.epochsCompleted, data.epochs.length);
    // The events were announced for the dashboards (the store batches them).
    store.dispose();
    assert.ok(appended.some((b) => b.runId === runId && b.events.some((e) => e.type === 'step')));
  } finally {
    dispose();
  }
});

test('records appended to a followed run arrive as new events; after dispose nothing more is read', async () => {
  const logdir = path.join(workspace.dir, 'live');
  const writer = writerAt(path.join(logdir, 'runs', 'live'), 1_700_000_000);
  for (let step = 0; step < 5; step++) writer.addScalars(step, { 'Loss/train': 1 / (step + 1), lr: 0.1 });
  writer.flush();
  const { store, runs, dispose } = setUp(logdir);
  try {
    await runs.discoverWorkspace();
    const runId = tensorboardRunId(path.join(logdir, 'runs', 'live'));
    store.getRunData(runId);
    await runs.pollNow();
    await runs.pollNow();
    const before = store.getRunData(runId)!.steps.step.length;
    assert.ok(before >= 4);
    for (let step = 5; step < 10; step++) writer.addScalars(step, { 'Loss/train': 1 / (step + 1), lr: 0.1 });
    writer.flush();
    await runs.pollNow();
    await runs.pollNow();
    const grown = store.getRunData(runId)!.steps.step.length;
    assert.ok(grown >= 9, `steps after appending: ${grown}`);
    runs.dispose();
    assert.deepEqual(runs.followedFolders(), []);
    for (let step = 10; step < 15; step++) writer.addScalars(step, { 'Loss/train': 1 / (step + 1), lr: 0.1 });
    writer.close();
    await runs.pollNow();
    assert.equal(store.getRunData(runId)!.steps.step.length, grown);
  } finally {
    dispose();
  }
});

test('a run asked for before the workspace was searched (a panel restored after a reload) is read once it is found', async () => {
  const { store, runs, dispose } = setUp(root);
  try {
    const runId = tensorboardRunId(path.join(root, 'logs', 'fit'));
    assert.equal(store.getRunData(runId), undefined);
    assert.deepEqual(runs.followedFolders(), []);
    await runs.discoverWorkspace();
    assert.deepEqual(runs.followedFolders(), [path.join(root, 'logs', 'fit')]);
  } finally {
    dispose();
  }
});

test('an id naming a folder that was neither found nor opened is not read', async () => {
  const { store, runs, dispose } = setUp(root);
  try {
    await runs.discoverWorkspace();
    assert.equal(store.getRunData(tensorboardRunId(path.join(workspace.dir, 'elsewhere'))), undefined);
    assert.deepEqual(runs.followedFolders(), []);
  } finally {
    dispose();
  }
});

test('opening a folder (the command) reads its runs at once; a run inside it is not read twice', async () => {
  const { store, runs, dispose } = setUp(root);
  try {
    await runs.discoverWorkspace();
    const found = await runs.openFolder(path.join(root, 'runs'));
    const runId = tensorboardRunId(path.join(root, 'runs', 'exp1'));
    assert.deepEqual(found, [runId]);
    // The dashboard asks for it: the folder opened already reads it.
    store.getRunData(runId);
    assert.deepEqual(runs.followedFolders(), [path.join(root, 'runs')]);
    await runs.pollNow();
    await runs.pollNow();
    const data = store.getRunData(runId)!;
    assert.equal(new Set(data.steps.step).size, data.steps.step.length, 'each step once');
  } finally {
    dispose();
  }
});

test('opening a folder around a run already followed does not read that run a second time', async () => {
  const { store, runs, dispose } = setUp(root);
  try {
    await runs.discoverWorkspace();
    const runId = tensorboardRunId(path.join(root, 'runs', 'exp1'));
    store.getRunData(runId);
    await runs.pollNow();
    await runs.openFolder(path.join(root, 'runs'));
    await runs.pollNow();
    await runs.pollNow();
    const data = store.getRunData(runId)!;
    assert.ok(data.steps.step.length >= 29);
    assert.equal(new Set(data.steps.step).size, data.steps.step.length, 'each step once');
    assert.equal(data.findings.length, new Set(data.findings.map((f) => JSON.stringify(f))).size, 'each finding once');
  } finally {
    dispose();
  }
});
