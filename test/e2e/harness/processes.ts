// Process bookkeeping for the harness: everything it starts is ended by id, never by name.
// code-server is spawned detached (its pid is its process group's id) and chromium is spawned
// detached by Playwright, so each is one process group we can signal as a whole. Every group a
// session starts is also written to .cache/pids/, so that if the test process itself dies (killed
// by the runner's watchdog, a crash), the next run or the runner reaps what it left behind.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { LOCAL_CACHE_DIR } from './paths';

const PID_DIR = path.join(LOCAL_CACHE_DIR, 'pids');
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Stat { state: string; ppid: number; pgid: number; starttime: string }

function stat(pid: number): Stat | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { state: f[0], ppid: Number(f[1]), pgid: Number(f[2]), starttime: f[19] };
  } catch {
    return undefined;
  }
}

export function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

function allPids(): number[] {
  return fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
}

/** Live (non-zombie) members of a process group. */
export function groupMembers(pgid: number): number[] {
  return allPids().filter((pid) => {
    const s = stat(pid);
    return s !== undefined && s.pgid === pgid && s.state !== 'Z';
  });
}

export function childrenOf(ppid: number): number[] {
  return allPids().filter((pid) => stat(pid)?.ppid === ppid);
}

/** All live descendants of a process (any group). */
export function descendantsOf(root: number): number[] {
  const stats = new Map<number, Stat>();
  for (const pid of allPids()) {
    const s = stat(pid);
    if (s && s.state !== 'Z') stats.set(pid, s);
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [pid, s] of stats) {
      if (s.ppid === p) {
        out.push(pid);
        walk(pid);
      }
    }
  };
  walk(root);
  return out;
}

export function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM the group, wait up to `graceMs`, then SIGKILL what is left; returns pids still alive after that. */
export async function endGroup(pgid: number, graceMs = 5000): Promise<number[]> {
  if (groupMembers(pgid).length === 0) return [];
  killGroup(pgid, 'SIGTERM');
  const until = Date.now() + graceMs;
  while (Date.now() < until && groupMembers(pgid).length > 0) await sleep(100);
  if (groupMembers(pgid).length > 0) killGroup(pgid, 'SIGKILL');
  const until2 = Date.now() + 3000;
  while (Date.now() < until2 && groupMembers(pgid).length > 0) await sleep(100);
  return groupMembers(pgid);
}

// ---- the record of groups a session owns ---------------------------------------------------

export interface OwnedGroup { pgid: number; what: string; starttime: string; cmd: string }

export class PidRecord {
  private readonly file: string;
  private readonly groups: OwnedGroup[] = [];

  /** `runDir`: the session's throw-away folder, removed by the reaper along with the processes. */
  constructor(sessionId: string, private readonly runDir: string) {
    fs.mkdirSync(PID_DIR, { recursive: true });
    this.file = path.join(PID_DIR, `${process.pid}-${sessionId}.json`);
  }

  add(pgid: number, what: string): void {
    const s = stat(pgid);
    this.groups.push({ pgid, what, starttime: s?.starttime ?? '', cmd: cmdline(pgid).slice(0, 300) });
    fs.writeFileSync(this.file, JSON.stringify({ owner: process.pid, ownerStart: stat(process.pid)?.starttime, runDir: this.runDir, groups: this.groups }, null, 2));
  }

  remove(): void {
    fs.rmSync(this.file, { force: true });
  }
}

/**
 * Ends groups recorded by test processes that no longer exist. A group is only signalled when its
 * leader is still the very process we started (same pid and start time) or has gone, so a recycled
 * pid is never signalled.
 */
export async function reapOrphans(log: (line: string) => void = () => {}): Promise<number> {
  if (!fs.existsSync(PID_DIR)) return 0;
  let reaped = 0;
  for (const name of fs.readdirSync(PID_DIR)) {
    const file = path.join(PID_DIR, name);
    let record: { owner: number; ownerStart?: string; runDir?: string; groups: OwnedGroup[] };
    try {
      record = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      fs.rmSync(file, { force: true });
      continue;
    }
    const ownerStat = stat(record.owner);
    if (ownerStat && ownerStat.state !== 'Z' && ownerStat.starttime === record.ownerStart) continue; // still running
    for (const g of record.groups) {
      // Same leader (pid and start time), or the leader gone while members remain: Linux does not
      // hand out a pid still used as a process group id, so those members are ours.
      const leader = stat(g.pgid);
      const ours = leader ? leader.starttime === g.starttime : true;
      if (ours && groupMembers(g.pgid).length > 0) {
        log(`reaping ${g.what} (process group ${g.pgid}) left by test process ${record.owner}`);
        await endGroup(g.pgid, 2000);
        reaped++;
      }
    }
    // Only a session folder (…/td-e2e-<name>-XXXXXX) is removed.
    if (record.runDir && /^td-e2e-/.test(path.basename(record.runDir)) && !process.env.TD_E2E_KEEP) {
      fs.rmSync(record.runDir, { recursive: true, force: true });
    }
    fs.rmSync(file, { force: true });
  }
  return reaped;
}
