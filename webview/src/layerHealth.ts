// The side bar's one-glance picture of a network: one state per layer from its latest statistics
// sample. This is a summary for the eye, not a diagnosis (the rules decide what is a finding);
// the bounds are loose so that a healthy network shows healthy.

import type { LayerStats } from '../../src/core/engine/layerStatistics';
import { formatNumber } from './numberFormat';

export type LayerHealthState = 'healthy' | 'vanishing' | 'exploding' | 'dead' | 'saturated' | 'nonfinite' | 'unmeasured' | 'output';

export interface LayerHealth {
  index: number;
  name: string;
  state: LayerHealthState;
  /** One line per statistic, for the tooltip. */
  details: string[];
}

export const HEALTH_BOUNDS = {
  /** Activation std below this: the signal is fading. */
  vanishingStd: 0.05,
  /** Activation std above this: the signal is blowing up. */
  explodingStd: 5,
  /** Fraction of units zero on the whole batch. */
  dead: 0.25,
  /** Fraction of outputs within 1% of an asymptote. */
  saturated: 0.25,
};

export const HEALTH_LABELS: Record<LayerHealthState, string> = {
  healthy: 'healthy',
  vanishing: 'activations vanishing',
  exploding: 'activations exploding',
  dead: 'dead units',
  saturated: 'saturated',
  nonfinite: 'non-finite values',
  unmeasured: 'activations not logged',
  output: 'output layer',
};

const percent = (f: number): string => `${formatNumber(f * 100, 3)}%`;

/** Health of every layer of a sample; the last layer is the output, whose scale means nothing here. */
export function layerHealth(layers: LayerStats[]): LayerHealth[] {
  return layers.map((layer, i) => {
    const a = layer.activation;
    const details = [`${layer.name} (${layer.type})`, `activation mean ${formatNumber(a.mean)}, std ${formatNumber(a.std)}`];
    if (a.deadFraction !== undefined) details.push(`dead units ${percent(a.deadFraction)}`);
    if (a.zeroFraction !== undefined) details.push(`zeros ${percent(a.zeroFraction)}`);
    if (a.saturatedFraction !== undefined) details.push(`saturated ${percent(a.saturatedFraction)}`);
    if (layer.weights) details.push(`weight std ${formatNumber(layer.weights.std)}`);
    if (layer.gradNorm !== undefined) details.push(`gradient norm ${formatNumber(layer.gradNorm)}`);
    return { index: layer.index, name: layer.name, state: stateOf(layer, i === layers.length - 1), details };
  });
}

function stateOf(layer: LayerStats, isOutput: boolean): LayerHealthState {
  const a = layer.activation;
  // A TensorBoard run may log a layer's weights but no activation histogram: nothing to judge.
  if (a.mean === undefined && a.std === undefined) return 'unmeasured';
  if (!isFiniteNumber(a.mean) || !isFiniteNumber(a.std)) return 'nonfinite';
  if (isOutput) return 'output';
  if ((a.deadFraction ?? 0) >= HEALTH_BOUNDS.dead) return 'dead';
  if ((a.saturatedFraction ?? 0) >= HEALTH_BOUNDS.saturated) return 'saturated';
  if (a.std > HEALTH_BOUNDS.explodingStd) return 'exploding';
  if (a.std < HEALTH_BOUNDS.vanishingStd) return 'vanishing';
  return 'healthy';
}

// Statistics cross JSON, where NaN and Infinity become null.
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
