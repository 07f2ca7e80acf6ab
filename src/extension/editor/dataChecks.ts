// The slow part of a document's diagnostics: what only the data can tell (its statistics, which
// data.unnormalized and the variance model use, and the CSV checks of loadConfigFile). Loading
// MNIST takes ~0.3 s, so results are cached per data config (and the CSV file's or the image
// folder's modification time, and where data may be read) and shared by every document and every keystroke; concurrent
// requests share one load.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigProblemError, type ConfigProblem } from '../../core/config/configProblem';
import { checkDataSource } from '../../core/config/loadConfigFile';
import type { ParsedConfig } from '../../core/config/parseConfig';
import { memoryBudget } from '../../core/config/memoryEstimate';
import type { DataConfig } from '../../core/config/trainConfig';
import type { DataAccess } from '../../core/data/dataAccessPolicy';
import type { InputStatistics } from '../../core/data/dataset';
import { loadInputStatistics } from '../../core/data/loadDataset';

export interface DataReport {
  /** Statistics of the raw training split; absent when the data cannot be loaded. */
  inputStats?: InputStatistics;
  /** Problems with the data (a missing CSV, a missing label column, too few examples...), located by path. */
  problems: ConfigProblem[];
}

/** The problem code of a data load stopped for taking too long (not cached: the next request tries again). */
export const DATA_LOAD_TIMEOUT = 'data.load-timeout';

/**
 * The expensive operations, injectable so tests can count and time them. `access`: where data
 * files may be (see editorDataAccess); without it, inside the config's project.
 */
export interface DataLoaders {
  /** `dataBudgetBytes`: the config's data-set memory budget (for data whose size is known once read). */
  inputStatistics(data: DataConfig, seed: number, baseDir: string, access?: DataAccess, dataBudgetBytes?: number): Promise<InputStatistics>;
  checkDataSource(parsed: ParsedConfig, baseDir: string, access?: DataAccess): Promise<ConfigProblem[]>;
  /**
   * The file's modification time in ms, undefined when it does not exist. For a folder (an image
   * folder), the latest of its own and its sub-folders': adding, removing or renaming an image in
   * a class folder changes it.
   */
  modifiedTime(file: string): number | undefined;
}

export const fileSystemDataLoaders: DataLoaders = {
  inputStatistics: loadInputStatistics,
  checkDataSource,
  modifiedTime(file) {
    try {
      const stats = fs.statSync(file);
      return stats.isDirectory() ? folderModifiedTime(file, stats.mtimeMs) : stats.mtimeMs;
    } catch {
      return undefined;
    }
  },
};

/** Image folders have one level of class folders; the scan is bounded so a huge folder costs little. */
const MAX_SCANNED_SUBFOLDERS = 1000;

function folderModifiedTime(folder: string, own: number): number {
  let latest = own;
  const entries = fs.readdirSync(folder, { withFileTypes: true }).filter((e) => e.isDirectory() || e.isSymbolicLink()).slice(0, MAX_SCANNED_SUBFOLDERS);
  for (const entry of entries) {
    try {
      latest = Math.max(latest, fs.statSync(path.join(folder, entry.name)).mtimeMs);
    } catch {
      // A dangling link: the loader reports it.
    }
  }
  return latest;
}

interface StatsOutcome {
  inputStats?: InputStatistics;
  problems: ConfigProblem[];
}

/** A bounded map of keyed asynchronous results; a key is computed once while it stays cached. */
class AsyncCache<T> {
  private readonly entries = new Map<string, { promise: Promise<T>; value?: { v: T } }>();

  constructor(private readonly capacity: number) {}

  peek(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry?.value) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value.v;
  }

  get(key: string, compute: () => Promise<T>): Promise<T> {
    const known = this.entries.get(key);
    if (known) return known.promise;
    const entry: { promise: Promise<T>; value?: { v: T } } = { promise: compute() };
    entry.promise = entry.promise.then((v) => {
      entry.value = { v };
      return v;
    });
    this.entries.set(key, entry);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return entry.promise;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}

const timedOut = (problems: ConfigProblem[]) => problems.some((p) => p.code === DATA_LOAD_TIMEOUT);
const problemsOf = (error: unknown) => (error instanceof ConfigProblemError ? error.problems : []);

function sameProblem(a: ConfigProblem, b: ConfigProblem): boolean {
  return a.code === b.code && a.message === b.message && a.path.join('/') === b.path.join('/');
}

export class DataCheckCache {
  private readonly stats: AsyncCache<StatsOutcome>;
  private readonly checks: AsyncCache<ConfigProblem[]>;

  constructor(private readonly loaders: DataLoaders = fileSystemDataLoaders, capacity = 32) {
    this.stats = new AsyncCache(capacity);
    this.checks = new AsyncCache(capacity);
  }

  /**
   * The cache keys of a config's data, or undefined when there is nothing to load: no valid config,
   * a CSV path relative to a document that has no folder (an untitled file), or placeholder data.
   */
  private keys(parsed: ParsedConfig, baseDir: string | undefined, access: DataAccess | undefined): { stats: string; checks?: string; baseDir: string } | undefined {
    const config = parsed.config;
    if (!config) return undefined;
    const dataset = config.data.dataset;
    // Placeholder data (written by import) is N(0, 1) with random labels by definition: measuring
    // it tells the rules nothing (its labels would read as imbalanced), as in `lint`.
    if (dataset.kind === 'placeholder') return undefined;
    let file: string | undefined;
    if (dataset.kind === 'csv' || dataset.kind === 'images') {
      if (baseDir === undefined) return undefined;
      file = path.resolve(baseDir, dataset.kind === 'csv' ? dataset.csv : dataset.images);
    }
    // Where the file may be decides what is read (granting workspace trust changes it).
    const stamp = file === undefined ? null : [file, this.loaders.modifiedTime(file) ?? 'missing', access ?? null];
    const { trainSize, validationSize, validationSplit } = config.data;
    // The raw statistics are measured on the training split before preprocessing: preprocess and
    // augment do not change them (and editing them, e.g. by the normalize quick fix, must not reload MNIST).
    // The data budget decides whether an image folder is read at all.
    const stats = JSON.stringify([dataset, trainSize ?? null, validationSize ?? null, validationSplit, config.seed, stamp, memoryBudget(config).dataBytes]);
    // The CSV and image-folder checks compare the data with the model and the loss too.
    const checks = file === undefined ? undefined : JSON.stringify([config, parsed.shapes?.outputShape ?? null, stamp]);
    return { stats, checks, baseDir: baseDir ?? '.' };
  }

  /** The data report if it is cached (undefined while it still has to be computed). */
  peek(parsed: ParsedConfig, baseDir: string | undefined, access?: DataAccess): DataReport | undefined {
    const keys = this.keys(parsed, baseDir, access);
    if (!keys) return { problems: [] };
    const stats = this.stats.peek(keys.stats);
    const checks = keys.checks === undefined ? [] : this.checks.peek(keys.checks);
    if (!stats || !checks) return undefined;
    return merge(stats, checks);
  }

  async compute(parsed: ParsedConfig, baseDir: string | undefined, access?: DataAccess): Promise<DataReport> {
    const keys = this.keys(parsed, baseDir, access);
    const config = parsed.config;
    if (!keys || !config) return { problems: [] };
    const [stats, checks] = await Promise.all([
      this.stats.get(keys.stats, async () => {
        try {
          return { inputStats: await this.loaders.inputStatistics(config.data, config.seed, keys.baseDir, access, memoryBudget(config).dataBytes), problems: [] };
        } catch (error) {
          // Data the loader rejects (too few examples, a broken CSV) is a problem to show; anything
          // else leaves the rules without statistics, as `lint` does.
          return { problems: problemsOf(error) };
        }
      }),
      keys.checks === undefined ? [] : this.checks.get(keys.checks, () => this.loaders.checkDataSource(parsed, keys.baseDir, access).catch(problemsOf)),
    ]);
    // A load stopped for its time limit may succeed on a quieter machine: shown now, not kept.
    if (timedOut(stats.problems)) this.stats.forget(keys.stats);
    if (keys.checks !== undefined && timedOut(checks)) this.checks.forget(keys.checks);
    return merge(stats, checks);
  }
}

function merge(stats: StatsOutcome, checks: ConfigProblem[]): DataReport {
  const problems = [...checks];
  for (const p of stats.problems) if (!problems.some((q) => sameProblem(p, q))) problems.push(p);
  return { inputStats: stats.inputStats, problems };
}
