// The webview's copy of the data: snapshots replace it, appends grow the right run, and the
// persisted UI state is read defensively.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyRunData } from '../../src/core/dashboard/runData';
import { DashboardModel } from '../../webview/src/dashboardModel';
import { readUiState } from '../../webview/src/uiState';
import { chunk, fullRun, readEvents, runIdOf } from './webviewHarness';

test('a snapshot then appended events give the same data as the host folds', () => {
  const events = readEvents('deep-tanh-tiny-init.metrics.jsonl');
  const runId = runIdOf(events);
  const model = new DashboardModel('panel');
  model.apply({ type: 'snapshot', kind: 'panel', run: emptyRunData(runId), history: [], activeRunId: runId });
  for (const batch of chunk(events, 7)) assert.equal(model.apply({ type: 'append', runId, events: batch }), true);
  assert.deepEqual(model.run, fullRun('deep-tanh-tiny-init.metrics.jsonl'));
  assert.equal(model.isLive, false, 'the run has ended');
});

test('appends go to the compared run by id, and those of other runs are ignored', () => {
  const model = new DashboardModel('panel');
  model.apply({ type: 'snapshot', kind: 'panel', run: emptyRunData('a'), compare: emptyRunData('b'), history: [] });
  const step = { type: 'step', step: 0, epoch: 0, loss: 1, gradNorm: 1, learningRate: 0.1, metrics: {} } as const;
  model.apply({ type: 'append', runId: 'b', events: [step] });
  assert.equal(model.compare?.steps.step.length, 1);
  assert.equal(model.run?.steps.step.length, 0);
  const revision = model.revision;
  assert.equal(model.apply({ type: 'append', runId: 'c', events: [step] }), false);
  assert.equal(model.revision, revision);
});

test('malformed runs in a snapshot and malformed events in an append are not taken', () => {
  const model = new DashboardModel('sidebar');
  model.apply({ type: 'snapshot', kind: 'sidebar', run: { runId: 'x' } as never, history: [] });
  assert.equal(model.run, undefined);
  assert.equal(model.loaded, true);
  model.apply({ type: 'snapshot', kind: 'sidebar', run: emptyRunData('x'), history: [] });
  model.apply({ type: 'append', runId: 'x', events: [null, 3, 'step', { loss: 1 }] as never });
  assert.deepEqual(model.run, emptyRunData('x'));
});

test('fix results clear the pending state of their fix', () => {
  const model = new DashboardModel('panel');
  model.pendingFixes.add('fix.he-init');
  model.apply({ type: 'fix-applied', fixId: 'fix.he-init', ok: false, message: 'The config changed since the run.' });
  assert.equal(model.pendingFixes.size, 0);
  assert.equal(model.fixResults.get('fix.he-init')?.ok, false);
});

test('the UI state is read defensively', () => {
  assert.deepEqual(readUiState(undefined), { collapsed: [] });
  assert.deepEqual(readUiState('x'), { collapsed: [] });
  assert.deepEqual(readUiState({ runId: 'r', compareRunId: 7, selectedStep: 40, scrollY: Number.NaN, collapsed: ['layers', 3] }),
    { runId: 'r', selectedStep: 40, collapsed: ['layers'] });
});
