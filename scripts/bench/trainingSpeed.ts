// Benchmark: milliseconds per training step of each example, side by side: plain tfjs
// `model.fit`, our loop at the config's statistics sampling and at every step, and the same
// model in plain PyTorch (one thread and all threads) when a Python with torch is found. Runs are
// interleaved (fit, ours, ours every step, torch ×1, torch ×all; then again), each cell is the
// median over rounds of a round's mean ms/step, with min–max; the CPU columns use the CPU time of
// the process that ran the step (a loaded machine disturbs it less; PyTorch on one thread only).
// Prints ratios, passes or fails nothing.
//   npm run bench -- trainingSpeed [--long]   or   npx tsx scripts/bench/trainingSpeed.ts [--long]
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { loadConfigFile } from '../../src/core/config/loadConfigFile';
import type { TrainConfig } from '../../src/core/config/trainConfig';
import type { LoadedData } from '../../src/core/data/dataset';
import { loadDataset } from '../../src/core/data/loadDataset';
import { encodeTargets } from '../../src/core/engine/lossAndMetrics';
import { disposeOptimizer, makeOptimizer } from '../../src/core/engine/optimizerFactory';
import { loadTensorflow, type TensorflowRuntime } from '../../src/core/engine/tensorflowRuntime';
import { prepareModel, runTraining } from '../../src/core/engine/trainingSession';

const root = path.resolve(__dirname, '..', '..');
const long = process.argv.includes('--long') || process.env.BENCH_LONG === '1';

interface Example {
  label: string;
  file: string;
  /** The model's name in trainingSpeed.py. */
  torch: string;
  /** Timed steps per run (a multiple of the config's statistics interval) and rounds. */
  steps: number;
  rounds: number;
  warmup: number;
}

const examples: Example[] = [
  { label: 'MNIST MLP', file: 'examples/mnist-mlp.train.json', torch: 'mlp', steps: long ? 100 : 40, rounds: long ? 7 : 3, warmup: 5 },
  { label: 'MNIST CNN', file: 'examples/mnist-cnn.train.json', torch: 'cnn', steps: long ? 40 : 10, rounds: long ? 5 : 3, warmup: 3 },
  { label: 'MNIST ResNet', file: 'examples/mnist-resnet.train.json', torch: 'resnet', steps: long ? 30 : 10, rounds: long ? 5 : 3, warmup: 2 },
  { label: 'seeds 4096 MLP', file: 'examples/seeds/mlp4096-relu-kaiming.train.json', torch: 'mlp4096', steps: long ? 8 : 4, rounds: long ? 3 : 2, warmup: 1 },
];

type Column = 'fit' | 'ours' | 'oursEvery1' | 'torch1' | 'torchAll';
/** Per step: wall-clock ms, and the CPU ms of the process that ran it (which other processes' load disturbs less). */
interface Timing { wall: number; cpu: number }

const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/** Mean ms/step of our loop over `steps` steps after `warmup`, statistics every `every` steps. */
async function oursMsPerStep(runtime: TensorflowRuntime, config: TrainConfig, data: LoadedData, baseDir: string, example: Example, every: number): Promise<Timing> {
  const abort = new AbortController();
  let started = 0;
  let ended = 0;
  let cpuStarted = 0;
  let cpuEnded = 0;
  await runTraining({ ...config, diagnostics: { ...config.diagnostics, every } }, {
    runtime, baseDir, data, signal: abort.signal, epochs: 1000, saveWeights: false,
    onEvent: (event) => {
      if (event.type !== 'step') return;
      if (event.step === example.warmup) {
        started = performance.now();
        cpuStarted = cpuMs();
      }
      if (event.step === example.warmup + example.steps) {
        ended = performance.now();
        cpuEnded = cpuMs();
        abort.abort();
      }
    },
  });
  if (ended === 0) throw new Error(`${example.label}: the run ended before ${example.warmup + example.steps} steps`);
  return { wall: (ended - started) / example.steps, cpu: (cpuEnded - cpuStarted) / example.steps };
}

/** Mean ms/step of tfjs' own `model.fit` on the prediction-only model, same optimizer, loss and batches. */
async function fitMsPerStep(runtime: TensorflowRuntime, config: TrainConfig, data: LoadedData, baseDir: string, example: Example): Promise<Timing> {
  const { tf } = runtime;
  const prepared = await prepareModel(config, runtime, { baseDir }, data);
  const { predictor } = prepared.built;
  const optimizer = makeOptimizer(tf, config.training.optimizer);
  try {
    predictor.compile({ optimizer, loss: config.training.loss, metrics: config.training.metrics });
    const batch = config.training.batchSize;
    const batches = example.warmup + example.steps + 1;
    const rows = Math.min(data.train.count, batches * batch);
    const xs = tf.tensor(data.train.x.subarray(0, rows * data.featureSize), [rows, ...config.model.input]);
    const ys = encodeTargets(tf, data.train.y.subarray(0, rows), prepared.encoding);
    const marks: number[] = [];
    const cpuMarks: number[] = [];
    await predictor.fit(xs, ys, {
      batchSize: batch, epochs: 1, shuffle: false, verbose: 0,
      callbacks: { onBatchEnd: async () => { marks.push(performance.now()); cpuMarks.push(cpuMs()); } },
    });
    tf.dispose([xs, ys]);
    const from = example.warmup - 1;
    const steps = Math.min(example.steps, marks.length - 1 - from);
    return { wall: (marks[from + steps] - marks[from]) / steps, cpu: (cpuMarks[from + steps] - cpuMarks[from]) / steps };
  } finally {
    disposeOptimizer(optimizer);
    prepared.built.model.dispose();
  }
}

/** The PyTorch side (trainingSpeed.py) in one long-lived process, or why there is none. */
class TorchWorker {
  private constructor(private readonly child: ChildProcessWithoutNullStreams, private readonly lines: AsyncIterator<string>, readonly info: { torch: string; cores: number; blas: string; python: string }) {}

  static async start(): Promise<TorchWorker | string> {
    const tried: string[] = [];
    for (const python of ['python3', '/usr/bin/python3']) {
      const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
      if (probe.status === 0) {
        const child = spawn(python, [path.join(__dirname, 'trainingSpeed.py')], { stdio: 'pipe' });
        child.stderr.on('data', (chunk) => process.stderr.write(chunk));
        const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
        const hello = JSON.parse((await lines.next()).value as string);
        return new TorchWorker(child, lines, { ...hello, python });
      }
      tried.push(`${python}: ${probe.error ? probe.error.message : (probe.stderr.trim().split('\n').pop() ?? `exit ${probe.status}`)}`);
    }
    return `no Python with torch (${tried.join('; ')})`;
  }

  async msPerStep(example: Example, threads: number): Promise<Timing> {
    this.child.stdin.write(JSON.stringify({ model: example.torch, threads, warmup: example.warmup, steps: example.steps }) + '\n');
    const answer = JSON.parse((await this.lines.next()).value as string) as { ms: number[]; cpuMs: number[] };
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    return { wall: mean(answer.ms), cpu: mean(answer.cpuMs) };
  }

  stop(): void {
    this.child.stdin.end();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const cell = (xs: number[]) => xs.length === 0 ? '—' : `${ms(median(xs))} (${ms(Math.min(...xs))}–${ms(Math.max(...xs))})`;
const ratio = (a: number[], b: number[]) => a.length === 0 || b.length === 0 ? '—' : `${(median(a) / median(b)).toFixed(2)}×`;

(async () => {
  const runtime = await loadTensorflow({ preference: 'auto', searchDirs: [root] });
  const torch = await TorchWorker.start();
  const cores = os.cpus().length;
  const multithread = runtime.backend === 'wasm' ? await runtime.tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT') : undefined;
  console.log(`ours: ${runtime.backend} (${runtime.detail}), ${runtime.backend === 'wasm' ? (multithread ? 'threaded build' : '1 thread (no threaded wasm in Node)') : 'threads as the backend decides'}`);
  if (typeof torch === 'string') console.log(`PyTorch: skipped, ${torch}`);
  else console.log(`PyTorch: ${torch.info.torch} via ${torch.info.python}, BLAS ${torch.info.blas}, 1 thread and ${cores} threads (all cores)`);
  console.log(`ms/step, median over rounds (min–max); ${long ? 'long' : 'short (--long for more rounds and steps)'} run; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  const rows: string[][] = [];
  for (const example of examples) {
    const loaded = await loadConfigFile(path.join(root, example.file));
    if (!loaded.config) throw new Error(`${example.file} is invalid`);
    const config = loaded.config;
    const data = await loadDataset(config.data, config.seed, loaded.baseDir);
    const samples: Record<Column, number[]> = { fit: [], ours: [], oursEvery1: [], torch1: [], torchAll: [] };
    const cpu: Record<Column, number[]> = { fit: [], ours: [], oursEvery1: [], torch1: [], torchAll: [] };
    const record = (column: Column, timing: Timing) => {
      samples[column].push(timing.wall);
      cpu[column].push(timing.cpu);
    };
    const started = performance.now();
    for (let round = 0; round < example.rounds; round++) {
      record('fit', await fitMsPerStep(runtime, config, data, loaded.baseDir, example));
      record('ours', await oursMsPerStep(runtime, config, data, loaded.baseDir, example, config.diagnostics.every));
      record('oursEvery1', await oursMsPerStep(runtime, config, data, loaded.baseDir, example, 1));
      if (typeof torch !== 'string') {
        record('torch1', await torch.msPerStep(example, 1));
        record('torchAll', await torch.msPerStep(example, cores));
      }
    }
    const row = [
      `${example.label} (b${config.training.batchSize}, stats every ${config.diagnostics.every})`,
      cell(samples.fit), cell(samples.ours), ratio(samples.ours, samples.fit), cell(samples.oursEvery1), ratio(samples.oursEvery1, samples.fit),
      cell(samples.torch1), cell(samples.torchAll), ratio(samples.ours, samples.torch1), ratio(samples.ours, samples.torchAll),
      cell(cpu.ours), ratio(cpu.ours, cpu.fit), ratio(cpu.oursEvery1, cpu.fit), ratio(cpu.ours, cpu.torch1),
    ];
    rows.push(row);
    console.log(`  ${row[0]}: ${example.rounds} rounds of ${example.steps} steps in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  if (typeof torch !== 'string') torch.stop();
  const header = ['example', 'fit', 'ours', 'ours/fit', 'ours every step', '/fit', 'torch 1 thr', `torch ${cores} thr`, 'ours/torch1', `ours/torch${cores}`,
    'CPU ours', 'CPU ours/fit', 'CPU every/fit', 'CPU ours/torch1'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log('');
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
