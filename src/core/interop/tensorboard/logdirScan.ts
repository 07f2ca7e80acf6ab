// Finds the runs of a TensorBoard log folder. TensorBoard calls every folder holding event files
// a run; Training Doctor groups the split folders of one training run back together: Keras'
// `train/` + `validation/`, tf.summary's `train/` + `test/`, an Estimator's folder + `eval_*/`.
// A run's files are read in the order they were started (the timestamp in their names), so that
// after a restart the later file's values win.

import * as fs from 'node:fs/promises';
import * as path from 'node:path';

export type Split = 'train' | 'validation';

export interface RunSource {
  dir: string;
  split: Split;
  /** Event files in the order they were started. */
  files: string[];
}

export interface DiscoveredRun {
  /** The run's folder relative to the log folder (the log folder's own name when it is the run). */
  name: string;
  dir: string;
  sources: RunSource[];
}

const EVENT_FILE = /^events\.out\.tfevents\./;
const VALIDATION_FOLDER = /^(validation|val|valid|eval|test|eval_.*)$/i;
const TRAIN_FOLDER = /^(train|training)$/i;
/** Folders that hold no event files of a run worth walking into (the profiler's traces, checkpoints). */
const SKIPPED_FOLDERS = new Set(['plugins', 'node_modules', '.git']);
const MAX_DEPTH = 16;

export function isEventFile(name: string): boolean {
  return EVENT_FILE.test(name);
}

/** Orders event files by the start time in their names (`events.out.tfevents.<seconds>.…`), then by name. */
export function compareEventFiles(a: string, b: string): number {
  return eventFileStartSeconds(a) - eventFileStartSeconds(b) || a.localeCompare(b);
}

/** The run a folder of event files belongs to: its parent for a split folder (`train/`, `validation/`, ...), else itself. */
export function runOfEventFolder(dir: string): { runDir: string; split: Split } {
  const base = path.basename(dir);
  if (!TRAIN_FOLDER.test(base) && !VALIDATION_FOLDER.test(base)) return { runDir: dir, split: 'train' };
  return { runDir: path.dirname(dir), split: VALIDATION_FOLDER.test(base) ? 'validation' : 'train' };
}

/** The start time (seconds) in an event file's name, 0 when it has none. */
export function eventFileStartSeconds(file: string): number {
  return Number(/^events\.out\.tfevents\.(\d+)/.exec(path.basename(file))?.[1] ?? 0);
}

export async function discoverRuns(logdir: string): Promise<DiscoveredRun[]> {
  const folders = new Map<string, string[]>();
  await walk(logdir, 0, folders);
  const runs = new Map<string, DiscoveredRun>();
  for (const [dir, files] of [...folders.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const { runDir, split } = dir === logdir ? { runDir: dir, split: 'train' as Split } : runOfEventFolder(dir);
    let run = runs.get(runDir);
    if (!run) {
      run = { name: path.relative(logdir, runDir) || path.basename(path.resolve(logdir)), dir: runDir, sources: [] };
      runs.set(runDir, run);
    }
    run.sources.push({ dir, split, files: files.sort(compareEventFiles) });
  }
  return [...runs.values()].sort((a, b) => a.name.localeCompare(b.name));
}

async function walk(dir: string, depth: number, found: Map<string, string[]>): Promise<void> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  const files = entries.filter((e) => e.isFile() && isEventFile(e.name)).map((e) => path.join(dir, e.name));
  if (files.length > 0) found.set(dir, files);
  if (depth >= MAX_DEPTH) return;
  for (const entry of entries) {
    if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) await walk(path.join(dir, entry.name), depth + 1, found);
  }
}
