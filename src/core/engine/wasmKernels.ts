// The WebAssembly backend of tfjs 4.22 lacks some kernels training needs and gets others wrong
// or slow; this registers replacements once the backend is up:
// - Conv2D gradients (filter: missing; input: a slow loop): see wasmConvGradients.ts.
// - Depthwise convolution gradients (both missing): see wasmDepthwiseGradients.ts.
// - MaxPoolGrad starts its running max at FLT_MIN (the smallest positive float) instead of
//   -inf, so a window whose values are all ≤ 0 gets no gradient at all (common after
//   BatchNorm, tanh, leakyRelu or a linear conv). We replace it with the cpu backend's rule.
// - Matrix products are fast only for untransposed operands: with transposeA (how every dense
//   layer's weight gradient is computed) a 256×4096 by 256×4096 product takes ~10 s instead of
//   ~0.3 s. Transposing explicitly first, which is cheap, restores the fast path.

import type { Tf } from './tensorflowRuntime';
import { registerConvGradients, type KernelArgs, type KernelFunc, type TensorInfo } from './wasmConvGradients';
import { registerDepthwiseGradients } from './wasmDepthwiseGradients';

const patched = new WeakSet<object>();

export function registerMissingWasmKernels(tf: Tf): void {
  if (patched.has(tf)) return;
  registerConvGradients(tf);
  registerDepthwiseGradients(tf);
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
