// Benchmark: where a training step's time goes, ours (wasm) against PyTorch on one thread, and the
// bound that puts on the ratio ours/PyTorch. For each example, our loop runs at the config's
// statistics sampling with every kernel of the backend timed (outermost kernel calls only, so a
// kernel that calls others counts once); PyTorch's profiler times the same model's steps
// (trainingSpeed.py's models, self CPU time per op, one torch and one OpenBLAS thread; the step
// itself timed without the profiler). Each step splits into matrix products and convolutions
// (forward and gradients: the arithmetic) and the rest (other kernels, JavaScript or Python between
// them). GFLOP/s count our kernels' multiply-adds (2 FLOPs each) for both: the models are the same.
// Then:
//   product ratio  = ours' matrix-product time / PyTorch's: how much slower our kernels are at the arithmetic;
//   bound          = ours' matrix-product time / PyTorch's whole step: the ratio ours/PyTorch even if
//                    everything else of ours took no time at all.
// Prints figures, passes or fails nothing.
//   npm run bench -- stepProfile   or   npx tsx scripts/bench/stepProfile.ts
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfigFile } from '../../src/core/config/loadConfigFile';
import type { TrainConfig } from '../../src/core/config/trainConfig';
import type { LoadedData } from '../../src/core/data/dataset';
import { loadDataset } from '../../src/core/data/loadDataset';
import { loadTensorflow, type Tf } from '../../src/core/engine/tensorflowRuntime';
import { runTraining } from '../../src/core/engine/trainingSession';
import { findPythonWithTorch } from '../../src/core/python/findPython';
import { printTable } from './lib/markdownTable';

const root = path.resolve(__dirname, '..', '..');

interface Example { label: string; file: string; torch: string; warmup: number; steps: number }
const examples: Example[] = [
  { label: 'MNIST MLP', file: 'examples/mnist-mlp.train.json', torch: 'mlp', warmup: 5, steps: 40 },
  { label: 'MNIST CNN', file: 'examples/mnist-cnn.train.json', torch: 'cnn', warmup: 3, steps: 20 },
  { label: 'MNIST ResNet', file: 'examples/mnist-resnet.train.json', torch: 'resnet', warmup: 2, steps: 10 },
  { label: 'seeds 4096 MLP', file: 'examples/seeds/mlp4096-relu-kaiming.train.json', torch: 'mlp4096', warmup: 1, steps: 4 },
];

/** Kernels that do a model's arithmetic: matrix products and convolutions, forward and backward. */
const PRODUCT_KERNELS = new Set([
  'BatchMatMul', '_FusedMatMul', 'MatMul', 'Conv2D', 'FusedConv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput',
  'DepthwiseConv2dNative', 'FusedDepthwiseConv2D', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput',
]);

interface KernelTimes { ms: Map<string, number>; calls: Map<string, number>; flops: number }

/** Wraps every wasm kernel with a timer until `restore`; `recording` switches the counting on and off. */
function instrumentKernels(tf: Tf) {
  const originals = tf.getKernelsForBackend('wasm');
  const restore = () => {
    for (const kernel of originals) {
      tf.unregisterKernel(kernel.kernelName, 'wasm');
      tf.registerKernel(kernel);
    }
  };
  const state = { recording: false, depth: 0, times: { ms: new Map(), calls: new Map(), flops: 0 } as KernelTimes, restore };
  for (const kernel of originals) {
    const inner = kernel.kernelFunc as (args: { inputs: Record<string, { shape: number[] }>; attrs: Record<string, unknown> }) => unknown;
    const timed = (args: Parameters<typeof inner>[0]) => {
      if (!state.recording || state.depth > 0) {
        state.depth++;
        try { return inner(args); } finally { state.depth--; }
      }
      state.depth++;
      const started = performance.now();
      try {
        return inner(args);
      } finally {
        state.depth--;
        const { times } = state;
        times.ms.set(kernel.kernelName, (times.ms.get(kernel.kernelName) ?? 0) + performance.now() - started);
        times.calls.set(kernel.kernelName, (times.calls.get(kernel.kernelName) ?? 0) + 1);
        times.flops += productFlops(kernel.kernelName, args);
      }
    };
    tf.unregisterKernel(kernel.kernelName, 'wasm');
    tf.registerKernel({ ...kernel, kernelFunc: timed as never });
  }
  return state;
}

const f = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const product = (xs: number[]) => xs.reduce((a, b) => a * b, 1);

/** Floating-point operations (2 per multiply-add) of a matrix-product or convolution kernel call. */
function productFlops(name: string, { inputs, attrs }: { inputs: Record<string, { shape: number[] }>; attrs: Record<string, unknown> }): number {
  if (name === 'BatchMatMul' || name === '_FusedMatMul' || name === 'MatMul') {
    const a = inputs.a.shape;
    const b = inputs.b.shape;
    const m = attrs.transposeA ? a[a.length - 1] : a[a.length - 2];
    const k = attrs.transposeA ? a[a.length - 2] : a[a.length - 1];
    const n = attrs.transposeB ? b[b.length - 2] : b[b.length - 1];
    return 2 * product(a.slice(0, -2)) * m * n * k;
  }
  // A convolution and both its gradients do the same multiply-adds: output positions × filter size.
  if (name === 'Conv2D' || name === 'FusedConv2D') return 2 * product(outputOf(inputs.x.shape, inputs.filter.shape, attrs)) * product(inputs.filter.shape.slice(0, 3));
  if (name === 'Conv2DBackpropInput') return 2 * product(inputs.dy.shape) * product(inputs.filter.shape.slice(0, 3));
  if (name === 'Conv2DBackpropFilter') return 2 * product(inputs.dy.shape) * product((attrs.filterShape as number[]).slice(0, 3));
  return 0;
}

/** Output shape [n, h, w, outChannels] of a channels-last convolution. */
function outputOf(x: number[], filter: number[], attrs: Record<string, unknown>): number[] {
  const strides = typeof attrs.strides === 'number' ? [attrs.strides, attrs.strides] : (attrs.strides as number[]);
  const size = (length: number, kernel: number, stride: number) => attrs.pad === 'valid' ? Math.ceil((length - kernel + 1) / stride) : Math.ceil(length / stride);
  return [x[0], size(x[1], filter[0], strides[0]), size(x[2], filter[1], strides[1]), filter[3]];
}

interface Split { stepMs: number; productMs: number; top: string }

type Runtime = Awaited<ReturnType<typeof loadTensorflow>>;

/**
 * Our loop's steps twice: plainly for the step's time, then with every kernel timed for the
 * products' time (the timers add a little to every kernel, which would inflate the step).
 */
async function profileOurs(runtime: Runtime, example: Example): Promise<{ ours: Split; flopsPerStep: number }> {
  const loaded = await loadConfigFile(path.join(root, example.file));
  if (!loaded.config) throw new Error(`${example.file} is invalid`);
  const config = loaded.config;
  const data = await loadDataset(config.data, config.seed, loaded.baseDir);
  // A whole first run warms the JavaScript up (the first run of a process is ~30% slower per step).
  await timeSteps(runtime, example, config, data, loaded.baseDir, () => {}, () => {});
  const plain = await timeSteps(runtime, example, config, data, loaded.baseDir, () => {}, () => {});
  const state = instrumentKernels(runtime.tf);
  try {
    await timeSteps(runtime, example, config, data, loaded.baseDir, () => { state.recording = true; }, () => { state.recording = false; });
  } finally {
    state.restore();
  }
  const steps = example.steps;
  let productMs = 0;
  for (const [name, ms] of state.times.ms) if (PRODUCT_KERNELS.has(name)) productMs += ms;
  const top = [...state.times.ms].sort((a, b) => b[1] - a[1]).slice(0, 4)
    .map(([name, ms]) => `${name} ${f(ms / steps)} ms ×${((state.times.calls.get(name) ?? 0) / steps).toFixed(0)}`).join(', ');
  return { ours: { stepMs: plain, productMs: productMs / steps, top }, flopsPerStep: state.times.flops / steps };
}

/** Mean ms per step of our loop at the config's sampling over the example's timed steps. */
async function timeSteps(runtime: Runtime, example: Example, config: TrainConfig, data: LoadedData, baseDir: string, onStart: () => void, onEnd: () => void): Promise<number> {
  const abort = new AbortController();
  let started = 0;
  let ended = 0;
  await runTraining(config, {
    runtime, baseDir, data, signal: abort.signal, epochs: 1000, saveWeights: false,
    onEvent: (event) => {
      if (event.type !== 'step') return;
      if (event.step === example.warmup) {
        started = performance.now();
        onStart();
      }
      if (event.step === example.warmup + example.steps) {
        ended = performance.now();
        onEnd();
        abort.abort();
      }
    },
  });
  return (ended - started) / example.steps;
}

function profileTorch(python: string, example: Example): Split | string {
  const result = spawnSync(python, [path.join(__dirname, 'stepProfile.py'), example.torch, String(example.warmup), String(example.steps)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) return `PyTorch profile failed: ${(result.stderr ?? '').trim().split('\n').pop()}`;
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as Split;
}

(async () => {
  const runtime = await loadTensorflow({ preference: 'auto', searchDirs: [root] });
  if (runtime.backend !== 'wasm') {
    console.log(`stepProfile times wasm kernels; the backend here is ${runtime.backend}: skipped`);
    return;
  }
  const torch = findPythonWithTorch();
  console.log(`ours: ${runtime.detail}; PyTorch: ${torch.found ? `${torch.found.torchVersion} via ${torch.found.command}, 1 thread (torch and OpenBLAS)` : `skipped (${torch.rejected.join('; ')})`}; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log('ms per step; products = matrix products and convolutions, forward and gradients (their GFLOP/s); rest = everything else of the step');
  const header = ['example', 'ours step', 'products (GFLOP/s)', 'rest', 'torch step', 'products (GFLOP/s)', 'rest', 'ours/torch', 'product ratio', 'bound'];
  const rows: string[][] = [];
  const tops: string[] = [];
  for (const example of examples) {
    const { ours, flopsPerStep } = await profileOurs(runtime, example);
    const theirs = torch.found ? profileTorch(torch.found.command, example) : 'no Python with torch';
    tops.push(`  ${example.label}: ours ${ours.top}${typeof theirs === 'string' ? `; ${theirs}` : `; torch ${theirs.top}`}`);
    const t = typeof theirs === 'string' ? undefined : theirs;
    const gflops = (split: Split) => (flopsPerStep / split.productMs / 1e6).toFixed(1);
    rows.push([
      example.label, f(ours.stepMs), `${f(ours.productMs)} (${gflops(ours)})`, f(ours.stepMs - ours.productMs),
      t ? f(t.stepMs) : '—', t ? `${f(t.productMs)} (${gflops(t)})` : '—', t ? f(t.stepMs - t.productMs) : '—',
      t ? `${(ours.stepMs / t.stepMs).toFixed(2)}×` : '—', t ? `${(ours.productMs / t.productMs).toFixed(2)}×` : '—', t ? `${(ours.productMs / t.stepMs).toFixed(2)}×` : '—',
    ]);
  }
  printTable(header, rows);
  console.log('\nlargest per step (ms, calls):');
  for (const top of tops) console.log(top);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
