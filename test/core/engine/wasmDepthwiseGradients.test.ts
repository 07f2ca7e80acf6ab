import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Tf } from '../../../src/core/engine/tensorflowRuntime';
import { maxRelativeError, onBackend, wasmRuntime, type Tensor } from './engineFixtures';

interface Case {
  batch: number; height: number; width: number; channels: number; multiplier: number;
  kernel: [number, number]; strides: [number, number]; pad: 'valid' | 'same';
}

const cases: Case[] = [];
for (const pad of ['valid', 'same'] as const) {
  for (const strides of [[1, 1], [2, 2], [2, 1]] as [number, number][]) {
    for (const kernel of [[3, 3], [1, 1], [3, 2]] as [number, number][]) {
      for (const [channels, multiplier] of [[1, 1], [3, 1], [4, 2]]) {
        cases.push({ batch: 2, height: 9, width: 8, channels, multiplier, kernel, strides, pad });
      }
    }
  }
}

/** d/dx and d/dfilter of Σ(depthwiseConv2d(x, filter)·dy), on whichever backend is active. */
function gradients(tf: Tf, c: Case, seed: number): { x: Float32Array; filter: Float32Array } {
  return tf.tidy(() => {
    const x = tf.randomNormal([c.batch, c.height, c.width, c.channels], 0, 1, 'float32', seed);
    const filter = tf.randomNormal([...c.kernel, c.channels, c.multiplier], 0, 1, 'float32', seed + 1);
    const outShape = (tf.depthwiseConv2d(x as never, filter as never, c.strides, c.pad) as Tensor).shape;
    const dy = tf.randomNormal(outShape, 0, 1, 'float32', seed + 2);
    const [dx, dw] = tf.grads((a: Tensor, w: Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(a as never, w as never, c.strides, c.pad), dy)))([x, filter]);
    return { x: dx.dataSync() as Float32Array, filter: dw.dataSync() as Float32Array };
  });
}

describe('wasm depthwise convolution gradients (registered by wasmKernels)', () => {
  let tf: Tf;
  before(async () => {
    tf = (await wasmRuntime()).tf;
  });

  it('are registered on wasm after loading the runtime', () => {
    assert.equal(tf.getBackend(), 'wasm');
    assert.ok(tf.getKernel('DepthwiseConv2dNativeBackpropFilter', 'wasm'));
    assert.ok(tf.getKernel('DepthwiseConv2dNativeBackpropInput', 'wasm'));
  });

  it(`match the cpu backend within 1e-4 relative in ${cases.length} configurations`, async () => {
    const failures: string[] = [];
    for (const [i, c] of cases.entries()) {
      const onWasm = gradients(tf, c, 200 + 10 * i);
      const onCpu = await onBackend(tf, 'cpu', () => gradients(tf, c, 200 + 10 * i));
      const where = `${c.pad}, strides ${c.strides.join('×')}, kernel ${c.kernel.join('×')}, ${c.channels}×${c.multiplier}`;
      const filterError = maxRelativeError(onWasm.filter, onCpu.filter);
      if (!(filterError <= 1e-4)) failures.push(`${where}: filter gradient relative error ${filterError}`);
      const inputError = maxRelativeError(onWasm.x, onCpu.x);
      if (!(inputError <= 1e-4)) failures.push(`${where}: input gradient relative error ${inputError}`);
    }
    assert.equal(tf.getBackend(), 'wasm');
    assert.deepEqual(failures, []);
  });

  it('train a separableConv2d layer (both kernels get gradients) and leak no tensors', () => {
    const layer = tf.layers.separableConv2d({ filters: 4, kernelSize: 3, depthMultiplier: 2, padding: 'same' });
    const x = tf.randomNormal([2, 6, 6, 3], 0, 1, 'float32', 5);
    layer.apply(x);
    const round = () => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(x) as Tensor)) as never, layer.trainableWeights.map((w) => w.read() as never));
      const norms = Object.values(grads).map((g) => tf.tidy(() => tf.norm(g).dataSync()[0]));
      tf.dispose([value, ...Object.values(grads)]);
      return norms;
    };
    const norms = round();
    assert.equal(norms.length, 3);
    assert.ok(norms.every((n) => Number.isFinite(n) && n > 0), `gradient norms ${norms}`);
    const start = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) round();
    assert.equal(tf.memory().numTensors, start);
    tf.dispose(x);
    layer.dispose();
  });
});
