// Follows Training Doctor run folders (`run.json` + `metrics.jsonl`, as our engine and the exported
// PyTorch scripts write them) under a log folder: reads the events appended since the last poll
// (a torn last line waits for the rest), checks each one, and runs the same diagnosis as a run of
// our own engine (static rules from the folder's config.train.json, then the live rules). Findings
// recorded in the file are not trusted: they are computed again here (an exported script records none).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseTrainConfig } from '../config/parseConfig';
import { PayloadIssues } from '../dashboard/payloadReader';
import { readTrainingEvents } from '../dashboard/trainingEventValidation';
import type { TrainingEvent } from '../engine/trainingEvents';
import { upsertFinding, type Finding } from './finding';
import { RunDiagnosis } from './runDiagnosis';

export interface RunFolderUpdate {
  run: string;
  /** Events new since the last poll, with a `finding` event after each event that raised one. */
  events: TrainingEvent[];
  findings: Finding[];
}

export interface RunFolderIssue {
  file: string;
  message: string;
}

export interface WatchedRunFolder {
  name: string;
  dir: string;
  /** Latest version of each finding (by id). */
  findings: Finding[];
  events: number;
  status?: string;
  /** Why the run could not be diagnosed (no usable config.train.json), if so. */
  undiagnosed?: string;
}

const METRICS_FILE = 'metrics.jsonl';
const MAX_DEPTH = 8;
/** Read at most this much of a metrics file per poll, so one huge file cannot stall a watch. */
const MAX_READ_BYTES = 64 * 1024 * 1024;

/** Whether a folder is a Training Doctor run folder (it has a metrics.jsonl). */
export function isRunFolder(dir: string): boolean {
  return fs.existsSync(path.join(dir, METRICS_FILE));
}

class FollowedRun {
  private offset = 0;
  private partial = '';
  private diagnosis?: RunDiagnosis;
  readonly report: WatchedRunFolder;

  constructor(name: string, readonly dir: string) {
    this.report = { name, dir, findings: [], events: 0 };
  }

  poll(issues: RunFolderIssue[]): RunFolderUpdate {
    const update: RunFolderUpdate = { run: this.report.name, events: [], findings: [] };
    const file = path.join(this.dir, METRICS_FILE);
    let chunk: string;
    try {
      const size = fs.statSync(file).size;
      if (size < this.offset) {
        issues.push({ file, message: `${file} became shorter; it is read again from the start.` });
        this.offset = 0;
        this.partial = '';
      }
      if (size === this.offset) return update;
      const length = Math.min(size - this.offset, MAX_READ_BYTES);
      const buffer = Buffer.alloc(length);
      const fd = fs.openSync(file, 'r');
      try {
        fs.readSync(fd, buffer, 0, length, this.offset);
      } finally {
        fs.closeSync(fd);
      }
      // Cut at the last complete line: the rest may be a line still being written.
      const lastBreak = buffer.lastIndexOf(0x0a);
      if (lastBreak < 0) {
        if (length === MAX_READ_BYTES) issues.push({ file, message: `${file}: a line longer than ${MAX_READ_BYTES} bytes; skipped.` });
        if (length === MAX_READ_BYTES) this.offset += length;
        return update;
      }
      chunk = this.partial + buffer.subarray(0, lastBreak + 1).toString('utf8');
      this.partial = '';
      this.offset += lastBreak + 1;
    } catch (error) {
      issues.push({ file, message: `${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).` });
      return update;
    }
    const values: unknown[] = [];
    chunk.split('\n').forEach((line, i) => {
      if (line.trim().length === 0) return;
      try {
        values.push(JSON.parse(line));
      } catch {
        issues.push({ file, message: `${file}: a line that is not JSON was skipped (${i + 1} lines into this read).` });
      }
    });
    const payloadIssues = new PayloadIssues();
    const events = readTrainingEvents(values, METRICS_FILE, payloadIssues);
    if (payloadIssues.count > 0) issues.push({ file, message: `${file}: ${payloadIssues.summary()}` });
    for (const event of events) {
      if (event.type === 'finding') continue;
      this.report.events++;
      update.events.push(event);
      if (event.type === 'run-started') this.diagnosis = this.startDiagnosis(issues);
      if (event.type === 'run-ended') this.report.status = event.status;
      const verdict = this.diagnosis?.observe(event);
      for (const finding of verdict?.findings ?? []) {
        upsertFinding(this.report.findings, finding);
        update.findings.push(finding);
        update.events.push({ type: 'finding', finding });
      }
    }
    return update;
  }

  private startDiagnosis(issues: RunFolderIssue[]): RunDiagnosis | undefined {
    const file = path.join(this.dir, 'config.train.json');
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      this.report.undiagnosed = `no ${path.basename(file)} in the run folder`;
      issues.push({ file, message: `${this.dir}: ${this.report.undiagnosed}; its events are shown without diagnosis.` });
      return undefined;
    }
    const parsed = parseTrainConfig(text, file);
    if (!parsed.config || !parsed.shapes) {
      this.report.undiagnosed = `its config.train.json has errors (${parsed.problems[0]?.message ?? 'unknown'})`;
      issues.push({ file, message: `${this.dir}: ${this.report.undiagnosed}; its events are shown without diagnosis.` });
      return undefined;
    }
    return new RunDiagnosis(parsed.config, parsed.shapes, parsed.tree);
  }
}

export class RunFolderWatcher {
  private readonly runs = new Map<string, FollowedRun>();

  constructor(readonly logdir: string) {}

  poll(): { updates: RunFolderUpdate[]; issues: RunFolderIssue[]; newRuns: string[] } {
    const issues: RunFolderIssue[] = [];
    const newRuns: string[] = [];
    for (const dir of findRunFolders(this.logdir)) {
      if (this.runs.has(dir)) continue;
      const name = path.relative(this.logdir, dir) || path.basename(path.resolve(dir));
      this.runs.set(dir, new FollowedRun(name, dir));
      newRuns.push(name);
    }
    const updates = [...this.runs.values()].map((run) => run.poll(issues)).filter((u) => u.events.length > 0);
    return { updates, issues, newRuns };
  }

  watchedRuns(): WatchedRunFolder[] {
    return [...this.runs.values()].map((run) => run.report);
  }
}

/** The run folders at or under `root`, sorted (a run folder's own sub-folders are not searched). */
export function findRunFolders(root: string, depth = 0): string[] {
  if (isRunFolder(root)) return [root];
  if (depth >= MAX_DEPTH) return [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isDirectory() && e.name !== '.git' && e.name !== 'node_modules')
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => findRunFolders(path.join(root, e.name), depth + 1));
}
