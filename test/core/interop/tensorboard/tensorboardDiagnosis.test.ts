// From event files to findings: runs written like PyTorch and Keras users write them go through
// the watcher (discovery, reading, mapping, live rules) and come out as training events and
// findings with framework advice.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TrainingEvent } from '../../../../src/core/engine/trainingEvents';
import { TensorboardWatcher } from '../../../../src/core/interop/tensorboard/tensorboardWatcher';
import { fileVersionEvent, histogramOf, scalarValue, summaryEvent } from '../../../../src/core/interop/tensorboard/eventEncoding';
import { encodeEventMessage } from '../../../../src/core/interop/tensorboard/eventProto';
import { frameRecord } from '../../../../src/core/interop/tensorboard/tfRecordFraming';
import { spread, tempLogdir, writeKerasRun, writePytorchRun, writerAt } from './tensorboardFixtures';

const root = tempLogdir('tbdiag');
after(root.cleanup);
let serial = 0;
const fresh = () => {
  const dir = path.join(root.dir, `run-${serial++}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
};

async function readAll(logdir: string) {
  const watcher = new TensorboardWatcher(logdir);
  const result = await watcher.poll(true);
  const events = result.updates.flatMap((u) => u.events);
  return { watcher, result, events, findings: result.updates.flatMap((u) => u.findings), runs: watcher.watchedRuns() };
}

const ofType = <T extends TrainingEvent['type']>(events: TrainingEvent[], type: T) => events.filter((e) => e.type === type) as Extract<TrainingEvent, { type: T }>[];

describe('TensorBoard runs as training events', () => {
  it('maps a PyTorch run: steps with loss and lr, per-layer statistics, gradient norms from histograms', async () => {
    const dir = fresh();
    writePytorchRun(dir, { steps: 30, form: 'legacy', validationEvery: 10 });
    const { events, runs, result } = await readAll(dir);
    assert.deepEqual(result.issues, []);
    assert.equal(events[0].type, 'run-started');
    const steps = ofType(events, 'step');
    assert.deepEqual(steps.map((s) => s.step), Array.from({ length: 30 }, (_, i) => i));
    assert.equal(steps[0].learningRate, Math.fround(0.01));
    assert.equal(steps[0].loss, Math.fround(2.1));
    // Global norm: fc1's 512 gradients and fc2's 64 with std 0.01 (legacy form: exact sum of squares).
    const expectedNorm = Math.sqrt([...spread(512, 0, 0.01), ...spread(64, 0, 0.01)].reduce((s, v) => s + v * v, 0));
    assert.ok(Math.abs(steps[0].gradNorm - expectedNorm) / expectedNorm < 1e-6, `${steps[0].gradNorm} vs ${expectedNorm}`);
    const stats = ofType(events, 'layer-stats');
    assert.equal(stats.length, 30);
    assert.deepEqual(stats[0].layers.map((l) => l.name), ['fc1', 'fc2']);
    const fc1 = stats[0].layers[0];
    assert.ok(Math.abs(fc1.weights!.std - 0.1) < 0.01);
    assert.ok(Math.abs(fc1.activation.zeroFraction! - 0.4) < 1e-9, `zero fraction ${fc1.activation.zeroFraction}`);
    assert.equal(stats[0].layers[1].activation.mean, undefined, 'no activation histogram for fc2: not measured');
    // Validation every 10 steps: an epoch end each, with the training loss averaged since the last one.
    const epochs = ofType(events, 'epoch-end');
    assert.deepEqual(epochs.map((e) => [e.epoch, e.step]), [[0, 9], [1, 19], [2, 29]]);
    const firstTen = Array.from({ length: 10 }, (_, s) => Math.fround(2 * Math.exp(-s / 20) + 0.1));
    assert.ok(Math.abs(epochs[0].loss - firstTen.reduce((a, b) => a + b) / 10) < 1e-6);
    const [run] = runs;
    assert.deepEqual(run.mapped?.layers.map((l) => [l.name, l.activation, l.activationSource]), [['fc1', 'relu', 'histogram'], ['fc2', 'linear', 'unknown']]);
    const unused = run.mapped!.tags.filter((t) => !t.used).map((t) => t.tag);
    assert.deepEqual(unused, ['fc1.bias']);
  });

  it('a healthy run gives no findings', async () => {
    const dir = fresh();
    writePytorchRun(dir, { steps: 60, validationEvery: 10 });
    const { findings } = await readAll(dir);
    assert.deepEqual(findings.map((f) => f.rule), []);
  });

  it('exploding gradients: grad.exploding, with PyTorch and Keras advice and no config edits', async () => {
    const dir = fresh();
    writePytorchRun(dir, { steps: 25, gradientStd: (s) => (s < 12 ? 0.01 : 5) });
    const { findings } = await readAll(dir);
    const exploding = findings.find((f) => f.rule === 'grad.exploding');
    assert.ok(exploding, `findings: ${findings.map((f) => f.rule).join(', ')}`);
    assert.match(exploding.message, /clip_grad_norm_/);
    assert.match(exploding.message, /clipnorm/);
    assert.deepEqual(exploding.fixes, []);
    assert.equal(exploding.path, undefined);
  });

  it('dead ReLUs from activation histograms: act.dead-relu on fc1, named', async () => {
    const dir = fresh();
    writePytorchRun(dir, { steps: 10, deadFraction: () => 0.99 });
    const { findings } = await readAll(dir);
    const dead = findings.find((f) => f.rule === 'act.dead-relu');
    assert.ok(dead, `findings: ${findings.map((f) => f.rule).join(', ')}`);
    assert.equal(dead.evidence.layerName, 'fc1');
    assert.match(dead.message, /LeakyReLU/);
    assert.doesNotMatch(dead.message, /"activation": "leakyRelu"/);
  });

  it('Keras layout: train/ and validation/ epoch losses make epoch ends; overfitting is found', async () => {
    const dir = fresh();
    writeKerasRun(dir, 12, (e) => 1 / (e + 1), (e) => (e < 4 ? 1 / (e + 1) + 0.05 : 0.3 + 0.1 * (e - 4)));
    const { events, findings, runs } = await readAll(dir);
    const epochs = ofType(events, 'epoch-end');
    assert.deepEqual(epochs.map((e) => e.epoch), Array.from({ length: 12 }, (_, i) => i));
    assert.equal(epochs[5].valLoss, Math.fround(0.4));
    assert.equal(epochs[5].metrics.accuracy, Math.fround(0.5 + 5 / 24));
    assert.ok(findings.some((f) => f.rule === 'fit.overfitting'), `findings: ${findings.map((f) => f.rule).join(', ')}`);
    // Epoch losses only: the loss rules get one step per epoch.
    assert.equal(ofType(events, 'step').length, 12);
    const missing = runs[0].rulesWithoutData.map((m) => m.rule);
    // Every rule that cannot judge is named, those that need what no TensorBoard log says included.
    assert.deepEqual(missing, [
      'grad.exploding', 'grad.vanishing', 'init.exploding-activations', 'init.vanishing-activations', 'loss.initial-mismatch', 'act.dead-relu', 'act.saturated',
      'train.frozen-layer', 'lr.too-low', 'lr.no-decay', 'probe.cannot-overfit-batch',
    ]);
  });

  it('after a restart the later file wins for the steps logged twice', async () => {
    const dir = fresh();
    const first = writerAt(dir, 1_700_000_000, 'legacy', 0);
    for (let step = 0; step < 10; step++) first.addScalars(step, { train_loss: 1 });
    first.close();
    const second = writerAt(dir, 1_700_000_500, 'legacy', 1);
    for (let step = 5; step < 15; step++) second.addScalars(step, { train_loss: 2 });
    second.close();
    const { events } = await readAll(dir);
    assert.deepEqual(ofType(events, 'step').map((s) => [s.step, s.loss]), Array.from({ length: 15 }, (_, s) => [s, s < 5 ? 1 : 2]));
  });

  it('a SessionLog START (a restart from a checkpoint) drops what the earlier session logged from that step on', async () => {
    const dir = fresh();
    const first = writerAt(dir, 1_700_000_000, 'legacy', 0);
    for (let step = 0; step < 10; step++) first.addScalars(step, { train_loss: 1 });
    first.close();
    const restarted = path.join(dir, 'events.out.tfevents.1700000500.testhost.1.1');
    const records = [frameRecord(fileVersionEvent(1_700_000_500)), frameRecord(encodeEventMessage({ wall_time: 1_700_000_500, step: 6, session_log: { status: 1 } }))];
    for (let step = 6; step < 8; step++) records.push(frameRecord(summaryEvent(step, 1_700_000_501 + step, [scalarValue('train_loss', 2, { form: 'legacy' })])));
    fs.writeFileSync(restarted, Buffer.concat(records));
    const { events } = await readAll(dir);
    assert.deepEqual(ofType(events, 'step').map((s) => [s.step, s.loss]), [[0, 1], [1, 1], [2, 1], [3, 1], [4, 1], [5, 1], [6, 2], [7, 2]]);
  });

  it('follows a run being written: held-back last step, new records and new files picked up', async () => {
    const dir = fresh();
    const writer = writerAt(dir, 1_700_000_000, 'tensor', 0);
    const watcher = new TensorboardWatcher(dir);
    for (let step = 0; step < 3; step++) writer.addScalars(step, { 'Loss/train': 1, lr: 0.1 });
    writer.flush();
    const first = await watcher.poll(false);
    assert.deepEqual(first.newRuns, [path.basename(dir)]);
    const steps = (r: typeof first) => r.updates.flatMap((u) => u.events).filter((e) => e.type === 'step').map((e) => (e as { step: number }).step);
    assert.deepEqual(steps(first), [0, 1], 'the last step may still get values: held back');
    assert.deepEqual(steps(await watcher.poll(false)), [2], 'a poll that finds nothing new settles it');
    assert.deepEqual(steps(await watcher.poll(false)), []);
    writer.addScalars(3, { 'Loss/train': 1 });
    writer.addHistograms(3, { 'fc1.weight': histogramOf([1, 2, 3]) });
    writer.flush();
    assert.deepEqual(steps(await watcher.poll(false)), []);
    const restart = writerAt(dir, 1_700_001_000, 'tensor', 1);
    restart.addScalars(4, { 'Loss/train': 0.5 });
    restart.close();
    assert.deepEqual(steps(await watcher.poll(false)), [3]);
    assert.deepEqual(steps(await watcher.poll(true)), [4]);
    assert.deepEqual(steps(await watcher.poll(true)), [], 'nothing twice');
  });

  it('a Keras epoch waits for its validation values, which come in another file', async () => {
    const dir = fresh();
    const train = writerAt(path.join(dir, 'train'), 1_700_000_000, 'legacy', 0);
    const validation = writerAt(path.join(dir, 'validation'), 1_700_000_001, 'legacy', 1);
    const watcher = new TensorboardWatcher(dir);
    const epochEnds = (r: Awaited<ReturnType<typeof watcher.poll>>) =>
      r.updates.flatMap((u) => u.events).flatMap((e) => (e.type === 'epoch-end' ? [[e.epoch, e.valLoss]] : []));
    train.addScalars(0, { epoch_loss: 1 });
    validation.addScalars(0, { epoch_loss: 1.1 });
    train.addScalars(1, { epoch_loss: 0.8 });
    train.flush();
    validation.flush();
    assert.deepEqual(epochEnds(await watcher.poll(false)), [[0, Math.fround(1.1)]]);
    assert.deepEqual(epochEnds(await watcher.poll(false)), [], 'epoch 1 has no validation value yet: held back, even when quiet');
    validation.addScalars(1, { epoch_loss: 0.9 });
    validation.flush();
    assert.deepEqual(epochEnds(await watcher.poll(false)), [[1, Math.fround(0.9)]]);
  });
});
