// The record of one run on disk, `.training-doctor/runs/<id>/`:
//   config.train.json  the config text as run (comments kept)
//   run.json           status, backend, timings, and who runs it: pid, host, heartbeatAt
//                      (rewritten at start, each epoch and at the end)
//   heartbeat          an empty file whose modification time the run touches every few seconds
//                      (cheaper than rewriting run.json, and it works on a full disk)
//   metrics.jsonl      one event per line, appended as the run goes
//   model/             the final weights (model.json + weights.bin, tfjs layers format)
// Events are buffered and flushed at every epoch end, every statistics sample and at the end,
// so a crash loses at most the last few steps. run.json and model/ are replaced whole (temporary
// + rename), so a kill never leaves half of either. A process that dies without saying so leaves
// run.json at "running" with a heartbeat that stops: readers (runFolderReader.ts) then show the
// run as interrupted. A write that fails (a full disk) never throws here: the folder remembers it
// as `failure`, stops writing events, and the session ends the run as failed with that reason.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiskWriteError, describeWriteError, makeWritableDirectory, writeFileAtomic } from './diskWrites';
import type { RunStatus, TrainingEvent } from './trainingEvents';

/** What run.json may say: `interrupted` is never written by a run, only concluded by readers. */
export type RecordStatus = RunStatus | 'running' | 'interrupted';

export interface RunRecord {
  id: string;
  configName: string;
  configPath?: string;
  status: RecordStatus;
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
  /** The process that runs it, on which machine: a reader on that host can tell if it is gone. */
  pid?: number;
  host?: string;
  /** When the running process last rewrote this record (ISO time): it stops when the process dies. */
  heartbeatAt?: string;
}

/** How often a running process touches its `heartbeat` file to say it is alive. */
export const HEARTBEAT_INTERVAL_MS = 5000;
export const HEARTBEAT_FILE = 'heartbeat';

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

/** More runs of one config in one second than anyone starts: past this, something else is wrong. */
const MAX_NAME_ATTEMPTS = 1000;

export class RunFolder {
  private pending: string[] = [];
  private heartbeat?: NodeJS.Timeout;
  private writeFailure?: DiskWriteError;
  /** metrics.jsonl's length after the last complete append. */
  private metricsBytes = 0;
  readonly record: RunRecord;

  private constructor(readonly dir: string, record: RunRecord) {
    this.record = record;
  }

  /**
   * Creates a fresh, uniquely named run folder under `root` and starts its heartbeat. Throws a
   * DiskWriteError (with a message for the user) when `root` cannot hold one.
   */
  static create(root: string, configName: string, configText: string, configPath?: string, now = new Date()): RunFolder {
    makeWritableDirectory(root, 'the run folder');
    const base = `${timestampId(now)}-${safeName(configName)}`;
    let id = base;
    for (let n = 2; ; n++) {
      try {
        fs.mkdirSync(path.join(root, id));
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || n > MAX_NAME_ATTEMPTS) throw describeWriteError('the run folder', path.join(root, id), error);
        id = `${base}-${n}`;
      }
    }
    const dir = path.join(root, id);
    const folder = new RunFolder(dir, {
      id, configName, configPath, status: 'running', startedAt: now.toISOString(), epochsCompleted: 0, steps: 0,
      pid: process.pid, host: os.hostname(),
    });
    try {
      fs.writeFileSync(path.join(dir, 'config.train.json'), configText);
      fs.writeFileSync(path.join(dir, HEARTBEAT_FILE), '');
      folder.writeRecord();
    } catch (error) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw describeWriteError('the run folder', dir, error);
    }
    folder.heartbeat = setInterval(() => folder.beat(), HEARTBEAT_INTERVAL_MS);
    folder.heartbeat.unref();
    return folder;
  }

  get id(): string {
    return this.record.id;
  }

  /** Why the folder could not be written to (then it writes no more events), if it could not. */
  get failure(): string | undefined {
    return this.writeFailure?.message;
  }

  append(event: TrainingEvent): void {
    if (this.writeFailure) return;
    this.pending.push(JSON.stringify(event));
    if (event.type === 'epoch-end' || event.type === 'layer-stats' || event.type === 'run-ended' || event.type === 'finding') this.flush();
  }

  flush(): void {
    if (this.pending.length === 0 || this.writeFailure) return;
    const lines = this.pending.join('\n') + '\n';
    this.pending = [];
    const file = path.join(this.dir, 'metrics.jsonl');
    this.attempt('metrics.jsonl', () => {
      try {
        fs.appendFileSync(file, lines);
        this.metricsBytes += Buffer.byteLength(lines);
      } catch (error) {
        // Cut what a full disk let through back to the last whole line: no torn line is left,
        // and the space it took may be what the final run.json needs.
        try {
          fs.truncateSync(file, this.metricsBytes);
        } catch {
          // The reader drops a torn last line anyway.
        }
        throw error;
      }
    });
  }

  /** Changes the record and rewrites run.json (also the heartbeat). */
  update(changes: Partial<RunRecord>): void {
    Object.assign(this.record, changes);
    this.attempt('run.json', () => this.writeRecord());
  }

  /**
   * Writes the record's final state and stops the heartbeat. Tried even after a failed write: a
   * full disk may still take a small file, and a status that says why is worth the try.
   */
  finish(changes: Partial<RunRecord>): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    Object.assign(this.record, changes);
    const file = path.join(this.dir, 'run.json');
    try {
      this.writeRecord();
    } catch (error) {
      this.writeFailure ??= describeWriteError('run.json', file, error);
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOSPC' && code !== 'EDQUOT') return;
      // A full disk has no room for a second copy, but the old one's space is reused in place.
      // Not atomic: only worth it because the alternative is a record that says "running".
      try {
        fs.writeFileSync(file, JSON.stringify(this.record, null, 2));
      } catch {
        // Readers will show the run as interrupted.
      }
    }
  }

  private beat(): void {
    try {
      const now = new Date();
      fs.utimesSync(path.join(this.dir, HEARTBEAT_FILE), now, now);
    } catch {
      // Not a reason to fail the run: the next event or record write finds a real disk problem.
    }
  }

  private attempt(file: string, write: () => void): void {
    if (this.writeFailure) return;
    try {
      write();
    } catch (error) {
      this.writeFailure = describeWriteError(`the run's ${file}`, path.join(this.dir, file), error);
    }
  }

  private writeRecord(): void {
    this.record.heartbeatAt = new Date().toISOString();
    writeFileAtomic(path.join(this.dir, 'run.json'), JSON.stringify(this.record, null, 2));
  }

  modelDir(): string {
    return path.join(this.dir, 'model');
  }
}
