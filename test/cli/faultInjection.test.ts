// Fault injection against the built `training-doctor train`: kill -9 at chosen moments (at a
// named fault point, or on an event seen on stdout, never after a delay), a full disk on a small
// tmpfs, a read-only mount and unusable --out values. After each, every reader of run folders
// (the core reader, the run history and dashboard data, `fix`'s latest run) must show what is
// left honestly: an interrupted run with the data it has, no torn line, no half-saved model.
// Mounting needs root; where it fails the case is skipped with the reason.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findingsFromLatestRun } from '../../src/cli/commands/fixCommand';
import { storedRunData, storedRunEntries, storedRunFolders } from '../../src/core/dashboard/storedRuns';
import { FAULT_POINT_VARIABLE, type FaultPoint } from '../../src/core/engine/faultPoints';
import { runsRoot } from '../../src/core/engine/runFolder';
import { readRun } from '../../src/core/engine/runFolderReader';
import { assertBuilt, BIN, removeDir, runCli, runFolders, show, tempDir, writeSpiralsConfig } from './cliTestHelpers';

const work = tempDir('faults');
let config = '';
before(() => {
  assertBuilt();
  // 200 samples: 160 to train on, 5 steps of 32 per epoch.
  config = writeSpiralsConfig(work, 'spirals.train.json', { epochs: 2, samples: 200 });
});
after(() => removeDir(work));

/** How long any single command may take before the test calls it a hang. */
const HANG_MS = 60_000;

interface Killed {
  stdout: string;
  signal: NodeJS.Signals | null;
}

/** Runs `train --json` in `cwd` and kills it with SIGKILL when `when` says so (on stderr or stdout text). */
function trainAndKill(cwd: string, args: string[], when: { faultPoint?: FaultPoint; onStdout?: (text: string) => boolean }): Promise<Killed> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...(when.faultPoint ? { [FAULT_POINT_VARIABLE]: when.faultPoint } : {}) };
    const child = spawn(process.execPath, [BIN, 'train', config, '--json', ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const kill = () => child.kill('SIGKILL');
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (when.onStdout?.(stdout)) kill();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (when.faultPoint && stderr.includes(`fault-point ${when.faultPoint}`)) kill();
    });
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`never reached the kill point\nstdout:\n${stdout.slice(-2000)}\nstderr:\n${stderr}`));
    }, HANG_MS);
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, signal });
    });
  });
}

/** What every reader says about the one run folder under `workspace`; asserts none throws and none lies. */
function readersAfterKill(workspace: string) {
  const [dir] = runFolders(runsRoot(workspace));
  assert.ok(dir, 'the run folder is there');
  const stored = readRun(dir);
  assert.equal(stored.record?.status, 'interrupted', `run.json reads as ${stored.record?.status}`);
  assert.match(stored.record?.reason ?? '', /is gone/);
  const issues: string[] = [];
  const history = storedRunEntries(storedRunFolders([workspace]), (issue) => issues.push(issue));
  assert.deepEqual(history.map((e) => e.status), ['interrupted'], 'the run history');
  const data = storedRunData({ id: path.basename(dir), dir }, (issue) => issues.push(issue));
  assert.ok(data, 'the dashboard data');
  assert.equal(data.ended, undefined);
  assert.match(data.interrupted ?? '', /is gone/);
  // `fix` finds what the run had found before it died (here, maybe an underfitting warning).
  const recorded = stored.events.flatMap((e) => (e.type === 'finding' && e.finding.rule === 'fit.underfitting' ? [e.finding] : []));
  // (fix keeps only the checked parts of a recorded finding: compare what identifies it.)
  const identify = (list: { rule: string; id?: string; severity: string }[]) => list.map((f) => [f.rule, f.id, f.severity]);
  assert.deepEqual(identify(findingsFromLatestRun(workspace, config, 'fit.underfitting')), identify(recorded), "fix's latest run");
  // A kill never tears a line: everything written is whole.
  const metrics = path.join(dir, 'metrics.jsonl');
  if (fs.existsSync(metrics)) {
    const text = fs.readFileSync(metrics, 'utf8');
    assert.ok(text === '' || text.endsWith('\n'), 'metrics.jsonl ends with a whole line');
  }
  assert.deepEqual([...stored.issues, ...issues], [], 'nothing was malformed');
  return { dir, stored, data };
}

describe('train killed with SIGKILL', () => {
  it('before run-started: the folder reads as interrupted, with no events', async () => {
    const cwd = path.join(work, 'kill-early');
    fs.mkdirSync(cwd);
    const killed = await trainAndKill(cwd, [], { faultPoint: 'before-run-started' });
    assert.equal(killed.signal, 'SIGKILL');
    const { stored } = readersAfterKill(cwd);
    assert.deepEqual(stored.events, []);
  });

  it('mid-epoch: interrupted, with every epoch that ended and the steps flushed so far', async () => {
    const cwd = path.join(work, 'kill-mid');
    fs.mkdirSync(cwd);
    const killed = await trainAndKill(cwd, ['--epochs', '50'], { onStdout: (text) => text.includes('"type":"step","step":7,') });
    assert.equal(killed.signal, 'SIGKILL');
    const { stored, data } = readersAfterKill(cwd);
    assert.equal(stored.events[0].type, 'run-started');
    // The child may run a little ahead of what has been read from its pipe, but not to the end.
    assert.ok(data.epochs.length >= 1 && data.epochs.length < 50, `${data.epochs.length} epochs kept; epoch 1 (steps 0-4) ended before step 7`);
    assert.equal(stored.record?.epochsCompleted, data.epochs.length, 'run.json agrees with the events');
    assert.ok(data.steps.step.length >= 5, `${data.steps.step.length} steps kept`);
  });

  it('while saving the model: interrupted, all epochs kept, and no model/ that holds weights without model.json', async () => {
    const cwd = path.join(work, 'kill-save');
    fs.mkdirSync(cwd);
    await trainAndKill(cwd, [], { faultPoint: 'model-save' });
    const { dir, data } = readersAfterKill(cwd);
    assert.equal(data.epochs.length, 2);
    assert.equal(fs.existsSync(path.join(dir, 'model')), false, 'no model/ folder: the save never completed');
    assert.ok(fs.existsSync(path.join(dir, 'model.partial', 'weights.bin')), 'the fault point is where weights are written and model.json is not');
  });
});

describe('train with an --out it cannot write', () => {
  const cases: [string, () => string, RegExp][] = [
    ['a file', () => config, /is not a folder/],
    ['a folder under a file', () => path.join(config, 'runs'), /is not a folder/],
    ['/dev/null', () => '/dev/null', /\/dev\/null is not a folder/],
    ['a new folder in /proc', () => '/proc/training-doctor-runs', /\/proc does not allow new folders/],
  ];
  for (const [what, out, cause] of cases) {
    it(`says so in one line and exits 2: ${what}`, async (t) => {
      if (!fs.existsSync(path.dirname(out()))) return t.skip(`${path.dirname(out())} does not exist here`);
      const result = await runCli(['train', config, '--out', out()], { cwd: work, timeoutMs: HANG_MS });
      assert.equal(result.code, 2, show(result));
      assert.match(result.stderr, /^training-doctor: Cannot write the run folder \(.+\): .+ Give --out a folder you can write to\.\n$/, show(result));
      assert.match(result.stderr, cause);
    });
  }
});

/** Mounts a tmpfs with these options on a fresh folder; undefined (and why, for the skip) where that is not allowed. */
function mountTmpfs(name: string, options: string): { dir: string } | { skip: string } {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return { skip: `cannot mount a tmpfs here (${(result.error?.message ?? result.stderr).trim() || `exit ${result.status}`}); needs root` };
  return { dir };
}

function unmount(dir: string): void {
  spawnSync('umount', [dir]);
}

describe('train on a file system that refuses writes', () => {
  it('exits 2 with one line when --out is on a read-only mount', async (t) => {
    const mounted = mountTmpfs('read-only', 'ro,size=1m');
    if ('skip' in mounted) return t.skip(mounted.skip);
    try {
      const result = await runCli(['train', config, '--out', path.join(mounted.dir, 'runs')], { cwd: work, timeoutMs: HANG_MS });
      assert.equal(result.code, 2, show(result));
      assert.match(result.stderr, /^training-doctor: Cannot write the run folder \(.+\): the file system is read-only \(EROFS\)\. Give --out a folder you can write to\.\n$/);
    } finally {
      unmount(mounted.dir);
    }
  });

  it('fails the run with the reason, a run-ended event and exit 1 when the disk fills up mid-run', async (t) => {
    const mounted = mountTmpfs('full', 'size=24k');
    if ('skip' in mounted) return t.skip(mounted.skip);
    try {
      // 24 KB (six pages) hold the config, run.json and an epoch or two of events, not 200.
      const result = await runCli(['train', config, '--json', '--epochs', '200', '--out', mounted.dir], { cwd: work, timeoutMs: HANG_MS });
      assert.equal(result.code, 1, show(result));
      assert.equal(result.stderr, '');
      const ended = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
      assert.equal(ended.type, 'run-ended');
      assert.equal(ended.status, 'failed');
      assert.match(ended.reason, /^Cannot write the run's \S+ \(.+\): the disk is full \(ENOSPC\)\.$/);
      assert.ok(ended.epochsCompleted < 200);
      const [dir] = runFolders(mounted.dir);
      const stored = readRun(dir);
      // The record's last write may or may not fit; either way it does not claim to be running.
      assert.ok(stored.record?.status === 'failed' || stored.record?.status === 'interrupted', `run.json says ${stored.record?.status}`);
      assert.deepEqual(stored.issues, [], 'no torn or malformed line is left');
      assert.ok(stored.events.some((e) => e.type === 'epoch-end'), 'the epochs written before the disk filled are kept');
    } finally {
      unmount(mounted.dir);
    }
  });
});
