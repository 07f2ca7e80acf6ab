// Per-layer histograms of activations, weights and gradients on statistics steps: a fixed number
// of equal-width buckets between the observed min and max (TF2's `tf.summary.histogram` layout),
// with the exact count, sum and sum of squares. tfjs has no histogram op; the buckets are counted
// in JavaScript over the backend's memory (see valueScan.ts), from the scan that the moments and
// norms take anyway, in float32 arithmetic as the tensor ops that counted them before did. The
// cost is linear in the values counted, and activations are by far the most of them (batch ×
// positions × channels in a CNN), so an activation histogram counts the outputs of the first
// examples of the batch only, at most ACTIVATION_SAMPLE values; weights and gradients are counted
// whole, so the gradient histogram's L2 norm is the layer's gradient norm.

import type { ValueScan } from './valueScan';

/** Buckets per histogram: TF2's default, and few enough to keep run folders small. */
export const HISTOGRAM_BUCKETS = 30;

export interface LayerHistogram {
  min: number;
  max: number;
  count: number;
  sum: number;
  sumSquares: number;
  /** Counts of equal-width buckets from min to max (all in the first when min = max). */
  counts: number[];
}

export interface LayerHistograms {
  activation?: LayerHistogram;
  /** The main weights (kernels, BatchNorm's gamma), as the weight mean/std. */
  weights?: LayerHistogram;
  /** The gradients of all the layer's trainable variables, so their L2 norm is the layer's gradNorm. */
  gradients?: LayerHistogram;
}

/** Values per histogram row: min, max, count, sum, sum of squares, then the bucket counts. */
export const HISTOGRAM_ROW = 5 + HISTOGRAM_BUCKETS;

/**
 * Statistics samples of a run that carry histograms, at most: TensorBoard keeps 500 histograms a
 * tag by default (`--samples_per_plugin`), and a long run's metrics.jsonl stays small.
 */
export const MAX_HISTOGRAM_SAMPLES = 500;

/** Histograms on every Nth statistics step, for a run of this many statistics steps. */
export function histogramInterval(statisticsSteps: number): number {
  return Math.max(1, Math.ceil(statisticsSteps / MAX_HISTOGRAM_SAMPLES));
}

/** At most this many activation values per histogram: whole examples, from the first of the batch. */
export const ACTIVATION_SAMPLE = 65_536;

/** How many values the first examples of a batch of outputs of this shape hold: at most ACTIVATION_SAMPLE, at least one example. */
export function firstExamplesSize(shape: number[]): number {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size <= ACTIVATION_SAMPLE || shape.length === 0) return size;
  const perExample = size / shape[0];
  return perExample * Math.max(1, Math.floor(ACTIVATION_SAMPLE / perExample));
}

/**
 * The row of `parts` (see HISTOGRAM_ROW) written at `offset` of `out`, from their combined scan:
 * equal-width buckets from min to max, the max in the last; the bucket of x is
 * ⌊(x − min) · (HISTOGRAM_BUCKETS / (max − min))⌋ in float32 arithmetic (reproduced with
 * Math.fround), as the tensor ops that counted them before computed it. Sums in double precision.
 * No parts: a row of NaN.
 */
export function histogramRowValues(parts: Float32Array[], scan: ValueScan, out: Float32Array, offset: number): void {
  if (parts.length === 0) {
    out.fill(NaN, offset, offset + HISTOGRAM_ROW);
    return;
  }
  const { min: low, max: high } = scan;
  out[offset] = low;
  out[offset + 1] = high;
  out[offset + 2] = scan.count;
  out[offset + 3] = scan.sum;
  out[offset + 4] = scan.sumSquares;
  const f = Math.fround;
  const scale = f(HISTOGRAM_BUCKETS / Math.max(f(high - low), f(1e-30)));
  // Every value is ≥ low, so its position is ≥ 0 and truncating is the floor; the max lands on
  // HISTOGRAM_BUCKETS (a rounding may even pass it): folded into the last bucket below, as the
  // clip did, instead of clipping each value. NaN truncates to 0. Four count arrays: consecutive
  // increments of one counter wait on each other.
  const size = HISTOGRAM_BUCKETS + 2;
  const c0 = new Int32Array(size), c1 = new Int32Array(size), c2 = new Int32Array(size), c3 = new Int32Array(size);
  for (const values of parts) {
    const n = values.length;
    const body = n - (n % 4);
    for (let i = 0; i < body; i += 4) {
      c0[f(f(values[i] - low) * scale) | 0]++;
      c1[f(f(values[i + 1] - low) * scale) | 0]++;
      c2[f(f(values[i + 2] - low) * scale) | 0]++;
      c3[f(f(values[i + 3] - low) * scale) | 0]++;
    }
    for (let i = body; i < n; i++) c0[f(f(values[i] - low) * scale) | 0]++;
  }
  const counts = Array.from({ length: size }, (_, i) => c0[i] + c1[i] + c2[i] + c3[i]);
  for (let i = HISTOGRAM_BUCKETS; i < size; i++) counts[HISTOGRAM_BUCKETS - 1] += counts[i];
  for (let i = 0; i < HISTOGRAM_BUCKETS; i++) out[offset + 5 + i] = counts[i];
}

/** The histogram of the row at `offset`; undefined for a NaN row or values that were not finite. */
export function decodeHistogram(values: ArrayLike<number>, offset: number): LayerHistogram | undefined {
  const [min, max, count, sum, sumSquares] = [0, 1, 2, 3, 4].map((i) => shortestFloat32(values[offset + i]));
  if (![min, max, sum, sumSquares].every(Number.isFinite) || !(count > 0)) return undefined;
  const counts: number[] = [];
  for (let i = 0; i < HISTOGRAM_BUCKETS; i++) counts.push(values[offset + 5 + i]);
  if (min === max) {
    // One value repeated: a single bucket says it without 29 empty ones.
    return { min, max, count, sum, sumSquares, counts: [count] };
  }
  return { min, max, count, sum, sumSquares, counts };
}

/**
 * The float32 `x` as the number with the fewest digits that is the same float32: run folders
 * hold these as JSON text, where a float32 otherwise takes 17 digits to say 7 digits' worth.
 */
export function shortestFloat32(x: number): number {
  if (!Number.isFinite(x) || Number.isSafeInteger(x)) return x;
  const single = Math.fround(x);
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(single.toPrecision(digits));
    if (Math.fround(candidate) === single) return candidate;
  }
  return Number(single.toPrecision(9));
}
