// The record of one run on disk, `.training-doctor/runs/<id>/`:
//   config.train.json  the config text as run (comments kept)
//   run.json           status, backend, timings (rewritten at start, each epoch and end)
//   metrics.jsonl      one event per line, appended as the run goes
//   model/             the final weights (model.json + weights.bin, tfjs layers format)
// Events are buffered and flushed at every epoch end, every statistics sample and at the end,
// so a crash loses at most the last few steps.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunStatus, TrainingEvent } from './trainingEvents';

export interface RunRecord {
  id: string;
  configName: string;
  configPath?: string;
  status: RunStatus | 'running';
  reason?: string;
  backend?: string;
  backendDetail?: string;
  startedAt: string;
  endedAt?: string;
  durationMs?: number;
  epochsCompleted: number;
  steps: number;
  final?: Record<string, unknown>;
  /** Findings the run reported (written at its end), for run lists that do not read the events. */
  findingCount?: number;
  pid?: number;
}

export function runsRoot(workspaceDir: string): string {
  return path.join(workspaceDir, '.training-doctor', 'runs');
}

function timestampId(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'run';
}

export class RunFolder {
  private pending: string[] = [];
  readonly record: RunRecord;

  private constructor(readonly dir: string, record: RunRecord) {
    this.record = record;
  }

  /** Creates a fresh, uniquely named run folder under `root`. */
  static create(root: string, configName: string, configText: string, configPath?: string, now = new Date()): RunFolder {
    fs.mkdirSync(root, { recursive: true });
    const base = `${timestampId(now)}-${safeName(configName)}`;
    let id = base;
    for (let n = 2; ; n++) {
      try {
        fs.mkdirSync(path.join(root, id));
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        id = `${base}-${n}`;
      }
    }
    const dir = path.join(root, id);
    fs.writeFileSync(path.join(dir, 'config.train.json'), configText);
    const folder = new RunFolder(dir, {
      id, configName, configPath, status: 'running', startedAt: now.toISOString(), epochsCompleted: 0, steps: 0, pid: process.pid,
    });
    folder.writeRecord();
    return folder;
  }

  get id(): string {
    return this.record.id;
  }

  append(event: TrainingEvent): void {
    this.pending.push(JSON.stringify(event));
    if (event.type === 'epoch-end' || event.type === 'layer-stats' || event.type === 'run-ended' || event.type === 'finding') this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    fs.appendFileSync(path.join(this.dir, 'metrics.jsonl'), this.pending.join('\n') + '\n');
    this.pending = [];
  }

  update(changes: Partial<RunRecord>): void {
    Object.assign(this.record, changes);
    this.writeRecord();
  }

  private writeRecord(): void {
    // Write-then-rename so a reader never sees half a file.
    const target = path.join(this.dir, 'run.json');
    fs.writeFileSync(target + '.tmp', JSON.stringify(this.record, null, 2));
    fs.renameSync(target + '.tmp', target);
  }

  modelDir(): string {
    return path.join(this.dir, 'model');
  }
}

/** Reads only a run folder's record: cheap enough to list many runs. */
export function readRunRecord(dir: string): RunRecord {
  return JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8')) as RunRecord;
}

/** Reads a run folder's record and events (for `Compare Runs`, reopening after reload, tests). */
export function readRun(dir: string): { record: RunRecord; events: TrainingEvent[] } {
  const record = readRunRecord(dir);
  const file = path.join(dir, 'metrics.jsonl');
  const events: TrainingEvent[] = [];
  if (fs.existsSync(file)) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        events.push(JSON.parse(line) as TrainingEvent);
      } catch {
        // A crash mid-write can leave a torn last line; everything before it is still good.
      }
    }
  }
  return { record, events };
}

/**
 * Records a run as failed when the process that ran it died without saying so (a crash, a kill,
 * out of memory): its run.json would otherwise claim it is still running.
 */
export function markRunFailed(dir: string, reason: string): void {
  const file = path.join(dir, 'run.json');
  const record = JSON.parse(fs.readFileSync(file, 'utf8')) as RunRecord;
  if (record.status !== 'running') return;
  const endedAt = new Date();
  const updated: RunRecord = { ...record, status: 'failed', reason, endedAt: endedAt.toISOString(), durationMs: endedAt.getTime() - Date.parse(record.startedAt) };
  fs.writeFileSync(file + '.tmp', JSON.stringify(updated, null, 2));
  fs.renameSync(file + '.tmp', file);
}
