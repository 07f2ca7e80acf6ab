// Diagnosis of a whole run or probe: the static rules once the data's statistics are known (at
// run start), then the live rules on every event. What the CLI and the trainer process attach to
// a training run, and what a probe's statistics are judged by.

import type { ShapeReport } from '../config/shapeInference';
import type { TrainConfig } from '../config/trainConfig';
import type { InputStatistics } from '../data/dataset';
import type { LayerStats } from '../engine/layerStatistics';
import type { RunMonitor } from '../engine/trainingSession';
import type { TrainingEvent } from '../engine/trainingEvents';
import { LiveDiagnosis, runStaticRules } from './diagnosisRegistry';
import type { Finding } from './finding';

type Verdict = ReturnType<RunMonitor['observe']>;

export class RunDiagnosis implements RunMonitor {
  private live?: LiveDiagnosis;

  constructor(private readonly config: TrainConfig, private readonly shapes: ShapeReport) {}

  observe(event: TrainingEvent): Verdict {
    if (event.type !== 'run-started') return this.live?.observe(event);
    const input = { config: this.config, shapes: this.shapes, inputStats: event.inputStats };
    this.live = new LiveDiagnosis(input);
    const findings = runStaticRules(input);
    const verdict = this.live.observe(event);
    return { findings: [...findings, ...(verdict?.findings ?? [])], stop: verdict?.stop };
  }
}

/** Findings for a probe: the static rules plus the live rules on its single statistics sample. */
export function diagnoseProbe(config: TrainConfig, shapes: ShapeReport, stats: LayerStats[], inputStats?: InputStatistics): Finding[] {
  const input = { config, shapes, inputStats };
  const live = new LiveDiagnosis(input);
  const gradNorm = Math.sqrt(stats.reduce((sum, s) => sum + (s.gradNorm ?? 0) ** 2, 0));
  const verdict = live.observe({ type: 'layer-stats', step: 0, epoch: 0, layers: stats, gradNorm });
  return [...runStaticRules(input), ...(verdict?.findings ?? [])];
}
