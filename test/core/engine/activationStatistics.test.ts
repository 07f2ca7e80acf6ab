// Activation statistics of a statistics step, read in JavaScript from the forward pass's outputs,
// against the tensor ops that computed them before (float32 on the backend) on random tensors:
// the fractions and histogram buckets equal, the moments within float32 rounding.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ACTIVATION_SAMPLE, decodeHistogram, firstExamplesSize, HISTOGRAM_ROW } from '../../../src/core/engine/layerHistograms';
import { ACTIVATION_FIELDS, activationStatistics } from '../../../src/core/engine/layerStatistics';
import type { TrackedLayer } from '../../../src/core/engine/modelBuilder';
import type { TensorflowRuntime } from '../../../src/core/engine/tensorflowRuntime';
import { SeededRandom } from '../../../src/core/random';
import { onBackend, wasmRuntime, type Tensor } from './engineFixtures';
import { activationStatsTensor, histogramRowsTensor } from './tensorStatistics';

let runtime: TensorflowRuntime;
before(async () => {
  runtime = await wasmRuntime();
});

const KINDS = ['relu', 'relu6', 'tanh', 'sigmoid', 'hardSigmoid', 'linear', 'batchNormalization'] as const;

describe('activationStatistics (JavaScript over the outputs)', () => {
  for (const backend of ['wasm', 'cpu']) {
    it(`equals the tensor ops on ${backend}: buckets exactly, fractions within float32 rounding, mean and std within 1e-3 (exact within 1e-6)`, async () => {
      await onBackend(runtime.tf, backend, () => {
        const { tf } = runtime;
        const random = new SeededRandom(41);
        const shapes = [[64, 32], [16, 7, 7, 8], [3, 5], [8, 40, 40, 8]];
        const outputs: Tensor[] = [];
        const tracked: TrackedLayer[] = [];
        for (const shape of shapes) {
          for (const kind of KINDS) {
            const size = shape.reduce((a, b) => a * b, 1);
            const raw = Float32Array.from({ length: size }, () => 2 * random.normal());
            // Whole units at zero (dead), a constant unit, and exact asymptote values.
            const units = shape[shape.length - 1];
            for (let i = 0; i < size; i += units) raw[i] = -1;
            for (let i = 1; i < size; i += units) raw[i] = 0.25;
            raw[2] = 1;
            const x = tf.tensor(raw, shape);
            const activated = tf.tidy(() => {
              switch (kind) {
                case 'relu': return tf.relu(x);
                case 'relu6': return tf.clipByValue(x, 0, 6);
                case 'tanh': return tf.tanh(x);
                case 'sigmoid': return tf.sigmoid(x);
                case 'hardSigmoid': return tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1);
                default: return tf.clone(x);
              }
            });
            x.dispose();
            outputs.push(activated);
            tracked.push({ activation: kind } as unknown as TrackedLayer);
          }
        }
        try {
          const ours = activationStatistics(tf, outputs, tracked, true);
          const was = activationStatsTensor(tf, outputs, tracked);
          const n = outputs.length;
          assert.equal(ours.length, ACTIVATION_FIELDS * n + n * HISTOGRAM_ROW);
          for (let i = 0; i < n; i++) {
            const what = `${tracked[i].activation} ${outputs[i].shape}`;
            const [mean, std, ...fractions] = ours.subarray(ACTIVATION_FIELDS * i, ACTIVATION_FIELDS * (i + 1));
            const [wasMean, wasStd, ...wasFractions] = was.subarray(ACTIVATION_FIELDS * i, ACTIVATION_FIELDS * (i + 1));
            // The definitions in double precision; the float32 tensor ops within their rounding,
            // which grows with the values summed (3e-4 on the 102,400 of the last shape).
            const values = Array.from(outputs[i].dataSync());
            const exactMean = values.reduce((a, b) => a + b, 0) / values.length;
            const exactStd = Math.sqrt(values.reduce((a, b) => a + (b - exactMean) ** 2, 0) / values.length);
            assert.ok(Math.abs(mean - exactMean) <= 1e-6 * Math.max(exactStd, Math.abs(exactMean)), `${what}: mean ${mean}, exact ${exactMean}`);
            assert.ok(Math.abs(std - exactStd) <= 1e-6 * exactStd, `${what}: std ${std}, exact ${exactStd}`);
            assert.ok(Math.abs(mean - wasMean) <= 1e-3 * Math.max(wasStd, Math.abs(wasMean)), `${what}: mean ${mean} was ${wasMean}`);
            assert.ok(Math.abs(std - wasStd) <= 1e-3 * wasStd, `${what}: std ${std} was ${wasStd}`);
            // Fractions: counts divided in double precision, then rounded to float32 once (the
            // backend's mean may be an ulp off that).
            fractions.forEach((fraction, k) => {
              const was = wasFractions[k];
              assert.ok(Number.isNaN(fraction) ? Number.isNaN(was) : Math.abs(fraction - was) <= 2e-7 * Math.max(was, 1e-3), `${what}: fraction ${k} ${fraction} was ${was}`);
            });
          }
          const sampled = outputs.map((o) => [tf.slice(o, 0, firstExamplesSize(o.shape) / (o.size / o.shape[0]))]);
          const rows = histogramRowsTensor(tf, sampled);
          const wasRows = rows.dataSync();
          tf.dispose([rows, ...sampled.flat()]);
          for (let i = 0; i < n; i++) {
            const row = ours.subarray(ACTIVATION_FIELDS * n + i * HISTOGRAM_ROW, ACTIVATION_FIELDS * n + (i + 1) * HISTOGRAM_ROW);
            const wasRow = wasRows.subarray(i * HISTOGRAM_ROW, (i + 1) * HISTOGRAM_ROW);
            assert.deepEqual(Array.from(row.subarray(5)), Array.from(wasRow.subarray(5)), `layer ${i}: bucket counts`);
            assert.deepEqual(Array.from(row.subarray(0, 3)), Array.from(wasRow.subarray(0, 3)), `layer ${i}: min, max, count`);
            assert.ok(row[2] <= Math.max(ACTIVATION_SAMPLE, outputs[i].size / outputs[i].shape[0]));
            assert.ok(decodeHistogram(row, 0));
          }
        } finally {
          tf.dispose(outputs);
        }
      });
    });
  }

  it('reports dead units and zeros by the definition (a unit dead when zero for every example and position)', () => {
    const { tf } = runtime;
    // [2 examples, 2 positions, 3 units]: unit 0 always 0, unit 1 zero once, unit 2 never.
    const output = tf.tensor([0, 0, 1, 0, 2, 3, 0, 5, 6, 0, 0, 7], [2, 2, 3]);
    try {
      const values = activationStatistics(tf, [output], [{ activation: 'relu' } as unknown as TrackedLayer], false);
      assert.equal(values.length, ACTIVATION_FIELDS);
      assert.equal(values[2], Math.fround(6 / 12));
      assert.equal(values[4], Math.fround(1 / 3));
      assert.ok(Number.isNaN(values[3]));
    } finally {
      output.dispose();
    }
  });
});
