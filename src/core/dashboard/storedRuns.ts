// The run history as the host reads it from disk (Node only, unlike runData.ts which the webview
// shares): the run folders of some workspaces as list entries, and one folder's data for a
// dashboard. Built on the validating reader, so a bad folder or line is skipped and reported
// through `onIssue`, and a run whose process died without a word comes out "interrupted".

import * as fs from 'node:fs';
import * as path from 'node:path';
import { runsRoot, type RunRecord } from '../engine/runFolder';
import { readRun, readRunRecord } from '../engine/runFolderReader';
import type { RunListEntry } from './dashboardProtocol';
import { runDataFromEvents, type RunData } from './runData';

export interface StoredRunFolder {
  id: string;
  dir: string;
}

/** The run folders (sub-folders of `.training-doctor/runs`) of these workspaces. */
export function storedRunFolders(workspaceDirs: string[]): StoredRunFolder[] {
  const folders: StoredRunFolder[] = [];
  for (const workspace of workspaceDirs) {
    const root = runsRoot(workspace);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(root, { withFileTypes: true });
    } catch {
      continue; // no runs yet (or unreadable)
    }
    for (const entry of entries) if (entry.isDirectory()) folders.push({ id: entry.name, dir: path.join(root, entry.name) });
  }
  return folders;
}

/** Each folder's line in the history, from its run.json alone (cheap: no events read). */
export function storedRunEntries(folders: StoredRunFolder[], onIssue: (issue: string) => void): RunListEntry[] {
  const entries: RunListEntry[] = [];
  for (const { dir } of folders) {
    const issues: string[] = [];
    const record = readRunRecord(dir, issues);
    issues.forEach(onIssue);
    if (record) entries.push(listEntryFromRecord(record));
  }
  return entries;
}

/** A folder's events as a dashboard's data, marked interrupted when its process died; undefined when it holds nothing. */
export function storedRunData(folder: StoredRunFolder, onIssue: (issue: string) => void): RunData | undefined {
  const stored = readRun(folder.dir);
  stored.issues.forEach(onIssue);
  if (!stored.record && stored.events.length === 0) return undefined;
  const data = runDataFromEvents(folder.id, stored.events);
  const record = stored.record;
  if (data.ended || !record || record.status === 'running') return data;
  if (record.status === 'interrupted') {
    data.interrupted = record.reason;
  } else {
    // Its end is known only to run.json (a host marked a crashed run failed): told as an event.
    data.ended = {
      type: 'run-ended', status: record.status, reason: record.reason, epochsCompleted: record.epochsCompleted,
      steps: record.steps, durationMs: record.durationMs ?? 0, final: { metrics: {}, valMetrics: {} }, findings: data.findings,
    };
  }
  return data;
}

const numberOrUndefined = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

function listEntryFromRecord(record: RunRecord): RunListEntry {
  return {
    runId: record.id, configName: record.configName, configPath: record.configPath, status: record.status,
    startedAt: record.startedAt, epochsCompleted: record.epochsCompleted, backend: record.backend,
    final: record.final ? { loss: numberOrUndefined(record.final.loss), valLoss: numberOrUndefined(record.final.valLoss) } : undefined,
    findingCount: record.findingCount ?? 0,
  };
}
