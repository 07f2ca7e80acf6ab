import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadDataset } from '../../../src/core/data/loadDataset';
import { buildModel } from '../../../src/core/engine/modelBuilder';
import { loadSavedModel, saveModel } from '../../../src/core/engine/modelSaver';
import { DiskWriteError } from '../../../src/core/engine/diskWrites';
import { HEARTBEAT_FILE, RunFolder, runsRoot, type RunRecord } from '../../../src/core/engine/runFolder';
import { readRun } from '../../../src/core/engine/runFolderReader';
import type { Tf } from '../../../src/core/engine/tensorflowRuntime';
import { configFrom, tempDir, train, wasmRuntime, type Tensor } from './engineFixtures';

const root = tempDir('runfolder');
after(root.cleanup);

let tf: Tf;
before(async () => {
  tf = (await wasmRuntime()).tf;
});

const configText = `// A config with comments, kept verbatim in the run folder.
{
  "name": "run folder test",
  "seed": 11,
  "data": {
    "dataset": { "synthetic": "blobs", "features": 4, "samples": 300, "classes": 3 },
    "validationSize": 60, // held out
    "preprocess": { "normalize": "standardize" }
  },
  "model": {
    "input": [4],
    "layers": [
      { "type": "dense", "units": 16, "activation": "relu", "kernelInitializer": "heNormal" },
      { "type": "batchNormalization" },
      { "type": "dropout", "rate": 0.2 },
      { "type": "dense", "units": 3, "activation": "softmax" },
    ],
  },
  "training": { "epochs": 3, "batchSize": 32, "optimizer": { "type": "adam", "learningRate": 0.01 } },
}
`;

function readRecord(dir: string): RunRecord {
  return JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8')) as RunRecord;
}

describe('run folder of a training run', () => {
  it('holds the config text, a run.json that follows the run, parseable metrics and loadable weights', async () => {
    const config = configFrom(configText);
    const workspace = path.join(root.dir, 'workspace');
    const seen: { type: string; epoch?: number; record: RunRecord; lines: number }[] = [];
    let dir = '';
    const result = await train(config, {
      workspaceDir: workspace, configText, configPath: '/projects/demo/run-folder.train.json', saveWeights: true,
      onEvent: (event) => {
        if (event.type === 'run-started') dir = event.runDir!;
        if (event.type === 'run-started' || event.type === 'step' || event.type === 'epoch-end') {
          const metrics = path.join(dir, 'metrics.jsonl');
          const lines = fs.existsSync(metrics) ? fs.readFileSync(metrics, 'utf8').split('\n').filter(Boolean).length : 0;
          seen.push({ type: event.type, epoch: 'epoch' in event ? event.epoch : undefined, record: readRecord(dir), lines });
        }
      },
    });
    assert.equal(result.ended.status, 'completed', result.ended.reason);
    assert.equal(path.dirname(dir), runsRoot(workspace));
    assert.match(path.basename(dir), /^\d{8}-\d{6}-run-folder-test$/);

    // run.json: running (with the backend) from the start, epochsCompleted following the epochs.
    const first = seen[0];
    assert.equal(first.type, 'run-started');
    assert.equal(first.record.status, 'running');
    assert.equal(first.record.backend, 'wasm');
    assert.equal(first.record.configName, 'run folder test');
    assert.equal(first.record.configPath, '/projects/demo/run-folder.train.json');
    assert.equal(first.record.pid, process.pid);
    for (const s of seen.filter((x) => x.type === 'step')) {
      assert.equal(s.record.status, 'running');
      assert.equal(s.record.epochsCompleted, s.epoch, 'run.json is updated at every epoch end');
    }
    // Events are flushed by each epoch end: a step of epoch 2 sees everything of epoch 1 on disk.
    const firstOfEpoch2 = seen.find((x) => x.type === 'step' && x.epoch === 2)!;
    const eventsThroughEpoch1 = result.events.findIndex((e) => e.type === 'epoch-end' && e.epoch === 1) + 1;
    assert.ok(firstOfEpoch2.lines >= eventsThroughEpoch1, `${firstOfEpoch2.lines} lines on disk, ${eventsThroughEpoch1} expected`);

    const record = readRecord(dir);
    assert.equal(record.status, 'completed');
    assert.equal(record.epochsCompleted, 3);
    assert.equal(record.steps, result.ended.steps);
    assert.ok(record.endedAt && record.durationMs !== undefined && record.durationMs >= 0);
    assert.deepEqual(record.final, JSON.parse(JSON.stringify(result.ended.final)));
    assert.equal(fs.readFileSync(path.join(dir, 'config.train.json'), 'utf8'), configText);
    // Plus the TensorBoard event file, which tensorboardEventFile.test.ts checks.
    assert.deepEqual(fs.readdirSync(dir).filter((f) => !f.startsWith('events.out.tfevents.')).sort(), ['config.train.json', 'heartbeat', 'metrics.jsonl', 'model', 'run.json']);

    const lines = fs.readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8').split('\n');
    assert.equal(lines.at(-1), '', 'the file ends with a newline');
    const parsed = lines.slice(0, -1).map((line) => JSON.parse(line));
    assert.deepEqual(parsed, JSON.parse(JSON.stringify(result.events)));
    assert.deepEqual(readRun(dir).events, parsed);

    // The saved model predicts what the trained predictor did: its validation metrics match.
    const model = await loadSavedModel(tf, path.join(dir, 'model'));
    const data = await loadDataset(config.data, config.seed, '.');
    const accuracy = tf.tidy(() => {
      const predictions = model.predict(tf.tensor2d(data.validation.x, [data.validation.count, 4])) as Tensor;
      return tf.mean(tf.cast(tf.equal(tf.argMax(predictions, -1), tf.tensor1d(Int32Array.from(data.validation.y), 'int32')), 'float32')).dataSync()[0];
    });
    assert.ok(Math.abs(accuracy - result.ended.final.valMetrics.accuracy) < 1e-6, `${accuracy} vs ${result.ended.final.valMetrics.accuracy}`);
    model.dispose();
  });
});

describe('modelSaver', () => {
  const layers = [
    { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same', activation: 'leakyRelu' },
    { type: 'batchNormalization' },
    { type: 'maxPooling2d', poolSize: 2 },
    { type: 'residual', layers: [{ type: 'conv2d', filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }, { type: 'batchNormalization' }] },
    { type: 'dropout', rate: 0.5 },
    { type: 'averagePooling2d', poolSize: 2, padding: 'same' },
    { type: 'globalAveragePooling2d' },
    { type: 'activation', activation: 'gelu' },
    { type: 'dense', units: 10, activation: 'softmax' },
  ];

  it('round-trips every layer kind: the loaded model predicts exactly what the saved one did', async () => {
    const config = configFrom({
      data: { dataset: 'mnist', shape: 'image' },
      model: { input: [28, 28, 1], layers },
      training: { epochs: 1, optimizer: { type: 'sgd' } },
    });
    const built = buildModel(tf, config.model.layers, config.model.input, 3);
    // Move BatchNorm's moving statistics away from 0/1 so that saving them matters.
    const x = tf.randomNormal([8, 28, 28, 1], 0.5, 1, 'float32', 1);
    for (let i = 0; i < 3; i++) tf.dispose(built.model.apply(x, { training: true }) as Tensor[]);
    const dir = path.join(root.dir, 'saved');
    await saveModel(tf, built.predictor, dir);
    const loaded = await loadSavedModel(tf, dir);
    const expected = (built.predictor.predict(x) as Tensor).dataSync();
    const actual = (loaded.predict(x) as Tensor).dataSync();
    assert.deepEqual(Array.from(actual), Array.from(expected));
    assert.equal(loaded.countParams(), built.predictor.countParams());
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    assert.equal(json.format, 'layers-model');
    assert.equal(fs.statSync(path.join(dir, 'weights.bin')).size, json.weightsManifest[0].weights.reduce((s: number, w: { shape: number[] }) => s + 4 * w.shape.reduce((a, b) => a * b, 1), 0));
    tf.dispose(x);
    built.model.dispose();
    loaded.dispose();
  });

  it('loads a model with dropout in a fresh process (before any model was built there)', () => {
    const dir = path.join(root.dir, 'saved');
    const script = path.join(root.dir, 'load.ts');
    const src = path.resolve(__dirname, '../../../src/core/engine');
    fs.writeFileSync(script, `
      import { loadTensorflow } from ${JSON.stringify(path.join(src, 'tensorflowRuntime'))};
      import { loadSavedModel } from ${JSON.stringify(path.join(src, 'modelSaver'))};
      loadTensorflow({ preference: 'wasm' })
        .then(({ tf }) => loadSavedModel(tf, ${JSON.stringify(dir)}))
        .then((m) => console.log('layers', m.layers.map((l) => l.getClassName()).join(',')))
        .catch((e) => { console.log('error', e.message); process.exitCode = 1; });
    `);
    const child = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', cwd: path.resolve(__dirname, '../../..') });
    assert.equal(child.status, 0, child.stdout + child.stderr);
    assert.match(child.stdout, /TrainingDoctorSeededDropout/);
  });
});

describe('RunFolder', () => {
  it('gives two runs of the same config started in the same second distinct folders', () => {
    const runs = path.join(root.dir, 'same-second');
    const now = new Date(2026, 0, 2, 3, 4, 5);
    const a = RunFolder.create(runs, 'my config', '{}', undefined, now);
    const b = RunFolder.create(runs, 'my config', '{}', undefined, now);
    const c = RunFolder.create(runs, 'my config', '{}', undefined, now);
    assert.equal(a.id, '20260102-030405-my-config');
    assert.equal(b.id, '20260102-030405-my-config-2');
    assert.equal(c.id, '20260102-030405-my-config-3');
    assert.equal(readRun(b.dir).record?.status, 'running');
    assert.equal(RunFolder.create(runs, '../../etc/passwd', '{}', undefined, now).id, '20260102-030405-..-..-etc-passwd');
    assert.equal(RunFolder.create(runs, '///', '{}', undefined, now).id, '20260102-030405-run');
  });

  it('readRun skips a torn last line and reads a folder without metrics', () => {
    const folder = RunFolder.create(path.join(root.dir, 'torn'), 'torn', '{}');
    assert.deepEqual(readRun(folder.dir).events, []);
    folder.append({ type: 'log', level: 'info', message: 'one' });
    folder.append({ type: 'epoch-end', epoch: 0, step: 1, loss: 1, metrics: {}, valMetrics: {}, learningRate: 0.1, durationMs: 1 });
    fs.appendFileSync(path.join(folder.dir, 'metrics.jsonl'), '{"type":"step","step":2,"lo');
    const { events, record } = readRun(folder.dir);
    assert.deepEqual(events.map((e) => e.type), ['log', 'epoch-end']);
    assert.equal(record?.id, folder.id);
  });

  it('buffers step events until a flush point', () => {
    const folder = RunFolder.create(path.join(root.dir, 'buffer'), 'buffer', '{}');
    folder.append({ type: 'step', step: 0, epoch: 0, loss: 1, gradNorm: 0.5, learningRate: 0.1, metrics: {} });
    assert.deepEqual(readRun(folder.dir).events, []);
    folder.flush();
    assert.equal(readRun(folder.dir).events.length, 1);
  });
});

describe('a run folder and its disk', () => {
  it('records who runs it (pid, host) and when it last beat', () => {
    const folder = RunFolder.create(path.join(root.dir, 'who'), 'who', '{}');
    const record = readRecord(folder.dir);
    assert.equal(record.pid, process.pid);
    assert.equal(record.host, os.hostname());
    assert.ok(Date.parse(record.heartbeatAt ?? '') > 0);
    assert.ok(fs.existsSync(path.join(folder.dir, HEARTBEAT_FILE)));
    folder.finish({ status: 'completed' });
  });

  const badRoots: [string, () => string][] = [
    ['a file', () => {
      const file = path.join(root.dir, 'a-file');
      fs.writeFileSync(file, 'not a folder');
      return file;
    }],
    ['a path through a file', () => path.join(root.dir, 'a-file', 'runs')],
    ['/dev/null', () => '/dev/null'],
    ['a new folder in /proc', () => '/proc/training-doctor-runs'],
  ];
  for (const [what, rootOf] of badRoots) {
    it(`refuses ${what} as the runs folder with a DiskWriteError that says why, at once`, (t) => {
      const runs = rootOf();
      if (!fs.existsSync(path.dirname(runs))) return t.skip(`${path.dirname(runs)} does not exist here`);
      assert.throws(() => RunFolder.create(runs, 'bad', '{}'), (error) => {
        assert.ok(error instanceof DiskWriteError, String(error));
        assert.match(error.message, /^Cannot write the run folder \(.+\): .+\.$/);
        return true;
      });
    });
  }

  it('ends a run whose metrics cannot be written as failed, with the reason and a run-ended event, never a throw', async () => {
    const config = configFrom(configText);
    let dir = '';
    const result = await train(config, {
      runsDir: path.join(root.dir, 'unwritable'), configText,
      onEvent: (event) => {
        // metrics.jsonl is first written at the first flush, after run-started: a folder in its way.
        if (event.type === 'run-started') fs.mkdirSync(path.join((dir = event.runDir!), 'metrics.jsonl'));
      },
    });
    assert.equal(result.ended.status, 'failed');
    assert.match(result.ended.reason ?? '', /^Cannot write the run's metrics\.jsonl \(.+metrics\.jsonl\): it is a folder \(EISDIR\)\.$/);
    assert.equal(result.events.at(-1)?.type, 'run-ended');
    assert.ok(result.ended.epochsCompleted <= 1, 'the run stopped at the first step after the failure');
    const record = readRecord(dir);
    assert.equal(record.status, 'failed');
    assert.equal(record.reason, result.ended.reason);
  });
});
