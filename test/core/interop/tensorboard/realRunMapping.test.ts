// The real runs of ../shared/data/tfevents mapped onto training events: which tags each uses,
// the layers found, the epochs made, and the rules that could not run for lack of data.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TensorboardWatcher } from '../../../../src/core/interop/tensorboard/tensorboardWatcher';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const dataDir = path.resolve(repoRoot, '..', 'shared', 'data', 'tfevents');
const missing = fs.existsSync(dataDir) ? undefined : `the shared TensorBoard files are not at ${dataDir} (../shared beside the repository)`;

async function watchOnce(relative: string) {
  const watcher = new TensorboardWatcher(path.join(dataDir, relative));
  const result = await watcher.poll(true);
  assert.deepEqual(result.issues, []);
  const [run] = watcher.watchedRuns();
  return { run, events: result.updates.flatMap((u) => u.events), findings: result.updates.flatMap((u) => u.findings) };
}

describe('real TensorBoard runs mapped onto training events', () => {
  it('Keras TF2 with histogram_freq=1: 5 dense layers with weight statistics, 20 epochs with validation', { skip: missing }, async () => {
    const { run, events } = await watchOnce('keras-tf2-histograms');
    assert.deepEqual(run.mapped!.layers.map((l) => [l.name, l.has.weights, l.has.gradients]), ['dense', 'dense_1', 'dense_2', 'dense_3', 'dense_4'].map((n) => [n, true, false]));
    const epochs = events.filter((e) => e.type === 'epoch-end');
    assert.equal(epochs.length, 20);
    assert.ok(epochs.every((e) => e.type === 'epoch-end' && e.valLoss !== undefined && e.valMetrics.accuracy !== undefined));
    const stats = events.filter((e) => e.type === 'layer-stats');
    assert.equal(stats.length, 20);
    assert.ok(stats.every((e) => e.type === 'layer-stats' && e.layers.every((l) => l.weights && l.weights.std > 0)));
    assert.deepEqual(run.mapped!.tags.filter((t) => !t.used).map((t) => t.tag).sort(), ['dense/bias_0', 'dense_1/bias_0', 'dense_2/bias_0', 'dense_3/bias_0', 'dense_4/bias_0']);
    assert.ok(run.rulesWithoutData.some((r) => r.rule === 'grad.exploding'));
    assert.ok(!run.rulesWithoutData.some((r) => r.rule === 'fit.overfitting'));
  });

  it('Lightning: train_loss per step, val_loss per epoch with the epoch counter', { skip: missing }, async () => {
    const { run, events } = await watchOnce('lightning-tblogger');
    assert.equal(events.filter((e) => e.type === 'step').length, 200);
    const epochs = events.filter((e) => e.type === 'epoch-end');
    assert.equal(epochs.length, 8);
    assert.ok(epochs.every((e) => e.type === 'epoch-end' && Number.isFinite(e.loss) && e.valLoss !== undefined));
    assert.deepEqual(run.mapped!.tags.map((t) => [t.tag, t.used]), [['train_loss', true], ['epoch', true], ['val_loss', true]]);
  });

  it('TF1 Estimator: hidden layers are ReLU with exact zero fractions; logits and the linear part are not', { skip: missing }, async () => {
    const { run, events } = await watchOnce('tf1-estimator-tfx');
    assert.deepEqual(run.mapped!.layers.map((l) => [l.name, l.activation]), [
      ['dnn/hiddenlayer_0', 'relu'], ['dnn/hiddenlayer_1', 'relu'], ['dnn/hiddenlayer_2', 'relu'], ['dnn/hiddenlayer_3', 'relu'],
      ['dnn/logits', 'linear'], ['linear', 'linear'],
    ]);
    const first = events.find((e) => e.type === 'layer-stats');
    assert.ok(first?.type === 'layer-stats');
    // The logged fraction_of_zero_values of hiddenlayer_0 at step 1 (0.50175...), used as is.
    assert.equal(first.layers[0].activation.zeroFraction, Math.fround(first.layers[0].activation.zeroFraction!));
    assert.ok(first.layers[0].activation.zeroFraction! > 0.45 && first.layers[0].activation.zeroFraction! < 0.55);
    assert.equal(events.filter((e) => e.type === 'step').length, 10);
    assert.equal(events.filter((e) => e.type === 'epoch-end').length, 2, 'the eval folder has 2 evaluations');
  });

  it('Keras 2 on TF1: loss beside val_loss at the same steps is an epoch loss; overfitting is found', { skip: missing }, async () => {
    const { run, findings, events } = await watchOnce('keras2-tf1-guild');
    assert.equal(events.filter((e) => e.type === 'epoch-end').length, 20);
    assert.deepEqual(run.mapped!.data.epochLoss, 'logged');
    assert.deepEqual(findings.map((f) => f.rule), ['fit.overfitting']);
  });

  it('runs whose tags mean nothing to the mapping say so and run no rule', { skip: missing }, async () => {
    const { run, events } = await watchOnce('pytorch-tbreducer/tests/runs/strict/run_1');
    assert.deepEqual(events, []);
    assert.equal(run.rulesWithoutData.length, 15);
  });

  it('PyTorch tutorial: the training loss is used; images, the graph and pr-curves are counted as set aside', { skip: missing }, async () => {
    const { run, events } = await watchOnce('pytorch-tutorial');
    assert.equal(events.filter((e) => e.type === 'step').length, 15);
    // README: 1 + 15 images, one add_graph (graph_def + tagged_run_metadata), 2 pr-curves.
    assert.deepEqual(run.setAside, { image: 16, graph_def: 1, tagged_run_metadata: 1, 'tensor:pr_curves': 2 });
  });
});
