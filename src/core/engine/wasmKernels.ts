// The WebAssembly backend of tfjs 4.22 lacks some kernels training needs and gets others wrong
// or slow; this registers replacements once the backend is up:
// - Conv2D gradients (filter: missing; input: a slow loop): see wasmConvGradients.ts.
// - Depthwise convolution gradients (both missing): see wasmDepthwiseGradients.ts.
// - MaxPoolGrad starts its running max at FLT_MIN (the smallest positive float) instead of
//   -inf, so a window whose values are all ≤ 0 gets no gradient at all (common after
//   BatchNorm, tanh, leakyRelu or a linear conv). We replace it with the cpu backend's rule.
// - Matrix products are fast only for untransposed operands: with transposeA (how every dense
//   layer's weight gradient is computed) a 256×4096 by 256×4096 product takes ~10 s instead of
//   ~0.3 s. Transposing explicitly first, which is cheap, restores the fast path. For a·bᵀ (a
//   dense layer's input gradient, dy·Wᵀ) we transpose a and the product instead of b where that
//   moves less memory (swapIsCheaper).
// - Identity copies its input; the gradient tape calls it for every tensor it saves for the
//   backward pass (~30 per step of a small MLP, each weight matrix among them). We share the
//   input's memory by reference count instead, as the cpu backend and wasm's own Reshape do:
//   tfjs never writes a tensor's memory in place.

import type { Tf } from './tensorflowRuntime';
import { registerConvGradients, type KernelArgs, type KernelFunc, type TensorInfo } from './wasmConvGradients';
import { registerDepthwiseGradients } from './wasmDepthwiseGradients';

const patched = new WeakSet<object>();

export function registerMissingWasmKernels(tf: Tf): void {
  if (patched.has(tf)) return;
  registerConvGradients(tf);
  registerDepthwiseGradients(tf);
  replaceMaxPoolGrad(tf);
  shareIdentity(tf);
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
    if (kernelName === 'BatchMatMul' && !attrs.transposeA && swapIsCheaper(inputs.a, inputs.b)) {
      // a·bᵀ = (b·aᵀ)ᵀ: transposes a and the product instead of b (see swapIsCheaper).
      const aT = swapLastTwo(inputs.a, backend);
      try {
        const product = matMul({ inputs: { a: inputs.b, b: aT }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
        try {
          return swapLastTwo(product, backend);
        } finally {
          backend.disposeData(product.dataId);
        }
      } finally {
        backend.disposeData(aT.dataId);
      }
    }
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

/**
 * Whether a·bᵀ (a [m, k], b [n, k], plain matrices) moves less memory computed as (b·aᵀ)ᵀ. The
 * wasm kernel's fast path takes untransposed operands only and packs its second operand into a
 * new XNNPACK operator on every call (the operator is cached by the operand's tensor, which is new
 * each step). Directly, b is transposed and packed (2·n·k floats); swapped, a is transposed and
 * packed and the [n, m] product transposed (2·m·k + m·n). The backward pass of a dense layer,
 * dy·Wᵀ, is this case: with a batch of 64 and a 4096×4096 W, 0.8 M floats instead of 34 M.
 */
export function swapIsCheaper(a: TensorInfo, b: TensorInfo): boolean {
  if (a.shape.length !== 2 || b.shape.length !== 2) return false;
  const [m, k] = a.shape;
  const n = b.shape[0];
  return 2 * m * k + m * n < 2 * n * k;
}

/** Identity as a new reference to the input's memory (see header); strings keep the original kernel. */
function shareIdentity(tf: Tf): void {
  const original = tf.getKernel('Identity', 'wasm');
  if (!original) return;
  const copy = original.kernelFunc as unknown as KernelFunc;
  const kernelFunc: KernelFunc = (args) => {
    const { x } = args.inputs;
    if (x.dtype === 'string') return copy(args);
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({ ...original, kernelFunc: kernelFunc as never });
}

/**
 * MaxPoolGrad as the cpu backend computes it: each window's dy goes to its first maximum. Reads
 * and writes the wasm heap in place (no copies out and back) and scans the channels of a pixel
 * together, which keeps memory access contiguous.
 */
function replaceMaxPoolGrad(tf: Tf): void {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const { dy, input } = inputs;
    const info = tf.backend_util.computePool2DInfo(input.shape as never, attrs.filterSize as never, attrs.strides as never,
      1, attrs.pad as never, attrs.dimRoundingMode as never);
    // The output first: allocating may grow the heap, which detaches views taken before.
    const out = backend.makeOutput(input.shape, 'float32');
    const dx = backend.typedArrayFromHeap(out);
    const x = backend.typedArrayFromHeap(input);
    const dyValues = backend.typedArrayFromHeap(dy);
    dx.fill(0);
    const { inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth } = info;
    const { effectiveFilterHeight: filterH, effectiveFilterWidth: filterW, dilationHeight, dilationWidth } = info;
    const twoByTwo = filterH === 2 && filterW === 2 && strideHeight === 2 && strideWidth === 2 && dilationHeight === 1 &&
      dilationWidth === 1 && info.padInfo.top === 0 && info.padInfo.left === 0 && 2 * outHeight <= inHeight && 2 * outWidth <= inWidth;
    if (twoByTwo) {
      maxPoolGrad2x2(x, dyValues, dx, info.batchSize, inHeight, inWidth, channels, outHeight, outWidth);
      return out;
    }
    const best = new Float32Array(channels);
    const at = new Int32Array(channels);
    for (let b = 0; b < info.batchSize; b++) {
      for (let oh = 0; oh < outHeight; oh++) {
        const rowCorner = oh * strideHeight - info.padInfo.top;
        for (let ow = 0; ow < outWidth; ow++) {
          const colCorner = ow * strideWidth - info.padInfo.left;
          best.fill(-Infinity);
          at.fill(-1);
          // Window positions in the same order as before, so ties still go to the first maximum.
          for (let r = rowCorner; r < Math.min(inHeight, rowCorner + filterH); r += dilationHeight) {
            if (r < 0) continue;
            for (let col = colCorner; col < Math.min(inWidth, colCorner + filterW); col += dilationWidth) {
              if (col < 0) continue;
              const pixel = ((b * inHeight + r) * inWidth + col) * channels;
              for (let c = 0; c < channels; c++) {
                if (x[pixel + c] > best[c]) {
                  best[c] = x[pixel + c];
                  at[c] = pixel + c;
                }
              }
            }
          }
          const dyPixel = ((b * outHeight + oh) * outWidth + ow) * channels;
          for (let c = 0; c < channels; c++) if (at[c] >= 0) dx[at[c]] += dyValues[dyPixel + c];
        }
      }
    }
    return out;
  };
  if (tf.getKernel('MaxPoolGrad', 'wasm')) tf.unregisterKernel('MaxPoolGrad', 'wasm');
  tf.registerKernel({ kernelName: 'MaxPoolGrad', backendName: 'wasm', kernelFunc: kernelFunc as never });
}

/**
 * The common 2×2, stride 2 pooling without padding (windows inside the image, never overlapping):
 * the general loop's comparisons in the same order (so the same first maximum), without its bounds.
 */
function maxPoolGrad2x2(x: Float32Array, dy: Float32Array, dx: Float32Array, batch: number, inHeight: number, inWidth: number,
  channels: number, outHeight: number, outWidth: number): void {
  const rowStride = inWidth * channels;
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const topLeft = ((b * inHeight + 2 * oh) * inWidth + 2 * ow) * channels;
        const dyPixel = ((b * outHeight + oh) * outWidth + ow) * channels;
        for (let c = 0; c < channels; c++) {
          const p00 = topLeft + c;
          const p01 = p00 + channels;
          const p10 = p00 + rowStride;
          const p11 = p10 + channels;
          let best = -Infinity;
          let at = -1;
          if (x[p00] > best) { best = x[p00]; at = p00; }
          if (x[p01] > best) { best = x[p01]; at = p01; }
          if (x[p10] > best) { best = x[p10]; at = p10; }
          if (x[p11] > best) at = p11;
          if (at >= 0) dx[at] += dy[dyPixel + c];
        }
      }
    }
  }
}
