import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Split } from '../../../src/core/data/dataset';
import { applyNormalization, computeInputStatistics, computeNormalization, MIN_STD, normalizedZero } from '../../../src/core/data/preprocess';

function split(rows: number[][]): Split {
  return { x: Float32Array.from(rows.flat()), y: new Float32Array(rows.length), count: rows.length };
}

function columnStats(s: Split, featureSize: number, f: number): { mean: number; std: number } {
  let sum = 0;
  for (let i = 0; i < s.count; i++) sum += s.x[i * featureSize + f];
  const mean = sum / s.count;
  let sq = 0;
  for (let i = 0; i < s.count; i++) sq += (s.x[i * featureSize + f] - mean) ** 2;
  return { mean, std: Math.sqrt(sq / s.count) };
}

describe('computeNormalization', () => {
  it('standardize per feature gives each training feature mean 0 and std 1', () => {
    const train = split([[1, 100, 5], [2, 300, 5], [3, 500, 5], [6, 700, 5]]);
    const norm = computeNormalization(train, 3, 'standardize', 'feature');
    assert.equal(norm.mean.length, 3);
    assert.ok(Math.abs(norm.mean[1] - 400) < 1e-4);
    applyNormalization(train, norm, 3, 'feature');
    for (const f of [0, 1]) {
      const { mean, std } = columnStats(train, 3, f);
      assert.ok(Math.abs(mean) < 1e-6, `feature ${f} mean ${mean}`);
      assert.ok(Math.abs(std - 1) < 1e-5, `feature ${f} std ${std}`);
    }
  });

  it('floors the std of a constant feature so it stays a finite constant', () => {
    const train = split([[1, 5], [2, 5], [3, 5]]);
    const norm = computeNormalization(train, 2, 'standardize', 'feature');
    assert.equal(norm.std[1], Math.fround(MIN_STD));
    applyNormalization(train, norm, 2, 'feature');
    assert.deepEqual([train.x[1], train.x[3], train.x[5]], [0, 0, 0]);
  });

  it('uses the statistics of the split it is given, so validation is not forced to mean 0', () => {
    const train = split([[0], [2], [4]]);
    const validation = split([[10], [12]]);
    const norm = computeNormalization(train, 1, 'standardize', 'feature');
    applyNormalization(validation, norm, 1, 'feature');
    const std = Math.sqrt(8 / 3);
    assert.ok(Math.abs(validation.x[0] - (10 - 2) / std) < 1e-5);
    assert.ok(columnStats(validation, 1, 0).mean > 3);
  });

  it('meanSubtract centers without scaling; none leaves data alone', () => {
    const train = split([[10, 1], [20, 3]]);
    const centered = computeNormalization(train, 2, 'meanSubtract', 'feature');
    assert.deepEqual(Array.from(centered.mean), [15, 2]);
    assert.deepEqual(Array.from(centered.std), [1, 1]);
    const none = computeNormalization(train, 2, 'none', 'feature');
    assert.deepEqual(Array.from(none.mean), [0, 0]);
    assert.deepEqual(Array.from(none.std), [1, 1]);
  });

  it('per channel on images keeps one mean/std per channel (channels-last)', () => {
    // Two 1×2 RGB-like images with 2 channels: channel 0 around 10, channel 1 around -3.
    const image = { height: 1, width: 2, channels: 2 };
    const train = split([[9, -2, 11, -4], [10, -3, 10, -3]]);
    const norm = computeNormalization(train, 4, 'standardize', 'channel', image);
    assert.equal(norm.mean.length, 2);
    assert.ok(Math.abs(norm.mean[0] - 10) < 1e-6);
    assert.ok(Math.abs(norm.mean[1] + 3) < 1e-6);
    applyNormalization(train, norm, 4, 'channel', image);
    for (const channel of [0, 1]) {
      const values = Array.from(train.x).filter((_, i) => i % 2 === channel);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
      assert.ok(Math.abs(mean) < 1e-6);
      assert.ok(Math.abs(std - 1) < 1e-5);
    }
  });

  it('per channel on non-image data is one global mean/std', () => {
    const train = split([[1, 3], [5, 7]]);
    const norm = computeNormalization(train, 2, 'standardize', 'channel');
    assert.deepEqual(Array.from(norm.mean), [4]);
    assert.ok(Math.abs(norm.std[0] - Math.sqrt(5)) < 1e-6);
  });
});

describe('normalizedZero', () => {
  it('is the value a raw 0 takes after normalization, per position', () => {
    const norm = { mean: Float32Array.from([2, 4]), std: Float32Array.from([4, 2]) };
    const image = { height: 1, width: 2, channels: 2 };
    assert.deepEqual(Array.from(normalizedZero(norm, 4, 'channel', image)), [-0.5, -2, -0.5, -2]);
    const raw = split([[0, 0, 0, 0]]);
    applyNormalization(raw, norm, 4, 'channel', image);
    assert.deepEqual(Array.from(raw.x), [-0.5, -2, -0.5, -2]);
  });
});

describe('computeInputStatistics', () => {
  it('reports global and per-feature statistics, ignoring constant features for the smallest std', () => {
    const s = split([[0, 100, 7], [2, 300, 7]]);
    const stats = computeInputStatistics(s, 3);
    const values = [0, 100, 7, 2, 300, 7];
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    assert.ok(Math.abs(stats.mean - mean) < 1e-9);
    assert.ok(Math.abs(stats.std - Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length)) < 1e-9);
    assert.equal(stats.min, 0);
    assert.equal(stats.max, 300);
    assert.equal(stats.featureMeanAbsMax, 200);
    assert.equal(stats.featureStdMin, 1);
    assert.equal(stats.featureStdMax, 100);
  });

  it('gives featureStdMin 0 when every feature is constant, and zeros for an empty split', () => {
    assert.equal(computeInputStatistics(split([[3, 4], [3, 4]]), 2).featureStdMin, 0);
    assert.deepEqual(computeInputStatistics(split([]), 2), { mean: 0, std: 0, min: 0, max: 0, featureMeanAbsMax: 0, featureStdMin: 0, featureStdMax: 0, nearConstantFeatures: 0 });
  });

  it('leaves near-constant features (99% at one extreme, like a border pixel) out of the smallest std, but not binary ones', () => {
    // Feature 0: a border pixel lit in 1 of 200 images; feature 1: a balanced 0/1 flag; feature 2: a centre pixel.
    const rows = Array.from({ length: 200 }, (_, i) => [i === 7 ? 1 : 0, i % 2, (i % 10) / 10]);
    const stats = computeInputStatistics(split(rows), 3);
    assert.equal(stats.nearConstantFeatures, 1);
    const centre = rows.map((r) => r[2]);
    const centreMean = centre.reduce((a, b) => a + b, 0) / 200;
    const centreStd = Math.sqrt(centre.reduce((a, b) => a + (b - centreMean) ** 2, 0) / 200);
    assert.ok(Math.abs(stats.featureStdMin - centreStd) < 1e-6, `smallest std ${stats.featureStdMin} is the centre pixel's ${centreStd}, not the border's 0.07`);
  });
});
