// The measured scale of the signal through depth: the standard deviation of each layer's output
// at the first statistics sample (a probe, or the first training step), over the layers that make
// a new representation (dense, conv, activation, normalization, residual). Dropout, flatten and
// pooling only reshuffle values, and the output layer's scale is the prediction's, not the signal's.

import type { TrainConfig } from '../../config/trainConfig';
import type { LayerStats } from '../../engine/layerStatistics';
import type { LayerStatsEvent } from '../../engine/trainingEvents';
import type { FixReference } from '../finding';
import type { FindingDraft, LiveRuleInstance } from '../rule';
import { carriesSignal, hiddenWeightedLayers, inputsAreNormalized, isOutputLayer, type layersWithUnsuitedInit } from './configLayers';
import { addBatchNormalization, fixList, initializerFixes, normalizeInputs } from './liveFixes';

export interface DepthPoint {
  index: number;
  type: string;
  std: number;
}

export interface DepthProfile {
  points: DepthPoint[];
  /** Geometric mean of std(layer k+1) / std(layer k) from the first point to the last; undefined with < 2 points. */
  factorPerLayer?: number;
}

export function depthProfile(stats: LayerStats[], config: TrainConfig): DepthProfile {
  const points = stats
    .filter((s) => carriesSignal(s.type) && !isOutputLayer(config, s.index) && Number.isFinite(s.activation.std))
    .map((s) => ({ index: s.index, type: s.type, std: s.activation.std }));
  if (points.length < 2) return { points };
  const first = points[0].std;
  const last = points[points.length - 1].std;
  if (first <= 0) return { points };
  return { points, factorPerLayer: Math.pow(last / first, 1 / (points.length - 1)) };
}

/** "0.58 (layer 0) → 0.41 (layer 1) → …", at most `limit` entries (first ones and the last). */
export function stdTrail(points: DepthPoint[], limit = 7): string {
  const shown = points.length <= limit ? points : [...points.slice(0, limit - 2), points[points.length - 1]];
  const text = shown.map((p) => `${formatStd(p.std)} (layer ${p.index})`);
  if (shown.length < points.length) text.splice(limit - 2, 0, '…');
  return text.join(' → ');
}

function formatStd(std: number): string {
  return std !== 0 && (std < 1e-3 || std >= 1e5) ? std.toExponential(1) : String(Number(std.toPrecision(2)));
}

export function stdsByLayer(points: DepthPoint[]): Record<string, number> {
  return Object.fromEntries(points.map((p) => [String(p.index), p.std]));
}

/**
 * A rule instance that judges only the first statistics sample: a probe's, or a run's first step.
 * Later samples show what training made of the initialization, not the initialization itself.
 */
export function judgeFirstSample(judge: (event: LayerStatsEvent, inRun: boolean) => FindingDraft | undefined): LiveRuleInstance {
  let judged = false;
  let inRun = false;
  return {
    observe(event) {
      if (event.type === 'run-started') inRun = true;
      if (event.type !== 'layer-stats' || judged) return;
      judged = true;
      const finding = judge(event, inRun);
      return finding ? { findings: [finding] } : undefined;
    },
  };
}

/** The remedies for a badly scaled signal: standardize raw inputs when they are the cause, re-initialize, or normalize per layer. */
export function scaleRemedies(
  config: TrainConfig, candidates: ReturnType<typeof layersWithUnsuitedInit>, weighted: number | undefined, fromInputs: boolean,
): FixReference[] {
  return fixList([
    fromInputs && !inputsAreNormalized(config) ? normalizeInputs(config, true) : undefined,
    ...initializerFixes(config, candidates, weighted, true),
    addBatchNormalization(config, hiddenWeightedLayers(config)),
  ]);
}
