// What the charts draw, computed from real runs' data.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  epochLoss, layerGradientNorms, layerSnapshot, learningRateSeries, metricCurves, sampleIndexAtStep, stepLoss, stepsPerEpoch,
} from '../../webview/src/runSeries';
import { fullRun } from './webviewHarness';

const mnist = fullRun('mnist-mlp.metrics.jsonl');
const deep = fullRun('deep-tanh-tiny-init.metrics.jsonl');

test('curves are on an epoch axis: steps at (step + 1) / stepsPerEpoch, epoch ends at epoch + 1', () => {
  assert.equal(stepsPerEpoch(mnist), 125);
  const loss = stepLoss(mnist);
  assert.equal(loss.length, 375);
  assert.equal(loss[124].x, 1);
  assert.equal(loss[374].x, 3);
  const epochs = epochLoss(mnist);
  assert.deepEqual(epochs.train.map((p) => p.x), [1, 2, 3]);
  assert.deepEqual(epochs.validation.map((p) => p.y), mnist.epochs.map((e) => e.valLoss));
  assert.equal(learningRateSeries(mnist).length, 375);
});

test('metrics come as train and validation curves per name', () => {
  const [accuracy] = metricCurves(mnist);
  assert.equal(accuracy.name, 'accuracy');
  assert.equal(accuracy.train.length, 3);
  assert.equal(accuracy.validation.length, 3);
  assert.ok(accuracy.validation[2].y! > 0.9);
});

test('gradient norms: one curve per weighted layer, one point per sample', () => {
  const curves = layerGradientNorms(deep);
  assert.deepEqual(curves.map((c) => c.name), ['0:dense', '1:dense', '2:dense', '3:dense', '4:dense', '5:dense', '6:dense']);
  assert.ok(curves.every((c) => c.points.length === deep.layerStats.length));
  const mlp = layerGradientNorms(mnist);
  assert.deepEqual(mlp.map((c) => c.name), ['0:dense', '2:dense'], 'dropout has no weights, so no gradient');
});

test('the per-layer picture at a sample, and the sample for a step', () => {
  const first = layerSnapshot(deep, 0)!;
  assert.equal(first.step, 0);
  assert.equal(first.labels.length, 7);
  assert.ok(first.activationStd[0]! > 0.2 && first.activationStd[5]! < 1e-4, 'the seeds picture: std fades with depth');
  assert.ok(first.saturatedFraction.slice(0, 6).every((v) => v !== null), 'tanh layers report saturation');
  assert.equal(first.deadFraction[0], null, 'tanh layers have no dead-unit statistic');
  const last = layerSnapshot(deep, 999)!;
  assert.equal(last.sampleIndex, deep.layerStats.length - 1, 'clamped to the last sample');
  assert.equal(sampleIndexAtStep(deep, 0), 0);
  assert.equal(sampleIndexAtStep(deep, 35), 3);
  assert.equal(sampleIndexAtStep(deep, 1e9), deep.layerStats.length - 1);
  assert.equal(layerSnapshot({ ...deep, layerStats: [] }, 0), undefined);
});
