// Webview messages enter the host through the router: validated, then routed to the actions;
// malformed ones are dropped, and every fix request gets an answer.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HostToWebview } from '../../../src/core/dashboard/dashboardProtocol';
import type { DashboardActions } from '../../../src/extension/dashboard/dashboardActions';
import { routeWebviewMessage } from '../../../src/extension/dashboard/dashboardMessageRouter';

function recorder(overrides: Partial<DashboardActions> = {}) {
  const calls: unknown[][] = [];
  const actions: DashboardActions = {
    applyFix: async (...args) => { calls.push(['applyFix', ...args]); return { ok: true, message: 'Applied.' }; },
    rerun: (...args) => void calls.push(['rerun', ...args]),
    stop: (...args) => void calls.push(['stop', ...args]),
    openRun: (...args) => void calls.push(['openRun', ...args]),
    compare: (...args) => void calls.push(['compare', ...args]),
    revealConfig: (...args) => void calls.push(['revealConfig', ...args]),
    ...overrides,
  };
  const posted: HostToWebview[] = [];
  const reported: unknown[] = [];
  const logged: string[][] = [];
  let ready = 0;
  const hooks = {
    ready: () => void ready++, post: (m: HostToWebview) => void posted.push(m), report: (e: unknown) => void reported.push(e),
    log: (level: string, message: string) => void logged.push([level, message]),
  };
  return { calls, actions, posted, reported, logged, hooks, readyCount: () => ready };
}

test('each valid message reaches its action', async () => {
  const r = recorder();
  const messages = [
    { type: 'rerun', runId: 'r1' },
    { type: 'stop-run', runId: 'r1' },
    { type: 'open-run', runId: 'r2' },
    { type: 'compare', runId: 'r1' },
    { type: 'compare', runId: 'r1', otherRunId: 'r2' },
    { type: 'reveal-config', runId: 'r1' },
    { type: 'reveal-config', runId: 'r1', findingIndex: 2 },
  ];
  for (const m of messages) assert.ok(await routeWebviewMessage(m, r.actions, r.hooks));
  assert.deepEqual(r.calls, [
    ['rerun', 'r1'], ['stop', 'r1'], ['openRun', 'r2'], ['compare', 'r1', undefined], ['compare', 'r1', 'r2'],
    ['revealConfig', 'r1', undefined], ['revealConfig', 'r1', 2],
  ]);
});

test('ready asks for a snapshot', async () => {
  const r = recorder();
  await routeWebviewMessage({ type: 'ready' }, r.actions, r.hooks);
  assert.equal(r.readyCount(), 1);
  assert.deepEqual(r.calls, []);
});

test('a fix request is answered with its outcome', async () => {
  const r = recorder();
  await routeWebviewMessage({ type: 'apply-fix', runId: 'r1', findingIndex: 0, fixId: 'fix.glorot-init' }, r.actions, r.hooks);
  assert.deepEqual(r.calls, [['applyFix', 'r1', 0, 'fix.glorot-init']]);
  assert.deepEqual(r.posted, [{ type: 'fix-applied', fixId: 'fix.glorot-init', ok: true, message: 'Applied.' }]);
});

test('a fix that throws is answered as failed, so the button does not stay busy', async () => {
  const r = recorder({ applyFix: async () => { throw new Error('the config file is gone'); } });
  await routeWebviewMessage({ type: 'apply-fix', runId: 'r1', findingIndex: 1, fixId: 'fix.he-init' }, r.actions, r.hooks);
  assert.deepEqual(r.posted, [{ type: 'fix-applied', fixId: 'fix.he-init', ok: false, message: 'The fix could not be applied: the config file is gone' }]);
});

test('other failing actions are reported, not thrown', async () => {
  const r = recorder({ rerun: async () => { throw new Error('no trusted workspace'); } });
  await routeWebviewMessage({ type: 'rerun', runId: 'r1' }, r.actions, r.hooks);
  assert.equal((r.reported[0] as Error).message, 'no trusted workspace');
});

test('malformed messages are dropped without calling anything', async () => {
  const r = recorder();
  const bad: unknown[] = [
    undefined, null, 'ready', 42, [], {}, { type: 'nope' }, { type: 'rerun' }, { type: 'rerun', runId: '' }, { type: 'rerun', runId: 7 },
    { type: 'apply-fix', runId: 'r1', findingIndex: -1, fixId: 'fix.x' }, { type: 'apply-fix', runId: 'r1', findingIndex: 1.5, fixId: 'fix.x' },
    { type: 'apply-fix', runId: 'r1', findingIndex: 0 }, { type: 'compare', runId: 'r1', otherRunId: 3 },
    { type: 'reveal-config', runId: 'r1', findingIndex: '2' }, { type: 'open-run', runId: 'x'.repeat(400) },
    { type: 'apply-fix', runId: 'r1', findingIndex: 1e300, fixId: 'fix.x' }, { type: 'reveal-config', runId: 'r1', findingIndex: Number.MAX_SAFE_INTEGER + 1 },
    { type: 'log', level: 'info', message: 'x' }, { type: 'log', level: 'error', message: { text: 'x' } }, { type: 'log', message: 'x' },
  ];
  for (const m of bad) assert.equal(await routeWebviewMessage(m, r.actions, r.hooks), undefined, JSON.stringify(m));
  assert.deepEqual(r.calls, []);
  assert.deepEqual(r.posted, []);
  assert.deepEqual(r.logged, []);
  assert.equal(r.readyCount(), 0);
});

test('what the webview reports it skipped reaches the host log, cut to a bounded length', async () => {
  const r = recorder();
  await routeWebviewMessage({ type: 'log', level: 'warning', message: 'skipped bad data in the host\'s append message: append.events[0].finding: expected an object' }, r.actions, r.hooks);
  await routeWebviewMessage({ type: 'log', level: 'error', message: 'z'.repeat(100_000) }, r.actions, r.hooks);
  assert.deepEqual(r.logged[0], ['warning', 'skipped bad data in the host\'s append message: append.events[0].finding: expected an object']);
  assert.equal(r.logged[1][0], 'error');
  assert.ok(r.logged[1][1].length <= 2_001, `${r.logged[1][1].length} characters`);
  assert.deepEqual(r.calls, []);
});
