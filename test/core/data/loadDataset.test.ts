import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DataConfig, DatasetConfig } from '../../../src/core/config/trainConfig';
import { epochOrder, gatherBatch, loadDataset } from '../../../src/core/data/loadDataset';
import { SeededRandom } from '../../../src/core/random';
import { problemsOf } from './dataTestHelpers';

const gaussian: DatasetConfig = { kind: 'gaussian', features: 6, samples: 1000, classes: 3, mean: 50, std: 20, labelNoise: 0.1 };

function dataConfig(dataset: DatasetConfig, overrides: Partial<DataConfig> = {}): DataConfig {
  return {
    dataset,
    validationSplit: 0.2,
    preprocess: { normalize: 'standardize', per: 'feature' },
    augment: { translate: 0, flipHorizontal: false, noise: 0 },
    ...overrides,
  };
}

function columnMeanStd(x: Float32Array, count: number, featureSize: number, f: number) {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += x[i * featureSize + f];
  const mean = sum / count;
  let sq = 0;
  for (let i = 0; i < count; i++) sq += (x[i * featureSize + f] - mean) ** 2;
  return { mean, std: Math.sqrt(sq / count) };
}

describe('loadDataset', () => {
  it('splits by validationSplit, reports raw statistics and standardizes with train statistics', async () => {
    const data = await loadDataset(dataConfig(gaussian), 1, '.');
    assert.equal(data.task, 'classification');
    assert.equal(data.validation.count, 200);
    assert.equal(data.train.count, 800);
    assert.equal(data.train.x.length, 800 * 6);
    assert.equal(data.source, 'synthetic gaussian (6 features, 3 classes, mean 50, std 20), 800 train / 200 validation');

    assert.ok(Math.abs(data.rawInputStats.mean - 50) < 2, `raw mean ${data.rawInputStats.mean}`);
    assert.ok(Math.abs(data.rawInputStats.std - 20) < 2, `raw std ${data.rawInputStats.std}`);
    assert.ok(data.rawInputStats.featureMeanAbsMax > 45);

    assert.equal(data.preprocessing.mode, 'standardize');
    assert.equal(data.preprocessing.mean.length, 6);
    for (let f = 0; f < 6; f++) {
      const train = columnMeanStd(data.train.x, data.train.count, 6, f);
      assert.ok(Math.abs(train.mean) < 1e-4, `train mean ${train.mean}`);
      assert.ok(Math.abs(train.std - 1) < 1e-4, `train std ${train.std}`);
    }
    // Validation is normalized with the train statistics, so it is near 0 but not forced to it.
    const validationMeans = [0, 1, 2, 3, 4, 5].map((f) => columnMeanStd(data.validation.x, data.validation.count, 6, f).mean);
    assert.ok(validationMeans.every((m) => Math.abs(m) < 0.5));
    assert.ok(validationMeans.some((m) => Math.abs(m) > 1e-3), `validation means ${validationMeans}`);
  });

  it('is bit-identical for the same seed and differs for another', async () => {
    const a = await loadDataset(dataConfig(gaussian), 3, '.');
    const b = await loadDataset(dataConfig(gaussian), 3, '.');
    const c = await loadDataset(dataConfig(gaussian), 4, '.');
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.train.x, c.train.x);
  });

  it('lets validationSize win and trainSize take a subset without changing validation', async () => {
    const full = await loadDataset(dataConfig(gaussian, { validationSize: 100 }), 5, '.');
    assert.equal(full.validation.count, 100);
    assert.equal(full.train.count, 900);
    const small = await loadDataset(dataConfig(gaussian, { validationSize: 100, trainSize: 300, preprocess: { normalize: 'none', per: 'feature' } }), 5, '.');
    assert.equal(small.train.count, 300);
    const unnormalized = await loadDataset(dataConfig(gaussian, { validationSize: 100, preprocess: { normalize: 'none', per: 'feature' } }), 5, '.');
    assert.deepEqual(small.validation, unnormalized.validation);
    assert.deepEqual(small.train.y, unnormalized.train.y.slice(0, 300));
  });

  it('leaves data raw with normalize none (mean 0, std 1 recorded)', async () => {
    const data = await loadDataset(dataConfig(gaussian, { preprocess: { normalize: 'none', per: 'channel' } }), 1, '.');
    assert.deepEqual(Array.from(data.preprocessing.mean), [0]);
    assert.deepEqual(Array.from(data.preprocessing.std), [1]);
    assert.ok(columnMeanStd(data.train.x, data.train.count, 6, 0).mean > 40);
  });

  it('says how many examples exist when the sizes do not fit', async () => {
    const [tooBig] = await problemsOf(loadDataset(dataConfig(gaussian, { trainSize: 900 }), 1, '.'));
    assert.equal(tooBig.code, 'data.not-enough-examples');
    assert.deepEqual(tooBig.path, ['data', 'trainSize']);
    assert.match(tooBig.message, /has 1000 examples/);
    assert.match(tooBig.message, /trainSize 800 or less/);

    const [validationTooBig] = await problemsOf(loadDataset(dataConfig(gaussian, { validationSize: 1001 }), 1, '.'));
    assert.deepEqual(validationTooBig.path, ['data', 'validationSize']);

    const [nothingLeft] = await problemsOf(loadDataset(dataConfig(gaussian, { validationSplit: 1 }), 1, '.'));
    assert.equal(nothingLeft.code, 'data.not-enough-examples');
    assert.deepEqual(nothingLeft.path, ['data', 'validationSplit']);
  });

  it('loads MNIST with sizes, image shape and per-channel standardization', async () => {
    const data = await loadDataset(dataConfig({ kind: 'mnist', shape: 'image' }, { trainSize: 2000, validationSize: 500, preprocess: { normalize: 'standardize', per: 'channel' } }), 1, '.');
    assert.deepEqual(data.inputShape, [28, 28, 1]);
    assert.deepEqual(data.image, { height: 28, width: 28, channels: 1 });
    assert.equal(data.train.count, 2000);
    assert.equal(data.validation.count, 500);
    assert.equal(data.numClasses, 10);
    assert.equal(new Set(data.train.y).size, 10);
    assert.equal(data.source, 'MNIST (mnist package), 2000 train / 500 validation');
    assert.equal(data.rawInputStats.min, 0);
    assert.equal(data.rawInputStats.max, 1);
    assert.equal(data.preprocessing.mean.length, 1);
    const { mean, std } = columnMeanStd(data.train.x, data.train.count * 784, 1, 0);
    assert.ok(Math.abs(mean) < 1e-4 && Math.abs(std - 1) < 1e-3, `mean ${mean} std ${std}`);
  });

  it('refuses more MNIST examples than the package has', async () => {
    const [p] = await problemsOf(loadDataset(dataConfig({ kind: 'mnist', shape: 'flat' }, { trainSize: 9000, validationSize: 2000 }), 1, '.'));
    assert.equal(p.code, 'data.not-enough-examples');
    assert.deepEqual(p.path, ['data', 'trainSize']);
    assert.match(p.message, /10000/);
  });

  it('loads a CSV relative to baseDir, with the regression task', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'training-doctor-load-'));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const lines = ['size,price', ...Array.from({ length: 20 }, (_, i) => `${i},${i * 10}`)];
    fs.writeFileSync(path.join(dir, 'prices.csv'), lines.join('\n'));
    const data = await loadDataset(dataConfig({ kind: 'csv', csv: 'prices.csv', label: 'price', task: 'regression', delimiter: ',' }, { validationSplit: 0.25 }), 1, dir);
    assert.equal(data.task, 'regression');
    assert.equal(data.numClasses, 1);
    assert.equal(data.train.count, 15);
    assert.equal(data.validation.count, 5);
    assert.deepEqual(data.inputShape, [1]);
  });
});

describe('epochOrder and gatherBatch', () => {
  it('epochOrder is a seeded permutation', () => {
    const a = epochOrder(100, new SeededRandom(1));
    assert.deepEqual(Array.from(a).sort((p, q) => p - q), Array.from({ length: 100 }, (_, i) => i));
    assert.deepEqual(a, epochOrder(100, new SeededRandom(1)));
    assert.notDeepEqual(a, epochOrder(100, new SeededRandom(2)));
  });

  it('gatherBatch copies the chosen rows and stops at the end of the order', () => {
    const split = { x: Float32Array.from([0, 0, 1, 1, 2, 2, 3, 3]), y: Float32Array.from([0, 1, 2, 3]), count: 4 };
    const order = Int32Array.from([3, 1, 0, 2]);
    const batch = gatherBatch(split, 2, order, 1, 3);
    assert.deepEqual(Array.from(batch.x), [1, 1, 0, 0]);
    assert.deepEqual(Array.from(batch.y), [1, 0]);
    batch.x[0] = 99;
    assert.equal(split.x[2], 1);
    assert.equal(gatherBatch(split, 2, order, 2, 10).y.length, 2);
  });
});
