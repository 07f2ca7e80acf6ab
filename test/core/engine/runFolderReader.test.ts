// Reading run folders back: a record whose process is gone or silent reads as interrupted, and
// whatever is malformed in run.json or metrics.jsonl is skipped and reported, never thrown.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { storedRunData, storedRunEntries } from '../../../src/core/dashboard/storedRuns';
import { markRunFailed, readRun, readRunRecord, STALE_HEARTBEAT_MS, type LivenessProbe } from '../../../src/core/engine/runFolderReader';
import { tempDir } from './engineFixtures';

const root = tempDir('reader');
after(root.cleanup);

let folders = 0;
/** A run folder with this run.json (an object is written as JSON, a string as is) and metrics.jsonl text. */
function folder(record: object | string, metrics?: string): string {
  const dir = path.join(root.dir, `run-${++folders}`);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'run.json'), typeof record === 'string' ? record : JSON.stringify(record));
  if (metrics !== undefined) fs.writeFileSync(path.join(dir, 'metrics.jsonl'), metrics);
  return dir;
}

const now = Date.parse('2026-03-01T12:00:00Z');
const probe = (alive: number[] = [], hostname = 'here'): LivenessProbe => ({ now, hostname, isProcessAlive: (pid) => alive.includes(pid) });
const running = (fields: object = {}) => ({
  id: 'x', configName: 'c', status: 'running', startedAt: '2026-03-01T11:00:00.000Z', epochsCompleted: 2, steps: 20,
  pid: 4242, host: 'here', heartbeatAt: new Date(now - 1000).toISOString(), ...fields,
});
const log = (message: string) => JSON.stringify({ type: 'log', level: 'info', message });
const epoch = (n: number) => JSON.stringify({ type: 'epoch-end', epoch: n, step: 10 * (n + 1), loss: 0.5, metrics: {}, valMetrics: {}, learningRate: 0.1, durationMs: 5 });

describe('a run that says it is running', () => {
  it('is running while its process lives on this host and beats', () => {
    assert.equal(readRunRecord(folder(running()), [], probe([4242]))?.status, 'running');
  });

  it('is interrupted when its process is gone on this host, with the reason and the data it has', () => {
    const dir = folder(running(), `${log('a')}\n${epoch(0)}\n`);
    const stored = readRun(dir, probe([]));
    assert.equal(stored.record?.status, 'interrupted');
    assert.match(stored.record?.reason ?? '', /pid 4242 on here\) is gone/);
    assert.equal(stored.record?.epochsCompleted, 2);
    assert.deepEqual(stored.events.map((e) => e.type), ['log', 'epoch-end']);
  });

  it('on another host, is judged by its heartbeat alone: fresh is running, stale is interrupted', () => {
    assert.equal(readRunRecord(folder(running({ host: 'elsewhere' })), [], probe([]))?.status, 'running');
    const stale = new Date(now - STALE_HEARTBEAT_MS - 1000).toISOString();
    const record = readRunRecord(folder(running({ host: 'elsewhere', heartbeatAt: stale })), [], { ...probe([]), now: Date.now() + STALE_HEARTBEAT_MS * 2 });
    assert.equal(record?.status, 'interrupted');
    assert.match(record?.reason ?? '', /no sign of life since/);
  });

  it('is interrupted when its heartbeat is stale even if its pid lives (the pid was reused)', () => {
    // The folder's files were written just now, so "now" is moved past them.
    const later = Date.now() + STALE_HEARTBEAT_MS * 2;
    const record = readRunRecord(folder(running({ heartbeatAt: new Date(now).toISOString() })), [], { ...probe([4242]), now: later });
    assert.equal(record?.status, 'interrupted');
  });

  it('stays as recorded once it ended, whatever its process', () => {
    assert.equal(readRunRecord(folder(running({ status: 'completed' })), [], probe([]))?.status, 'completed');
  });

  it('is marked failed by its host after a crash, and an ended run is left alone', () => {
    const dir = folder(running());
    markRunFailed(dir, 'The trainer process was killed by SIGKILL.');
    const record = readRunRecord(dir, [], probe([]));
    assert.equal(record?.status, 'failed');
    assert.equal(record?.reason, 'The trainer process was killed by SIGKILL.');
    markRunFailed(dir, 'again');
    assert.equal(readRunRecord(dir, [], probe([]))?.reason, 'The trainer process was killed by SIGKILL.');
  });
});

describe('run.json from outside', () => {
  const cases: [string, object | string, RegExp][] = [
    ['an unknown status', running({ status: 'a b' }), /unknown status "a b"/],
    ['a startedAt that is no date', running({ startedAt: 'yesterday' }), /"startedAt" is not a date/],
    ['a startedAt beyond the range of dates', running({ startedAt: 1e20 }), /"startedAt" is not a date/],
    ['not an object', '[1, 2]', /not a JSON object/],
    ['not JSON', '{"status": "runn', /not valid JSON/],
  ];
  for (const [what, record, issue] of cases) {
    it(`skips a record with ${what}, saying why`, () => {
      const issues: string[] = [];
      assert.equal(readRunRecord(folder(record), issues, probe([4242])), undefined);
      assert.equal(issues.length, 1, issues.join('\n'));
      assert.match(issues[0], issue);
      assert.match(issues[0], /run\.json/);
    });
  }

  it('reads a numeric startedAt as an ISO time, so run lists can sort it', () => {
    assert.equal(readRunRecord(folder(running({ startedAt: 5 })), [], probe([4242]))?.startedAt, '1970-01-01T00:00:00.005Z');
  });

  it('drops malformed optional fields with one issue, defaults the counts, and takes the id from the folder', () => {
    const issues: string[] = [];
    const dir = folder(running({ id: '../../elsewhere', configName: 7, epochsCompleted: -1, final: { loss: 'low' }, pid: 'me', endedAt: 'later' }));
    const record = readRunRecord(dir, issues, probe([]));
    assert.ok(record);
    assert.equal(record.id, path.basename(dir));
    assert.equal(record.configName, path.basename(dir));
    assert.equal(record.epochsCompleted, 0);
    assert.equal(record.final, undefined);
    assert.equal(record.pid, undefined);
    assert.equal(record.endedAt, undefined);
    assert.deepEqual(issues.length, 1);
    assert.match(issues[0], /ignored malformed "configName", "endedAt", "epochsCompleted", "final", "pid"/);
  });

  it('reports a folder without run.json and still reads its events', () => {
    const dir = path.join(root.dir, 'no-record');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'metrics.jsonl'), `${log('kept')}\n`);
    const stored = readRun(dir, probe());
    assert.equal(stored.record, undefined);
    assert.equal(stored.events.length, 1);
    assert.match(stored.issues[0], /run\.json: missing/);
  });
});

describe('metrics.jsonl from outside', () => {
  it('keeps every whole line and drops a torn last one, saying so', () => {
    const stored = readRun(folder(running(), `${log('a')}\n${epoch(0)}\n{"type":"step","step":2,"lo`), probe([4242]));
    assert.deepEqual(stored.events.map((e) => e.type), ['log', 'epoch-end']);
    assert.deepEqual(stored.issues.length, 1);
    assert.match(stored.issues[0], /dropped the last line, cut off mid-write \(line 3\)/);
  });

  it('keeps a whole last line that only lacks its newline', () => {
    assert.equal(readRun(folder(running(), `${log('a')}\n${log('b')}`), probe([4242])).events.length, 2);
  });

  it('skips malformed lines in the middle with a count, and events that break their type', () => {
    const bad = [
      'not json',
      '{"type":"finding","finding":null}',
      '{"type":"step","step":1,"epoch":0,"loss":"high","gradNorm":1,"learningRate":0.1,"metrics":{}}',
      '{"type":"telemetry"}',
      '[]',
      '{"type":"run-ended","status":"exploded","epochsCompleted":0,"steps":0,"durationMs":0,"final":{"metrics":{},"valMetrics":{}},"findings":[]}',
    ];
    const stored = readRun(folder(running(), [log('first'), ...bad, epoch(0), ''].join('\n')), probe([4242]));
    assert.deepEqual(stored.events.map((e) => e.type), ['log', 'epoch-end']);
    assert.equal(stored.issues.length, 1);
    const [issue] = stored.issues;
    assert.match(issue, /skipped 6 malformed line\(s\)/);
    assert.match(issue, /line 2: not JSON/);
    // Checked by the dashboard's payload validator: each note names the line and the field.
    assert.match(issue, /line 3\[0\]\.finding: expected an object/);
    assert.match(issue, /line 4\[0\]\.loss: expected a number/);
    assert.match(issue, /line 5\[0\]\.type: expected a training event type/);
    assert.match(issue, /1 more/, 'at most five are described');
  });

  it('accepts what JSON made of NaN (null) in measured numbers', () => {
    const step = '{"type":"step","step":0,"epoch":0,"loss":null,"gradNorm":null,"learningRate":0.1,"metrics":{"accuracy":null}}';
    assert.equal(readRun(folder(running(), `${step}\n`), probe([4242])).events.length, 1);
  });
});

describe('the run history and dashboards read from disk', () => {
  it('list a dead run as interrupted and a crashed one as failed, skip a broken one, and show each one\'s data', () => {
    const dead = folder(running({ pid: 999_999_999, host: undefined }), `${epoch(0)}\n`);
    const crashed = folder(running({ pid: 999_999_999, status: 'failed', reason: 'killed by SIGKILL' }), `${epoch(0)}\n${epoch(1)}\n`);
    const broken = folder(running({ status: 'a b' }));
    const issues: string[] = [];
    const entries = storedRunEntries([dead, crashed, broken].map((dir) => ({ id: path.basename(dir), dir })), (issue) => issues.push(issue));
    assert.deepEqual(entries.map((e) => e.status), ['interrupted', 'failed']);
    assert.equal(issues.length, 1);
    const deadData = storedRunData({ id: path.basename(dead), dir: dead }, () => undefined);
    assert.match(deadData?.interrupted ?? '', /is gone/);
    assert.equal(deadData?.epochs.length, 1);
    const crashedData = storedRunData({ id: path.basename(crashed), dir: crashed }, () => undefined);
    assert.equal(crashedData?.ended?.status, 'failed');
    assert.equal(crashedData?.ended?.reason, 'killed by SIGKILL');
    assert.equal(crashedData?.epochs.length, 2);
  });
});
