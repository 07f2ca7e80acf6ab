import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Tf } from '../../../src/core/engine/tensorflowRuntime';
import { swapIsCheaper } from '../../../src/core/engine/wasmKernels';
import { maxRelativeError, onBackend, wasmRuntime, type Tensor } from './engineFixtures';

const matrix = (rows: number, columns: number) => ({ dataId: {}, shape: [rows, columns], dtype: 'float32' as const });
/** [m, k, n] of a·bᵀ with a [m, k] and b [n, k]: the first ones take the swapped path, the last ones the direct one. */
const SHAPES: [number, number, number][] = [[8, 96, 200], [64, 256, 784], [3, 40, 130], [64, 10, 256], [50, 20, 5], [7, 7, 7]];

describe('wasm a·bᵀ (BatchMatMul with transposeB, registered by wasmKernels)', () => {
  let tf: Tf;
  before(async () => {
    tf = (await wasmRuntime()).tf;
  });

  it('is computed as (b·aᵀ)ᵀ only where that moves less memory than transposing b', () => {
    assert.equal(swapIsCheaper(matrix(64, 4096), matrix(4096, 4096)), true, "a 4096-wide dense layer's input gradient");
    assert.equal(swapIsCheaper(matrix(64, 256), matrix(784, 256)), true);
    assert.equal(swapIsCheaper(matrix(64, 10), matrix(256, 10)), false, 'a narrow output layer: the [n, m] product is larger than b');
    assert.equal(swapIsCheaper({ ...matrix(64, 256), shape: [1, 64, 256] }, matrix(784, 256)), false, 'batched products keep the direct path');
    const [swapped, direct] = [SHAPES.slice(0, 3), SHAPES.slice(3)];
    for (const [m, k, n] of swapped) assert.equal(swapIsCheaper(matrix(m, k), matrix(n, k)), true, `${m}, ${k}, ${n}`);
    for (const [m, k, n] of direct) assert.equal(swapIsCheaper(matrix(m, k), matrix(n, k)), false, `${m}, ${k}, ${n}`);
  });

  it('gives bit for bit the explicitly transposed product, and the cpu backend within 1e-5 relative', async () => {
    for (const [i, [m, k, n]] of SHAPES.entries()) {
      const a = tf.randomNormal([m, k], 0, 1, 'float32', 30 + i).dataSync() as Float32Array;
      const b = tf.randomNormal([n, k], 0, 1, 'float32', 60 + i).dataSync() as Float32Array;
      const product = () => tf.tidy(() => tf.matMul(tf.tensor2d(a, [m, k]), tf.tensor2d(b, [n, k]), false, true).dataSync());
      const onWasm = product();
      const explicit = tf.tidy(() => tf.matMul(tf.tensor2d(a, [m, k]), tf.transpose(tf.tensor2d(b, [n, k]))).dataSync());
      const onCpu = await onBackend(tf, 'cpu', product);
      assert.equal(onWasm.length, m * n);
      assert.deepEqual(Array.from(onWasm), Array.from(explicit), `${m}×${k} · (${n}×${k})ᵀ`);
      assert.ok(maxRelativeError(onWasm, onCpu) <= 1e-5, `${m}×${k} · (${n}×${k})ᵀ: relative error ${maxRelativeError(onWasm, onCpu)}`);
    }
  });

  it("gives a dense layer's gradients as the cpu backend does, and leaks nothing", async () => {
    const [m, k, n] = [16, 300, 120];
    const x = tf.randomNormal([m, k], 0, 1, 'float32', 5).dataSync() as Float32Array;
    const w = tf.randomNormal([k, n], 0, 0.1, 'float32', 6).dataSync() as Float32Array;
    const gradients = () => tf.tidy(() => {
      const loss = (input: Tensor, weights: Tensor) => tf.sum(tf.square(tf.relu(tf.matMul(input, weights))));
      const [dx, dw] = tf.grads(loss as never)([tf.tensor2d(x, [m, k]), tf.tensor2d(w, [k, n])]);
      return { dx: dx.dataSync(), dw: dw.dataSync() };
    });
    gradients(); // warm-up
    const start = tf.memory() as { numTensors: number; numBytes: number; numDataBuffers: number };
    const onWasm = gradients();
    const end = tf.memory() as { numTensors: number; numBytes: number; numDataBuffers: number };
    assert.deepEqual([end.numTensors, end.numBytes, end.numDataBuffers], [start.numTensors, start.numBytes, start.numDataBuffers]);
    const onCpu = await onBackend(tf, 'cpu', gradients);
    assert.ok(maxRelativeError(onWasm.dx, onCpu.dx) <= 1e-5, `input gradient: ${maxRelativeError(onWasm.dx, onCpu.dx)}`);
    assert.ok(maxRelativeError(onWasm.dw, onCpu.dw) <= 1e-5, `weight gradient: ${maxRelativeError(onWasm.dw, onCpu.dw)}`);
  });
});
