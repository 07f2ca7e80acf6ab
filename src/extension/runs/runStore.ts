// The host's record of runs: the live run's data as its events arrive, and the history read
// from the workspace's run folders (so runs survive a window reload). Dashboards read from here;
// new events reach them as batched appends, at most every APPEND_INTERVAL_MS, so a fast run
// does not flood the webviews with one message per step.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunListEntry } from '../../core/dashboard/dashboardProtocol';
import { compareRunsNewestFirst, readRunListEntry } from '../../core/dashboard/dashboardValidation';
import { PayloadIssues } from '../../core/dashboard/payloadReader';
import { readTrainingEvents } from '../../core/dashboard/trainingEventValidation';
import { applyEvent, emptyRunData, runDataFromEvents, runListEntry, type RunData } from '../../core/dashboard/runData';
import { readRun, readRunRecord, runsRoot } from '../../core/engine/runFolder';
import type { TrainingEvent } from '../../core/engine/trainingEvents';

const APPEND_INTERVAL_MS = 150;

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
  private readonly appendEmitter = new vscode.EventEmitter<AppendBatch>();
  private readonly historyEmitter = new vscode.EventEmitter<void>();
  /** Batched events of the live run. */
  readonly onDidAppend = this.appendEmitter.event;
  /** A run started, ended, or the run folders changed. */
  readonly onDidChangeHistory = this.historyEmitter.event;
  activeRunId: string | undefined;

  /** Notes already logged, so a bad run folder is logged once, not at every refresh. */
  private readonly logged = new Set<string>();
  private readonly externalSources: ExternalRuns[] = [];

  constructor(private readonly workspaceDirs: () => string[], private readonly log: (line: string) => void = () => undefined) {}

  /** Logs what was dropped from the run folders (each note once). */
  private logIssues(issues: PayloadIssues): void {
    for (const note of issues.notes) {
      if (this.logged.has(note)) continue;
      this.logged.add(note);
      this.log(`Run history: skipped bad data: ${note}`);
    }
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
    for (const { id, dir } of this.runFolders()) {
      if (seen.has(id)) continue;
      try {
        const record = readRunRecord(dir);
        const entry = readRunListEntry({
          runId: id, configName: record.configName, configPath: record.configPath, status: record.status,
          startedAt: record.startedAt, epochsCompleted: record.epochsCompleted, backend: record.backend,
          final: record.final as RunListEntry['final'], findingCount: record.findingCount ?? 0,
        }, path.join(dir, 'run.json'), issues);
        if (entry) entries.push(entry);
      } catch {
        // Not a run folder, or one being written: skipped.
      }
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

  /** A run's full data: live, cached, or read from its folder. */
  getRunData(runId: string): RunData | undefined {
    const live = this.live.get(runId) ?? this.cache.get(runId);
    if (live) return live;
    // Its data arrives as events; until the first, the dashboard waits for them.
    if (this.externalSources.some((source) => source.request(runId))) return undefined;
    const folder = this.runFolders().find((f) => f.id === runId);
    if (!folder) return undefined;
    try {
      const issues = new PayloadIssues();
      const events = readTrainingEvents(readRun(folder.dir).events, path.join(folder.dir, 'metrics.jsonl event'), issues);
      this.logIssues(issues);
      const data = runDataFromEvents(runId, events);
      this.cache.set(runId, data);
      return data;
    } catch {
      return undefined;
    }
  }

  /** Run folders changed on disk (another window, the CLI): forget cached lists and tell the views. */
  refreshHistory(): void {
    this.historyEmitter.fire();
  }

  runDir(runId: string): string | undefined {
    return this.runFolders().find((f) => f.id === runId)?.dir;
  }

  private runFolders(): { id: string; dir: string }[] {
    const folders: { id: string; dir: string }[] = [];
    for (const workspace of this.workspaceDirs()) {
      const root = runsRoot(workspace);
      if (!fs.existsSync(root)) continue;
      for (const id of fs.readdirSync(root)) folders.push({ id, dir: path.join(root, id) });
    }
    return folders;
  }

  dispose(): void {
    this.flush();
    this.appendEmitter.dispose();
    this.historyEmitter.dispose();
  }
}
