// Reads run folders back (run lists, dashboards after a reload, `fix` from the latest run). A run
// folder is data from outside: it may be from an older version, hand-edited, committed by anyone,
// or left by a process killed mid-write. So every field of run.json and every line of
// metrics.jsonl is checked; what is bad is skipped and reported in `issues`, never thrown. A run
// whose record still says "running" while its process is gone (pid dead on this host) or silent
// (heartbeat stale) is shown as "interrupted", with the data it has.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic } from './diskWrites';
import { HEARTBEAT_FILE, type RecordStatus, type RunRecord } from './runFolder';
import { PayloadIssues } from '../dashboard/payloadReader';
import { readTrainingEvents } from '../dashboard/trainingEventValidation';
import type { TrainingEvent } from './trainingEvents';

export interface StoredRun {
  /** Undefined when run.json is missing or unusable (`issues` says why); the events may still be there. */
  record?: RunRecord;
  events: TrainingEvent[];
  /** What was skipped or repaired, in words, each naming its file. */
  issues: string[];
}

/** What liveness is judged against; the defaults are this machine now. */
export interface LivenessProbe {
  now: number;
  hostname: string;
  isProcessAlive(pid: number): boolean;
}

/** A heartbeat this old means the process is gone or hung (runs beat every 5 s; this leaves room for a stalled loop). */
export const STALE_HEARTBEAT_MS = 120_000;

const STATUSES: RecordStatus[] = ['running', 'completed', 'stopped-early', 'cancelled', 'failed', 'interrupted'];
/** At most this many separate issues per file; the rest are counted. */
const ISSUE_LIMIT = 5;

export function systemLiveness(): LivenessProbe {
  return { now: Date.now(), hostname: os.hostname(), isProcessAlive };
}

function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads only a run folder's record (cheap enough to list many runs); undefined when unusable. */
export function readRunRecord(dir: string, issues: string[] = [], probe: LivenessProbe = systemLiveness()): RunRecord | undefined {
  const record = parseRecordFile(dir, issues);
  if (!record || record.status !== 'running') return record;
  const why = interruption(record, heartbeatOf(record, dir), probe);
  return why ? { ...record, status: 'interrupted', reason: why } : record;
}

/** Reads a run folder's record and events (for `Compare Runs`, reopening after reload, `fix`, tests). */
export function readRun(dir: string, probe: LivenessProbe = systemLiveness()): StoredRun {
  const issues: string[] = [];
  const record = readRunRecord(dir, issues, probe);
  return { record, events: readEvents(path.join(dir, 'metrics.jsonl'), issues), issues };
}

/** Why a run that says "running" is not, or undefined while it may still be. */
export function interruption(record: RunRecord, heartbeat: number | undefined, probe: LivenessProbe): string | undefined {
  const onThisHost = record.host === undefined || record.host === probe.hostname;
  if (onThisHost && record.pid !== undefined && !probe.isProcessAlive(record.pid)) {
    return `Interrupted: its process (pid ${record.pid}${record.host ? ` on ${record.host}` : ''}) is gone; it was killed or crashed before recording how the run ended.`;
  }
  if (heartbeat !== undefined && probe.now - heartbeat > STALE_HEARTBEAT_MS) {
    return `Interrupted: no sign of life since ${new Date(heartbeat).toISOString()} (its process${record.host ? ` on ${record.host}` : ''} stopped updating run.json).`;
  }
  return undefined;
}

/**
 * Records a run as failed when the process that ran it died without saying so (a crash, a kill,
 * out of memory) and its host knows why. Leaves a run that already ended as it is.
 */
export function markRunFailed(dir: string, reason: string): void {
  const record = parseRecordFile(dir, []);
  if (!record || record.status !== 'running') return;
  const endedAt = new Date();
  const durationMs = endedAt.getTime() - Date.parse(record.startedAt);
  const updated: RunRecord = { ...record, status: 'failed', reason, endedAt: endedAt.toISOString(), durationMs: Number.isFinite(durationMs) ? durationMs : undefined };
  writeFileAtomic(path.join(dir, 'run.json'), JSON.stringify(updated, null, 2));
}

/**
 * The last sign of life: the latest of run.json's heartbeatAt, the heartbeat file's modification
 * time (touched every few seconds) and, for records of older versions, run.json's own.
 */
function heartbeatOf(record: RunRecord, dir: string): number | undefined {
  const times = [record.heartbeatAt === undefined ? NaN : Date.parse(record.heartbeatAt)];
  for (const file of [HEARTBEAT_FILE, 'run.json']) {
    try {
      times.push(fs.statSync(path.join(dir, file)).mtimeMs);
    } catch {
      // Older versions wrote no heartbeat file.
    }
  }
  const latest = Math.max(...times.filter(Number.isFinite));
  return Number.isFinite(latest) ? latest : undefined;
}

function parseRecordFile(dir: string, issues: string[]): RunRecord | undefined {
  const file = path.join(dir, 'run.json');
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    issues.push(`${file}: ${code === 'ENOENT' ? 'missing' : code ? `unreadable (${code})` : 'not valid JSON'}; the run's record is skipped.`);
    return undefined;
  }
  return validateRecord(raw, path.basename(dir), file, issues);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (o: Record<string, unknown>, key: string): unknown => (Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** An ISO time from a string or a number of milliseconds; undefined when it is not a real date. */
function isoTime(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const time = typeof value === 'number' ? value : Date.parse(value);
  // ±8.64e15 ms is the range of a Date; beyond it toISOString throws.
  return Number.isFinite(time) && Math.abs(time) <= 8.64e15 ? new Date(time).toISOString() : undefined;
}

/** The record with only fields of the right type; the folder's name is the run's id. */
function validateRecord(raw: unknown, id: string, file: string, issues: string[]): RunRecord | undefined {
  if (!isObject(raw)) {
    issues.push(`${file}: not a JSON object; the run's record is skipped.`);
    return undefined;
  }
  const status = own(raw, 'status');
  if (typeof status !== 'string' || !STATUSES.includes(status as RecordStatus)) {
    issues.push(`${file}: unknown status ${JSON.stringify(status)?.slice(0, 60)}; the run's record is skipped.`);
    return undefined;
  }
  const startedAt = isoTime(own(raw, 'startedAt'));
  if (!startedAt) {
    issues.push(`${file}: "startedAt" is not a date; the run's record is skipped.`);
    return undefined;
  }
  const dropped: string[] = [];
  const take = <T>(key: string, check: (v: unknown) => v is T): T | undefined => {
    const value = own(raw, key);
    if (value === undefined) return undefined;
    if (check(value)) return value;
    dropped.push(key);
    return undefined;
  };
  const isText = (v: unknown): v is string => typeof v === 'string';
  const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  const isPid = (v: unknown): v is number => isCount(v) && v > 0;
  const isTime = (v: unknown): v is string => typeof v === 'string' && isoTime(v) !== undefined;
  const record: RunRecord = {
    id,
    configName: take('configName', isText) ?? id,
    configPath: take('configPath', isText),
    status: status as RecordStatus,
    reason: take('reason', isText),
    backend: take('backend', isText),
    backendDetail: take('backendDetail', isText),
    startedAt,
    endedAt: take('endedAt', isTime),
    durationMs: take('durationMs', isNumber),
    epochsCompleted: take('epochsCompleted', isCount) ?? 0,
    steps: take('steps', isCount) ?? 0,
    final: take('final', isFinal),
    findingCount: take('findingCount', isCount),
    pid: take('pid', isPid),
    host: take('host', isText),
    heartbeatAt: take('heartbeatAt', isTime),
  };
  for (const key of Object.keys(record) as (keyof RunRecord)[]) if (record[key] === undefined) delete record[key];
  if (dropped.length > 0) issues.push(`${file}: ignored malformed ${dropped.map((k) => `"${k}"`).join(', ')}.`);
  return record;
}

/** A run's final numbers: losses are numbers (or null: JSON's NaN), metrics are maps of them. */
function isFinal(value: unknown): value is Record<string, unknown> {
  if (!isObject(value)) return false;
  const measure = (v: unknown) => v === undefined || v === null || typeof v === 'number';
  const measures = (v: unknown) => v === undefined || (isObject(v) && Object.values(v).every(measure));
  return measure(own(value, 'loss')) && measure(own(value, 'valLoss')) && measures(own(value, 'metrics')) && measures(own(value, 'valMetrics'));
}

/**
 * The events of metrics.jsonl. A last line without its newline was cut off by a kill or a full
 * disk and is dropped unless it is whole; malformed lines elsewhere are skipped and counted.
 */
function readEvents(file: string, issues: string[]): TrainingEvent[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') issues.push(`${file}: unreadable (${code ?? String(error)}); no events.`);
    return [];
  }
  const lines = text.split('\n');
  const events: TrainingEvent[] = [];
  const skipped: string[] = [];
  let skippedCount = 0;
  lines.forEach((line, index) => {
    if (!line.trim()) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      if (index === lines.length - 1) {
        issues.push(`${file}: dropped the last line, cut off mid-write (line ${index + 1}).`);
      } else {
        skippedCount++;
        if (skipped.length < ISSUE_LIMIT) skipped.push(`line ${index + 1}: not JSON`);
      }
      return;
    }
    // Each line through the same validator as the dashboard's payloads: every field checked, a bad
    // event dropped on its own (a bad finding inside a run-ended is dropped from its list).
    const notes = new PayloadIssues(ISSUE_LIMIT);
    const [event] = readTrainingEvents([parsed], `line ${index + 1}`, notes);
    if (event) events.push(event);
    if (notes.count === 0) return;
    skippedCount++;
    if (skipped.length < ISSUE_LIMIT) skipped.push(notes.summary());
  });
  if (skippedCount > 0) {
    const more = skippedCount > skipped.length ? `; ${skippedCount - skipped.length} more` : '';
    issues.push(`${file}: skipped ${skippedCount} malformed line(s) (${skipped.join('; ')}${more}).`);
  }
  return events;
}
