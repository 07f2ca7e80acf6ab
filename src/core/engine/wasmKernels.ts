// The WebAssembly backend ships forward convolution kernels but not Conv2DBackpropFilter, the
// kernel that computes the gradient of a conv layer's weights, so conv nets cannot train on it.
// It does ship a native Conv3DBackpropFilterV2: a 2-D convolution is a 3-D one with depth 1, so we
// register the missing kernel as reshapes around that, which keeps the work in WebAssembly.

import type { Tf } from './tensorflowRuntime';

type TensorInfo = { dataId: object; shape: number[]; dtype: string };
type KernelArgs = { inputs: Record<string, TensorInfo>; backend: { disposeData(id: object): void }; attrs: Record<string, unknown> };
type KernelFunc = (args: KernelArgs) => TensorInfo;

function pairOf(value: unknown): [number, number] {
  if (typeof value === 'number') return [value, value];
  const [a, b] = value as number[];
  return [a, b];
}

export function registerMissingWasmKernels(tf: Tf): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  const conv3dFilterGrad = tf.getKernel('Conv3DBackpropFilterV2', 'wasm')?.kernelFunc as unknown as KernelFunc | undefined;
  const reshape = tf.getKernel('Reshape', 'wasm')?.kernelFunc as unknown as KernelFunc | undefined;
  if (!conv3dFilterGrad || !reshape) {
    throw new Error('the WebAssembly backend lacks Conv3DBackpropFilterV2/Reshape; conv layers cannot be trained on it');
  }
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs;
    const filterShape = attrs.filterShape as number[];
    const [strideH, strideW] = pairOf(attrs.strides);
    const pad = attrs.pad;
    if (pad !== 'same' && pad !== 'valid') throw new Error(`Conv2DBackpropFilter (wasm): padding ${JSON.stringify(pad)} is not supported`);
    if (attrs.dataFormat && attrs.dataFormat !== 'NHWC') throw new Error('Conv2DBackpropFilter (wasm): only NHWC data is supported');
    const withDepth = (t: TensorInfo) => reshape({ inputs: { x: t }, backend, attrs: { shape: [t.shape[0], 1, ...t.shape.slice(1)] } });
    const x5 = withDepth(x);
    const dy5 = withDepth(dy);
    const grad5 = conv3dFilterGrad({ inputs: { x: x5, dy: dy5 }, backend, attrs: { strides: [1, strideH, strideW], pad, filterShape: [1, ...filterShape] } });
    const grad = reshape({ inputs: { x: grad5 }, backend, attrs: { shape: filterShape } });
    // Reshape on wasm shares the buffer and counts a reference; releasing the views frees only them.
    for (const info of [x5, dy5, grad5]) backend.disposeData(info.dataId);
    return grad;
  };
  tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: kernelFunc as never });
}
