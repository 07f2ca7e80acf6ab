// Opening a long run's dashboard, host side: a run folder of 100,000 steps (10,000 statistics
// samples of 6 layers, 100 epochs) read back the way the run history serves it (the validating
// reader, the fold into RunData) and checked the way the webview checks the snapshot it gets
// (parseHostToWebview on its JSON). The webview then draws decimated series (2,000 points a
// series), which dashboardStreaming.ts measures.
// `--histograms`: samples carry per-layer histograms as our runs write them (activations, weights
// and gradients, 30 buckets each, on at most 500 samples of a run: histogramInterval).
//   npx tsx scripts/bench/runFolderOpen.ts [--steps 100000] [--histograms]
// Goal (issue 11): the dashboard of a 100,000-step run opens in ≤ 2 s.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseHostToWebview } from '../../src/core/dashboard/dashboardProtocol';
import { storedRunData } from '../../src/core/dashboard/storedRuns';
import { RunFolder, runsRoot } from '../../src/core/engine/runFolder';
import { histogramInterval, type LayerHistogram } from '../../src/core/engine/layerHistograms';
import type { LayerStats } from '../../src/core/engine/layerStatistics';
import type { TrainingEvent } from '../../src/core/engine/trainingEvents';

const stepsArg = process.argv.indexOf('--steps');
const STEPS = stepsArg >= 0 ? Number(process.argv[stepsArg + 1]) : 100_000;
const PER_EPOCH = STEPS / 100;
const HISTOGRAMS = process.argv.includes('--histograms');
const HISTOGRAM_EVERY = histogramInterval(STEPS / 10);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'training-doctor-bench-open-'));

/** A histogram with float32 numbers in their shortest digits, as the engine writes them. */
function histogram(step: number, index: number): LayerHistogram {
  const counts = Array.from({ length: 30 }, (_, i) => Math.round(2048 * Math.exp(-((i - 12 - index) ** 2) / 40)) + (step % 7));
  return { min: -0.31234567, max: 0.2987654 + index / 1000, count: counts.reduce((a, b) => a + b, 0), sum: 1.2345678 + step / 1e4, sumSquares: 345.67891, counts };
}

function layers(step: number): LayerStats[] {
  return Array.from({ length: 6 }, (_, index) => ({
    index, name: `${index}:dense`, type: 'dense',
    activation: { mean: 0.3, std: 0.8 + 1e-6 * step, zeroFraction: 0.5, deadFraction: 0.01 },
    weights: { mean: 0, std: 0.05 }, gradNorm: 0.5 / (1 + index), updateRatio: 1e-3,
    ...(HISTOGRAMS && (step / 10) % HISTOGRAM_EVERY === 0 ? { histograms: { activation: histogram(step, index), weights: histogram(step + 1, index), gradients: histogram(step + 2, index) } } : {}),
  }));
}

function writeRun(): string {
  const folder = RunFolder.create(runsRoot(dir), 'long-run', '{}');
  const started: TrainingEvent = {
    type: 'run-started', runId: folder.id, configName: 'long-run', backend: 'wasm', backendDetail: 'bench', dataset: 'synthetic',
    trainExamples: PER_EPOCH * 32, validationExamples: 1000, epochs: 100, stepsPerEpoch: PER_EPOCH, batchSize: 32, statsEvery: 10,
    layers: [], inputStats: { mean: 0, std: 1, min: -4, max: 4, featureMeanAbsMax: 0.1, featureStdMin: 0.9, featureStdMax: 1.1 },
    startedAt: new Date().toISOString(),
  };
  folder.append(started);
  for (let step = 0; step < STEPS; step++) {
    const epoch = Math.floor(step / PER_EPOCH);
    folder.append({ type: 'step', step, epoch, loss: 2.3 / (1 + step * 1e-4), gradNorm: 1, learningRate: 0.01, metrics: { accuracy: 0.9 } });
    if (step % 10 === 0) folder.append({ type: 'layer-stats', step, epoch, layers: layers(step), gradNorm: 1 });
    if (step % PER_EPOCH === PER_EPOCH - 1) {
      folder.append({ type: 'epoch-end', epoch, step: step + 1, loss: 1, metrics: { accuracy: 0.9 }, valLoss: 1.1, valMetrics: { accuracy: 0.88 }, learningRate: 0.01, durationMs: 1000 });
    }
  }
  folder.flush();
  return folder.dir;
}

function main(): void {
  const runDir = writeRun();
  const bytes = fs.statSync(path.join(runDir, 'metrics.jsonl')).size;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const data = storedRunData({ id: path.basename(runDir), dir: runDir }, (issue) => console.log(`issue: ${issue}`));
  const t1 = performance.now();
  const snapshot = JSON.stringify({ type: 'snapshot', kind: 'panel', run: data, history: [] });
  const t2 = performance.now();
  const checked = parseHostToWebview(JSON.parse(snapshot));
  const t3 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const total = t3 - t0;
  console.log(`run folder: ${STEPS.toLocaleString('en-US')} steps, ${data?.layerStats.length.toLocaleString('en-US')} statistics samples${HISTOGRAMS ? ' with layer histograms' : ''}, ${(bytes / 1e6).toFixed(1)} MB of metrics.jsonl`);
  console.log(`read + validate + fold (host): ${(t1 - t0).toFixed(0)} ms; snapshot JSON ${(snapshot.length / 1e6).toFixed(1)} MB in ${(t2 - t1).toFixed(0)} ms; webview's check of it ${(t3 - t2).toFixed(0)} ms`);
  console.log(`total ${total.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU (goal: the dashboard open in ≤ 2000 ms; drawing is measured by dashboardStreaming)${checked ? '' : ' — the snapshot did not pass the check!'}`);
  fs.rmSync(dir, { recursive: true, force: true });
}

main();
