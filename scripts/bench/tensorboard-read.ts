// Reading speed of TensorBoard event files: writes a ~100 MB file shaped like a PyTorch run with
// histograms (per step: loss, lr, accuracy; every 10 steps weight and gradient histograms of
// 8 layers), then times (1) reading it (framing, CRC-32C checks, Event decoding) and (2) the
// whole path of `watch --once` (reading, series, mapping onto training events).
//   npx tsx scripts/bench/tensorboard-read.ts [--mb 100]
// Goal: ≥ 50 MB/s for (1) on the project's 2-core machine.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { histogramOf } from '../../src/core/interop/tensorboard/eventEncoding';
import { EventFileTail } from '../../src/core/interop/tensorboard/eventFileTail';
import { EventFileWriter } from '../../src/core/interop/tensorboard/eventFileWriter';
import { TensorboardWatcher } from '../../src/core/interop/tensorboard/tensorboardWatcher';
import { TrainingEventLog } from '../../src/core/interop/tensorboard/trainingEventLog';

const mbArg = process.argv.indexOf('--mb');
const targetBytes = (mbArg >= 0 ? Number(process.argv[mbArg + 1]) : 100) * 1024 * 1024;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'training-doctor-bench-tb-'));

async function main(): Promise<void> {
  let clock = 1_700_000_000_000;
  const writer = new EventFileWriter(dir, 'tensor', () => (clock += 50));
  const layerValues = Array.from({ length: 8 }, (_, layer) => Float64Array.from({ length: 4096 }, (_, i) => Math.sin(i * (layer + 1)) * 0.1));
  const weights = layerValues.map((v) => histogramOf(v));
  let step = 0;
  const writeStart = performance.now();
  while (fs.statSync(writer.filePath).size < targetBytes) {
    for (let i = 0; i < 1000; i++, step++) {
      writer.addScalars(step, { 'Loss/train': 1 / (1 + step * 1e-4), lr: 1e-3, 'Accuracy/train': 0.9 });
      if (step % 10 === 0) {
        const histograms: Record<string, ReturnType<typeof histogramOf>> = {};
        weights.forEach((h, layer) => {
          histograms[`layer${layer}.weight`] = h;
          histograms[`layer${layer}.weight.grad`] = h;
        });
        writer.addHistograms(step, histograms);
      }
    }
    writer.flush();
  }
  writer.close();
  const bytes = fs.statSync(writer.filePath).size;
  const mb = bytes / (1024 * 1024);
  console.log(`wrote ${mb.toFixed(1)} MB (${step} steps) in ${((performance.now() - writeStart) / 1000).toFixed(1)} s`);

  // Wall time depends on how busy the machine is; CPU time of this process much less so.
  const cpuSeconds = (since: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(since);
    return (used.user + used.system) / 1e6;
  };
  const readStart = performance.now();
  const readCpu = process.cpuUsage();
  let summaries = 0;
  const read = await new EventFileTail(writer.filePath).readNew((event) => {
    if (event.type === 'summary') summaries++;
  });
  const readSeconds = (performance.now() - readStart) / 1000;
  if (read.issues.length > 0) throw new Error(read.issues[0].message);
  const readCpuSeconds = cpuSeconds(readCpu);
  console.log(`read: ${read.count} events (${summaries} summaries) in ${readSeconds.toFixed(2)} s = ${(mb / readSeconds).toFixed(1)} MB/s wall, ${(mb / readCpuSeconds).toFixed(1)} MB per CPU-second (framing, CRC-32C, Event decoding)`);

  const watchStart = performance.now();
  const watchCpu = process.cpuUsage();
  const result = await new TensorboardWatcher(dir).poll(true);
  const watchSeconds = (performance.now() - watchStart) / 1000;
  const events = result.updates.reduce((n, u) => n + u.events.length, 0);
  console.log(`watch --once path: ${events} training events in ${watchSeconds.toFixed(2)} s = ${(mb / watchSeconds).toFixed(1)} MB/s wall, ${(mb / cpuSeconds(watchCpu)).toFixed(1)} MB per CPU-second (reading, series, mapping, live rules)`);

  // What a training run pays per step for its own event file (TrainingEventLog, flushed per epoch).
  const logDir = path.join(dir, 'own-run');
  const log = new TrainingEventLog();
  log.append({
    type: 'run-started', runId: 'bench', runDir: logDir, configName: 'bench', backend: 'cpu', backendDetail: '', dataset: '', trainExamples: 0,
    validationExamples: 0, epochs: 1, stepsPerEpoch: 0, batchSize: 0, statsEvery: 0, layers: [],
    inputStats: { mean: 0, std: 1, min: 0, max: 0, featureMeanAbsMax: 0, featureStdMin: 1, featureStdMax: 1 }, startedAt: '',
  });
  const steps = 20_000;
  const logStart = performance.now();
  for (let s = 0; s < steps; s++) {
    log.append({ type: 'step', step: s, epoch: 0, loss: 0.5, gradNorm: 1, learningRate: 1e-3, metrics: { accuracy: 0.9 } });
    if (s % 500 === 499) log.append({ type: 'epoch-end', epoch: s / 500, step: s, loss: 0.5, metrics: {}, valMetrics: {}, learningRate: 1e-3, durationMs: 0 });
  }
  console.log(`own run's event file: ${((performance.now() - logStart) * 1000 / steps).toFixed(1)} µs per step (loss, lr, grad norm, one metric; flushed per epoch)`);
  console.log(`load average: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
}

main().finally(() => fs.rmSync(dir, { recursive: true, force: true }));
