// Input normalization and the raw-input statistics that diagnostics read. Statistics always
// come from the training split alone: using validation data here would leak it into training.

import type { NormalizeMode } from '../config/trainConfig';
import type { ImageGeometry, InputStatistics, Split } from './dataset';

export interface Normalization {
  mean: Float32Array;
  std: Float32Array;
}

/** Keeps constant inputs (e.g. MNIST's always-black border) at 0 instead of dividing by zero. */
export const MIN_STD = 1e-7;

/**
 * Which mean/std entry each feature uses: its own per 'feature'; its channel per 'channel'
 * (channels-last layout); one shared entry per 'channel' on data that is not an image.
 */
export function normalizationGroups(featureSize: number, per: 'feature' | 'channel', image?: ImageGeometry): { groupOf: Int32Array; groupCount: number } {
  const groupOf = new Int32Array(featureSize);
  if (per === 'feature') {
    for (let f = 0; f < featureSize; f++) groupOf[f] = f;
    return { groupOf, groupCount: featureSize };
  }
  const channels = image ? image.channels : 1;
  for (let f = 0; f < featureSize; f++) groupOf[f] = f % channels;
  return { groupOf, groupCount: channels };
}

export function computeNormalization(train: Split, featureSize: number, mode: NormalizeMode, per: 'feature' | 'channel', image?: ImageGeometry): Normalization {
  const { groupOf, groupCount } = normalizationGroups(featureSize, per, image);
  const mean = new Float32Array(groupCount);
  const std = new Float32Array(groupCount).fill(1);
  if (mode === 'none' || train.count === 0) return { mean, std };

  const sum = new Float64Array(groupCount);
  const n = new Float64Array(groupCount);
  for (let i = 0; i < train.count * featureSize; i++) {
    const g = groupOf[i % featureSize];
    sum[g] += train.x[i];
    n[g]++;
  }
  const groupMean = sum.map((s, g) => s / n[g]);
  for (let g = 0; g < groupCount; g++) mean[g] = groupMean[g];
  if (mode === 'meanSubtract') return { mean, std };

  // Second pass around the mean: one-pass sum-of-squares loses everything to cancellation when
  // inputs are large and nearly constant, which is exactly the data we want to diagnose.
  const squares = new Float64Array(groupCount);
  for (let i = 0; i < train.count * featureSize; i++) {
    const g = groupOf[i % featureSize];
    const d = train.x[i] - groupMean[g];
    squares[g] += d * d;
  }
  for (let g = 0; g < groupCount; g++) std[g] = Math.max(Math.sqrt(squares[g] / n[g]), MIN_STD);
  return { mean, std };
}

/** Normalizes in place with statistics from computeNormalization (validation uses the train ones). */
export function applyNormalization(split: Split, norm: Normalization, featureSize: number, per: 'feature' | 'channel', image?: ImageGeometry): void {
  const { groupOf } = normalizationGroups(featureSize, per, image);
  for (let i = 0; i < split.count * featureSize; i++) {
    const g = groupOf[i % featureSize];
    split.x[i] = (split.x[i] - norm.mean[g]) / norm.std[g];
  }
}

/**
 * What a raw 0 becomes at each input position after normalization: the "empty" background that
 * augmentation fills in where a translated image has no pixels.
 */
export function normalizedZero(norm: Normalization, featureSize: number, per: 'feature' | 'channel', image?: ImageGeometry): Float32Array {
  const { groupOf } = normalizationGroups(featureSize, per, image);
  const zero = new Float32Array(featureSize);
  for (let f = 0; f < featureSize; f++) zero[f] = (0 - norm.mean[groupOf[f]]) / norm.std[groupOf[f]];
  return zero;
}

/** A feature with this share of its values at one extreme is near-constant. */
const NEAR_CONSTANT_SHARE = 0.99;

/** `image`: for colour images, the per-channel means and stds are added. */
export function computeInputStatistics(split: Split, featureSize: number, image?: ImageGeometry): InputStatistics {
  const stats = featureStatistics(split, featureSize);
  if (image && image.channels > 1 && split.count > 0) {
    const perChannel = computeNormalization(split, featureSize, 'standardize', 'channel', image);
    stats.channelMeans = Array.from(perChannel.mean);
    stats.channelStds = Array.from(perChannel.std);
  }
  return stats;
}

function featureStatistics(split: Split, featureSize: number): InputStatistics {
  const total = split.count * featureSize;
  if (total === 0) return { mean: 0, std: 0, min: 0, max: 0, featureMeanAbsMax: 0, featureStdMin: 0, featureStdMax: 0, nearConstantFeatures: 0 };

  const featureSum = new Float64Array(featureSize);
  const featureMin = new Float64Array(featureSize).fill(Infinity);
  const featureMax = new Float64Array(featureSize).fill(-Infinity);
  for (let i = 0; i < total; i++) {
    const f = i % featureSize;
    const v = split.x[i];
    featureSum[f] += v;
    if (v < featureMin[f]) featureMin[f] = v;
    if (v > featureMax[f]) featureMax[f] = v;
  }
  const featureMean = featureSum.map((s) => s / split.count);
  const mean = featureSum.reduce((a, b) => a + b, 0) / total;

  const featureSquares = new Float64Array(featureSize);
  const atMin = new Uint32Array(featureSize);
  const atMax = new Uint32Array(featureSize);
  let squares = 0;
  for (let i = 0; i < total; i++) {
    const f = i % featureSize;
    const v = split.x[i];
    featureSquares[f] += (v - featureMean[f]) ** 2;
    squares += (v - mean) ** 2;
    if (v === featureMin[f]) atMin[f]++;
    if (v === featureMax[f]) atMax[f]++;
  }
  const nearConstantCount = Math.ceil(NEAR_CONSTANT_SHARE * split.count);

  let featureMeanAbsMax = 0;
  let featureStdMin = Infinity;
  let featureStdMax = 0;
  let nearConstantFeatures = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let f = 0; f < featureSize; f++) {
    min = Math.min(min, featureMin[f]);
    max = Math.max(max, featureMax[f]);
    const featureStd = Math.sqrt(featureSquares[f] / split.count);
    featureMeanAbsMax = Math.max(featureMeanAbsMax, Math.abs(featureMean[f]));
    featureStdMax = Math.max(featureStdMax, featureStd);
    // Constant features are judged by min === max: their computed std may be a rounding crumb, not 0.
    // Near-constant ones (a border pixel lit in a handful of images) would make the spread of
    // feature scales look huge although every pixel shares one scale.
    if (atMin[f] >= nearConstantCount || atMax[f] >= nearConstantCount) nearConstantFeatures++;
    else featureStdMin = Math.min(featureStdMin, featureStd);
  }
  return {
    mean,
    std: Math.sqrt(squares / total),
    min,
    max,
    featureMeanAbsMax,
    featureStdMin: featureStdMin === Infinity ? 0 : featureStdMin,
    featureStdMax,
    nearConstantFeatures,
  };
}

/** Beyond this many classes a per-class count is not worth carrying in every run's statistics. */
export const MAX_COUNTED_CLASSES = 1000;

/** Training examples per class (y holds class indices as floats); undefined when there are too many classes. */
export function countLabels(y: Float32Array, numClasses: number): number[] | undefined {
  if (numClasses < 2 || numClasses > MAX_COUNTED_CLASSES) return undefined;
  const counts = new Array<number>(numClasses).fill(0);
  for (const label of y) if (label >= 0 && label < numClasses) counts[label | 0]++;
  return counts;
}
