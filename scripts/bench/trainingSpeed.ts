// Benchmark: milliseconds per training step of each example, side by side: plain tfjs
// `model.fit`, our loop at the config's statistics sampling and at every step, and the same
// model in plain PyTorch (one thread and all threads) when a Python with torch is found. Runs are
// interleaved (fit, ours, ours every step, torch ×1, torch ×all; then again), each cell is the
// median over rounds of a round's mean ms/step, with min–max; the CPU columns use the CPU time of
// the process that ran the step (a loaded machine disturbs it less; PyTorch on one thread only).
// Prints ratios, passes or fails nothing. Before the table, a line per example says how many rounds
// and timed steps it used and the seconds each column's runs took, set-up included; the short
// (default) run times fewer steps of the 4096-wide example, whose steps take seconds.
// A last table compares our loop on the threaded WebAssembly build (2 threads) with the
// single-threaded one, for the MNIST MLP and the seeds' 4096 MLP: tfjs starts one wasm build per
// process, so each of those runs is a child process of its own (this script with --threads-child),
// alternating 1 and 2 threads (one round fewer than the main table in the short run); it also says
// what the automatic choice (wasmThreadChoice.ts) picks.
//   npm run bench -- trainingSpeed [--long]   or   npx tsx scripts/bench/trainingSpeed.ts [--long]
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
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
import { wasmThreadsFor } from '../../src/core/engine/wasmThreadChoice';
import { findPythonWithTorch } from '../../src/core/python/findPython';
import { printTable } from './lib/markdownTable';

const root = path.resolve(__dirname, '..', '..');
const long = process.argv.includes('--long') || process.env.BENCH_LONG === '1';

interface Example {
  label: string;
  file: string;
  /** The model's name in trainingSpeed.py. */
  torch: string;
  /** Timed steps of our loop at default sampling per run (a multiple of the config's statistics interval), and rounds. */
  steps: number;
  /** Timed steps of the other columns (fit, ours every step, PyTorch), where fewer keep a short run short; `steps` if not given. */
  otherSteps?: number;
  rounds: number;
  warmup: number;
}

/** Timed steps of one column's run. */
const stepsOf = (example: Example, column: Column) => column === 'ours' ? example.steps : (example.otherSteps ?? example.steps);

const examples: Example[] = [
  { label: 'MNIST MLP', file: 'examples/mnist-mlp.train.json', torch: 'mlp', steps: long ? 100 : 40, rounds: long ? 7 : 3, warmup: 5 },
  { label: 'MNIST CNN', file: 'examples/mnist-cnn.train.json', torch: 'cnn', steps: long ? 40 : 10, rounds: long ? 5 : 3, warmup: 3 },
  { label: 'MNIST ResNet', file: 'examples/mnist-resnet.train.json', torch: 'resnet', steps: long ? 30 : 10, rounds: long ? 5 : 3, warmup: 2 },
  // Each 4096-wide step takes seconds: the short run times one statistics cycle of our loop and two steps of the others.
  { label: 'seeds 4096 MLP', file: 'examples/seeds/mlp4096-relu-kaiming.train.json', torch: 'mlp4096', steps: long ? 8 : 4, otherSteps: long ? 8 : 2, rounds: long ? 3 : 2, warmup: 1 },
];

/** The examples of the threads table: a narrow model and a wide one. */
const threadedExamples = ['MNIST MLP', 'seeds 4096 MLP'];
/** Threads of the threaded build's runs: this machine kind has 2 cores. */
const THREADED = 2;

type Column = 'fit' | 'ours' | 'oursEvery1' | 'torch1' | 'torchAll';
/** Per step: wall-clock ms, and the CPU ms of the process that ran it (which other processes' load disturbs less). */
interface Timing { wall: number; cpu: number }

const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/** Mean ms/step of our loop over `steps` steps after `warmup`, statistics every `every` steps. */
async function oursMsPerStep(runtime: TensorflowRuntime, config: TrainConfig, data: LoadedData, baseDir: string, example: Example, every: number, steps: number): Promise<Timing> {
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
      if (event.step === example.warmup + steps) {
        ended = performance.now();
        cpuEnded = cpuMs();
        abort.abort();
      }
    },
  });
  if (ended === 0) throw new Error(`${example.label}: the run ended before ${example.warmup + steps} steps`);
  return { wall: (ended - started) / steps, cpu: (cpuEnded - cpuStarted) / steps };
}

/** Mean ms/step of tfjs' own `model.fit` on the prediction-only model, same optimizer, loss and batches. */
async function fitMsPerStep(runtime: TensorflowRuntime, config: TrainConfig, data: LoadedData, baseDir: string, example: Example, steps: number): Promise<Timing> {
  const { tf } = runtime;
  const prepared = await prepareModel(config, runtime, { baseDir }, data);
  const { predictor } = prepared.built;
  const optimizer = makeOptimizer(tf, config.training.optimizer);
  try {
    predictor.compile({ optimizer, loss: config.training.loss, metrics: config.training.metrics });
    const batch = config.training.batchSize;
    // Batch `warmup` ends the untimed part; the timed ones follow.
    const batches = example.warmup + steps;
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
    const timed = Math.min(steps, marks.length - 1 - from);
    return { wall: (marks[from + timed] - marks[from]) / timed, cpu: (cpuMarks[from + timed] - cpuMarks[from]) / timed };
  } finally {
    disposeOptimizer(optimizer);
    prepared.built.model.dispose();
  }
}

/** The PyTorch side (trainingSpeed.py) in one long-lived process, or why there is none. */
class TorchWorker {
  private constructor(private readonly child: ChildProcessWithoutNullStreams, private readonly lines: AsyncIterator<string>, readonly info: { torch: string; cores: number; blas: string; python: string }) {}

  static async start(): Promise<TorchWorker | string> {
    const { found, rejected } = findPythonWithTorch();
    if (!found) return `no Python with torch (${rejected.join('; ')})`;
    const python = found.command;
    const child = spawn(python, [path.join(__dirname, 'trainingSpeed.py')], { stdio: 'pipe' });
    child.stderr.on('data', (chunk) => process.stderr.write(chunk));
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const hello = JSON.parse((await lines.next()).value as string);
    return new TorchWorker(child, lines, { ...hello, python });
  }

  async msPerStep(example: Example, threads: number, steps: number): Promise<Timing> {
    this.child.stdin.write(JSON.stringify({ model: example.torch, threads, warmup: example.warmup, steps }) + '\n');
    const answer = JSON.parse((await this.lines.next()).value as string) as { ms: number[]; cpuMs: number[]; blasThreads: number | null };
    this.blasThreads.set(threads, answer.blasThreads === null ? 'not OpenBLAS' : String(answer.blasThreads));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    return { wall: mean(answer.ms), cpu: mean(answer.cpuMs) };
  }

  /** The BLAS threads PyTorch's runs used, per torch thread count (OpenBLAS is set to match). */
  readonly blasThreads = new Map<number, string>();

  stop(): void {
    this.child.stdin.end();
  }
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const cell = (xs: number[]) => xs.length === 0 ? '—' : `${ms(median(xs))} (${ms(Math.min(...xs))}–${ms(Math.max(...xs))})`;
const ratio = (a: number[], b: number[]) => a.length === 0 || b.length === 0 ? '—' : `${(median(a) / median(b)).toFixed(2)}×`;

/** A child process of the threads table: our loop's ms/step for one example on `threads` wasm threads, as a JSON line. */
async function threadsChild(label: string, threads: number): Promise<void> {
  const example = examples.find((e) => e.label === label);
  if (!example) throw new Error(`no example ${label}`);
  const loaded = await loadConfigFile(path.join(root, example.file));
  if (!loaded.config) throw new Error(`${example.file} is invalid`);
  const runtime = await loadTensorflow({ preference: 'wasm', wasmThreads: { threads, reason: 'the bench' } });
  const data = await loadDataset(loaded.config.data, loaded.config.seed, loaded.baseDir);
  const timing = await oursMsPerStep(runtime, loaded.config, data, loaded.baseDir, example, loaded.config.diagnostics.every, example.steps);
  console.log(JSON.stringify({ ...timing, detail: runtime.detail }));
}

/** Our loop on 1 and on 2 wasm threads, alternating, each run in a process of its own. */
function threadsTable(): void {
  console.log('');
  console.log(`Our loop (statistics at the config's sampling), single-threaded wasm vs the threaded build on ${THREADED} threads; CPU: the process's, its threads included; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const rows: string[][] = [];
  for (const label of threadedExamples) {
    const example = examples.find((e) => e.label === label)!;
    const wall: Record<number, number[]> = { 1: [], [THREADED]: [] };
    const cpu: Record<number, number[]> = { 1: [], [THREADED]: [] };
    let detail = '';
    // Each run starts a process and builds the model: the short run does one round fewer.
    const rounds = long ? example.rounds : Math.max(1, example.rounds - 1);
    for (let round = 0; round < rounds; round++) {
      for (const threads of [1, THREADED]) {
        const out = execFileSync(process.execPath, ['--import', 'tsx', __filename, '--threads-child', label, String(threads)], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
        const timing = JSON.parse(out.trim().split('\n').at(-1)!) as Timing & { detail: string };
        if (threads !== 1) detail = timing.detail;
        wall[threads].push(timing.wall);
        cpu[threads].push(timing.cpu);
      }
    }
    if (!/ 2 threads:/.test(detail)) throw new Error(`the threaded runs of ${label} ran on: ${detail}`);
    rows.push([label, cell(wall[1]), cell(wall[THREADED]), ratio(wall[1], wall[THREADED]), cell(cpu[1]), cell(cpu[THREADED]), autoChoice.get(label) ?? '—']);
    console.log(`  ${label}: ${rounds} round${rounds === 1 ? '' : 's'} of ${example.steps} timed steps after ${example.warmup} warm-up, each run a process; load now ${os.loadavg()[0].toFixed(2)}`);
  }
  printTable(['example', '1 thread', `${THREADED} threads`, 'speed-up', 'CPU 1 thread', `CPU ${THREADED} threads`, 'auto picks here, now'], rows);
}

/** What the automatic choice says for each example, on this machine at the time the example was loaded. */
const autoChoice = new Map<string, string>();

(async () => {
  const child = process.argv.indexOf('--threads-child');
  if (child >= 0) return threadsChild(process.argv[child + 1], Number(process.argv[child + 2]));
  const runtime = await loadTensorflow({ preference: 'auto', searchDirs: [root] });
  const torch = await TorchWorker.start();
  const cores = os.cpus().length;
  console.log(`ours: ${runtime.backend} (${runtime.detail})${runtime.backend === 'wasm' ? '; the threaded build: see the last table' : ''}`);
  if (typeof torch === 'string') console.log(`PyTorch: skipped, ${torch}`);
  else console.log(`PyTorch: ${torch.info.torch} via ${torch.info.python}, BLAS ${torch.info.blas}, 1 thread and ${cores} threads (all cores)`);
  console.log(`ms/step, median over rounds (min–max); ${long ? 'long' : 'short (--long for more rounds and steps)'} run; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  const rows: string[][] = [];
  for (const example of examples) {
    const loaded = await loadConfigFile(path.join(root, example.file));
    if (!loaded.config) throw new Error(`${example.file} is invalid`);
    const config = loaded.config;
    const data = await loadDataset(config.data, config.seed, loaded.baseDir);
    if (loaded.shapes) {
      const auto = wasmThreadsFor({ ...config, wasmThreads: 'auto' }, loaded.shapes);
      autoChoice.set(example.label, `${auto.threads}: ${auto.reason}`);
    }
    const samples: Record<Column, number[]> = { fit: [], ours: [], oursEvery1: [], torch1: [], torchAll: [] };
    const cpu: Record<Column, number[]> = { fit: [], ours: [], oursEvery1: [], torch1: [], torchAll: [] };
    const record = (column: Column, timing: Timing) => {
      samples[column].push(timing.wall);
      cpu[column].push(timing.cpu);
    };
    const started = performance.now();
    // Wall seconds each column's runs took in all, set-up included (model building, weight initialization).
    const seconds: Record<Column, number> = { fit: 0, ours: 0, oursEvery1: 0, torch1: 0, torchAll: 0 };
    const timed = async (column: Column, run: (steps: number) => Promise<Timing>) => {
      const from = performance.now();
      record(column, await run(stepsOf(example, column)));
      seconds[column] += (performance.now() - from) / 1000;
    };
    for (let round = 0; round < example.rounds; round++) {
      await timed('fit', (steps) => fitMsPerStep(runtime, config, data, loaded.baseDir, example, steps));
      await timed('ours', (steps) => oursMsPerStep(runtime, config, data, loaded.baseDir, example, config.diagnostics.every, steps));
      await timed('oursEvery1', (steps) => oursMsPerStep(runtime, config, data, loaded.baseDir, example, 1, steps));
      if (typeof torch !== 'string') {
        await timed('torch1', (steps) => torch.msPerStep(example, 1, steps));
        await timed('torchAll', (steps) => torch.msPerStep(example, cores, steps));
      }
    }
    const row = [
      `${example.label} (b${config.training.batchSize}, stats every ${config.diagnostics.every})`,
      cell(samples.fit), cell(samples.ours), ratio(samples.ours, samples.fit), cell(samples.oursEvery1), ratio(samples.oursEvery1, samples.fit),
      cell(samples.torch1), cell(samples.torchAll), ratio(samples.ours, samples.torch1), ratio(samples.ours, samples.torchAll),
      cell(cpu.ours), ratio(cpu.ours, cpu.fit), ratio(cpu.oursEvery1, cpu.fit), ratio(cpu.ours, cpu.torch1),
    ];
    rows.push(row);
    const stepCounts = example.otherSteps === undefined || example.otherSteps === example.steps
      ? `${example.steps} timed steps per run`
      : `${example.steps} timed steps per run of ours, ${example.otherSteps} of fit, ours every step and torch`;
    const spent = (Object.keys(seconds) as Column[]).filter((c) => seconds[c] > 0).map((c) => `${c} ${seconds[c].toFixed(0)}`).join(', ');
    console.log(`  ${row[0]}: ${example.rounds} rounds, ${stepCounts} after ${example.warmup} warm-up; ${((performance.now() - started) / 1000).toFixed(0)} s (${spent})`);
  }
  if (typeof torch !== 'string') {
    torch.stop();
    console.log(`PyTorch's BLAS threads: ${[...torch.blasThreads].map(([threads, blas]) => `${blas} with ${threads} torch thread${threads === 1 ? '' : 's'}`).join(', ')}`);
  }
  const header = ['example', 'fit', 'ours', 'ours/fit', 'ours every step', '/fit', 'torch 1 thr', `torch ${cores} thr`, 'ours/torch1', `ours/torch${cores}`,
    'CPU ours', 'CPU ours/fit', 'CPU every/fit', 'CPU ours/torch1'];
  printTable(header, rows);
  if (runtime.backend === 'wasm') threadsTable();
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
