// Shows what a case really does, without any diagnosis rule: the probe's per-layer statistics,
// then (unless --probe) a short run's loss curves and per-layer statistics at its first and last
// measurement. It is how the suite's ground truth was checked: a case claims "the validation loss
// rises" or "most ReLUs are dead"; this prints the numbers that say whether it does.
//   npx tsx test/diagnosis/inspectCase.ts <file.train.json>... [--probe] [--epochs N]

import { loadConfigFile } from '../../src/core/config/loadConfigFile';
import type { LayerStats } from '../../src/core/engine/layerStatistics';
import { probeModel } from '../../src/core/engine/probe';
import { loadTensorflow } from '../../src/core/engine/tensorflowRuntime';
import type { EpochEndEvent, LayerStatsEvent, StepEvent } from '../../src/core/engine/trainingEvents';
import { runTraining } from '../../src/core/engine/trainingSession';

const fmt = (v: number | undefined): string => (v === undefined ? '-' : Number.isFinite(v) ? (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toFixed(3)) : String(v));

function layerTable(layers: LayerStats[]): string {
  return layers.map((s) => `    ${String(s.index).padStart(2)} ${s.type.padEnd(18)} act ${fmt(s.activation.mean)} ± ${fmt(s.activation.std)}` +
    (s.activation.deadFraction !== undefined ? `  dead ${fmt(s.activation.deadFraction)} zero ${fmt(s.activation.zeroFraction)}` : '') +
    (s.activation.saturatedFraction !== undefined ? `  sat ${fmt(s.activation.saturatedFraction)}` : '') +
    `  grad ${fmt(s.gradNorm)}` + (s.weights ? `  w ±${fmt(s.weights.std)}` : '') +
    (s.updateRatio !== undefined ? `  upd ${fmt(s.updateRatio)}` : '')).join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const probeOnly = args.includes('--probe');
  const epochsAt = args.indexOf('--epochs');
  const epochs = epochsAt >= 0 ? Number(args[epochsAt + 1]) : undefined;
  const files = args.filter((a, i) => !a.startsWith('--') && (epochsAt < 0 || i !== epochsAt + 1));
  const runtime = await loadTensorflow({ preference: 'wasm' });
  for (const file of files) {
    const loaded = await loadConfigFile(file);
    console.log(`\n=== ${file}`);
    if (!loaded.config) {
      console.log(loaded.problems.map((p) => `  ${p.severity}: ${p.message}`).join('\n'));
      continue;
    }
    const config = loaded.config;
    let started = Date.now();
    const probe = await probeModel(config, { runtime, baseDir: loaded.baseDir });
    console.log(`  probe ${Date.now() - started} ms, loss ${fmt(probe.report.loss)}, input mean ${fmt(probe.inputStats.mean)} std ${fmt(probe.inputStats.std)} ` +
      `|feature mean| max ${fmt(probe.inputStats.featureMeanAbsMax)} feature std ${fmt(probe.inputStats.featureStdMin)}..${fmt(probe.inputStats.featureStdMax)}`);
    console.log(layerTable(probe.stats));
    if (probeOnly) continue;
    const steps: StepEvent[] = [];
    const stats: LayerStatsEvent[] = [];
    const ends: EpochEndEvent[] = [];
    started = Date.now();
    const ended = await runTraining(config, {
      runtime, baseDir: loaded.baseDir, epochs,
      onEvent: (e) => {
        if (e.type === 'step') steps.push(e);
        else if (e.type === 'layer-stats') stats.push(e);
        else if (e.type === 'epoch-end') ends.push(e);
      },
    });
    console.log(`  train ${ended.durationMs} ms (${Date.now() - started} ms wall), ${ended.status}${ended.reason ? ` (${ended.reason})` : ''}, ${ended.steps} steps`);
    const show = ends.length <= 12 ? ends : ends.filter((_, i) => i % Math.ceil(ends.length / 12) === 0 || i === ends.length - 1);
    for (const e of show) {
      const metrics = Object.entries(e.metrics).map(([k, v]) => `${k} ${fmt(v)}`).join(' ');
      const valMetrics = Object.entries(e.valMetrics).map(([k, v]) => `val_${k} ${fmt(v)}`).join(' ');
      console.log(`    epoch ${String(e.epoch + 1).padStart(3)} loss ${fmt(e.loss)} val ${fmt(e.valLoss)} ${metrics} ${valMetrics} lr ${fmt(e.learningRate)}`);
    }
    if (steps.length > 0) {
      const norms = steps.map((s) => s.gradNorm).filter(Number.isFinite);
      const tenth = Math.max(1, Math.floor(steps.length / 10));
      const avg = (xs: StepEvent[]) => xs.reduce((sum, s) => sum + s.loss, 0) / xs.length;
      console.log(`    step loss: first tenth ${fmt(avg(steps.slice(0, tenth)))}, last tenth ${fmt(avg(steps.slice(-tenth)))}; ` +
        `grad norm ${fmt(Math.min(...norms))}..${fmt(Math.max(...norms))}, first ${fmt(steps[0].gradNorm)}, last ${fmt(steps[steps.length - 1].gradNorm)}`);
    }
    if (stats.length > 0) {
      console.log(`  layer stats at step ${stats[0].step}:`);
      console.log(layerTable(stats[0].layers));
      const last = stats[stats.length - 1];
      console.log(`  layer stats at step ${last.step}:`);
      console.log(layerTable(last.layers));
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
