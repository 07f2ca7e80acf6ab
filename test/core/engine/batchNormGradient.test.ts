import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadTensorflow } from '../../../src/core/engine/tensorflowRuntime';

describe('the broadcasting FusedBatchNorm gradient', () => {
  it('matches the gradient of batch normalization written out in primitive ops, for every input, on 2-D and 4-D data', async () => {
    const { tf } = await loadTensorflow({ preference: 'wasm' });
    type T = ReturnType<typeof tf.tensor>;
    for (const shape of [[16, 5], [4, 6, 7, 3]]) {
      const channels = shape[shape.length - 1];
      tf.tidy(() => {
        const x = tf.randomNormal(shape, 0.5, 2, 'float32', 1);
        const weights = tf.randomNormal(shape, 0, 1, 'float32', 2);
        const mean = tf.randomNormal([channels], 0, 1, 'float32', 3);
        const variance = tf.randomUniform([channels], 0.5, 2, 'float32', 4);
        const scale = tf.randomNormal([channels], 1, 0.3, 'float32', 5);
        const offset = tf.randomNormal([channels], 0, 0.3, 'float32', 6);
        const epsilon = 1e-3;
        // A weighted sum makes every output element matter with a different weight.
        const fused = (x: T, m: T, v: T, s: T, o: T) => tf.sum(tf.mul(weights, tf.batchNorm(x, m, v, o, s, epsilon)));
        const written = (x: T, m: T, v: T, s: T, o: T) =>
          tf.sum(tf.mul(weights, tf.add(tf.mul(tf.mul(tf.sub(x, m), tf.rsqrt(tf.add(v, epsilon))), s), o)));
        const inputs = [x, mean, variance, scale, offset];
        const a = tf.grads(fused as never)(inputs);
        const b = tf.grads(written as never)(inputs);
        ['x', 'mean', 'variance', 'scale', 'offset'].forEach((name, i) => {
          assert.deepEqual(a[i].shape, b[i].shape, `${name} gradient shape`);
          const diff = tf.max(tf.abs(tf.sub(a[i], b[i]))).dataSync()[0];
          const size = tf.max(tf.abs(b[i])).dataSync()[0];
          assert.ok(diff <= 1e-4 * Math.max(1, size), `${name} gradient differs by ${diff} on ${shape}`);
        });
      });
    }
  });
});
