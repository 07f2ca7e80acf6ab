// Reads a learning-rate range test: losses recorded while the rate grows exponentially step by
// step. The loss first barely moves (rate too low), then falls fastest, then blows up (too
// high). We smooth the curve, find where it falls fastest per decade of learning rate, and give
// the spread of rates where it still falls at least half that fast as the uncertainty.

export interface RangeTestPoint {
  learningRate: number;
  loss: number;
}

export interface LearningRateSuggestion {
  /** Where the smoothed loss falls fastest against log(learning rate). */
  suggested: number;
  /** Rates around `suggested` where the loss still falls at ≥ half the steepest rate. */
  low: number;
  high: number;
  /** The rate of the smoothed loss minimum, and a tenth of it (the other common heuristic). */
  minLossRate: number;
  /** The rate at which the sweep stopped because the loss diverged, if it did. */
  divergedAt?: number;
  /** Smoothed losses, aligned with the points (for plotting). */
  smoothed: number[];
}

/** Exponential moving average with bias correction, so the first values are not pulled to 0. */
export function smoothLosses(losses: number[], beta = 0.98): number[] {
  const out: number[] = [];
  let average = 0;
  losses.forEach((loss, i) => {
    average = beta * average + (1 - beta) * loss;
    out.push(average / (1 - Math.pow(beta, i + 1)));
  });
  return out;
}

export function suggestLearningRate(points: RangeTestPoint[], divergedAt?: number, beta = 0.98): LearningRateSuggestion | undefined {
  const finite = points.filter((p) => Number.isFinite(p.loss) && p.learningRate > 0);
  if (finite.length < 8) return undefined;
  const smoothed = smoothLosses(finite.map((p) => p.loss), beta);
  const logRates = finite.map((p) => Math.log10(p.learningRate));
  // Only the part before the minimum matters: past it the loss is climbing.
  let minAt = 0;
  for (let i = 1; i < smoothed.length; i++) if (smoothed[i] < smoothed[minAt]) minAt = i;
  // Slope over a window of ~1/10 decade either side, robust to step-to-step noise.
  const span = logRates[logRates.length - 1] - logRates[0];
  const perDecade = (finite.length - 1) / Math.max(span, 1e-9);
  const half = Math.max(1, Math.round(perDecade / 10));
  const slopes = smoothed.map((_, i) => {
    const a = Math.max(0, i - half);
    const b = Math.min(smoothed.length - 1, i + half);
    return b > a ? (smoothed[b] - smoothed[a]) / (logRates[b] - logRates[a]) : 0;
  });
  // The skipped start: the smoothing needs a few points before its slope means anything.
  const start = Math.min(minAt, Math.max(1, Math.floor(finite.length / 20)));
  let steepest = start;
  for (let i = start; i <= minAt; i++) if (slopes[i] < slopes[steepest]) steepest = i;
  if (slopes[steepest] >= 0) {
    return { suggested: finite[minAt].learningRate / 10, low: finite[0].learningRate, high: finite[minAt].learningRate, minLossRate: finite[minAt].learningRate, divergedAt, smoothed };
  }
  let lowAt = steepest;
  while (lowAt > start && slopes[lowAt - 1] <= slopes[steepest] / 2) lowAt--;
  let highAt = steepest;
  while (highAt < minAt && slopes[highAt + 1] <= slopes[steepest] / 2) highAt++;
  return {
    suggested: finite[steepest].learningRate,
    low: finite[lowAt].learningRate,
    high: finite[highAt].learningRate,
    minLossRate: finite[minAt].learningRate,
    divergedAt,
    smoothed,
  };
}
