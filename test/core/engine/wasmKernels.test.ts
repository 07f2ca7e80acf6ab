import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Tf } from '../../../src/core/engine/tensorflowRuntime';
import { filterGradientByPatches, inputGradientByPatches, registerConvGradients, type ConvGradientOptions, type KernelFunc, type WasmBackend } from '../../../src/core/engine/wasmConvGradients';
import { maxRelativeError, onBackend, wasmRuntime, type Tensor } from './engineFixtures';

interface Case {
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  outChannels: number;
  kernel: [number, number];
  strides: [number, number];
  pad: 'valid' | 'same';
}

const cases: Case[] = [];
for (const pad of ['valid', 'same'] as const) {
  for (const strides of [[1, 1], [2, 2]] as [number, number][]) {
    for (const kernel of [[3, 3], [1, 1], [3, 2]] as [number, number][]) {
      for (const [inChannels, outChannels] of [[1, 4], [3, 1], [5, 8]]) {
        cases.push({ batch: 2, height: 9, width: 8, inChannels, outChannels, kernel, strides, pad });
      }
    }
  }
}
// 5×5 kernels, odd sizes, single channels and batches of one, and the MNIST nets' shapes (1 and
// 16 input channels at 28×28 and 14×14), which the per-shape route choice sends different ways.
for (const pad of ['valid', 'same'] as const) {
  for (const strides of [[1, 1], [2, 2]] as [number, number][]) {
    cases.push({ batch: 1, height: 11, width: 9, inChannels: 1, outChannels: 1, kernel: [5, 5], strides, pad });
    cases.push({ batch: 3, height: 7, width: 13, inChannels: 9, outChannels: 2, kernel: [5, 3], strides, pad });
  }
}
cases.push({ batch: 4, height: 28, width: 28, inChannels: 1, outChannels: 16, kernel: [3, 3], strides: [1, 1], pad: 'same' });
cases.push({ batch: 4, height: 14, width: 14, inChannels: 16, outChannels: 32, kernel: [3, 3], strides: [1, 1], pad: 'same' });
cases.push({ batch: 4, height: 14, width: 14, inChannels: 16, outChannels: 32, kernel: [1, 1], strides: [2, 2], pad: 'same' });
// Asymmetric strides and an even-sized image, where 'same' pads unevenly.
cases.push({ batch: 3, height: 10, width: 7, inChannels: 2, outChannels: 3, kernel: [2, 3], strides: [1, 2], pad: 'same' });
cases.push({ batch: 1, height: 6, width: 11, inChannels: 4, outChannels: 2, kernel: [3, 3], strides: [2, 1], pad: 'valid' });
// Strides larger than the kernel (windows that skip pixels), down to a single output row or column.
const LARGE_STRIDES: Case[] = [
  { batch: 2, height: 12, width: 13, inChannels: 2, outChannels: 3, kernel: [3, 3], strides: [5, 4], pad: 'valid' },
  { batch: 2, height: 12, width: 13, inChannels: 2, outChannels: 3, kernel: [3, 2], strides: [5, 7], pad: 'same' },
  { batch: 2, height: 9, width: 8, inChannels: 3, outChannels: 2, kernel: [3, 3], strides: [1000, 1000], pad: 'valid' },
  { batch: 2, height: 9, width: 8, inChannels: 3, outChannels: 2, kernel: [2, 3], strides: [1000, 3], pad: 'same' },
];
cases.push(...LARGE_STRIDES);

/** Random but fixed inputs for a case, as plain arrays so each backend makes its own tensors. */
function inputsFor(tf: Tf, c: Case, seed: number): { x: Float32Array; dy: Float32Array; filter: Float32Array; outShape: number[] } {
  return tf.tidy(() => {
    const x = tf.randomNormal([c.batch, c.height, c.width, c.inChannels], 0, 1, 'float32', seed);
    const filter = tf.randomNormal([...c.kernel, c.inChannels, c.outChannels], 0, 1, 'float32', seed + 1);
    const outShape = tf.conv2d(x as ReturnType<Tf['tensor4d']>, filter as ReturnType<Tf['tensor4d']>, c.strides, c.pad).shape;
    const dy = tf.randomNormal(outShape, 0, 1, 'float32', seed + 2);
    return { x: x.dataSync() as Float32Array, dy: dy.dataSync() as Float32Array, filter: filter.dataSync() as Float32Array, outShape };
  });
}

/** d/dfilter and d/dx of Σ(conv2d(x, filter)·dy): Conv2DBackpropFilter and Conv2DBackpropInput. */
function convGradients(tf: Tf, c: Case, inputs: ReturnType<typeof inputsFor>): { filter: Float32Array; x: Float32Array } {
  return tf.tidy(() => {
    const x = tf.tensor4d(inputs.x, [c.batch, c.height, c.width, c.inChannels]);
    const dy = tf.tensor(inputs.dy, inputs.outShape);
    const filter = tf.tensor4d(inputs.filter, [...c.kernel, c.inChannels, c.outChannels]);
    const [dx, dw] = tf.grads((a: Tensor, w: Tensor) => tf.sum(tf.mul(tf.conv2d(a as never, w as never, c.strides, c.pad), dy)))([x, filter]);
    return { filter: dw.dataSync() as Float32Array, x: dx.dataSync() as Float32Array };
  });
}

function filterGradient(tf: Tf, c: Case, inputs: ReturnType<typeof inputsFor>): Float32Array {
  return convGradients(tf, c, inputs).filter;
}

/** `backend` as handed to a kernel, recording the largest tensor (elements) any kernel inside it makes. */
function watchAllocations(backend: WasmBackend): { watched: WasmBackend; largest: () => number; reset: () => void } {
  let largest = 0;
  const watched = new Proxy(backend, {
    get(target, property) {
      const value = (target as unknown as Record<string | symbol, unknown>)[property];
      if (property === 'makeOutput') {
        return (shape: number[], ...rest: unknown[]) => {
          largest = Math.max(largest, shape.reduce((a, b) => a * b, 1));
          return (value as (...args: unknown[]) => unknown).call(target, shape, ...rest);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { watched, largest: () => largest, reset: () => { largest = 0; } };
}

function label(c: Case): string {
  return `${c.pad}, strides ${c.strides.join('×')}, kernel ${c.kernel.join('×')}, ${c.inChannels}→${c.outChannels} channels, ${c.height}×${c.width}`;
}

describe('wasm Conv2DBackpropFilter (registered by wasmKernels)', () => {
  let tf: Tf;
  before(async () => {
    tf = (await wasmRuntime()).tf;
  });

  it('is registered on wasm after loading the runtime', () => {
    assert.equal(tf.getBackend(), 'wasm');
    assert.ok(tf.getKernel('Conv2DBackpropFilter', 'wasm'));
  });

  /**
   * Each route against the cpu backend's reference kernels on every case. Tolerance 1e-4 of the
   * largest entry: both sum the same float32 products in different orders (XNNPACK's blocked sums
   * against the cpu's running sums), which moves results by a few 1e-7 relative per term; a wrong
   * tap, stride or padding moves whole entries by O(1).
   */
  const routes: [string, ConvGradientOptions][] = [
    ['per shape', {}],
    ['patches', { route: 'patches' }],
    ['convolutions', { route: 'conv' }],
    ['patches in chunks of 1–2 output rows', { route: 'patches', patchFloats: 600 }],
  ];
  for (const [name, options] of routes) {
    it(`matches the cpu backend within 1e-4 relative in ${cases.length} configurations (filter and input gradients, ${name})`, async () => {
      registerConvGradients(tf, options);
      try {
        const failures: string[] = [];
        for (const [i, c] of cases.entries()) {
          const inputs = inputsFor(tf, c, 100 + 10 * i);
          const onWasm = convGradients(tf, c, inputs);
          const onCpu = await onBackend(tf, 'cpu', () => convGradients(tf, c, inputs));
          assert.equal(onWasm.filter.length, c.kernel[0] * c.kernel[1] * c.inChannels * c.outChannels);
          const filterError = maxRelativeError(onWasm.filter, onCpu.filter);
          if (!(filterError <= 1e-4)) failures.push(`${label(c)}: filter gradient relative error ${filterError}`);
          const inputError = maxRelativeError(onWasm.x, onCpu.x);
          if (!(inputError <= 1e-4)) failures.push(`${label(c)}: input gradient relative error ${inputError}`);
        }
        assert.equal(tf.getBackend(), 'wasm');
        assert.deepEqual(failures, []);
      } finally {
        registerConvGradients(tf);
      }
    });
  }

  it('chooses patches for the filter gradient of few input channels and 1×1 kernels, for the input gradient of strides or one channel, convolutions otherwise', () => {
    const geometry = (channels: number, kernel: number, stride: number) => ({
      height: 14, width: 14, channels, kernelH: kernel, kernelW: kernel, strideH: stride, strideW: stride, outH: 14, outW: 14, padTop: 0, padLeft: 0,
    });
    assert.equal(filterGradientByPatches(geometry(1, 3, 1)), true);
    assert.equal(filterGradientByPatches(geometry(16, 1, 1)), true);
    assert.equal(filterGradientByPatches(geometry(3, 5, 2)), true);
    assert.equal(filterGradientByPatches(geometry(16, 3, 2)), false);
    assert.equal(filterGradientByPatches(geometry(16, 3, 1)), false);
    assert.equal(filterGradientByPatches(geometry(8, 3, 1)), false);
    assert.equal(inputGradientByPatches(geometry(16, 3, 2)), true);
    assert.equal(inputGradientByPatches(geometry(16, 3, 1)), false);
    assert.equal(inputGradientByPatches(geometry(1, 3, 1)), true);
  });

  it('keeps every intermediate of the patches route within its budget by chunking the batch', () => {
    const c: Case = { batch: 3, height: 9, width: 8, inChannels: 5, outChannels: 4, kernel: [3, 3], strides: [1, 1], pad: 'same' };
    const budget = 2 * 3 * 3 * 5 * 8; // two output rows of patches
    registerConvGradients(tf, { route: 'patches', patchFloats: budget });
    const backend = tf.backend() as unknown as WasmBackend;
    const allocations = watchAllocations(backend);
    try {
      const inputs = inputsFor(tf, c, 5);
      const x = tf.tensor4d(inputs.x, [c.batch, c.height, c.width, c.inChannels]);
      const dy = tf.tensor(inputs.dy, inputs.outShape);
      const info = (t: Tensor) => ({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });
      const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: [...c.kernel, c.inChannels, c.outChannels] };
      const kernel = tf.getKernel('Conv2DBackpropFilter', 'wasm')!.kernelFunc as unknown as KernelFunc;
      const out = kernel({ inputs: { x: info(x), dy: info(dy) } as never, backend: allocations.watched, attrs });
      backend.disposeData(out.dataId);
      tf.dispose([x, dy]);
    } finally {
      registerConvGradients(tf);
    }
    // The image itself (360 floats) is made by the test, not the kernel: the kernel's largest is a chunk.
    const largest = allocations.largest();
    assert.ok(largest > 0 && largest <= budget, `largest intermediate ${largest} floats, budget ${budget}`);
  });

  it('makes no intermediate larger than the padded image when the strides exceed the kernel (strides 1000: was outH·1000 × outW·1000)', () => {
    const backend = tf.backend() as unknown as WasmBackend;
    for (const c of LARGE_STRIDES) {
      const inputs = inputsFor(tf, c, 40);
      const x = tf.tensor4d(inputs.x, [c.batch, c.height, c.width, c.inChannels]);
      const dy = tf.tensor(inputs.dy, inputs.outShape);
      const filter = tf.tensor4d(inputs.filter, [...c.kernel, c.inChannels, c.outChannels]);
      const info = (t: Tensor) => ({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });
      const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1], filterShape: filter.shape, inputShape: x.shape };
      const allocations = watchAllocations(backend);
      // What the algorithm needs at most: the padded image, with the larger channel count of the two.
      const bound = Math.max(filter.size, c.batch * (c.height + c.kernel[0]) * (c.width + c.kernel[1]) * Math.max(c.inChannels, c.outChannels));
      for (const [name, kernelInputs] of [['Conv2DBackpropInput', { dy: info(dy), filter: info(filter) }], ['Conv2DBackpropFilter', { x: info(x), dy: info(dy) }]] as const) {
        allocations.reset();
        const kernel = tf.getKernel(name, 'wasm')!.kernelFunc as unknown as KernelFunc;
        const out = kernel({ inputs: kernelInputs as never, backend: allocations.watched, attrs });
        backend.disposeData(out.dataId);
        assert.ok(allocations.largest() <= bound, `${name}, ${label(c)}: an intermediate of ${allocations.largest()} elements (the padded image has ${bound})`);
      }
      tf.dispose([x, dy, filter]);
    }
  });

  it('gives the same gradient through a conv2d layer as through tf.conv2d (layers path, with bias)', () => {
    const c = cases.find((k) => k.pad === 'same' && k.strides[0] === 2 && k.kernel[0] === 3 && k.kernel[1] === 2 && k.inChannels === 5)!;
    const inputs = inputsFor(tf, c, 7);
    const layer = tf.layers.conv2d({ filters: c.outChannels, kernelSize: c.kernel, strides: c.strides, padding: c.pad, useBias: true });
    const x = tf.tensor4d(inputs.x, [c.batch, c.height, c.width, c.inChannels]);
    layer.apply(x); // builds the weights
    layer.setWeights([tf.tensor4d(inputs.filter, [...c.kernel, c.inChannels, c.outChannels]), tf.zeros([c.outChannels])]);
    const dy = tf.tensor(inputs.dy, inputs.outShape);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as Tensor, dy)) as never, layer.trainableWeights.map((w) => w.read() as never));
    const kernelGrad = grads[(layer.trainableWeights[0].read() as unknown as { name: string }).name].dataSync();
    assert.ok(maxRelativeError(kernelGrad, filterGradient(tf, c, inputs)) <= 1e-5);
    tf.dispose([x, dy, ...Object.values(grads)]);
    layer.dispose();
  });

  it('rejects explicit numeric padding with a clear message instead of computing garbage', () => {
    const x = tf.ones([1, 5, 5, 1]);
    const w = tf.ones([3, 3, 1, 1]);
    assert.throws(() => tf.grad((f: Tensor) => tf.sum(tf.conv2d(x as never, f as never, 1, 1)))(w), /padding 1 is not supported/);
    tf.dispose([x, w]);
  });

  it('computes the common 2×2 stride-2 pooling gradient exactly as the cpu backend, ties to the first maximum', async () => {
    // ReLU-like inputs: whole windows of zeros (ties), and rows/columns left over past the last window.
    for (const shape of [[3, 10, 12, 5], [2, 9, 7, 16]] as [number, number, number, number][]) {
      const x = tf.tidy(() => tf.relu(tf.randomNormal(shape, -0.5, 1, 'float32', 21)).dataSync() as Float32Array);
      const gradient = () => tf.tidy(() => {
        const input = tf.tensor4d(x, shape);
        const dy = tf.randomNormal(tf.maxPool(input, 2, 2, 'valid').shape, 0, 1, 'float32', 22);
        return Array.from(tf.grad((a: Tensor) => tf.sum(tf.mul(tf.maxPool(a as never, 2, 2, 'valid'), dy)))(input).dataSync());
      });
      const onWasm = gradient();
      const onCpu = await onBackend(tf, 'cpu', gradient);
      assert.ok(x.filter((v) => v === 0).length > x.length / 3, 'the input has ties');
      assert.deepEqual(onWasm, onCpu, `shape ${shape}`);
    }
  });

  it('computes pooling gradients like the cpu backend, also for windows whose values are all negative', async () => {
    const failures: string[] = [];
    const shape: [number, number, number, number] = [2, 9, 8, 3];
    // Mostly negative inputs: the wasm MaxPoolGrad of tfjs 4.22 lost the gradient of such windows.
    const x = tf.tidy(() => tf.sub(tf.randomNormal(shape, 0, 1, 'float32', 11), 1.5).dataSync() as Float32Array);
    for (const pad of ['valid', 'same'] as const) {
      for (const strides of [1, 2, [2, 1]] as (number | [number, number])[]) {
        for (const pool of [[2, 2], [3, 3], [3, 2], [1, 1]] as [number, number][]) {
          const gradients = () => tf.tidy(() => {
            const input = tf.tensor4d(x, shape);
            const outShape = tf.maxPool(input, pool, strides, pad).shape;
            const dy = tf.randomNormal(outShape, 0, 1, 'float32', 12);
            const max = tf.grad((a: Tensor) => tf.sum(tf.mul(tf.maxPool(a as never, pool, strides, pad), dy)))(input);
            const avg = tf.grad((a: Tensor) => tf.sum(tf.mul(tf.avgPool(a as never, pool, strides, pad), dy)))(input);
            return { max: max.dataSync(), avg: avg.dataSync() };
          });
          const onWasm = gradients();
          const onCpu = await onBackend(tf, 'cpu', gradients);
          const where = `${pad}, strides ${strides}, pool ${pool.join('×')}`;
          const maxError = maxRelativeError(onWasm.max, onCpu.max);
          if (!(maxError <= 1e-6)) failures.push(`${where}: maxPool gradient relative error ${maxError}`);
          const avgError = maxRelativeError(onWasm.avg, onCpu.avg);
          if (!(avgError <= 1e-5)) failures.push(`${where}: avgPool gradient relative error ${avgError}`);
        }
      }
    }
    assert.deepEqual(failures, []);
  });

  it('leaks no tensors, bytes, data buffers or wasm heap over repeated conv and maxPool gradient computations, by every route', () => {
    const backend = tf.backend() as unknown as WasmBackend & { wasm: { HEAPU8: Uint8Array } };
    // A strided and a stride-1 case, so that the per-shape choice takes both routes.
    const chosen = [
      cases.find((k) => k.pad === 'same' && k.strides[0] === 2 && k.inChannels === 5 && k.kernel[0] === 3 && k.kernel[1] === 3)!,
      cases.find((k) => k.pad === 'same' && k.strides[0] === 1 && k.inChannels === 16 && k.kernel[0] === 3)!,
    ];
    for (const options of [{}, { route: 'patches', patchFloats: 600 }, { route: 'conv' }] as ConvGradientOptions[]) {
      registerConvGradients(tf, options);
      try {
        for (const c of chosen) {
          const inputs = inputsFor(tf, c, 3);
          const x = tf.tensor4d(inputs.x, [c.batch, c.height, c.width, c.inChannels]);
          const dy = tf.tensor(inputs.dy, inputs.outShape);
          const filter = tf.tensor4d(inputs.filter, [...c.kernel, c.inChannels, c.outChannels]);
          const grads = tf.grads((a: Tensor, w: Tensor) => tf.sum(tf.mul(tf.conv2d(a as never, w as never, c.strides, c.pad), dy)));
          // Also the raw kernel, which a leak of its internal reshapes would show in numDataBuffers.
          const direct = () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
            strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: filter.shape,
          }) as Tensor;
          const pooled = tf.grad((a: Tensor) => tf.sum(tf.maxPool(a as never, 3, 2, 'same')));
          const round = () => {
            const [gx, gw] = grads([x, filter]);
            const d = direct();
            assert.ok(maxRelativeError(gw.dataSync(), d.dataSync()) <= 1e-6);
            const p = pooled(x);
            tf.dispose([gx, gw, d, p]);
          };
          round(); // warm-up
          const start = tf.memory() as { numTensors: number; numBytes: number; numDataBuffers: number };
          const heap = backend.wasm.HEAPU8.byteLength;
          for (let i = 0; i < 30; i++) round();
          const end = tf.memory() as { numTensors: number; numBytes: number; numDataBuffers: number };
          const where = `${label(c)}, ${JSON.stringify(options)}`;
          assert.equal(end.numTensors, start.numTensors, where);
          assert.equal(end.numBytes, start.numBytes, where);
          assert.equal(end.numDataBuffers, start.numDataBuffers, where);
          assert.equal(backend.wasm.HEAPU8.byteLength, heap, `${where}: the wasm heap grew`);
          tf.dispose([x, dy, filter]);
        }
      } finally {
        registerConvGradients(tf);
      }
    }
  });
});
