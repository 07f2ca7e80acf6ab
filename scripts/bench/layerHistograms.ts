// Benchmark: what the per-layer histograms (activations, weights, gradients on statistics steps)
// cost on the MNIST CNN example: ms per step with and without them, statistics every 10 steps (the
// default) and every step (the cost of one statistics step, undiluted), and how much they add to
// a run folder's metrics.jsonl and TensorBoard event file over one epoch. Prints figures, not a
// timed test.
//   npm run bench -- layerHistograms      or      npx tsx scripts/bench/layerHistograms.ts [steps]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfigFile } from '../../src/core/config/loadConfigFile';
import type { TrainConfig } from '../../src/core/config/trainConfig';
import { gatherBatch, loadDataset } from '../../src/core/data/loadDataset';
import { loadTensorflow, type TensorflowRuntime } from '../../src/core/engine/tensorflowRuntime';
import type { LayerStats } from '../../src/core/engine/layerStatistics';
import { prepareModel, runTraining } from '../../src/core/engine/trainingSession';
import { TrainingEventLog } from '../../src/core/interop/tensorboard/trainingEventLog';

const root = path.resolve(__dirname, '..', '..');
const steps = Number(process.argv[2] ?? 60);
const file = 'examples/mnist-cnn.train.json';

interface Setup {
  runtime: TensorflowRuntime;
  config: TrainConfig;
  baseDir: string;
  data: Awaited<ReturnType<typeof loadDataset>>;
}

/** Wall-clock and CPU ms per step (CPU time: this machine is shared, and the wasm backend runs on one thread). */
async function msPerStep(setup: Setup, every: number, layerHistograms: boolean): Promise<{ wall: number; cpu: number }> {
  const abort = new AbortController();
  let started = 0;
  let cpuStarted = process.cpuUsage();
  let counted = 0;
  await runTraining({ ...setup.config, diagnostics: { ...setup.config.diagnostics, every } }, {
    runtime: setup.runtime, baseDir: setup.baseDir, data: setup.data, signal: abort.signal, epochs: 1000, layerHistograms,
    onEvent: (event) => {
      if (event.type !== 'step') return;
      // The first steps include one-off set-up (kernel compilation, allocation): skip them.
      if (event.step === 5) {
        started = performance.now();
        cpuStarted = process.cpuUsage();
      }
      if (event.step > 5) counted++;
      if (counted >= steps) abort.abort();
    },
  });
  const cpu = process.cpuUsage(cpuStarted);
  return { wall: (performance.now() - started) / counted, cpu: (cpu.user + cpu.system) / 1000 / counted };
}

/**
 * CPU ms of one statistics step's forward, backward and statistics (the probe's path: no update),
 * without and with histograms, alternating step by step so that the machine's load hits both alike.
 */
async function statisticsStepCost(setup: Setup, rounds: number): Promise<{ plain: number; withHistograms: number; sample: LayerStats[] }> {
  const { steps } = await prepareModel(setup.config, setup.runtime, { baseDir: setup.baseDir }, setup.data);
  const count = setup.config.training.batchSize;
  const indices = Int32Array.from({ length: count }, (_, i) => i);
  const batch = { ...gatherBatch(setup.data.train, setup.data.featureSize, indices, 0, count), count };
  const cost = { plain: [] as number[], withHistograms: [] as number[] };
  let sample: LayerStats[] = [];
  for (let round = 0; round < rounds + 2; round++) {
    for (const histograms of [false, true]) {
      steps.histograms = histograms;
      const start = process.cpuUsage();
      const stats = await steps.inspect(await steps.forwardBackward(batch, true));
      if (histograms) sample = stats;
      const used = process.cpuUsage(start);
      // The first rounds compile kernels and allocate: not counted.
      if (round >= 2) cost[histograms ? 'withHistograms' : 'plain'].push((used.user + used.system) / 1000);
    }
  }
  return { plain: median(cost.plain), withHistograms: median(cost.withHistograms), sample };
}

/** µs to write one statistics sample to the run's event file (TrainingEventLog), with and without its histograms. */
function eventFileWriteCost(sample: LayerStats[]): { plain: number; withHistograms: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'training-doctor-bench-histogram-log-'));
  try {
    const log = new TrainingEventLog();
    log.append({
      type: 'run-started', runId: 'bench', runDir: dir, configName: 'bench', backend: 'cpu', backendDetail: '', dataset: '', trainExamples: 0,
      validationExamples: 0, epochs: 1, stepsPerEpoch: 0, batchSize: 0, statsEvery: 0, layers: [],
      inputStats: { mean: 0, std: 1, min: 0, max: 0, featureMeanAbsMax: 0, featureStdMin: 1, featureStdMax: 1 }, startedAt: '',
    });
    const plain = sample.map(({ histograms: _left, ...layer }) => layer);
    const time = (layers: LayerStats[]) => {
      const start = performance.now();
      for (let step = 0; step < 500; step++) log.append({ type: 'layer-stats', step, epoch: 0, layers, gradNorm: 1 });
      return ((performance.now() - start) * 1000) / 500;
    };
    time(sample);
    return { plain: time(plain), withHistograms: time(sample) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Sizes of metrics.jsonl and the event file after one epoch with a run folder. */
async function folderSizes(setup: Setup, layerHistograms: boolean): Promise<{ metrics: number; events: number; steps: number }> {
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'training-doctor-bench-histograms-'));
  try {
    let runDir = '';
    const ended = await runTraining({ ...setup.config, training: { ...setup.config.training, epochs: 1 } }, {
      runtime: setup.runtime, baseDir: setup.baseDir, data: setup.data, runsDir, saveWeights: false, layerHistograms,
      onEvent: (event) => {
        if (event.type === 'run-started') runDir = event.runDir!;
      },
    });
    const files = fs.readdirSync(runDir);
    const size = (name: string) => fs.statSync(path.join(runDir, name)).size;
    return { metrics: size('metrics.jsonl'), events: size(files.find((f) => f.startsWith('events.out.tfevents.'))!), steps: ended.steps };
  } finally {
    fs.rmSync(runsDir, { recursive: true, force: true });
  }
}

(async () => {
  const loaded = await loadConfigFile(path.join(root, file));
  if (!loaded.config) throw new Error(`${file} is invalid`);
  const runtime = await loadTensorflow({ preference: 'auto', searchDirs: [root] });
  const data = await loadDataset(loaded.config.data, loaded.config.seed, loaded.baseDir);
  const setup: Setup = { runtime, config: loaded.config, baseDir: loaded.baseDir, data };
  console.log(`${file} · backend: ${runtime.backend} (${runtime.detail}); ${steps} timed steps per measurement, median of 3 interleaved rounds`);
  const step = await statisticsStepCost(setup, 30);
  console.log(`one statistics step (forward, backward, statistics; median of 30, interleaved): ${step.plain.toFixed(1)} ms CPU plain, ` +
    `${step.withHistograms.toFixed(1)} ms with histograms: +${(step.withHistograms - step.plain).toFixed(1)} ms, ` +
    `so about +${((step.withHistograms - step.plain) / loaded.config.diagnostics.every).toFixed(2)} ms a step at statistics every ${loaded.config.diagnostics.every}`);
  const write = eventFileWriteCost(step.sample);
  console.log(`writing one statistics sample to the event file: ${write.plain.toFixed(0)} µs without histograms, ${write.withHistograms.toFixed(0)} µs with`);
  console.log('statistics   ms/step   plain   with histograms   ratio');
  for (const every of [10, 1]) {
    const plain: { wall: number; cpu: number }[] = [];
    const withHistograms: { wall: number; cpu: number }[] = [];
    for (let round = 0; round < 3; round++) {
      plain.push(await msPerStep(setup, every, false));
      withHistograms.push(await msPerStep(setup, every, true));
    }
    for (const clock of ['cpu', 'wall'] as const) {
      const [a, b] = [median(plain.map((m) => m[clock])), median(withHistograms.map((m) => m[clock]))];
      console.log(`every ${String(every).padEnd(6)} ${clock.padEnd(7)} ${a.toFixed(1).padStart(7)} ${b.toFixed(1).padStart(17)} ${(b / a).toFixed(3).padStart(7)}`);
    }
  }
  const without = await folderSizes(setup, false);
  const withHistograms = await folderSizes(setup, true);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
  console.log(`one epoch (${withHistograms.steps} steps, statistics every ${loaded.config.diagnostics.every}):`);
  console.log(`  metrics.jsonl   ${kb(without.metrics)} → ${kb(withHistograms.metrics)} (×${(withHistograms.metrics / without.metrics).toFixed(2)})`);
  console.log(`  event file      ${kb(without.events)} → ${kb(withHistograms.events)} (×${(withHistograms.events / without.events).toFixed(2)})`);
})();
