// Conv2D gradients for the WebAssembly backend, built from its fast kernels (XNNPACK matrix
// products and forward convolutions). tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter at all,
// its Conv3D filter gradient (usable with depth 1) is wrong for strides > 1 and, like its
// Conv2DBackpropInput, is a plain loop about 10× slower than the forward pass.
//
// Filter gradient: dW[i, j, c, o] = Σ_{b, oh, ow} x_pad[b, oh·s + i, ow·s + j, c] · dy[b, oh, ow, o],
// which is a forward convolution of x_pad with its batch axis as channels, by dy used as a filter
// (batch as its input channels) dilated by the stride: one fast kernel plus transposes.
// Input gradient: the transposed convolution, computed as a stride-1 forward convolution of dy
// (spread out with s−1 zeros between rows and columns, then padded) with the filter rotated by
// 180° and its channel axes swapped. No intermediate outgrows the padded image, whatever the stride.

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
  conv2d(x: TensorInfo, filter: TensorInfo, dilations: [number, number] = [1, 1]) {
    return this.keep(this.k.conv2d({ inputs: { x, filter }, backend: this.backend, attrs: { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations } }));
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

export function registerConvGradients(tf: Tf): void {
  const k = wasmKernels(tf);
  const padInfo = (xShape: number[], filterShape: number[], strides: [number, number], pad: unknown) =>
    tf.backend_util.computeConv2DInfo(xShape as never, filterShape as never, strides, 1, pad as never).padInfo;

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
      const p = padInfo(x.shape, filterShape, [sh, sw], attrs.pad);
      // The exact extent the windows cover: (out−1)·s + k rows from the top padding on; pad or
      // crop the bottom/right to it.
      const needH = (outH - 1) * sh + kh;
      const needW = (outW - 1) * sw + kw;
      let xp = scratch.pad(x, [[0, 0], [p.top, Math.max(0, needH - height - p.top)], [p.left, Math.max(0, needW - width - p.left)], [0, 0]]);
      if (xp.shape[1] > needH || xp.shape[2] > needW) xp = scratch.slice(xp, [0, 0, 0, 0], [batch, needH, needW, inC], [1, 1, 1, 1]);
      // Batch as channels: a forward convolution of x (examples → channels) with dy as the
      // filter, dilated by the stride, sums over examples and positions in one fast kernel.
      const images = scratch.transpose(xp, [3, 1, 2, 0]); // [inC, needH, needW, batch]
      const filter = scratch.transpose(dy, [1, 2, 0, 3]); // [outH, outW, batch, outC]
      const grad = scratch.conv2d(images, filter, [sh, sw]); // [inC, kh, kw, outC]
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
      const p = padInfo(inputShape, filter.shape, [sh, sw], attrs.pad);
      const spread = scratch.spread(dy, sh, sw);
      const top = kh - 1 - p.top;
      const left = kw - 1 - p.left;
      const bottom = height + kh - 1 - top - spread.shape[1];
      const right = width + kw - 1 - left - spread.shape[2];
      // Negative padding cannot happen for 'same'/'valid' (top ≤ kh−1); cropping would be needed otherwise.
      if (top < 0 || left < 0 || bottom < 0 || right < 0) throw new Error('Conv2DBackpropInput (wasm): unexpected padding');
      const padded = scratch.pad(spread, [[0, 0], [top, bottom], [left, right], [0, 0]]);
      const rotated = scratch.transpose(scratch.reverse(filter, [0, 1]), [0, 1, 3, 2]);
      const dx = scratch.conv2d(padded, rotated);
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
