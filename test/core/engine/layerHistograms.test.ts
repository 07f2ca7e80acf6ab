// Per-layer histograms: counted on the backend (wasm and cpu alike), read back as compact rows,
// and carried by a run's statistics samples, consistent with the moments measured beside them.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gatherBatch } from '../../../src/core/data/loadDataset';
import {
  ACTIVATION_SAMPLE, decodeHistogram, firstExamplesSize, HISTOGRAM_BUCKETS, HISTOGRAM_ROW, histogramInterval, histogramRowValues, MAX_HISTOGRAM_SAMPLES, shortestFloat32,
} from '../../../src/core/engine/layerHistograms';
import { combineScans, hostValues, scanValues } from '../../../src/core/engine/valueScan';
import { prepareModel } from '../../../src/core/engine/trainingSession';
import type { TensorflowRuntime } from '../../../src/core/engine/tensorflowRuntime';
import { configFrom, gaussianConfig, onBackend, train, wasmRuntime } from './engineFixtures';

let runtime: TensorflowRuntime;
before(async () => {
  runtime = await wasmRuntime();
});

/** The rows of tensors made of `entries` on the current backend, read from its memory. */
async function rows(entries: number[][][]): Promise<Float32Array> {
  const { tf } = runtime;
  const out = new Float32Array(entries.length * HISTOGRAM_ROW);
  entries.forEach((parts, k) => {
    const tensors = parts.map((p) => tf.tensor1d(p));
    const values = tensors.map((t) => hostValues(tf, t));
    histogramRowValues(values, combineScans(values.map(scanValues)), out, k * HISTOGRAM_ROW);
    tf.dispose(tensors);
  });
  return out;
}

describe('histogram rows', () => {
  for (const backend of ['wasm', 'cpu']) {
    it(`counts ${HISTOGRAM_BUCKETS} equal buckets from min to max, the max in the last, on ${backend}`, async () => {
      // min 0 and max 30 make every bucket one wide.
      const values = await onBackend(runtime.tf, backend, () => rows([[[0, 0.5, 1.5, 1.25, 29.5, 30, 7]]]));
      assert.equal(values.length, HISTOGRAM_ROW);
      const histogram = decodeHistogram(values, 0)!;
      assert.equal(histogram.min, 0);
      assert.equal(histogram.max, 30);
      assert.equal(histogram.count, 7);
      assert.equal(histogram.sum, 69.75);
      assert.equal(histogram.sumSquares, 0.25 + 2.25 + 1.5625 + 870.25 + 900 + 49);
      const expected = new Array(HISTOGRAM_BUCKETS).fill(0);
      expected[0] = 2;
      expected[1] = 2;
      expected[7] = 1;
      expected[29] = 2;
      assert.deepEqual(histogram.counts, expected);
    });
  }

  it('puts several tensors of one layer in one histogram, a constant in one bucket, and no values in none', async () => {
    const values = await rows([[[1, 2], [3, 4, 5]], [[0.5, 0.5, 0.5]], []]);
    assert.equal(values.length, 3 * HISTOGRAM_ROW);
    const joined = decodeHistogram(values, 0)!;
    assert.equal(joined.count, 5);
    assert.equal(joined.counts.reduce((a, b) => a + b, 0), 5);
    assert.deepEqual(decodeHistogram(values, HISTOGRAM_ROW), { min: 0.5, max: 0.5, count: 3, sum: 1.5, sumSquares: 0.75, counts: [3] });
    assert.equal(decodeHistogram(values, 2 * HISTOGRAM_ROW), undefined);
  });

  it('puts a value on a bucket edge where float32 arithmetic puts it, as the tensor ops did, not where doubles would', async () => {
    // Values whose bucket differs between float32 and double arithmetic of (x − min) · (buckets / (max − min)).
    const f = Math.fround;
    const low = f(-0.3);
    const high = f(0.7);
    const scale32 = f(HISTOGRAM_BUCKETS / f(high - low));
    const scale64 = HISTOGRAM_BUCKETS / (high - low);
    const edgeCases: number[] = [];
    for (let k = 1; k < HISTOGRAM_BUCKETS && edgeCases.length < 5; k++) {
      // Float32 neighbours of the k-th edge.
      const edge = f(low + k / scale64);
      for (const x of [edge, f(edge * (1 + 2 ** -23)), f(edge * (1 - 2 ** -23))]) {
        if (x > low && x < high && (f(f(x - low) * scale32) | 0) !== Math.floor((x - low) * scale64)) edgeCases.push(x);
      }
    }
    assert.ok(edgeCases.length > 0, 'found values on which float32 and double arithmetic disagree');
    const values = [low, high, ...edgeCases];
    const row = await rows([[values]]);
    // The reference: the tensor ops' float32 arithmetic, on the cpu backend.
    const { tf } = runtime;
    const expected = await onBackend(tf, 'cpu', () => {
      const x = tf.tensor1d(values);
      const positions = tf.clipByValue(tf.floor(tf.mul(tf.sub(x, low), tf.div(tf.scalar(HISTOGRAM_BUCKETS), tf.sub(tf.scalar(high), tf.scalar(low))))), 0, HISTOGRAM_BUCKETS - 1);
      const counts = new Array<number>(HISTOGRAM_BUCKETS).fill(0);
      for (const b of positions.dataSync()) counts[b]++;
      tf.dispose([x, positions]);
      return counts;
    });
    assert.deepEqual(Array.from(row.subarray(5, 5 + HISTOGRAM_BUCKETS)), expected);
  });

  it('keeps its float32 numbers in as few digits as still give the same float32', () => {
    for (const x of [0.1, 4.713364601135254, 1e-7, -3.4e38, 285.244873046875, 2 ** -140]) {
      const single = Math.fround(x);
      const short = shortestFloat32(single);
      assert.equal(Math.fround(short), single, `${x}`);
      assert.ok(String(short).replace(/^-|\.|e.*$/g, '').replace(/^0+/, '').length <= 9, `${short}`);
    }
    assert.equal(shortestFloat32(Math.fround(0.1)), 0.1);
    assert.equal(shortestFloat32(7), 7);
  });

  it('counts the activations of whole examples from the first of the batch, at most ACTIVATION_SAMPLE values', () => {
    assert.equal(firstExamplesSize([4, 10]), 40);
    assert.equal(firstExamplesSize([100, 28, 28, 16]), Math.floor(ACTIVATION_SAMPLE / (28 * 28 * 16)) * 28 * 28 * 16);
    // One example larger than the bound is still counted whole.
    assert.equal(firstExamplesSize([2, ACTIVATION_SAMPLE * 2]), ACTIVATION_SAMPLE * 2);
  });

  it('drops a histogram of values that were not finite rather than report nonsense', async () => {
    const values = await rows([[[1, Infinity, 2]]]);
    assert.equal(decodeHistogram(values, 0), undefined);
  });
});

describe('histograms in a run\'s statistics samples', () => {
  it('carry activations, weights and gradients that agree with the moments and norms beside them', async () => {
    const result = await train(configFrom(gaussianConfig({ training: { epochs: 1 } })));
    assert.ok(result.layerStats.length > 0);
    for (const sample of result.layerStats) {
      for (const layer of sample.layers) {
        const h = layer.histograms;
        assert.ok(h?.activation && h.weights && h.gradients, `layer ${layer.name} at step ${sample.step} has all three histograms`);
        for (const histogram of [h.activation, h.weights, h.gradients]) {
          assert.equal(histogram.counts.length, HISTOGRAM_BUCKETS);
          assert.equal(histogram.counts.reduce((a, b) => a + b, 0), histogram.count);
        }
        const moments = (x: { sum: number; sumSquares: number; count: number }) => {
          const mean = x.sum / x.count;
          return { mean, std: Math.sqrt(x.sumSquares / x.count - mean * mean) };
        };
        const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-3 * Math.max(1, Math.abs(b)), `${layer.name} ${what}: ${a} vs ${b}`);
        close(moments(h.activation).mean, layer.activation.mean, 'activation mean');
        close(moments(h.activation).std, layer.activation.std, 'activation std');
        close(moments(h.weights).mean, layer.weights!.mean, 'weight mean');
        close(moments(h.weights).std, layer.weights!.std, 'weight std');
        close(Math.sqrt(h.gradients.sumSquares), layer.gradNorm!, 'gradient norm');
      }
      // The first layer: 16 units, kernel 8×16 and bias 16; activations of a full batch of 32.
      const first = sample.layers[0].histograms!;
      assert.equal(first.weights!.count, 8 * 16);
      assert.equal(first.gradients!.count, 8 * 16 + 16);
      assert.equal(first.activation!.count % 16, 0);
      assert.ok(first.activation!.min >= 0, 'ReLU outputs');
    }
  });

  it('are taken on at most MAX_HISTOGRAM_SAMPLES statistics steps of a run, evenly spread', async () => {
    assert.equal(histogramInterval(38), 1);
    assert.equal(histogramInterval(MAX_HISTOGRAM_SAMPLES), 1);
    assert.equal(histogramInterval(10_000), Math.ceil(10_000 / MAX_HISTOGRAM_SAMPLES));
    assert.ok(Math.ceil(10_000 / histogramInterval(10_000)) <= MAX_HISTOGRAM_SAMPLES);
    const config = configFrom(gaussianConfig());
    const { steps, data } = await prepareModel(config, runtime, { baseDir: '.' });
    steps.histogramInterval = 2;
    const batch = { ...gatherBatch(data.train, data.featureSize, Int32Array.from({ length: 8 }, (_, i) => i), 0, 8), count: 8 };
    const taken: boolean[] = [];
    for (let i = 0; i < 5; i++) taken.push((await steps.inspect(await steps.forwardBackward(batch, true))).every((l) => l.histograms?.activation !== undefined));
    assert.deepEqual(taken, [true, false, true, false, true]);
  });

  it('are left out when the run asks for none', async () => {
    const result = await train(configFrom(gaussianConfig({ training: { epochs: 1 } })), { layerHistograms: false });
    assert.ok(result.layerStats.length > 0);
    assert.ok(result.layerStats.every((s) => s.layers.every((l) => l.histograms === undefined && l.weights !== undefined)));
  });
});
