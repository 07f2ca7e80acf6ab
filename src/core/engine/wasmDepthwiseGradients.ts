// Depthwise convolution gradients for the WebAssembly backend: tfjs-backend-wasm 4.22 has the
// forward DepthwiseConv2dNative but neither gradient kernel, so a model with a depthwiseConv2d or
// separableConv2d layer (MobileNet, Xception) could not be probed or trained on it. These are
// direct loops over the output positions (the kernels are small: kernel area × channels per
// position), computed as the cpu backend defines them.
//
// With x padded implicitly (out-of-range rows and columns are zero) and m the depth multiplier:
//   dW[i, j, c, q] = Σ_{b, oh, ow} x[b, oh·sh + i·dh − top, ow·sw + j·dw − left, c] · dy[b, oh, ow, c·m + q]
//   dx[b, r, s, c] = Σ over the (oh, ow, i, j) that read (r, s): dy[b, oh, ow, c·m + q] · W[i, j, c, q]

import type { Tf } from './tensorflowRuntime';
import type { KernelFunc } from './wasmConvGradients';

type ConvInfo = ReturnType<Tf['backend_util']['computeConv2DInfo']>;

function convInfo(tf: Tf, xShape: number[], filterShape: number[], attrs: Record<string, unknown>): ConvInfo {
  return tf.backend_util.computeConv2DInfo(xShape as never, filterShape as never, attrs.strides as never, (attrs.dilations ?? 1) as never,
    attrs.pad as never, attrs.dimRoundingMode as never, true);
}

/** Calls visit(xOffset, dyOffset, filterOffset) for every (position, tap) whose input lies inside x; channels are the caller's. */
function forEachTap(info: ConvInfo, visit: (xBase: number, dyBase: number, filterBase: number) => void): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const chMul = outChannels / inChannels;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let i = 0; i < info.filterHeight; i++) {
        const r = oh * info.strideHeight + i * info.dilationHeight - info.padInfo.top;
        if (r < 0 || r >= inHeight) continue;
        for (let ow = 0; ow < outWidth; ow++) {
          const dyBase = ((b * outHeight + oh) * outWidth + ow) * outChannels;
          for (let j = 0; j < info.filterWidth; j++) {
            const s = ow * info.strideWidth + j * info.dilationWidth - info.padInfo.left;
            if (s < 0 || s >= inWidth) continue;
            visit(((b * inHeight + r) * inWidth + s) * inChannels, dyBase, (i * info.filterWidth + j) * inChannels * chMul);
          }
        }
      }
    }
  }
}

export function registerDepthwiseGradients(tf: Tf): void {
  const filterGradient: KernelFunc = ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs;
    const filterShape = attrs.filterShape as number[];
    const info = convInfo(tf, x.shape, filterShape, attrs);
    const xValues = backend.readSync(x.dataId);
    const dyValues = backend.readSync(dy.dataId);
    const channels = info.inChannels;
    const chMul = info.outChannels / channels;
    const dw = new Float32Array(filterShape.reduce((a, b) => a * b, 1));
    forEachTap(info, (xBase, dyBase, filterBase) => {
      for (let c = 0; c < channels; c++) {
        const xv = xValues[xBase + c];
        if (xv === 0) continue;
        for (let q = 0; q < chMul; q++) dw[filterBase + c * chMul + q] += xv * dyValues[dyBase + c * chMul + q];
      }
    });
    return backend.makeOutput(filterShape, 'float32', undefined, dw);
  };
  const inputGradient: KernelFunc = ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs;
    const inputShape = attrs.inputShape as number[];
    const info = convInfo(tf, inputShape, filter.shape, attrs);
    const dyValues = backend.readSync(dy.dataId);
    const filterValues = backend.readSync(filter.dataId);
    const channels = info.inChannels;
    const chMul = info.outChannels / channels;
    const dx = new Float32Array(inputShape.reduce((a, b) => a * b, 1));
    forEachTap(info, (xBase, dyBase, filterBase) => {
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let q = 0; q < chMul; q++) sum += dyValues[dyBase + c * chMul + q] * filterValues[filterBase + c * chMul + q];
        dx[xBase + c] += sum;
      }
    });
    return backend.makeOutput(inputShape, 'float32', undefined, dx);
  };
  const kernels: [string, KernelFunc][] = [
    ['DepthwiseConv2dNativeBackpropFilter', filterGradient],
    ['DepthwiseConv2dNativeBackpropInput', inputGradient],
  ];
  for (const [kernelName, kernelFunc] of kernels) {
    if (tf.getKernel(kernelName, 'wasm')) continue;
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as never });
  }
}
