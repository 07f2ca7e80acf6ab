// Conv2D gradients for the WebAssembly backend, built from its fast kernels (XNNPACK matrix
// products and forward convolutions). tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter at all,
// its Conv3D filter gradient (usable with depth 1) is wrong for strides > 1 and, like its
// Conv2DBackpropInput, is a plain loop about 10× slower than the forward pass.
//
// Two routes each, chosen per shape by what measured faster (see README, "The conv gradients"):
// Filter gradient: dW[i, j, c, o] = Σ_{b, oh, ow} x_pad[b, oh·s + i, ow·s + j, c] · dy[b, oh, ow, o].
// - patches: unfold x into its transposed patches [kh·kw·inC, positions] (convPatches.ts) and
//   multiply by dy [positions, outC]: one matrix product on untransposed operands whose result is
//   the filter gradient as is. Its costs are the unfold (a JavaScript loop, ~1.5–2 ns per patch
//   entry) and XNNPACK packing dy, the product's second operand, anew on every call (~3 ns per
//   float: its operator is cached by operand tensor, and dy is new each step; packing the patches
//   instead, as dWᵀ = dyᵀ · patches, measured slower even where they are the narrower operand),
//   so it wins where the patches are small: few input channels (a first layer: 7.7 → 4.3 ms
//   in the MNIST CNN's training steps) and 1×1 kernels.
// - batch as channels: a forward convolution of x (padded by the kernel) with its batch axis as
//   channels, by dy used as a filter (batch as its input channels) dilated by the stride: one fast
//   kernel plus transposes, without patches; faster for 3×3 and larger kernels over many channels.
// Input gradient, the transposed convolution:
// - at stride 1 and several input channels, a forward convolution of dy (padded by the kernel)
//   with the filter rotated by 180° and its channel axes swapped: about the forward pass's speed.
// - at strides > 1, the same convolution would run over dy spread with s−1 zeros between rows and
//   columns (s² times the work, mostly on zeros), so instead: patches = dy · Wᵀ, folded (col2im)
//   back into the image; also for one input channel, where the convolution would have one output
//   channel, which XNNPACK runs at a fraction of its speed.
// The patches of a large batch are made a chunk of output rows at a time, each at most
// `patchFloats` floats; the conv routes make nothing larger than the padded image.

import { foldPatches, unfoldTransposed, type PatchGeometry } from './convPatches';
import type { Tf } from './tensorflowRuntime';

export type TensorInfo = { dataId: object; shape: number[]; dtype: string };
export type WasmBackend = {
  disposeData(id: object): void;
  incRef(id: object): void;
  /** A view of a tensor's memory in the wasm heap (detached when the heap grows). */
  typedArrayFromHeap(t: TensorInfo): Float32Array;
  readSync(id: object): Float32Array;
  makeOutput(shape: number[], dtype: string, memoryOffset?: number, values?: Float32Array): TensorInfo;
};
export type KernelArgs = { inputs: Record<string, TensorInfo>; backend: WasmBackend; attrs: Record<string, unknown> };
export type KernelFunc = (args: KernelArgs) => TensorInfo;

function pairOf(value: unknown): [number, number] {
  if (typeof value === 'number') return [value, value];
  const [a, b] = value as number[];
  return [a, b];
}

/** The wasm kernels the gradients are made of, looked up once. */
function wasmKernels(tf: Tf) {
  const get = (name: string) => {
    const kernel = tf.getKernel(name, 'wasm')?.kernelFunc as unknown as KernelFunc | undefined;
    if (!kernel) throw new Error(`the WebAssembly backend lacks ${name}; conv layers cannot be trained on it`);
    return kernel;
  };
  return {
    reshape: get('Reshape'), pad: get('PadV2'), slice: get('StridedSlice'), transpose: get('Transpose'),
    matMul: get('BatchMatMul'), pack: get('Pack'), concat: get('Concat'), conv2d: get('Conv2D'), reverse: get('Reverse'),
  };
}

type Kernels = ReturnType<typeof wasmKernels>;

/** Runs kernels and releases every intermediate they made, whatever happens. */
class Scratch {
  private readonly temporaries: TensorInfo[] = [];

  constructor(private readonly k: Kernels, private readonly backend: WasmBackend) {}

  private keep(t: TensorInfo): TensorInfo {
    this.temporaries.push(t);
    return t;
  }

  reshape(x: TensorInfo, shape: number[]) { return this.keep(this.k.reshape({ inputs: { x }, backend: this.backend, attrs: { shape } })); }
  pad(x: TensorInfo, paddings: number[][]) { return this.keep(this.k.pad({ inputs: { x }, backend: this.backend, attrs: { paddings, constantValue: 0 } })); }
  transpose(x: TensorInfo, perm: number[]) { return this.keep(this.k.transpose({ inputs: { x }, backend: this.backend, attrs: { perm } })); }
  reverse(x: TensorInfo, dims: number[]) { return this.keep(this.k.reverse({ inputs: { x }, backend: this.backend, attrs: { dims } })); }
  slice(x: TensorInfo, begin: number[], end: number[], strides: number[]) {
    return this.keep(this.k.slice({
      inputs: { x }, backend: this.backend,
      attrs: { begin, end, strides, beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 },
    }));
  }
  matMul(a: TensorInfo, b: TensorInfo) { return this.keep(this.k.matMul({ inputs: { a, b }, backend: this.backend, attrs: { transposeA: false, transposeB: false } })); }
  concat(values: TensorInfo[], axis: number) {
    // Concat, like Pack, takes its inputs as an array.
    return this.keep(this.k.concat({ inputs: values as never, backend: this.backend, attrs: { axis } }));
  }
  pack(values: TensorInfo[]) {
    // Pack takes its inputs as an array, unlike most kernels.
    return this.keep(this.k.pack({ inputs: values as never, backend: this.backend, attrs: { axis: 0 } }));
  }
  /** A new float32 tensor, its memory uninitialized. */
  output(shape: number[]) { return this.keep(this.backend.makeOutput(shape, 'float32')); }
  /** Rows [start, start + count) of a tensor seen as [rows, rowLength], as a [count, rowLength] tensor. */
  rows(x: TensorInfo, rowLength: number, start: number, count: number): TensorInfo {
    if (start === 0 && count * rowLength === x.shape.reduce((a, b) => a * b, 1)) return this.reshape(x, [count, rowLength]);
    const out = this.output([count, rowLength]);
    // After makeOutput: allocating may grow the heap, which detaches views taken before.
    this.backend.typedArrayFromHeap(out).set(this.backend.typedArrayFromHeap(x).subarray(start * rowLength, (start + count) * rowLength));
    return out;
  }
  /** A stride-1 convolution; `pad`: 'valid', or [[top, bottom], [left, right]] zeros around the image. */
  conv2d(x: TensorInfo, filter: TensorInfo, dilations: [number, number] = [1, 1], pad: 'valid' | number[][] = 'valid') {
    const explicit = pad === 'valid' ? pad : [[0, 0], ...pad, [0, 0]];
    return this.keep(this.k.conv2d({ inputs: { x, filter }, backend: this.backend, attrs: { strides: [1, 1], pad: explicit, dataFormat: 'NHWC', dilations } }));
  }

  /**
   * `dy` with s−1 zero rows/columns between neighbours: [b, (oh−1)·s+1, (ow−1)·s+1, c]. Nothing
   * larger than that is made: padding every row before cropping the last one would make
   * oh·s × ow·s (a 1000² image for one output pixel at strides 1000).
   */
  spread(dy: TensorInfo, strideH: number, strideW: number): TensorInfo {
    return this.spreadAxis(this.spreadAxis(dy, 1, strideH), 2, strideW);
  }

  /** Along `axis` (1: rows, 2: columns): every entry but the last followed by s−1 zeros, then the last. */
  private spreadAxis(x: TensorInfo, axis: 1 | 2, stride: number): TensorInfo {
    const n = x.shape[axis];
    if (stride === 1 || n === 1) return x;
    const [batch, height, width, channels] = x.shape;
    const size = [batch, height, width, channels];
    size[axis] = n - 1;
    const head = this.slice(x, [0, 0, 0, 0], size, [1, 1, 1, 1]);
    // A unit axis after `axis`, padded to the stride, then merged into it.
    const withUnit = [...size.slice(0, axis + 1), 1, ...size.slice(axis + 1)];
    const padding = withUnit.map((_, i) => [0, i === axis + 1 ? stride - 1 : 0]);
    const spreadShape = [...size];
    spreadShape[axis] = (n - 1) * stride;
    const spreadHead = this.reshape(this.pad(this.reshape(head, withUnit), padding), spreadShape);
    const begin = [0, 0, 0, 0];
    begin[axis] = n - 1;
    const last = this.slice(x, begin, [batch, height, width, channels], [1, 1, 1, 1]);
    return this.concat([spreadHead, last], axis);
  }

  /** Releases one intermediate early (a chunk's, so that chunks do not pile up). */
  release(t: TensorInfo): void {
    const at = this.temporaries.indexOf(t);
    if (at >= 0) this.temporaries.splice(at, 1);
    this.backend.disposeData(t.dataId);
  }

  /** Releases every intermediate except `result` (which may be one of them, e.g. a reshape). */
  finish(result: TensorInfo): TensorInfo {
    for (const t of this.temporaries) if (t !== result) this.backend.disposeData(t.dataId);
    return result;
  }

  abandon(): void {
    for (const t of this.temporaries) this.backend.disposeData(t.dataId);
  }
}

function checkAttrs(kernel: string, attrs: Record<string, unknown>): void {
  if (attrs.pad !== 'same' && attrs.pad !== 'valid') throw new Error(`${kernel} (wasm): padding ${JSON.stringify(attrs.pad)} is not supported`);
  if (attrs.dataFormat && attrs.dataFormat !== 'NHWC') throw new Error(`${kernel} (wasm): only NHWC data is supported`);
}

/** How the gradients are made; tests and benches set these to exercise one route or the chunks. */
export interface ConvGradientOptions {
  /** Most floats one chunk of patches may hold (default 4 M: 16 MB). */
  patchFloats?: number;
  /** Both gradients by patches, or both by convolutions, instead of per shape (default 'auto'). */
  route?: 'auto' | 'patches' | 'conv';
}

const DEFAULT_PATCH_FLOATS = 4 * 1024 * 1024;

/**
 * The filter gradient through patches where that measured faster (see header): 1×1 kernels and
 * up to 3 input channels (3×3, batch 64, a fresh dy per call: 3→16 at 28² 7.4 against 8.5 ms by
 * convolution, 4→16 even, 8→16 14.6 against 11.8). A 3×3 stride-2 kernel over 16 channels
 * measured the same both ways (4.1 against 4.1–4.9 ms in ResNet steps) and stays a convolution.
 */
export function filterGradientByPatches(g: PatchGeometry): boolean {
  return g.kernelH * g.kernelW === 1 || g.channels < 4;
}

/**
 * The input gradient through patches at strides > 1, and for a single input channel, where the
 * convolution would have one output channel, which XNNPACK runs at a fraction of its speed (see header).
 */
export function inputGradientByPatches(g: PatchGeometry): boolean {
  return g.strideH * g.strideW > 1 || g.channels === 1;
}

/** Ranges [start, end) of output rows (b·outH + oh) whose patches fit in `budget` floats, one row at least. */
function rowChunks(rows: number, floatsPerRow: number, budget: number): [number, number][] {
  const perChunk = Math.max(1, Math.floor(budget / floatsPerRow));
  const chunks: [number, number][] = [];
  for (let start = 0; start < rows; start += perChunk) chunks.push([start, Math.min(rows, start + perChunk)]);
  return chunks;
}

export function registerConvGradients(tf: Tf, options: ConvGradientOptions = {}): void {
  const k = wasmKernels(tf);
  const patchFloats = options.patchFloats ?? DEFAULT_PATCH_FLOATS;
  const route = options.route ?? 'auto';
  const byPatches = (auto: (g: PatchGeometry) => boolean, g: PatchGeometry) => (route === 'auto' ? auto(g) : route === 'patches');
  const geometry = (xShape: number[], filterShape: number[], strides: [number, number], pad: unknown): PatchGeometry => {
    const info = tf.backend_util.computeConv2DInfo(xShape as never, filterShape as never, strides, 1, pad as never);
    return {
      height: info.inHeight, width: info.inWidth, channels: info.inChannels, kernelH: info.filterHeight, kernelW: info.filterWidth,
      strideH: info.strideHeight, strideW: info.strideWidth, outH: info.outHeight, outW: info.outWidth,
      padTop: info.padInfo.top, padLeft: info.padInfo.left,
    };
  };

  /** dW = patchesᵀ · dy, chunk by chunk, summed. */
  const filterGradientFromPatches = (scratch: Scratch, backend: WasmBackend, x: TensorInfo, dy: TensorInfo, g: PatchGeometry, filterShape: number[]): TensorInfo => {
    const size = g.kernelH * g.kernelW * g.channels;
    const outChannels = filterShape[3];
    // 1×1 at stride 1 (never padded): the patches are the pixels, transposed by the faster wasm kernel.
    const pixelsArePatches = size === g.channels && g.strideH === 1 && g.strideW === 1;
    const transposedPixels = (start: number, positions: number) => {
      const pixels = scratch.rows(x, g.channels, start * g.outW, positions);
      const transposed = scratch.transpose(pixels, [1, 0]);
      if (pixels.dataId !== x.dataId) scratch.release(pixels);
      return transposed;
    };
    let sum: TensorInfo | undefined;
    for (const [start, end] of rowChunks(x.shape[0] * g.outH, size * g.outW, patchFloats)) {
      const positions = (end - start) * g.outW;
      const patches = pixelsArePatches ? transposedPixels(start, positions) : scratch.output([size, positions]);
      if (!pixelsArePatches) unfoldTransposed(backend.typedArrayFromHeap(x), g, start, end, backend.typedArrayFromHeap(patches));
      const dyRows = scratch.rows(dy, outChannels, start * g.outW, positions);
      const product = scratch.matMul(patches, dyRows);
      scratch.release(patches);
      if (dyRows.dataId !== dy.dataId) scratch.release(dyRows);
      if (!sum) {
        sum = product;
        continue;
      }
      const total = backend.typedArrayFromHeap(sum);
      const part = backend.typedArrayFromHeap(product);
      for (let i = 0; i < total.length; i++) total[i] += part[i];
      scratch.release(product);
    }
    return scratch.reshape(sum!, filterShape);
  };

  /** dx = fold(dy · Wᵀ), chunk by chunk. */
  const inputGradientFromPatches = (scratch: Scratch, backend: WasmBackend, dy: TensorInfo, filter: TensorInfo, g: PatchGeometry, inputShape: number[]): TensorInfo => {
    const size = g.kernelH * g.kernelW * g.channels;
    const outChannels = filter.shape[3];
    const filterT = scratch.transpose(scratch.reshape(filter, [size, outChannels]), [1, 0]);
    const dx = scratch.output(inputShape);
    backend.typedArrayFromHeap(dx).fill(0);
    for (const [start, end] of rowChunks(inputShape[0] * g.outH, size * g.outW, patchFloats)) {
      const positions = (end - start) * g.outW;
      const dyRows = scratch.rows(dy, outChannels, start * g.outW, positions);
      const patches = scratch.matMul(dyRows, filterT);
      if (dyRows.dataId !== dy.dataId) scratch.release(dyRows);
      foldPatches(backend.typedArrayFromHeap(patches), g, start, end, backend.typedArrayFromHeap(dx));
      scratch.release(patches);
    }
    return dx;
  };

  const filterGradient: KernelFunc = ({ inputs, backend, attrs }) => {
    checkAttrs('Conv2DBackpropFilter', attrs);
    const { x, dy } = inputs;
    const filterShape = attrs.filterShape as number[];
    const [kh, kw, inC] = filterShape;
    const [sh, sw] = pairOf(attrs.strides);
    const [batch, height, width] = x.shape;
    const [, outH, outW] = dy.shape;
    const scratch = new Scratch(k, backend);
    try {
      const g = geometry(x.shape, filterShape, [sh, sw], attrs.pad);
      if (byPatches(filterGradientByPatches, g)) return scratch.finish(filterGradientFromPatches(scratch, backend, x, dy, g, filterShape));
      // The exact extent the windows cover: (out−1)·s + k rows from the top padding on; pad or
      // crop the bottom/right to it.
      const needH = (outH - 1) * sh + kh;
      const needW = (outW - 1) * sw + kw;
      const bottom = needH - height - g.padTop;
      const right = needW - width - g.padLeft;
      // Batch as channels: a forward convolution of x (examples → channels) with dy as the
      // filter, dilated by the stride, sums over examples and positions in one fast kernel. The
      // convolution pads the image itself (no padded copy) unless the windows stop short of its
      // bottom or right edge, which only a crop of a padded copy expresses.
      let xp = x;
      if (bottom < 0 || right < 0) {
        xp = scratch.pad(x, [[0, 0], [g.padTop, Math.max(0, bottom)], [g.padLeft, Math.max(0, right)], [0, 0]]);
        xp = scratch.slice(xp, [0, 0, 0, 0], [batch, needH, needW, inC], [1, 1, 1, 1]);
      }
      const padding: 'valid' | number[][] = xp === x ? [[g.padTop, bottom], [g.padLeft, right]] : 'valid';
      const images = scratch.transpose(xp, [3, 1, 2, 0]); // [inC, rows, columns, batch]
      const filter = scratch.transpose(dy, [1, 2, 0, 3]); // [outH, outW, batch, outC]
      const grad = scratch.conv2d(images, filter, [sh, sw], padding); // [inC, kh, kw, outC]
      return scratch.finish(scratch.transpose(grad, [1, 2, 0, 3]));
    } catch (error) {
      scratch.abandon();
      throw error;
    }
  };

  const inputGradient: KernelFunc = ({ inputs, backend, attrs }) => {
    checkAttrs('Conv2DBackpropInput', attrs);
    const { dy, filter } = inputs;
    const inputShape = attrs.inputShape as number[];
    const [, height, width] = inputShape;
    const [kh, kw] = filter.shape;
    const [sh, sw] = pairOf(attrs.strides);
    const scratch = new Scratch(k, backend);
    try {
      const g = geometry(inputShape, filter.shape, [sh, sw], attrs.pad);
      if (byPatches(inputGradientByPatches, g)) return scratch.finish(inputGradientFromPatches(scratch, backend, dy, filter, g, inputShape));
      const spread = scratch.spread(dy, sh, sw);
      const top = kh - 1 - g.padTop;
      const left = kw - 1 - g.padLeft;
      const bottom = height + kh - 1 - top - spread.shape[1];
      const right = width + kw - 1 - left - spread.shape[2];
      // Negative padding cannot happen for 'same'/'valid' (top ≤ kh−1); cropping would be needed otherwise.
      if (top < 0 || left < 0 || bottom < 0 || right < 0) throw new Error('Conv2DBackpropInput (wasm): unexpected padding');
      const rotated = scratch.transpose(scratch.reverse(filter, [0, 1]), [0, 1, 3, 2]);
      // The convolution pads dy itself: no padded copy.
      const dx = scratch.conv2d(spread, rotated, [1, 1], [[top, bottom], [left, right]]);
      return scratch.finish(dx);
    } catch (error) {
      scratch.abandon();
      throw error;
    }
  };

  for (const [name, kernelFunc] of [['Conv2DBackpropFilter', filterGradient], ['Conv2DBackpropInput', inputGradient]] as const) {
    if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: kernelFunc as never });
  }
}
