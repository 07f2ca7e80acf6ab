import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadSyntheticExamples, SyntheticConfig } from '../../../src/core/data/syntheticDatasets';
import { computeInputStatistics } from '../../../src/core/data/preprocess';

const gaussian: SyntheticConfig = { kind: 'gaussian', features: 8, samples: 3000, classes: 4, mean: 50, std: 20, labelNoise: 0.1 };
const spirals: SyntheticConfig = { kind: 'spirals', samples: 901, classes: 3, noise: 0.05, turns: 1.5, scale: 2, offset: 10 };
const blobs: SyntheticConfig = { kind: 'blobs', features: 5, samples: 1000, classes: 5, spread: 0.5, scale: 1, offset: 0 };

function classCounts(y: Float32Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const label of y) counts[label]++;
  return counts;
}

describe('loadSyntheticExamples', () => {
  for (const config of [gaussian, spirals, blobs]) {
    it(`${config.kind}: has the configured shape and balanced classes`, () => {
      const loaded = loadSyntheticExamples(config, 42);
      const featureSize = config.kind === 'spirals' ? 2 : config.features;
      assert.equal(loaded.task, 'classification');
      assert.deepEqual(loaded.inputShape, [featureSize]);
      assert.equal(loaded.featureSize, featureSize);
      assert.equal(loaded.numClasses, config.classes);
      assert.equal(loaded.classNames?.length, config.classes);
      assert.equal(loaded.examples.count, config.samples);
      assert.equal(loaded.examples.x.length, config.samples * featureSize);
      assert.ok(loaded.examples.x.every(Number.isFinite));
      const counts = classCounts(loaded.examples.y, config.classes);
      assert.equal(counts.reduce((a, b) => a + b, 0), config.samples);
      // Spirals and blobs assign classes round-robin; gaussian balances its teacher to within ~5%.
      const slack = config.kind === 'gaussian' ? 0.1 * (config.samples / config.classes) : 1;
      assert.ok(Math.max(...counts) - Math.min(...counts) <= slack, `counts ${counts}`);
    });

    it(`${config.kind}: same seed gives identical data, another seed different data`, () => {
      const a = loadSyntheticExamples(config, 5).examples;
      const b = loadSyntheticExamples(config, 5).examples;
      const c = loadSyntheticExamples(config, 6).examples;
      assert.deepEqual(a, b);
      assert.notDeepEqual(a.x, c.x);
    });
  }

  it('gaussian with mean 50 and std 20 produces inputs with those statistics', () => {
    const { examples, featureSize } = loadSyntheticExamples(gaussian, 1);
    const stats = computeInputStatistics(examples, featureSize);
    assert.ok(Math.abs(stats.mean - 50) < 1, `mean ${stats.mean}`);
    assert.ok(Math.abs(stats.std - 20) < 1, `std ${stats.std}`);
    assert.ok(stats.featureMeanAbsMax > 48 && stats.featureMeanAbsMax < 53);
    assert.ok(stats.featureStdMin > 18 && stats.featureStdMax < 22);
  });

  it('gaussian stays balanced even when few features must separate many classes', () => {
    const { examples } = loadSyntheticExamples({ ...gaussian, features: 1, classes: 5, samples: 1000 }, 3);
    const counts = classCounts(examples.y, 5);
    assert.ok(counts.every((n) => n > 170 && n < 230), `counts ${counts}`);
  });

  it('gaussian labels follow a linear rule: a nearest-class-mean classifier beats chance by far', () => {
    const { examples, featureSize } = loadSyntheticExamples({ ...gaussian, labelNoise: 0 }, 3);
    const classes = gaussian.classes;
    const sums = new Float64Array(classes * featureSize);
    const counts = classCounts(examples.y, classes);
    for (let i = 0; i < examples.count; i++) {
      for (let f = 0; f < featureSize; f++) sums[examples.y[i] * featureSize + f] += examples.x[i * featureSize + f];
    }
    let correct = 0;
    for (let i = 0; i < examples.count; i++) {
      let best = -1;
      let bestDistance = Infinity;
      for (let k = 0; k < classes; k++) {
        let d = 0;
        for (let f = 0; f < featureSize; f++) d += (examples.x[i * featureSize + f] - sums[k * featureSize + f] / counts[k]) ** 2;
        if (d < bestDistance) [best, bestDistance] = [k, d];
      }
      if (best === examples.y[i]) correct++;
    }
    assert.ok(correct / examples.count > 0.6, `accuracy ${correct / examples.count}`);
  });

  it('spirals apply scale and offset: points lie within offset ± scale·(1 + noise margin)', () => {
    const { examples } = loadSyntheticExamples(spirals, 2);
    for (const v of examples.x) assert.ok(Math.abs(v - spirals.offset) < spirals.scale * 1.4, `value ${v}`);
    const mean = examples.x.reduce((a, b) => a + b, 0) / examples.x.length;
    assert.ok(Math.abs(mean - 10) < 0.3, `mean ${mean}`);
  });

  it('blobs with small spread are tight clusters around distinct centers', () => {
    const config = { ...blobs, spread: 0.01, scale: 3, offset: 100 };
    const { examples, featureSize } = loadSyntheticExamples(config, 4);
    const firstOfClass = new Map<number, number>();
    for (let i = 0; i < examples.count; i++) {
      const label = examples.y[i];
      const first = firstOfClass.get(label);
      if (first === undefined) {
        firstOfClass.set(label, i);
        continue;
      }
      for (let f = 0; f < featureSize; f++) assert.ok(Math.abs(examples.x[i * featureSize + f] - examples.x[first * featureSize + f]) < 0.5);
    }
  });
});
