// Per-layer gradient norms as the gradient rules read them: only layers that have trainable
// weights, in depth order, and the first-to-last ratio that tells whether the signal reaching
// the early layers has shrunk (or grown) on its way back from the loss.

import type { LayerStats } from '../../engine/layerStatistics';

export interface GradientProfile {
  layers: { index: number; type: string; gradNorm: number }[];
  first?: { index: number; type: string; gradNorm: number };
  last?: { index: number; type: string; gradNorm: number };
  /** ‖g_first‖ / ‖g_last‖; undefined with fewer than two layers or a zero last gradient. */
  ratio?: number;
  largest: number;
}

export function gradientProfile(stats: LayerStats[]): GradientProfile {
  const layers = stats
    .filter((s) => s.gradNorm !== undefined && Number.isFinite(s.gradNorm))
    .map((s) => ({ index: s.index, type: s.type, gradNorm: s.gradNorm! }));
  const first = layers[0];
  const last = layers.length >= 2 ? layers[layers.length - 1] : undefined;
  const ratio = first && last && last.gradNorm > 0 ? first.gradNorm / last.gradNorm : undefined;
  const largest = layers.reduce((max, l) => Math.max(max, l.gradNorm), 0);
  return { layers, first, last, ratio, largest };
}

/** {"<layer index>": norm} for a finding's evidence. */
export function normsByLayer(profile: GradientProfile): Record<string, number> {
  return Object.fromEntries(profile.layers.map((l) => [String(l.index), l.gradNorm]));
}
