import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { softmaxMoments } from '../../../../src/core/diagnosis/varianceModel';

const stdOf = (m: { mean: number; secondMoment: number }) => Math.sqrt(m.secondMoment - m.mean * m.mean);

describe('softmax moments of the variance model', () => {
  it('match the small-logit closed form σ·√(K − 1)/K^1.5', () => {
    for (const classes of [10, 100, 1000]) {
      const sigma = 0.05;
      const expected = (sigma * Math.sqrt(classes - 1)) / classes ** 1.5;
      const actual = stdOf(softmaxMoments(classes, sigma * sigma));
      assert.ok(Math.abs(actual / expected - 1) < 0.03, `K=${classes}: ${actual} vs ${expected}`);
    }
  });

  it('match the many-class limit √(e^σ² − 1)/K for 1000 classes (the draws have no outlier that inflates the tail)', () => {
    for (const variance of [0.5, 1, 1.5]) {
      const expected = Math.sqrt(Math.exp(variance) - 1) / 1000;
      const actual = stdOf(softmaxMoments(1000, variance));
      assert.ok(Math.abs(actual / expected - 1) < 0.05, `σ²=${variance}: ${actual} vs ${expected}`);
    }
  });
});
