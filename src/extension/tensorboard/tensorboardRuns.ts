// TensorBoard runs in the editor: event files of the workspace (and folders the user opens) listed
// in the run history beside our own runs, and followed live once a dashboard asks for one. Listing
// reads no event file (names and folders only), so the history fills without cost; a run's
// folder is read, then tailed, only when its data is wanted. Its events go into the run store as
// a training run's do, so the dashboards show its curves, layers and findings the same way.
// No vscode import: the extension passes in how to find files, so this runs under test.

import * as path from 'node:path';
import type { RunListEntry } from '../../core/dashboard/dashboardProtocol';
import type { TrainingEvent } from '../../core/engine/trainingEvents';
import type { DiscoveredRun } from '../../core/interop/tensorboard/logdirScan';
import { eventFileStartSeconds, runOfEventFolder } from '../../core/interop/tensorboard/logdirScan';
import { loadOverrides, TensorboardWatcher } from '../../core/interop/tensorboard/tensorboardWatcher';

const RUN_ID_PREFIX = 'tensorboard:';
/** Run ids are at most 300 characters (the dashboard protocol's bound); deeper folders are left out. */
const MAX_RUN_ID_LENGTH = 300;
/** Runs asked for before the search found them, remembered at most. */
const MAX_WANTED = 100;
/** A record written reaches the dashboard within a poll and the store's batching (~1 s). */
export const TENSORBOARD_POLL_MS = 500;

export function tensorboardRunId(runDir: string): string {
  return `${RUN_ID_PREFIX}${runDir}`;
}

export function isTensorboardRunId(runId: string): boolean {
  return runId.startsWith(RUN_ID_PREFIX);
}

/** Where the events go: the extension's RunStore. */
export interface TensorboardRunSink {
  /** `follow: false`: not a run this window trains, so the side bar does not switch to it. */
  record(runId: string, event: TrainingEvent, options: { follow: boolean }): void;
  refreshHistory(): void;
}

export interface TensorboardRunsOptions {
  /** Absolute paths of the workspace's event files (vscode.workspace.findFiles, capped). */
  findEventFiles(): Promise<string[]>;
  /** How a run folder is named in the history (workspace-relative where it can be). */
  displayName(runDir: string): string;
  log(line: string): void;
  pollMs?: number;
}

interface KnownRun {
  runId: string;
  name: string;
  dir: string;
  /** The folder whose watcher reads this run. */
  root: string;
  startedAt: string;
}

/** One followed log folder: a core watcher polled until disposed. */
interface FollowedRoot {
  watcher: TensorboardWatcher;
  timer?: NodeJS.Timeout;
  /** The poll in progress (polls never overlap). */
  polling?: Promise<void>;
}

export class TensorboardRuns {
  private readonly known = new Map<string, KnownRun>();
  private readonly followed = new Map<string, FollowedRoot>();
  /** Runs asked for before the workspace was searched (a panel restored after a reload). */
  private readonly wanted = new Set<string>();
  private discovery: Promise<void> | undefined;
  private disposed = false;

  constructor(private readonly sink: TensorboardRunSink, private readonly options: TensorboardRunsOptions) {}

  /** Finds the workspace's event files and lists their runs (without reading them). Again after files appear. */
  discoverWorkspace(): Promise<void> {
    const run = async () => {
      let files: string[];
      try {
        files = await this.options.findEventFiles();
      } catch (error) {
        this.options.log(`TensorBoard logs: the workspace could not be searched: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      if (this.disposed) return;
      const runs = new Map<string, number>();
      for (const file of files) {
        const { runDir } = runOfEventFolder(path.dirname(file));
        const seconds = eventFileStartSeconds(file);
        runs.set(runDir, Math.min(runs.get(runDir) ?? Infinity, seconds || Infinity));
      }
      // A run folder inside another run's folder is read by that run's watcher.
      const dirs = [...runs.keys()].sort();
      const roots = dirs.filter((dir) => !dirs.some((other) => other !== dir && isInside(dir, other)));
      let added = 0;
      for (const dir of dirs) {
        const root = roots.find((r) => r === dir || isInside(dir, r)) ?? dir;
        if (this.remember(dir, root, runs.get(dir)!)) added++;
      }
      if (added > 0) this.sink.refreshHistory();
      for (const runId of [...this.wanted]) if (this.known.has(runId)) this.request(runId);
    };
    // One search at a time; a request while one runs waits for it, then searches again.
    const next = (this.discovery ?? Promise.resolve()).then(run);
    this.discovery = next;
    return next;
  }

  /**
   * Follows a folder the user picked (the command): reads it now and keeps tailing it. Returns
   * the ids of the runs found in it (none yet is fine: new runs show up as they are written).
   */
  async openFolder(dir: string): Promise<string[]> {
    const root = this.follow(dir);
    await root.polling;
    return root.watcher.watchedRuns().map((r) => tensorboardRunId(r.run.dir)).filter((id) => id.length <= MAX_RUN_ID_LENGTH);
  }

  /** History lines of the runs found but not read yet (the store lists the others from their data). */
  entries(): RunListEntry[] {
    return [...this.known.values()].map((run) => ({
      runId: run.runId, configName: run.name, status: 'unknown', startedAt: run.startedAt, epochsCompleted: 0, findingCount: 0,
    }));
  }

  /**
   * A dashboard wants this run: follow its folder (once). Returns whether the id is a TensorBoard
   * run's. Only folders found in the workspace or opened by the user are read, whatever id a
   * message names.
   */
  request(runId: string): boolean {
    if (!isTensorboardRunId(runId)) return false;
    const run = this.known.get(runId);
    if (!run) {
      // Bounded: the ids come from messages and restored panels, not from the file system.
      if (this.wanted.size < MAX_WANTED) this.wanted.add(runId);
      return true;
    }
    this.wanted.delete(runId);
    // A followed folder reads every run inside it: no second reader for the same files.
    const covering = [...this.followed.keys()].find((root) => root === run.dir || isInside(run.dir, root));
    if (covering) run.root = covering;
    else this.follow(run.root);
    return true;
  }

  /** The folders being followed (for tests and the log). */
  followedFolders(): string[] {
    return [...this.followed.keys()];
  }

  /** Polls every followed folder once, now (tests; the timers do it otherwise). */
  async pollNow(): Promise<void> {
    await Promise.all([...this.followed.values()].map((root) => this.poll(root)));
  }

  private remember(dir: string, root: string, startSeconds: number): boolean {
    const runId = tensorboardRunId(dir);
    if (runId.length > MAX_RUN_ID_LENGTH || this.known.has(runId)) return false;
    const startedAt = Number.isFinite(startSeconds) && startSeconds > 0 ? new Date(startSeconds * 1000).toISOString() : '';
    this.known.set(runId, { runId, name: this.options.displayName(dir), dir, root, startedAt });
    return true;
  }

  private follow(dir: string): FollowedRoot {
    const existing = this.followed.get(dir);
    if (existing) return existing;
    const overridesFor = async (run: DiscoveredRun) => {
      const loaded = await loadOverrides(run.dir, dir, {});
      for (const problem of loaded.problems) this.options.log(`TensorBoard logs: ${problem}`);
      return loaded.overrides;
    };
    const root: FollowedRoot = { watcher: new TensorboardWatcher(dir, overridesFor) };
    this.followed.set(dir, root);
    void this.poll(root);
    return root;
  }

  private poll(root: FollowedRoot): Promise<void> {
    root.polling ??= this.readOnce(root).finally(() => {
      root.polling = undefined;
      if (this.disposed) return;
      if (root.timer) clearTimeout(root.timer);
      root.timer = setTimeout(() => void this.poll(root), this.options.pollMs ?? TENSORBOARD_POLL_MS);
    });
    return root.polling;
  }

  private async readOnce(root: FollowedRoot): Promise<void> {
    try {
      const result = await root.watcher.poll(false);
      if (this.disposed) return;
      for (const issue of result.issues) this.options.log(`TensorBoard logs: ${issue.message}`);
      const dirs = new Map(root.watcher.watchedRuns().map((r) => [r.name, r.run.dir]));
      let added = false;
      for (const name of result.newRuns) {
        const dir = dirs.get(name);
        if (dir && this.remember(dir, root.watcher.logdir, Infinity)) added = true;
      }
      let recorded = false;
      for (const update of result.updates) {
        const dir = dirs.get(update.run);
        if (!dir) continue;
        const runId = tensorboardRunId(dir);
        const run = this.known.get(runId);
        if (!run) continue;
        // Read by another followed folder already (the user opened a folder inside or around it).
        if (run.root !== root.watcher.logdir) {
          if (this.followed.has(run.root)) continue;
          run.root = root.watcher.logdir;
        }
        for (const event of update.events) {
          // The history and the dashboards know the run by its id; its name stays the folder's.
          const named = event.type === 'run-started' ? { ...event, runId, configName: run.name } : event;
          this.sink.record(runId, named, { follow: false });
          recorded = true;
        }
      }
      // Epoch counts and finding counts in the history: once per read, not once per epoch.
      if (added || recorded) this.sink.refreshHistory();
    } catch (error) {
      this.options.log(`TensorBoard logs: ${root.watcher.logdir} could not be read: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const root of this.followed.values()) if (root.timer) clearTimeout(root.timer);
    this.followed.clear();
  }
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
