// Per-layer statistics estimated from TensorBoard histograms. HistogramProto carries the exact
// sum and sum of squares, so mean, std and L2 norm are exact there; TF2's [k, 3] tensors carry
// buckets only, so those numbers come from bucket midpoints (estimates). Fractions of zeros or of
// saturated values come from the buckets that hold them, so they are upper bounds whose precision
// depends on the bucket width (TF1's buckets near zero are tiny; TF2's 30 equal buckets are not).

import { SATURATION_MARGIN } from '../../engine/layerStatistics';
import type { HistogramData } from './eventDecoding';

function midpointSums(histogram: HistogramData): { sum: number; sumSquares: number } {
  let sum = 0;
  let sumSquares = 0;
  for (const b of histogram.buckets) {
    const mid = (b.left + b.right) / 2;
    // A bucket's second moment around its midpoint adds width²/12 (values spread evenly within it).
    sum += b.count * mid;
    sumSquares += b.count * (mid * mid + ((b.right - b.left) ** 2) / 12);
  }
  return { sum, sumSquares };
}

function sums(histogram: HistogramData): { sum: number; sumSquares: number } {
  if (histogram.sum !== undefined && histogram.sumSquares !== undefined && histogram.sumSquares > 0) return { sum: histogram.sum, sumSquares: histogram.sumSquares };
  return midpointSums(histogram);
}

export function histogramMoments(histogram: HistogramData): { mean: number; std: number } | undefined {
  if (!(histogram.count > 0)) return undefined;
  const { sum, sumSquares } = sums(histogram);
  const mean = sum / histogram.count;
  return { mean, std: Math.sqrt(Math.max(0, sumSquares / histogram.count - mean * mean)) };
}

/** ‖x‖₂ of the values behind the histogram: exact from sum_squares, else estimated from the buckets. */
export function histogramL2Norm(histogram: HistogramData): number {
  return Math.sqrt(Math.max(0, sums(histogram).sumSquares));
}

/** Share of the values in the bucket(s) holding 0: an upper bound of the share of exact zeros. */
export function zeroFraction(histogram: HistogramData): number | undefined {
  if (!(histogram.count > 0)) return undefined;
  const atZero = histogram.buckets.filter((b) => b.left <= 0 && b.right >= 0);
  // A value of exactly 0 sits on the edge of two HistogramProto buckets; the lower one holds it.
  const holding = atZero.length > 1 ? atZero.filter((b) => b.right === 0) : atZero;
  return holding.reduce((sum, b) => sum + b.count, 0) / histogram.count;
}

/** Share of the values within SATURATION_MARGIN of tanh's ±1 or sigmoid's 0 and 1 (buckets prorated). */
export function saturatedFraction(histogram: HistogramData, activation: 'tanh' | 'sigmoid'): number | undefined {
  if (!(histogram.count > 0)) return undefined;
  const ranges = activation === 'tanh'
    ? [[-Infinity, -1 + SATURATION_MARGIN], [1 - SATURATION_MARGIN, Infinity]]
    : [[-Infinity, SATURATION_MARGIN], [1 - SATURATION_MARGIN, Infinity]];
  let saturated = 0;
  for (const b of histogram.buckets) {
    for (const [low, high] of ranges) {
      if (b.right === b.left) {
        if (b.left >= low && b.left <= high) saturated += b.count;
        continue;
      }
      const overlap = Math.max(0, Math.min(b.right, high) - Math.max(b.left, low));
      saturated += (b.count * overlap) / (b.right - b.left);
    }
  }
  return saturated / histogram.count;
}

export type GuessedActivation = 'relu' | 'tanh' | 'sigmoid' | 'linear';

/**
 * The activation function an activation histogram looks like it came out of: nothing below zero
 * and a pile at zero is a ReLU; everything within [-1, 1], negatives included, reaching ±0.9 is a
 * tanh; within [0, 1] with no pile at zero and reaching 0.1 or 0.9 a sigmoid; anything else
 * linear. A sidecar's "activations" says it for sure.
 */
export function guessActivation(histogram: HistogramData): GuessedActivation {
  if (!(histogram.count > 0)) return 'linear';
  const zeros = zeroFraction(histogram) ?? 0;
  if (histogram.min >= 0 && zeros > 0.02 && histogram.max > 1) return 'relu';
  if (histogram.min >= 0 && zeros > 0.2) return 'relu';
  // Small values of either sign are as much a linear layer's (logits) as a tanh's: it takes values
  // near an asymptote to tell a squashing function.
  const reach = Math.max(-histogram.min, histogram.max);
  if (histogram.min >= -1 && histogram.max <= 1 && histogram.min < 0 && reach >= 0.9) return 'tanh';
  if (histogram.min >= 0 && histogram.max <= 1 && (histogram.min <= 0.1 || histogram.max >= 0.9)) return 'sigmoid';
  return 'linear';
}

/**
 * What the mapping needs of one histogram, computed once when it is read: a run keeps these
 * rather than the buckets, which keeps long runs small in memory.
 */
export interface HistogramSummary {
  count: number;
  min: number;
  max: number;
  mean?: number;
  std?: number;
  l2Norm: number;
  zeroFraction?: number;
  saturatedTanh?: number;
  saturatedSigmoid?: number;
  looksLike: GuessedActivation;
}

export function summarizeHistogram(histogram: HistogramData): HistogramSummary {
  const moments = histogramMoments(histogram);
  return {
    count: histogram.count,
    min: histogram.min,
    max: histogram.max,
    mean: moments?.mean,
    std: moments?.std,
    l2Norm: histogramL2Norm(histogram),
    zeroFraction: zeroFraction(histogram),
    saturatedTanh: saturatedFraction(histogram, 'tanh'),
    saturatedSigmoid: saturatedFraction(histogram, 'sigmoid'),
    looksLike: guessActivation(histogram),
  };
}
