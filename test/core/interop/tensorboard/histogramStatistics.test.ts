import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { histogramOf } from '../../../../src/core/interop/tensorboard/eventEncoding';
import { guessActivation, histogramL2Norm, histogramMoments, saturatedFraction, zeroFraction } from '../../../../src/core/interop/tensorboard/histogramStatistics';

function normalValues(count: number, mean: number, std: number, seed = 1): number[] {
  let s = seed;
  const uniform = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  return Array.from({ length: count }, () => mean + std * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()));
}

describe('statistics from histograms', () => {
  it('mean, std and L2 norm are exact with sum and sum of squares (HistogramProto)', () => {
    const values = [1, 2, 3, 4];
    const h = histogramOf(values, 3);
    assert.deepEqual(histogramMoments(h), { mean: 2.5, std: Math.sqrt(1.25) });
    assert.equal(histogramL2Norm(h), Math.sqrt(30));
  });

  it('estimates them from the buckets alone (TF2 tensors) within a few percent', () => {
    const values = normalValues(20000, 0.5, 2);
    const { buckets, min, max, count } = histogramOf(values, 30);
    const h = { min, max, count, buckets };
    const exact = Math.sqrt(values.reduce((s, v) => s + v * v, 0));
    const moments = histogramMoments(h)!;
    assert.ok(Math.abs(moments.mean - 0.5) < 0.06, `mean ${moments.mean}`);
    assert.ok(Math.abs(moments.std - 2) / 2 < 0.03, `std ${moments.std}`);
    assert.ok(Math.abs(histogramL2Norm(h) - exact) / exact < 0.03, `norm ${histogramL2Norm(h)} vs ${exact}`);
  });

  it('zero fraction: the bucket holding 0, the lower one when 0 is an edge', () => {
    assert.equal(zeroFraction({ min: 0, max: 4, count: 10, buckets: [{ left: 0, right: 0, count: 6 }, { left: 0, right: 4, count: 4 }] }), 0.6);
    assert.equal(zeroFraction({ min: -1, max: 1, count: 4, buckets: [{ left: -1, right: 0, count: 1 }, { left: 0, right: 1, count: 3 }] }), 0.25);
    assert.equal(zeroFraction({ min: 1, max: 2, count: 4, buckets: [{ left: 1, right: 2, count: 4 }] }), 0);
    assert.equal(zeroFraction({ min: 0, max: 0, count: 0, buckets: [] }), undefined);
  });

  it('saturated fraction prorates the buckets near ±1 (tanh) or 0 and 1 (sigmoid)', () => {
    const tanh = { min: -1, max: 1, count: 100, buckets: [{ left: -1, right: -0.98, count: 40 }, { left: -0.98, right: 0.98, count: 20 }, { left: 0.98, right: 1, count: 40 }] };
    assert.ok(Math.abs(saturatedFraction(tanh, 'tanh')! - 0.4) < 1e-9);
    const sigmoid = { min: 0, max: 1, count: 10, buckets: [{ left: 0.4, right: 0.6, count: 10 }] };
    assert.equal(saturatedFraction(sigmoid, 'sigmoid'), 0);
  });

  it('guesses the activation function from the shape of an activation histogram', () => {
    const relu = histogramOf(normalValues(1000, 0, 1).map((v) => Math.max(0, v * 3)), 30);
    assert.equal(guessActivation(relu), 'relu');
    assert.equal(guessActivation(histogramOf(normalValues(1000, 0, 1).map(Math.tanh), 30)), 'tanh');
    assert.equal(guessActivation(histogramOf(normalValues(1000, 0, 1).map((v) => 1 / (1 + Math.exp(-v))), 30)), 'sigmoid');
    assert.equal(guessActivation(histogramOf(normalValues(1000, 0, 3), 30)), 'linear');
    // Small logits of either sign are not a tanh.
    assert.equal(guessActivation(histogramOf(normalValues(1000, 0, 0.1), 30)), 'linear');
  });
});
