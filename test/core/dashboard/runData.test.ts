// Folding a run's events into what its dashboard shows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEvent, emptyRunData } from '../../../src/core/dashboard/runData';
import type { LayerStatsEvent } from '../../../src/core/engine/trainingEvents';

function sample(step: number): LayerStatsEvent {
  const histogram = { min: 0, max: 1, count: 4, sum: 2, sumSquares: 1.5, counts: [1, 3] };
  return {
    type: 'layer-stats', step, epoch: 0, gradNorm: 1,
    layers: [{ index: 0, name: '0:dense', type: 'dense', activation: { mean: 0.5, std: 0.1 }, gradNorm: 1, histograms: { activation: histogram, weights: histogram } }],
  };
}

test('only the latest statistics sample keeps its histograms, so a long run\'s dashboard stays small', () => {
  const data = emptyRunData('r1');
  const samples = [0, 10, 20].map(sample);
  for (const s of samples) applyEvent(data, s);
  assert.deepEqual(data.layerStats.map((s) => s.layers[0].histograms !== undefined), [false, false, true]);
  assert.deepEqual(data.layerStats[0].layers[0].activation, { mean: 0.5, std: 0.1 }, 'the rest of an older sample stays');
  assert.ok(samples.every((s) => s.layers[0].histograms), 'the events folded are left as they were');
});

test('with histograms on some samples only, the latest sample that has them keeps them', () => {
  const data = emptyRunData('r1');
  const bare = (step: number): LayerStatsEvent => ({ ...sample(step), layers: sample(step).layers.map(({ histograms: _none, ...layer }) => layer) });
  for (const s of [sample(0), bare(10), sample(20), bare(30), bare(40)]) applyEvent(data, s);
  assert.deepEqual(data.layerStats.map((s) => s.layers[0].histograms !== undefined), [false, false, true, false, false]);
});
