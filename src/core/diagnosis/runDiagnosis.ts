// Diagnosis of a whole run or probe: the static rules once the data's statistics are known (at
// run start), then the live rules on every event. What the CLI and the trainer process attach to
// a training run, and what a probe's statistics are judged by.

import type { Node as JsonNode } from 'jsonc-parser';
import type { ShapeReport } from '../config/shapeInference';
import type { TrainConfig } from '../config/trainConfig';
import type { InputStatistics } from '../data/dataset';
import type { LayerStats } from '../engine/layerStatistics';
import type { RunMonitor } from '../engine/trainingSession';
import type { TrainingEvent } from '../engine/trainingEvents';
import type { OverfitBatchResult } from '../engine/overfitBatch';
import { judgeOverfitBatch, LiveDiagnosis, runStaticRules } from './diagnosisRegistry';
import type { Finding } from './finding';
import { StaticPredictionCheck } from './staticPredictionCheck';

type Verdict = ReturnType<RunMonitor['observe']>;

export class RunDiagnosis implements RunMonitor {
  private live?: LiveDiagnosis;
  private predictions?: StaticPredictionCheck;

  constructor(private readonly config: TrainConfig, private readonly shapes: ShapeReport, private readonly tree?: JsonNode) {}

  observe(event: TrainingEvent): Verdict {
    if (event.type !== 'run-started') {
      const verdict = this.live?.observe(event);
      // What the run measured may withdraw what the config alone predicted.
      const withdrawn = this.predictions?.observe(event, verdict?.findings ?? []) ?? [];
      if (withdrawn.length === 0) return verdict;
      return { findings: [...(verdict?.findings ?? []), ...withdrawn], stop: verdict?.stop };
    }
    const input = { config: this.config, shapes: this.shapes, inputStats: event.inputStats, tree: this.tree };
    this.live = new LiveDiagnosis(input);
    const findings = runStaticRules(input);
    this.predictions = new StaticPredictionCheck(this.config, findings);
    const verdict = this.live.observe(event);
    this.predictions.observe(event, verdict?.findings ?? []);
    return { findings: [...findings, ...(verdict?.findings ?? [])], stop: verdict?.stop };
  }
}

export interface ProbeEvidence {
  stats: LayerStats[];
  /** The loss of the probe's batch (rules scale some limits by the initial loss). */
  loss: number;
  inputStats?: InputStatistics;
  /** The one-batch overfit check's result, when the probe ran it. */
  overfitBatch?: OverfitBatchResult;
}

/**
 * Findings for a probe: the static rules, plus the live rules fed what the probe saw as if it
 * were a run's step 0: its loss, then its one statistics sample.
 */
export function diagnoseProbe(config: TrainConfig, shapes: ShapeReport, probe: ProbeEvidence, tree?: JsonNode): Finding[] {
  // Placeholder data's statistics are noise by definition (random labels: most of an imported
  // ImageNet model's 1000 classes have no example): as in lint, the data rules do not see them.
  const inputStats = config.data.dataset.kind === 'placeholder' ? undefined : probe.inputStats;
  const input = { config, shapes, inputStats, tree };
  const live = new LiveDiagnosis(input);
  const gradNorm = Math.sqrt(probe.stats.reduce((sum, s) => sum + (s.gradNorm ?? 0) ** 2, 0));
  const findings = runStaticRules(input);
  for (const event of [
    { type: 'step', step: 0, epoch: 0, loss: probe.loss, gradNorm, learningRate: config.training.optimizer.learningRate, metrics: {} },
    { type: 'layer-stats', step: 0, epoch: 0, layers: probe.stats, gradNorm },
  ] as TrainingEvent[]) findings.push(...(live.observe(event)?.findings ?? []));
  if (probe.overfitBatch) findings.push(...judgeOverfitBatch(config, shapes, probe.overfitBatch));
  return findings;
}
