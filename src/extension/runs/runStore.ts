// The host's record of runs: the live run's data as its events arrive, and the history read
// from the workspace's run folders (so runs survive a window reload). Dashboards read from here;
// new events reach them as batched appends, at most every APPEND_INTERVAL_MS, so a fast run
// does not flood the webviews with one message per step. Run folders are read through the
// validating reader: a bad file or line is skipped and reported (onIssue), and a run whose process
// died without a word shows as interrupted.

import * as vscode from 'vscode';
import type { RunListEntry } from '../../core/dashboard/dashboardProtocol';
import { compareRunsNewestFirst, readRunListEntry } from '../../core/dashboard/dashboardValidation';
import { PayloadIssues } from '../../core/dashboard/payloadReader';
import { applyEvent, emptyRunData, runListEntry, type RunData } from '../../core/dashboard/runData';
import { storedRunData, storedRunEntries, storedRunFolders } from '../../core/dashboard/storedRuns';
import type { TrainingEvent } from '../../core/engine/trainingEvents';

const APPEND_INTERVAL_MS = 150;
/** While another process's run is listed as running, the list is checked again this often (it may die). */
const RUNNING_RECHECK_MS = 10_000;

export interface AppendBatch {
  runId: string;
  events: TrainingEvent[];
}

/** Runs the store lists and serves that are not in run folders (TensorBoard logs). */
export interface ExternalRuns {
  /** History lines of the runs whose data the store does not hold yet. */
  entries(): RunListEntry[];
  /** The run's data is wanted: start reading it (its events come through record()). Whether the id is this source's. */
  request(runId: string): boolean;
}

export class RunStore implements vscode.Disposable {
  private readonly live = new Map<string, RunData>();
  private readonly cache = new Map<string, RunData>();
  private pending: AppendBatch | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private recheckTimer: NodeJS.Timeout | undefined;
  /** Issues already reported, so a bad folder is reported once, not at every refresh. */
  private readonly reported = new Set<string>();
  private readonly appendEmitter = new vscode.EventEmitter<AppendBatch>();
  private readonly historyEmitter = new vscode.EventEmitter<void>();
  /** Batched events of the live run. */
  readonly onDidAppend = this.appendEmitter.event;
  /** A run started, ended, or the run folders changed. */
  readonly onDidChangeHistory = this.historyEmitter.event;
  activeRunId: string | undefined;

  private readonly externalSources: ExternalRuns[] = [];

  constructor(
    private readonly workspaceDirs: () => string[],
    private readonly onIssue: (message: string) => void = () => undefined,
  ) {}

  /** Logs what was dropped from the run history (each note once). */
  private logIssues(issues: PayloadIssues): void {
    for (const note of issues.notes) this.report(`skipped bad data: ${note}`);
  }

  addExternalRuns(source: ExternalRuns): void {
    this.externalSources.push(source);
    this.historyEmitter.fire();
  }

  /**
   * A live run's events, in order, as the trainer sends them. `follow: false` for runs this
   * window does not train (TensorBoard logs): they never become the active run.
   */
  record(runId: string, event: TrainingEvent, options: { follow: boolean } = { follow: true }): void {
    let data = this.live.get(runId);
    if (!data) {
      data = emptyRunData(runId);
      this.live.set(runId, data);
    }
    applyEvent(data, event);
    if (event.type === 'run-started' && options.follow) this.activeRunId = runId;
    // The history shows each run's epoch count and status: refresh it when those change. A run
    // read from logs brings many epochs at once: its source refreshes the history once per read.
    if (event.type === 'run-started' || (event.type === 'epoch-end' && options.follow)) this.historyEmitter.fire();
    if (this.pending && this.pending.runId !== runId) this.flush();
    (this.pending ??= { runId, events: [] }).events.push(event);
    if (event.type === 'run-ended') {
      if (this.activeRunId === runId) this.activeRunId = undefined;
      this.flush();
      this.cache.set(runId, data);
      this.live.delete(runId);
      this.historyEmitter.fire();
      return;
    }
    this.flushTimer ??= setTimeout(() => this.flush(), APPEND_INTERVAL_MS);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.pending;
    this.pending = undefined;
    if (batch && batch.events.length > 0) this.appendEmitter.fire(batch);
  }

  /** Run folders of every workspace folder, newest first, with the live run on top. */
  listRuns(): RunListEntry[] {
    const entries: RunListEntry[] = [];
    const seen = new Set<string>();
    // run.json files are anyone's to edit: each line is checked (a bad one dropped, an unknown
    // status shown as such) and sorted by a comparison that cannot throw.
    const issues = new PayloadIssues();
    // Runs of this window, live or just ended, are known better from their events than from disk.
    for (const data of [...this.live.values(), ...this.cache.values()]) {
      if (!data.started || seen.has(data.runId)) continue;
      entries.push(runListEntry(data, new Date().toISOString()));
      seen.add(data.runId);
    }
    const stored = storedRunEntries(this.runFolders().filter((f) => !seen.has(f.id)), (issue) => this.report(issue));
    // The entries pass the dashboard's validator too (an unknown status shown as such, a bad date kept out of the sort).
    for (const entry of stored) {
      const checked = readRunListEntry(entry, `run ${entry.runId}`, issues);
      if (checked) entries.push(checked);
    }
    // A run of another window or the CLI may die without touching its run.json: look again later.
    if (stored.some((e) => e.status === 'running') && !this.recheckTimer) {
      this.recheckTimer = setTimeout(() => {
        this.recheckTimer = undefined;
        this.historyEmitter.fire();
      }, RUNNING_RECHECK_MS);
    }
    this.logIssues(issues);
    for (const source of this.externalSources) {
      for (const entry of source.entries()) {
        if (seen.has(entry.runId)) continue;
        entries.push(entry);
        seen.add(entry.runId);
      }
    }
    return entries.sort(compareRunsNewestFirst);
  }

  private report(issue: string): void {
    if (this.reported.has(issue)) return;
    this.reported.add(issue);
    this.onIssue(issue);
  }

  /** A run's full data: live, cached, or read from its folder. */
  getRunData(runId: string): RunData | undefined {
    const live = this.live.get(runId) ?? this.cache.get(runId);
    if (live) return live;
    // Its data arrives as events; until the first, the dashboard waits for them.
    if (this.externalSources.some((source) => source.request(runId))) return undefined;
    const folder = this.runFolders().find((f) => f.id === runId);
    if (!folder) return undefined;
    const data = storedRunData(folder, (issue) => this.report(issue));
    // A run still going in another process is read again next time; a finished one is kept.
    if (data && (data.ended || data.interrupted)) this.cache.set(runId, data);
    return data;
  }

  /** Run folders changed on disk (another window, the CLI): forget cached lists and tell the views. */
  refreshHistory(): void {
    this.historyEmitter.fire();
  }

  runDir(runId: string): string | undefined {
    return this.runFolders().find((f) => f.id === runId)?.dir;
  }

  private runFolders() {
    return storedRunFolders(this.workspaceDirs());
  }

  dispose(): void {
    this.flush();
    if (this.recheckTimer) clearTimeout(this.recheckTimer);
    this.appendEmitter.dispose();
    this.historyEmitter.dispose();
  }
}
