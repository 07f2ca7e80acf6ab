// The shapes every part of the data pipeline agrees on: plain Float32Arrays in row-major order,
// so loading, preprocessing and augmentation stay free of tfjs and can be tested bit for bit.

import type { NormalizeMode, Task } from '../config/trainConfig';
import type { SeededRandom } from '../random';

/** `count` examples; x is row-major count×featureSize; y is the class index (as a float) or the regression target. */
export interface Split {
  x: Float32Array;
  y: Float32Array;
  count: number;
}

export interface ImageGeometry {
  height: number;
  width: number;
  channels: number;
}

/**
 * Measured on the raw (un-preprocessed) training split, so diagnostics can say "your inputs are
 * not normalized" in the user's own units.
 */
export interface InputStatistics {
  mean: number;
  std: number;
  min: number;
  max: number;
  /** The largest |mean| of any single feature. */
  featureMeanAbsMax: number;
  /**
   * The smallest std among features that are neither constant nor near-constant (0 when none is
   * left): a pixel column that is 0 in 99% of the images says nothing about the inputs' scale.
   */
  featureStdMin: number;
  featureStdMax: number;
  /** Colour images: the mean and std of each channel (R, G, B) over all pixels, what "per": "channel" uses. */
  channelMeans?: number[];
  channelStds?: number[];
  /** Features with at least 99% of their values equal to their minimum or to their maximum (constant ones included). */
  nearConstantFeatures?: number;
  /**
   * Classification only: how many training examples each class has (index = class). Absent for
   * regression and for tasks with more classes than anyone would read a balance of.
   */
  labelCounts?: number[];
}

export interface Preprocessing {
  mode: NormalizeMode;
  per: 'feature' | 'channel';
  /** One entry per feature or per channel (per channel on non-image data: a single global value). */
  mean: Float32Array;
  std: Float32Array;
}

export interface LoadedData {
  task: Task;
  inputShape: number[];
  featureSize: number;
  /** 1 for regression. */
  numClasses: number;
  classNames?: string[];
  train: Split;
  validation: Split;
  image?: ImageGeometry;
  rawInputStats: InputStatistics;
  preprocessing: Preprocessing;
  /** Human description, e.g. "MNIST (mnist package), 8000 train / 2000 validation". */
  source: string;
}

/**
 * What each dataset loader hands to loadDataset: all of its examples, already in their seeded
 * order, before the split into validation and training.
 */
export interface DatasetExamples {
  task: Task;
  inputShape: number[];
  featureSize: number;
  numClasses: number;
  classNames?: string[];
  image?: ImageGeometry;
  examples: Split;
  /** Names the source without split sizes, e.g. "MNIST (mnist package)". */
  description: string;
}

/** Copies rows indices[start..end) into a new split (never a view, so callers may mutate it). */
export function copyRows(split: Split, featureSize: number, indices: ArrayLike<number>, start: number, end: number): Split {
  const count = end - start;
  const x = new Float32Array(count * featureSize);
  const y = new Float32Array(count);
  for (let row = 0; row < count; row++) {
    const from = indices[start + row];
    x.set(split.x.subarray(from * featureSize, (from + 1) * featureSize), row * featureSize);
    y[row] = split.y[from];
  }
  return { x, y, count };
}

/** A shuffled copy; loaders use it so that a sorted source (all 0s, then all 1s…) splits fairly. */
export function shuffledCopy(split: Split, featureSize: number, rng: SeededRandom): Split {
  const order = new Int32Array(split.count);
  for (let i = 0; i < order.length; i++) order[i] = i;
  rng.shuffle(order);
  return copyRows(split, featureSize, order, 0, order.length);
}
