// The per-layer parameter statistics (gradient norms, update ratios, weight moments, weight and
// gradient histograms), computed in JavaScript over the backend's memory, against two references
// on random tensors: the definitions in double precision, and the tensor ops that computed them
// before (float32 on the backend: equal bucket for bucket, sums within float32 rounding).
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHistogram, HISTOGRAM_BUCKETS, HISTOGRAM_ROW, histogramRowValues } from '../../../src/core/engine/layerHistograms';
import { mainWeights, PARAMETER_FIELDS, parameterStatistics, trainableVariables } from '../../../src/core/engine/layerStatistics';
import { prepareModel } from '../../../src/core/engine/trainingSession';
import type { TensorflowRuntime } from '../../../src/core/engine/tensorflowRuntime';
import { combineScans, hostValues, scanMoments, scanUpdate, scanValues, sumValues } from '../../../src/core/engine/valueScan';
import { SeededRandom } from '../../../src/core/random';
import { configFrom, gaussianConfig, onBackend, train, wasmRuntime, type Tensor } from './engineFixtures';
import { histogramRowsTensor, parameterStatsTensor } from './tensorStatistics';

let runtime: TensorflowRuntime;
before(async () => {
  runtime = await wasmRuntime();
});

/** Float32 values drawn N(mean, std), with `special` values written at random places. */
function randomValues(random: SeededRandom, count: number, mean = 0, std = 1, special: number[] = []): Float32Array {
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = mean + std * random.normal();
  for (const s of special) values[random.int(count)] = s;
  return values;
}

/** The definitions, in double precision, one quantity at a time. */
const reference = {
  sum: (xs: ArrayLike<number>[]) => {
    let total = 0;
    for (const x of xs) for (let i = 0; i < x.length; i++) total += x[i];
    return total;
  },
  sumSquares: (xs: ArrayLike<number>[]) => reference.sum(xs.map((x) => Array.from(x, (v) => v * v))),
  count: (xs: ArrayLike<number>[]) => xs.reduce((n, x) => n + x.length, 0),
  min: (xs: ArrayLike<number>[]) => xs.some((x) => Array.from(x).some(Number.isNaN)) ? NaN : Math.min(...xs.flatMap((x) => Array.from(x))),
  max: (xs: ArrayLike<number>[]) => xs.some((x) => Array.from(x).some(Number.isNaN)) ? NaN : Math.max(...xs.flatMap((x) => Array.from(x))),
  mean: (xs: ArrayLike<number>[]) => reference.sum(xs) / reference.count(xs),
  /** Two passes: the mean, then the mean squared deviation. */
  std: (xs: ArrayLike<number>[]) => {
    const mean = reference.mean(xs);
    return Math.sqrt(reference.sum(xs.map((x) => Array.from(x, (v) => (v - mean) ** 2))) / reference.count(xs));
  },
  updateRatio: (after: ArrayLike<number>[], before: ArrayLike<number>[]) => {
    const delta = reference.sum(after.map((a, k) => Array.from(a, (v, i) => (v - before[k][i]) ** 2)));
    return Math.sqrt(delta) / (Math.sqrt(reference.sumSquares(before)) + 1e-12);
  },
};

/** Relative difference, with exact equality for non-finite values (NaN equals NaN). */
function close(actual: number, expected: number, tolerance: number, what: string): void {
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) {
    assert.ok(Object.is(actual, expected) || (Number.isNaN(actual) && Number.isNaN(expected)), `${what}: ${actual}, expected ${expected}`);
    return;
  }
  const error = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-30);
  assert.ok(error <= tolerance, `${what}: ${actual}, expected ${expected} (relative error ${error.toExponential(2)} > ${tolerance})`);
}

describe('value scans (one pass over a tensor\'s values)', () => {
  it('give count, sum, sum of squares, min and max as the definitions do, for every length remainder', () => {
    const random = new SeededRandom(11);
    for (const count of [0, 1, 2, 3, 4, 5, 7, 1001, 40_000]) {
      const values = randomValues(random, count, 0.3, 2);
      const scan = scanValues(values);
      assert.equal(scan.count, count);
      close(scan.sum, reference.sum([values]), 1e-12, `sum of ${count}`);
      close(scan.sumSquares, reference.sumSquares([values]), 1e-12, `sum of squares of ${count}`);
      const sums = sumValues(values);
      assert.deepEqual([sums.count, sums.sum, sums.sumSquares], [scan.count, scan.sum, scan.sumSquares], `sums alone of ${count}`);
      assert.equal(scan.min, count === 0 ? Infinity : reference.min([values]));
      assert.equal(scan.max, count === 0 ? -Infinity : reference.max([values]));
    }
  });

  it('propagate NaN to min, max, sum and std, and Inf to the mean with a NaN std (as the two-pass moments did)', () => {
    const random = new SeededRandom(12);
    for (const at of [0, 1, 2, 3, 4]) {
      const values = randomValues(random, 5);
      values[at] = NaN;
      const scan = scanValues(values);
      assert.ok([scan.min, scan.max, scan.sum].every(Number.isNaN), `NaN at ${at}: ${JSON.stringify(scan)}`);
      assert.ok(Number.isNaN(scanMoments(scan).std));
    }
    const infinite = scanMoments(scanValues(randomValues(random, 9, 0, 1, [Infinity])));
    assert.equal(infinite.mean, Infinity);
    assert.ok(Number.isNaN(infinite.std));
    assert.ok(Number.isNaN(scanMoments(scanValues(randomValues(random, 9, 0, 1, [Infinity, -Infinity]))).mean));
  });

  it('give the mean and population std of the definition, also far from zero and for a constant', () => {
    const random = new SeededRandom(13);
    for (const [mean, std] of [[0, 1], [1, 1e-3], [-50, 0.5], [1e-6, 1e-8]]) {
      const values = randomValues(random, 3001, mean, std);
      const moments = scanMoments(scanValues(values));
      close(moments.mean, reference.mean([values]), 1e-12, `mean of N(${mean}, ${std})`);
      close(moments.std, reference.std([values]), 1e-6, `std of N(${mean}, ${std})`);
    }
    assert.deepEqual(scanMoments(scanValues(new Float32Array(10).fill(0.25))), { mean: 0.25, std: 0 });
  });

  it('combine several tensors as one, and measure an update in the same pass (zeros before included)', () => {
    const random = new SeededRandom(14);
    const parts = [randomValues(random, 17), randomValues(random, 1), randomValues(random, 400, 2)];
    const combined = combineScans(parts.map(scanValues));
    close(combined.sum, reference.sum(parts), 1e-12, 'combined sum');
    close(combined.sumSquares, reference.sumSquares(parts), 1e-12, 'combined sum of squares');
    assert.equal(combined.count, 418);
    assert.equal(combined.min, reference.min(parts));
    assert.equal(combined.max, reference.max(parts));
    for (const count of [0, 1, 2, 3, 999]) {
      const previous = randomValues(random, count);
      const after = previous.map((v) => v + 0.01 * random.normal());
      const update = scanUpdate(after, previous);
      const alone = scanValues(after);
      assert.deepEqual([update.after.count, update.after.min, update.after.max], [alone.count, alone.min, alone.max]);
      close(update.after.sum, alone.sum, 1e-12, `sum of ${count} after`);
      close(update.after.sumSquares, alone.sumSquares, 1e-12, `sum of squares of ${count} after`);
      close(update.deltaSquares, reference.sum([Array.from(after, (v, i) => (v - previous[i]) ** 2)]), 1e-12, `Σ Δ² of ${count}`);
      close(update.beforeSquares, reference.sumSquares([previous]), 1e-12, `Σ before² of ${count}`);
    }
    const fromZero = scanUpdate(new Float32Array([3, 4]), new Float32Array(2));
    assert.equal(fromZero.deltaSquares, 25);
    assert.equal(fromZero.beforeSquares, 0);
    assert.throws(() => scanUpdate(new Float32Array(2), new Float32Array(3)), /2 values after, 3 before/);
  });

  it('read a tensor\'s values in place on wasm (no copy) and as its data on cpu', async () => {
    const { tf } = runtime;
    const t = tf.tensor1d([1, 2, 3]);
    assert.deepEqual(Array.from(hostValues(tf, t)), [1, 2, 3]);
    t.dispose();
    await onBackend(tf, 'cpu', () => {
      const c = tf.tensor1d([4, 5]);
      assert.deepEqual(Array.from(hostValues(tf, c)), [4, 5]);
      c.dispose();
    });
  });
});

describe('histogram rows in JavaScript', () => {
  /** The row histogramRowValues writes for `parts`. */
  function jsRow(parts: Float32Array[]): Float32Array {
    const out = new Float32Array(HISTOGRAM_ROW);
    histogramRowValues(parts, combineScans(parts.map(scanValues)), out, 0);
    return out;
  }

  for (const backend of ['wasm', 'cpu']) {
    it(`count the same buckets as the tensor ops on ${backend}, bucket for bucket; the sums within float32 rounding`, async () => {
      const random = new SeededRandom(21);
      const cases: Float32Array[][] = [
        [randomValues(random, 10_000)],
        [randomValues(random, 4097, 5, 0.001)],
        [randomValues(random, 33, -1, 3), randomValues(random, 7, 2, 0.1)],
        // The extremes repeated, bucket edges hit exactly (min 0, max 30: every bucket 1 wide).
        [new Float32Array([0, 30, 30, 0, 1, 2, 29, 29.5, 15, 14.999999])],
        [new Float32Array(5).fill(-2)],
        [Float32Array.from({ length: 3000 }, () => Math.round(random.normal() * 4) / 4)],
      ];
      await onBackend(runtime.tf, backend, async () => {
        const { tf } = runtime;
        const tensors = cases.map((parts) => parts.map((p) => tf.tensor1d(p)));
        const packed = histogramRowsTensor(tf, tensors);
        const old = (await packed.data()) as Float32Array;
        tf.dispose([packed, ...tensors.flat()]);
        cases.forEach((parts, k) => {
          const row = jsRow(parts);
          const was = old.subarray(k * HISTOGRAM_ROW, (k + 1) * HISTOGRAM_ROW);
          assert.deepEqual(Array.from(row.subarray(5)), Array.from(was.subarray(5)), `case ${k}: bucket counts`);
          assert.deepEqual(Array.from(row.subarray(0, 3)), Array.from(was.subarray(0, 3)), `case ${k}: min, max, count`);
          const scale = reference.sumSquares(parts);
          assert.ok(Math.abs(row[3] - was[3]) <= 1e-6 * scale + 1e-30, `case ${k}: sum ${row[3]} was ${was[3]}`);
          close(row[4], was[4], 1e-5, `case ${k}: sum of squares`);
          // And the definition: each value in bucket floor((x − min)/(max − min)·30), the max in the last.
          const histogram = decodeHistogram(row, 0)!;
          const total = reference.count(parts);
          assert.equal(histogram.counts.reduce((a, b) => a + b, 0), total);
          close(histogram.sum, reference.sum(parts), 1e-6, `case ${k}: sum`);
        });
      });
    });
  }

  it('count random values where the definition puts them, and give a NaN row for no values', () => {
    const random = new SeededRandom(22);
    const values = randomValues(random, 2000, 1, 2);
    const histogram = decodeHistogram(jsRow([values]), 0)!;
    const expected = new Array(HISTOGRAM_BUCKETS).fill(0);
    for (const v of values) expected[Math.min(HISTOGRAM_BUCKETS - 1, Math.floor(((v - histogram.min) / (histogram.max - histogram.min)) * HISTOGRAM_BUCKETS))]++;
    assert.deepEqual(histogram.counts, expected);
    const empty = new Float32Array(HISTOGRAM_ROW);
    histogramRowValues([], combineScans([]), empty, 0);
    assert.ok(Array.from(empty).every(Number.isNaN));
    assert.equal(decodeHistogram(jsRow([randomValues(random, 50, 0, 1, [NaN])]), 0), undefined);
    assert.equal(decodeHistogram(jsRow([randomValues(random, 50, 0, 1, [Infinity])]), 0), undefined);
  });
});

describe('parameterStatistics (per layer, packed)', () => {
  const layers = [
    { type: 'dense', units: 24, activation: 'relu', kernelInitializer: 'heNormal' },
    { type: 'batchNormalization' },
    { type: 'dropout', rate: 0.3 },
    { type: 'residual', layers: [{ type: 'dense', units: 12, activation: 'tanh' }, { type: 'dense', units: 24 }] },
    { type: 'dense', units: 5, activation: 'relu', kernelInitializer: 'zeros' },
    { type: 'dense', units: 3, activation: 'softmax' },
  ];

  /**
   * A model whose variables hold random values (with `special` ones in the first kernel), random
   * gradients, and random values "before"; a layer's variables all zero before when `zeroBefore`.
   */
  async function setUp(seed: number, special: number[] = [], zeroBefore = -1) {
    const { tf } = runtime;
    const config = configFrom(gaussianConfig({ layers }));
    const prepared = await prepareModel(config, runtime, { baseDir: '.' });
    const { tracked } = prepared.built;
    const random = new SeededRandom(seed);
    const grads: Record<string, Tensor> = {};
    const previous = new Map<string, Tensor>();
    const gradSquares = new Map<string, number>();
    tracked.forEach((layer, i) => {
      trainableVariables(layer).forEach((v, k) => {
        const after = randomValues(random, v.size, 0.1, 0.5, i === 0 && k === 0 ? special : []);
        v.assign(tf.tensor(after, v.shape));
        const g = randomValues(random, v.size, 0, 0.01);
        grads[v.name] = tf.tensor(g, v.shape);
        gradSquares.set(v.name, reference.sumSquares([g]));
        const was = i === zeroBefore ? new Float32Array(v.size) : after.map((x) => x - 0.01 * random.normal());
        previous.set(v.name, tf.tensor(was, v.shape));
      });
    });
    const done = () => {
      tf.dispose([...Object.values(grads), ...previous.values()]);
      prepared.built.model.dispose();
    };
    return { tf, tracked, grads, previous, gradSquares, done };
  }

  it('equals the definitions (double precision) for every layer and field, on random tensors', async () => {
    const { tf, tracked, grads, previous, gradSquares, done } = await setUp(31);
    try {
      const n = tracked.length;
      const values = parameterStatistics(tf, tracked, { grads, gradSquares, before: previous, histograms: true });
      assert.equal(values.length, PARAMETER_FIELDS * n + 2 * n * HISTOGRAM_ROW);
      const f = Math.fround;
      tracked.forEach((layer, i) => {
        const vars = trainableVariables(layer);
        const mains = mainWeights(layer).map((w) => w.dataSync());
        const gradients = vars.map((v) => grads[v.name].dataSync());
        if (vars.length === 0) {
          assert.ok([values[i], values[n + i], values[2 * n + 2 * i], values[2 * n + 2 * i + 1]].every(Number.isNaN), `layer ${i} has no variables`);
          return;
        }
        close(values[i], f(Math.sqrt(reference.sumSquares(gradients))), 1e-6, `layer ${i} gradNorm`);
        close(values[n + i], f(reference.updateRatio(vars.map((v) => v.dataSync()), vars.map((v) => previous.get(v.name)!.dataSync()))), 1e-6, `layer ${i} updateRatio`);
        close(values[2 * n + 2 * i], f(reference.mean(mains)), 1e-6, `layer ${i} weight mean`);
        close(values[2 * n + 2 * i + 1], f(reference.std(mains)), 1e-6, `layer ${i} weight std`);
        const weightHistogram = decodeHistogram(values, PARAMETER_FIELDS * n + i * HISTOGRAM_ROW)!;
        assert.equal(weightHistogram.count, reference.count(mains));
        assert.equal(f(weightHistogram.min), f(reference.min(mains)));
        assert.equal(f(weightHistogram.max), f(reference.max(mains)));
        const gradientHistogram = decodeHistogram(values, PARAMETER_FIELDS * n + (n + i) * HISTOGRAM_ROW)!;
        // The gradient histogram's L2 norm is the layer's gradient norm.
        close(Math.sqrt(gradientHistogram.sumSquares), values[i], 1e-6, `layer ${i} gradient histogram norm`);
        assert.equal(gradientHistogram.count, reference.count(gradients));
      });
    } finally {
      done();
    }
  });

  it('equals what the tensor ops gave: counts, min, max exactly, the rest within float32 rounding (1e-4)', async () => {
    const { tf, tracked, grads, previous, gradSquares, done } = await setUp(32);
    try {
      const ours = parameterStatistics(tf, tracked, { grads, gradSquares, before: previous, histograms: true });
      const was = parameterStatsTensor(tf, tracked, grads, previous);
      assert.equal(ours.length, was.length);
      const n = tracked.length;
      for (let k = 0; k < ours.length; k++) {
        const inRow = (k - PARAMETER_FIELDS * n) % HISTOGRAM_ROW;
        const exact = k >= PARAMETER_FIELDS * n && inRow !== 3 && inRow !== 4;
        if (exact) assert.equal(ours[k], was[k], `entry ${k} (row position ${inRow})`);
        // A histogram's sum can cancel to near zero: compared to the values' scale instead.
        else if (inRow === 3) assert.ok(Math.abs(ours[k] - was[k]) <= 1e-4 * Math.sqrt(ours[k + 1] * ours[k - 1]) || Number.isNaN(was[k]), `entry ${k}: ${ours[k]} was ${was[k]}`);
        else close(ours[k], was[k], 1e-4, `entry ${k}`);
      }
    } finally {
      done();
    }
  });

  it('reports NaN and Inf weights as the tensor ops did, and ‖θ‖ = 0 before the step as ‖Δθ‖ / 1e-12', async () => {
    for (const special of [[NaN], [Infinity], [Infinity, -Infinity]]) {
      const { tf, tracked, grads, previous, gradSquares, done } = await setUp(33, special, 4);
      try {
        const ours = parameterStatistics(tf, tracked, { grads, gradSquares, before: previous, histograms: true });
        const was = parameterStatsTensor(tf, tracked, grads, previous);
        const n = tracked.length;
        // Layer 0 holds the special values: its mean and std, and its weight histogram (undefined).
        close(ours[2 * n], was[2 * n], 1e-6, `${special}: mean`);
        assert.ok(Number.isNaN(ours[2 * n + 1]) && Number.isNaN(was[2 * n + 1]), `${special}: std ${ours[2 * n + 1]} was ${was[2 * n + 1]}`);
        close(ours[n], was[n], 1e-6, `${special}: updateRatio`);
        assert.equal(decodeHistogram(ours, PARAMETER_FIELDS * n), undefined);
        assert.equal(decodeHistogram(was, PARAMETER_FIELDS * n), undefined);
        // Layer 4 had all-zero variables before the step.
        const vars = trainableVariables(tracked[4]);
        const delta = Math.sqrt(reference.sum(vars.map((v) => Array.from(v.dataSync(), (x) => x * x))));
        close(ours[n + 4], Math.fround(delta / 1e-12), 1e-6, 'updateRatio from zero weights');
        close(ours[n + 4], was[n + 4], 1e-4, 'updateRatio from zero weights, as before');
      } finally {
        done();
      }
    }
  });

  it('without an update (the probe): NaN update ratios, and no histograms unless asked', async () => {
    const { tf, tracked, grads, gradSquares, done } = await setUp(34);
    try {
      const n = tracked.length;
      const values = parameterStatistics(tf, tracked, { grads, gradSquares, histograms: false });
      assert.equal(values.length, PARAMETER_FIELDS * n);
      for (let i = 0; i < n; i++) assert.ok(Number.isNaN(values[n + i]));
      const mains = mainWeights(tracked[0]).map((w) => w.dataSync());
      close(values[2 * n + 1], Math.fround(reference.std(mains)), 1e-6, 'weight std');
    } finally {
      done();
    }
  });
});

describe('layer-stats events of a run', () => {
  it('carry the same fields per layer kind as before, and leave no tensor behind between statistics steps', async () => {
    const { tf } = runtime;
    const config = configFrom(gaussianConfig({
      layers: [
        { type: 'dense', units: 16, activation: 'relu', kernelInitializer: 'heNormal' },
        { type: 'batchNormalization' },
        { type: 'dropout', rate: 0.2 },
        { type: 'dense', units: 8, activation: 'tanh' },
        { type: 'dense', units: 3, activation: 'softmax' },
      ],
      training: { epochs: 3, optimizer: { type: 'sgd', learningRate: 0.05, momentum: 0.9 } },
      diagnostics: { every: 2 },
    }));
    const counts: number[] = [];
    const result = await train(config, { onEvent: (e) => { if (e.type === 'layer-stats') counts.push(tf.memory().numTensors); } });
    assert.equal(result.ended.status, 'completed', result.ended.reason);
    assert.ok(result.layerStats.length >= 5);
    assert.ok(counts.slice(1).every((c) => c === counts[1]), `tensors at statistics steps: ${counts}`);
    const histogramKeys = ['count', 'counts', 'max', 'min', 'sum', 'sumSquares'];
    for (const sample of result.layerStats) {
      const [relu, norm, dropout, tanh, softmax] = sample.layers;
      const keys = (o: object) => Object.keys(o).sort();
      const weighted = ['activation', 'gradNorm', 'histograms', 'index', 'name', 'type', 'updateRatio', 'weights'];
      for (const layer of [relu, norm, tanh, softmax]) {
        assert.deepEqual(keys(layer), weighted, `step ${sample.step} ${layer.name}`);
        assert.deepEqual(keys(layer.weights!), ['mean', 'std']);
        assert.deepEqual(keys(layer.histograms!), ['activation', 'gradients', 'weights']);
        for (const h of Object.values(layer.histograms!)) assert.deepEqual(keys(h), histogramKeys);
        assert.ok([layer.gradNorm, layer.updateRatio, layer.weights!.mean, layer.weights!.std].every(Number.isFinite));
        assert.ok(layer.updateRatio! > 0 && layer.gradNorm! > 0);
      }
      assert.deepEqual(keys(dropout), ['activation', 'histograms', 'index', 'name', 'type']);
      assert.deepEqual(keys(dropout.histograms!), ['activation']);
      assert.deepEqual(keys(relu.activation), ['deadFraction', 'mean', 'std', 'zeroFraction']);
      assert.deepEqual(keys(tanh.activation), ['mean', 'saturatedFraction', 'std']);
    }
  });
});
