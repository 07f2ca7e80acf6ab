// Turns the `data` section of a config into normalized training and validation splits: picks
// the loader, checks the requested sizes fit, measures the raw inputs, then normalizes both
// splits with training statistics. Also the per-epoch batching helpers the trainer uses.

import { ConfigProblemError, problem } from '../config/configProblem';
import type { DataConfig } from '../config/trainConfig';
import type { SeededRandom } from '../random';
import { loadCsvExamples } from './csvDataset';
import type { DataAccess } from './dataAccessPolicy';
import { copyRows, DatasetExamples, InputStatistics, LoadedData, Split } from './dataset';
import { loadImageFolderExamples } from './imageFolderDataset';
import { loadMnistExamples } from './mnistDataset';
import { applyNormalization, computeInputStatistics, computeNormalization, countLabels } from './preprocess';
import { loadPlaceholderExamples } from './placeholderDataset';
import { readCachedStatistics, writeCachedStatistics } from './statisticsCache';
import { loadSyntheticExamples } from './syntheticDatasets';

/**
 * `access`: where a data file may be (see dataAccessPolicy); by default inside the config's project.
 * `dataBudgetBytes`: the data-set memory budget, for data whose size is known only once read
 * (image folders); the default budget when absent.
 */
export async function loadDataset(data: DataConfig, seed: number, baseDir: string, access?: DataAccess, dataBudgetBytes?: number): Promise<LoadedData> {
  const source = await loadExamples(data, seed, baseDir, access, dataBudgetBytes);
  const { trainCount, validationCount } = splitSizes(data, source);
  const { featureSize } = source;
  // Examples arrive already shuffled; validation comes first so that changing trainSize alone
  // never changes which examples are held out.
  const validation = takeRows(source.examples, featureSize, 0, validationCount);
  const train = takeRows(source.examples, featureSize, validationCount, validationCount + trainCount);

  const { normalize: mode, per } = data.preprocess;
  // Two passes over the raw split, kept in the disk cache for the sources it can name (statisticsCache.ts).
  const cached = readCachedStatistics(data, seed);
  const rawInputStats = cached?.rawInputStats ?? computeInputStatistics(train, featureSize, source.image);
  const norm = cached?.normalization ?? computeNormalization(train, featureSize, mode, per, source.image);
  if (!cached) {
    const labelCounts = source.task === 'classification' ? countLabels(train.y, source.numClasses) : undefined;
    if (labelCounts) rawInputStats.labelCounts = labelCounts;
    writeCachedStatistics(data, seed, { rawInputStats, normalization: norm });
  }
  if (mode !== 'none') {
    applyNormalization(train, norm, featureSize, per, source.image);
    applyNormalization(validation, norm, featureSize, per, source.image);
  }

  return {
    task: source.task,
    inputShape: source.inputShape,
    featureSize,
    numClasses: source.numClasses,
    classNames: source.classNames,
    train,
    validation,
    image: source.image,
    rawInputStats,
    preprocessing: { mode, per, mean: norm.mean, std: norm.std },
    source: `${source.description}, ${trainCount} train / ${validationCount} validation`,
  };
}

/**
 * The raw training split's statistics (what lint and the editor's rules read): from the disk cache
 * when a load with the same data config, seed and source files stored them, else by loading.
 */
export async function loadInputStatistics(data: DataConfig, seed: number, baseDir: string, access?: DataAccess, dataBudgetBytes?: number): Promise<InputStatistics> {
  return readCachedStatistics(data, seed)?.rawInputStats ?? (await loadDataset(data, seed, baseDir, access, dataBudgetBytes)).rawInputStats;
}

function loadExamples(data: DataConfig, seed: number, baseDir: string, access: DataAccess | undefined, dataBudgetBytes: number | undefined): Promise<DatasetExamples> | DatasetExamples {
  const dataset = data.dataset;
  switch (dataset.kind) {
    case 'mnist':
      return loadMnistExamples(dataset.shape, seed);
    case 'csv':
      return loadCsvExamples(dataset, baseDir, seed, access);
    case 'images':
      return loadImageFolderExamples(dataset, baseDir, seed, access, dataBudgetBytes);
    case 'gaussian':
    case 'spirals':
    case 'blobs':
      return loadSyntheticExamples(dataset, seed);
    case 'placeholder':
      return loadPlaceholderExamples(dataset, seed);
  }
}

/** validationSize wins over validationSplit; trainSize defaults to everything left over. */
export function splitSizes(data: DataConfig, source: Pick<DatasetExamples, 'examples' | 'description'>): { trainCount: number; validationCount: number } {
  const total = source.examples.count;
  const has = `${source.description} has ${total} examples`;
  const validationCount = data.validationSize ?? Math.round(data.validationSplit * total);
  const validationFrom = data.validationSize !== undefined ? `validationSize ${validationCount}` : `validationSplit ${data.validationSplit} (${validationCount} examples)`;
  if (validationCount > total) {
    throw new ConfigProblemError([problem('data.not-enough-examples', ['data', 'validationSize'], `${has}, fewer than the ${validationCount} asked for by validationSize.`)]);
  }
  if (data.trainSize === undefined) {
    const trainCount = total - validationCount;
    if (trainCount < 1) {
      const where = data.validationSize !== undefined ? 'validationSize' : 'validationSplit';
      throw new ConfigProblemError([problem('data.not-enough-examples', ['data', where], `${has} and ${validationFrom} takes them all, leaving none to train on.`)]);
    }
    return { trainCount, validationCount };
  }
  if (data.trainSize + validationCount > total) {
    const most = total - validationCount;
    throw new ConfigProblemError([problem('data.not-enough-examples', ['data', 'trainSize'],
      `${has}, but trainSize ${data.trainSize} plus ${validationFrom} needs ${data.trainSize + validationCount}. Use trainSize ${most} or less, or a smaller validation split.`)]);
  }
  return { trainCount: data.trainSize, validationCount };
}

function takeRows(split: Split, featureSize: number, start: number, end: number): Split {
  return {
    x: split.x.slice(start * featureSize, end * featureSize),
    y: split.y.slice(start, end),
    count: end - start,
  };
}

/** A fresh random order of example indices for one epoch. */
export function epochOrder(count: number, rng: SeededRandom): Int32Array {
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  rng.shuffle(order);
  return order;
}

/** Copies the examples indices[start..end) into a new batch (the split is never mutated). */
export function gatherBatch(split: Split, featureSize: number, indices: Int32Array, start: number, end: number): { x: Float32Array; y: Float32Array } {
  const batch = copyRows(split, featureSize, indices, start, Math.min(end, indices.length));
  return { x: batch.x, y: batch.y };
}
