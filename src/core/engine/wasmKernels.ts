// The WebAssembly backend ships forward convolution kernels but not Conv2DBackpropFilter, the
// kernel that computes the gradient of a conv layer's weights, so conv nets cannot train on it.
// It does ship a native Conv3DBackpropFilterV2: a 2-D convolution is a 3-D one with depth 1, so we
// register the missing kernel as reshapes around that, which keeps the work in WebAssembly.
//
// Its matrix products are fast only for untransposed operands: with transposeA (how every dense
// layer's weight gradient is computed) a 256×4096 by 256×4096 product takes ~10 s instead of
// ~0.3 s. Transposing explicitly first, which is cheap, restores the fast path.
//
// Two native kernels of tfjs-backend-wasm 4.22 compute wrong gradients, so we work around them:
// - Conv3DBackpropFilterV2 with a stride > 1 drops terms at the borders (its loop bounds round
//   the wrong way), so strided convolutions go through its exact stride-1 path instead: zeros
//   are inserted between the rows and columns of dy, and x is padded explicitly.
// - MaxPoolGrad starts its running max at FLT_MIN (the smallest positive float) instead of
//   -inf, so a window whose values are all ≤ 0 gets no gradient at all (common after
//   BatchNorm, tanh, leakyRelu or a linear conv). We replace it with the cpu backend's rule.

import type { Tf } from './tensorflowRuntime';

type TensorInfo = { dataId: object; shape: number[]; dtype: string };
type WasmBackend = {
  disposeData(id: object): void;
  readSync(id: object): Float32Array;
  makeOutput(shape: number[], dtype: string, memoryOffset?: number, values?: Float32Array): TensorInfo;
};
type KernelArgs = { inputs: Record<string, TensorInfo>; backend: WasmBackend; attrs: Record<string, unknown> };
type KernelFunc = (args: KernelArgs) => TensorInfo;

function pairOf(value: unknown): [number, number] {
  if (typeof value === 'number') return [value, value];
  const [a, b] = value as number[];
  return [a, b];
}

const patched = new WeakSet<object>();

export function registerMissingWasmKernels(tf: Tf): void {
  if (patched.has(tf)) return;
  registerConv2DBackpropFilter(tf);
  replaceMaxPoolGrad(tf);
  for (const name of ['BatchMatMul', '_FusedMatMul']) wrapWithExplicitTranspose(tf, name);
  patched.add(tf);
}

const wrapped = new WeakSet<object>();

/** Replaces a wasm matMul kernel with one that transposes operands explicitly (see header). */
function wrapWithExplicitTranspose(tf: Tf, kernelName: string): void {
  const original = tf.getKernel(kernelName, 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm')?.kernelFunc as unknown as KernelFunc | undefined;
  if (!original || !transpose || wrapped.has(original.kernelFunc)) return;
  const matMul = original.kernelFunc as unknown as KernelFunc;
  const swapLastTwo = (t: TensorInfo, backend: KernelArgs['backend']) => {
    const perm = t.shape.map((_, i) => i);
    [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
    return transpose({ inputs: { x: t }, backend, attrs: { perm } });
  };
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    if (!attrs.transposeA && !attrs.transposeB) return matMul({ inputs, backend, attrs });
    const temporaries: TensorInfo[] = [];
    let { a, b } = inputs;
    if (attrs.transposeA) temporaries.push((a = swapLastTwo(a, backend)));
    if (attrs.transposeB) temporaries.push((b = swapLastTwo(b, backend)));
    try {
      return matMul({ inputs: { ...inputs, a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
    } finally {
      for (const t of temporaries) backend.disposeData(t.dataId);
    }
  };
  wrapped.add(kernelFunc);
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ ...original, setupFunc: undefined, kernelFunc: kernelFunc as never });
}

function registerConv2DBackpropFilter(tf: Tf): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  const conv3dFilterGrad = tf.getKernel('Conv3DBackpropFilterV2', 'wasm')?.kernelFunc as unknown as KernelFunc | undefined;
  const reshape = tf.getKernel('Reshape', 'wasm')?.kernelFunc as unknown as KernelFunc | undefined;
  const padKernel = tf.getKernel('PadV2', 'wasm')?.kernelFunc as unknown as KernelFunc | undefined;
  if (!conv3dFilterGrad || !reshape || !padKernel) {
    throw new Error('the WebAssembly backend lacks Conv3DBackpropFilterV2/Reshape/PadV2; conv layers cannot be trained on it');
  }
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs;
    const filterShape = attrs.filterShape as number[];
    const [strideH, strideW] = pairOf(attrs.strides);
    const pad = attrs.pad;
    if (pad !== 'same' && pad !== 'valid') throw new Error(`Conv2DBackpropFilter (wasm): padding ${JSON.stringify(pad)} is not supported`);
    if (attrs.dataFormat && attrs.dataFormat !== 'NHWC') throw new Error('Conv2DBackpropFilter (wasm): only NHWC data is supported');
    // Every intermediate is released before returning; reshape on wasm shares the buffer and
    // counts a reference, so releasing a view frees only the view.
    const temporaries: TensorInfo[] = [];
    const keep = (t: TensorInfo) => (temporaries.push(t), t);
    const reshapeTo = (t: TensorInfo, shape: number[]) => keep(reshape({ inputs: { x: t }, backend, attrs: { shape } }));
    const padBy = (t: TensorInfo, paddings: number[][]) => keep(padKernel({ inputs: { x: t }, backend, attrs: { paddings, constantValue: 0 } }));
    try {
      let grad5: TensorInfo;
      if (strideH === 1 && strideW === 1) {
        const x5 = reshapeTo(x, [x.shape[0], 1, ...x.shape.slice(1)]);
        const dy5 = reshapeTo(dy, [dy.shape[0], 1, ...dy.shape.slice(1)]);
        grad5 = keep(conv3dFilterGrad({ inputs: { x: x5, dy: dy5 }, backend, attrs: { strides: [1, 1, 1], pad, filterShape: [1, ...filterShape] } }));
      } else {
        // dW[i,j] = Σ x[oh·s + i − padTop, ow·s + j − padLeft]·dy[oh, ow]: a stride-1 'valid'
        // correlation of the explicitly padded x with dy spread out by s (zeros in between).
        const [batch, height, width, inChannels] = x.shape;
        const [, outHeight, outWidth, outChannels] = dy.shape;
        const [filterH, filterW] = filterShape;
        const { padInfo } = tf.backend_util.computeConv2DInfo(x.shape as never, filterShape as never, [strideH, strideW], 1, pad);
        const spreadH = outHeight * strideH;
        const spreadW = outWidth * strideW;
        // Pad x at the bottom/right until a stride-1 pass yields at least the spread dy's size.
        const extraH = Math.max(0, spreadH + filterH - 1 - height - padInfo.top);
        const extraW = Math.max(0, spreadW + filterW - 1 - width - padInfo.left);
        const paddedH = height + padInfo.top + extraH;
        const paddedW = width + padInfo.left + extraW;
        const x5 = padBy(reshapeTo(x, [batch, 1, height, width, inChannels]), [[0, 0], [0, 0], [padInfo.top, extraH], [padInfo.left, extraW], [0, 0]]);
        const spread = padBy(reshapeTo(dy, [batch, outHeight, 1, outWidth, 1, outChannels]), [[0, 0], [0, 0], [0, strideH - 1], [0, 0], [0, strideW - 1], [0, 0]]);
        const dy5 = padBy(reshapeTo(spread, [batch, 1, spreadH, spreadW, outChannels]),
          [[0, 0], [0, 0], [0, paddedH - filterH + 1 - spreadH], [0, paddedW - filterW + 1 - spreadW], [0, 0]]);
        grad5 = keep(conv3dFilterGrad({ inputs: { x: x5, dy: dy5 }, backend, attrs: { strides: [1, 1, 1], pad: 'valid', filterShape: [1, ...filterShape] } }));
      }
      return reshape({ inputs: { x: grad5 }, backend, attrs: { shape: filterShape } });
    } finally {
      for (const info of temporaries) backend.disposeData(info.dataId);
    }
  };
  tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: kernelFunc as never });
}

/** MaxPoolGrad as the cpu backend computes it: each window's dy goes to its first maximum. */
function replaceMaxPoolGrad(tf: Tf): void {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const { dy, input } = inputs;
    const info = tf.backend_util.computePool2DInfo(input.shape as never, attrs.filterSize as never, attrs.strides as never,
      1, attrs.pad as never, attrs.dimRoundingMode as never);
    const x = backend.readSync(input.dataId);
    const dyValues = backend.readSync(dy.dataId);
    const dx = new Float32Array(x.length);
    const { inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth } = info;
    const { effectiveFilterHeight: filterH, effectiveFilterWidth: filterW, dilationHeight, dilationWidth } = info;
    for (let b = 0; b < info.batchSize; b++) {
      for (let oh = 0; oh < outHeight; oh++) {
        const rowCorner = oh * strideHeight - info.padInfo.top;
        for (let ow = 0; ow < outWidth; ow++) {
          const colCorner = ow * strideWidth - info.padInfo.left;
          for (let c = 0; c < channels; c++) {
            let best = -Infinity;
            let at = -1;
            for (let r = rowCorner; r < Math.min(inHeight, rowCorner + filterH); r += dilationHeight) {
              if (r < 0) continue;
              for (let col = colCorner; col < Math.min(inWidth, colCorner + filterW); col += dilationWidth) {
                if (col < 0) continue;
                const offset = ((b * inHeight + r) * inWidth + col) * channels + c;
                if (x[offset] > best) {
                  best = x[offset];
                  at = offset;
                }
              }
            }
            if (at >= 0) dx[at] += dyValues[((b * outHeight + oh) * outWidth + ow) * channels + c];
          }
        }
      }
    }
    return backend.makeOutput(input.shape, 'float32', undefined, dx);
  };
  if (tf.getKernel('MaxPoolGrad', 'wasm')) tf.unregisterKernel('MaxPoolGrad', 'wasm');
  tf.registerKernel({ kernelName: 'MaxPoolGrad', backendName: 'wasm', kernelFunc: kernelFunc as never });
}
