// The side bar's health cells: one state per layer from its latest statistics sample.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LayerStats } from '../../src/core/engine/layerStatistics';
import { layerHealth } from '../../webview/src/layerHealth';
import { fullRun } from './webviewHarness';

const layer = (index: number, activation: LayerStats['activation'], extra: Partial<LayerStats> = {}): LayerStats =>
  ({ index, name: `${index}:dense`, type: 'dense', activation, ...extra });

test('the deep tanh net with tiny weights fades from layer 1 on; its softmax output is not judged', () => {
  const run = fullRun('deep-tanh-tiny-init.metrics.jsonl');
  const states = layerHealth(run.layerStats[0].layers).map((l) => l.state);
  assert.deepEqual(states, ['healthy', 'vanishing', 'vanishing', 'vanishing', 'vanishing', 'vanishing', 'output']);
});

test('the healthy MNIST MLP is healthy throughout', () => {
  const run = fullRun('mnist-mlp.metrics.jsonl');
  for (const sample of run.layerStats) {
    assert.deepEqual(layerHealth(sample.layers).map((l) => l.state), ['healthy', 'healthy', 'output'], `step ${sample.step}`);
  }
});

test('dead, saturated, exploding and non-finite layers, in that order of precedence', () => {
  const states = layerHealth([
    layer(0, { mean: 0, std: 0.01, deadFraction: 0.6 }),
    layer(1, { mean: 0, std: 0.99, saturatedFraction: 0.4 }),
    layer(2, { mean: 0, std: 50 }),
    layer(3, { mean: null as unknown as number, std: null as unknown as number }),
    layer(4, { mean: 0, std: 1, deadFraction: 0.1, saturatedFraction: 0.1 }),
    layer(5, { mean: 0, std: 0.3 }),
  ]).map((l) => l.state);
  assert.deepEqual(states, ['dead', 'saturated', 'exploding', 'nonfinite', 'healthy', 'output']);
});

test('the tooltip lines carry the numbers', () => {
  const [health] = layerHealth([layer(0, { mean: 0.5, std: 0.8, zeroFraction: 0.51, deadFraction: 0 }, { weights: { mean: 0, std: 0.05 }, gradNorm: 6.2 }), layer(1, { mean: 0.1, std: 0.2 })]);
  assert.deepEqual(health.details, ['0:dense (dense)', 'activation mean 0.5, std 0.8', 'dead units 0%', 'zeros 51%', 'weight std 0.05', 'gradient norm 6.2']);
});

test('a layer logged without activation statistics (a TensorBoard run) is "not logged", not non-finite; a blown-up one stays non-finite', () => {
  const health = layerHealth([
    layer(0, {} as LayerStats['activation'], { weights: { mean: 0, std: 0.1 } }),
    layer(1, { mean: null as unknown as number, std: null as unknown as number }),
    layer(2, {} as LayerStats['activation'], { weights: { mean: 0, std: 0.2 } }),
  ]);
  assert.deepEqual(health.map((l) => l.state), ['unmeasured', 'nonfinite', 'unmeasured']);
  assert.ok(health[0].details.includes('weight std 0.1'));
});
