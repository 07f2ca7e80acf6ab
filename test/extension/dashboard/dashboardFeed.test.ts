// The feed keeps a webview current the way the realtime profiler does: a snapshot when the page
// has loaded, deltas while it is visible, nothing while it is hidden. The webview side here is the
// real DashboardModel, so "current" means: its copy equals the host's data, nothing counted twice.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HostToWebview, RunListEntry } from '../../../src/core/dashboard/dashboardProtocol';
import { applyEvent, emptyRunData, runDataFromEvents, runStatus, type RunData } from '../../../src/core/dashboard/runData';
import type { TrainingEvent } from '../../../src/core/engine/trainingEvents';
import { DashboardFeed, readPanelState, unsentEvents, seriesCounts, type RunEventBatch, type RunSource } from '../../../src/extension/dashboard/dashboardFeed';
import { DashboardModel } from '../../../webview/src/dashboardModel';
import { fullRun, readEvents, runIdOf } from '../../webview/webviewHarness';

class Emitter<T> {
  private listeners = new Set<(value: T) => unknown>();
  readonly event = (listener: (value: T) => unknown) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };
  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }
  get size(): number {
    return this.listeners.size;
  }
}

/** The RunStore's contract: each event folded at once, sent later in a batch; runs starting and ending announced. */
class FakeStore implements RunSource {
  readonly live = new Map<string, RunData>();
  readonly finished: RunData[] = [];
  /** Run folders another process writes (the CLI, an exported script): read afresh on each call, no events. */
  readonly onDisk = new Map<string, TrainingEvent[]>();
  private pending: RunEventBatch | undefined;
  readonly appends = new Emitter<RunEventBatch>();
  readonly histories = new Emitter<void>();
  readonly onDidAppend = this.appends.event;
  readonly onDidChangeHistory = this.histories.event;
  activeRunId: string | undefined;

  record(runId: string, event: TrainingEvent): void {
    let data = this.live.get(runId);
    if (!data) this.live.set(runId, (data = emptyRunData(runId)));
    applyEvent(data, event);
    if (event.type === 'run-started') {
      this.activeRunId = runId;
      this.histories.fire();
    }
    (this.pending ??= { runId, events: [] }).events.push(event);
    if (event.type === 'run-ended') {
      this.activeRunId = undefined;
      this.flush();
      this.finished.unshift(data);
      this.live.delete(runId);
      this.histories.fire();
    }
  }

  flush(): void {
    const batch = this.pending;
    this.pending = undefined;
    if (batch) this.appends.fire(batch);
  }

  /** Another process wrote more of a run folder; the file watcher says the folders changed. */
  writeFolder(runId: string, events: TrainingEvent[]): void {
    this.onDisk.set(runId, events);
    this.histories.fire();
  }

  listRuns(): RunListEntry[] {
    const fromDisk = [...this.onDisk.keys()].map((runId) => this.getRunData(runId)!);
    return [...this.live.values(), ...this.finished, ...fromDisk].map((d) => ({
      runId: d.runId, configName: d.started?.configName ?? d.runId, status: runStatus(d), startedAt: d.started?.startedAt ?? '', epochsCompleted: d.epochs.length, findingCount: d.findings.length,
    }));
  }

  getRunData(runId: string): RunData | undefined {
    const onDisk = this.onDisk.get(runId);
    return this.live.get(runId) ?? this.finished.find((d) => d.runId === runId) ?? (onDisk && runDataFromEvents(runId, onDisk));
  }
}

/** A webview page: what it was posted, and its model built from those messages. */
class FakePage {
  readonly messages: HostToWebview[] = [];
  model = new DashboardModel('panel');
  readonly post = (message: HostToWebview) => {
    // What crosses postMessage is a copy.
    const copy = JSON.parse(JSON.stringify(message)) as HostToWebview;
    this.messages.push(copy);
    this.model.apply(copy);
  };
  reload(): void {
    this.model = new DashboardModel('panel');
  }
  types(): string[] {
    return this.messages.map((m) => m.type);
  }
}

const DEEP = readEvents('deep-tanh-tiny-init.metrics.jsonl');
const MNIST = readEvents('mnist-mlp.metrics.jsonl');
const json = (value: unknown) => JSON.parse(JSON.stringify(value));

test('nothing before the page is ready; then a snapshot; then exactly the new events', () => {
  const store = new FakeStore();
  const runId = runIdOf(DEEP);
  const page = new FakePage();
  for (const event of DEEP.slice(0, 20)) store.record(runId, event);
  store.flush();
  const feed = new DashboardFeed(store, page.post, 'panel', { runId }, true);
  for (const event of DEEP.slice(20, 30)) store.record(runId, event);
  store.flush();
  assert.deepEqual(page.messages, [], 'the page has not said ready');

  feed.onReady();
  assert.deepEqual(page.types(), ['snapshot']);
  const snapshot = page.messages[0] as Extract<HostToWebview, { type: 'snapshot' }>;
  assert.equal(snapshot.kind, 'panel');
  assert.equal(snapshot.activeRunId, runId);
  assert.equal(snapshot.run?.steps.step.length, 30 - DEEP.slice(0, 30).filter((e) => e.type !== 'step').length);

  for (const event of DEEP.slice(30)) {
    store.record(runId, event);
    if (event.type === 'epoch-end') store.flush();
  }
  store.flush();
  assert.ok(page.types().slice(1).every((t) => t === 'append' || t === 'history'));
  assert.deepEqual(page.model.run, json(fullRun('deep-tanh-tiny-init.metrics.jsonl')));
});

test('a snapshot taken while a batch is pending does not count those events twice', () => {
  const store = new FakeStore();
  const runId = runIdOf(MNIST);
  const page = new FakePage();
  const feed = new DashboardFeed(store, page.post, 'panel', { runId }, true);
  for (const event of MNIST.slice(0, 100)) store.record(runId, event);
  // The page loads while 100 events are folded but not yet sent as a batch.
  feed.onReady();
  store.flush();
  const append = page.messages[1] as Extract<HostToWebview, { type: 'append' }>;
  assert.ok(append === undefined || append.events.every((e) => e.type === 'run-started'), 'the overlap was dropped');
  MNIST.slice(100).forEach((event, i) => {
    store.record(runId, event);
    if (i % 7 === 0) store.flush();
  });
  assert.deepEqual(page.model.run, json(fullRun('mnist-mlp.metrics.jsonl')));
});

test('hidden, nothing is sent; shown again, the reloaded page gets a snapshot on ready, then deltas', () => {
  const store = new FakeStore();
  const runId = runIdOf(MNIST);
  const page = new FakePage();
  const feed = new DashboardFeed(store, page.post, 'panel', { runId }, true);
  feed.onReady();
  for (const event of MNIST.slice(0, 150)) store.record(runId, event);
  store.flush();
  const sentBeforeHiding = page.messages.length;

  feed.setVisible(false);
  for (const event of MNIST.slice(150, 300)) store.record(runId, event);
  store.flush();
  store.histories.fire();
  assert.equal(page.messages.length, sentBeforeHiding, 'nothing while hidden');

  page.reload();
  feed.setVisible(true);
  assert.equal(page.messages.length, sentBeforeHiding, 'the discarded page cannot listen before it is ready');
  feed.onReady();
  assert.equal(page.messages[page.messages.length - 1].type, 'snapshot');
  for (const event of MNIST.slice(300)) store.record(runId, event);
  store.flush();
  assert.deepEqual(page.model.run, json(fullRun('mnist-mlp.metrics.jsonl')));
});

test('a panel opened before its run\'s first event gets a snapshot when the events come', () => {
  const store = new FakeStore();
  const runId = runIdOf(DEEP);
  const page = new FakePage();
  const feed = new DashboardFeed(store, page.post, 'panel', { runId }, true);
  feed.onReady();
  assert.equal((page.messages[0] as { run?: unknown }).run, undefined);
  for (const event of DEEP) store.record(runId, event);
  store.flush();
  assert.deepEqual(page.model.run, json(fullRun('deep-tanh-tiny-init.metrics.jsonl')));
  assert.ok(page.types().filter((t) => t === 'snapshot').length >= 2);
});

test('the side bar shows the latest run, switches to a run that starts, and gets history otherwise', () => {
  const store = new FakeStore();
  const first = runIdOf(DEEP);
  for (const event of DEEP) store.record(first, event);
  const page = new FakePage();
  const feed = new DashboardFeed(store, page.post, 'sidebar', 'active-or-latest', true);
  feed.onReady();
  const initial = page.messages[0] as Extract<HostToWebview, { type: 'snapshot' }>;
  assert.equal(initial.kind, 'sidebar');
  assert.equal(initial.run?.runId, first);

  const second = runIdOf(MNIST);
  for (const event of MNIST.slice(0, 50)) store.record(second, event);
  store.flush();
  assert.equal(feed.runId, second);
  assert.equal(page.model.run?.runId, second, 'switched to the live run');
  for (const event of MNIST.slice(50)) store.record(second, event);
  store.flush();
  assert.deepEqual(page.model.run, json(fullRun('mnist-mlp.metrics.jsonl')));
  assert.equal(page.messages[page.messages.length - 1].type, 'history', 'the run ended: the history changed, the shown run did not');
  assert.deepEqual(page.model.history.map((h) => h.runId), [second, first]);
});

test('a run another process writes into a run folder: the side bar and a panel show it as it grows and ends', () => {
  // Seen in VS Code (e2e scenario 10): an exported script run by hand, shown in the side bar as
  // "running · epoch 0/?" long after it had completed, since its folder was read once.
  const store = new FakeStore();
  const runId = runIdOf(MNIST);
  const firstEpoch = MNIST.findIndex((e) => e.type === 'epoch-end') + 1;
  store.writeFolder(runId, MNIST.slice(0, 1));
  const sidebar = new FakePage();
  const panel = new FakePage();
  new DashboardFeed(store, sidebar.post, 'sidebar', 'active-or-latest', true).onReady();
  new DashboardFeed(store, panel.post, 'panel', { runId }, true).onReady();
  assert.equal(sidebar.model.run?.runId, runId);
  store.writeFolder(runId, MNIST.slice(0, firstEpoch));
  for (const page of [sidebar, panel]) assert.equal(page.model.run?.epochs.length, 1, 'the first epoch, read from the folder');
  store.writeFolder(runId, MNIST);
  for (const page of [sidebar, panel]) {
    assert.deepEqual(page.model.run, json(fullRun('mnist-mlp.metrics.jsonl')));
    assert.equal(page.model.run && runStatus(page.model.run), 'completed');
  }
  const sent = sidebar.messages.length;
  store.histories.fire();
  assert.equal(sidebar.messages.slice(sent).map((m) => m.type).join(), 'history', 'an ended run is not sent again');
});

test('a comparison: the snapshot carries both runs, and the compared run\'s events reach it too', () => {
  const store = new FakeStore();
  const before = runIdOf(DEEP);
  for (const event of DEEP) store.record(before, event);
  const runId = runIdOf(MNIST);
  for (const event of MNIST.slice(0, 10)) store.record(runId, event);
  const page = new FakePage();
  const feed = new DashboardFeed(store, page.post, 'panel', { runId }, true);
  feed.onReady();
  feed.setChoice({ runId, compareRunId: before });
  const snapshot = page.messages[page.messages.length - 1] as Extract<HostToWebview, { type: 'snapshot' }>;
  assert.equal(snapshot.compare?.runId, before);
  assert.equal(feed.compareRunId, before);
  for (const event of MNIST.slice(10)) store.record(runId, event);
  store.flush();
  assert.deepEqual(page.model.run, json(fullRun('mnist-mlp.metrics.jsonl')));
  assert.deepEqual(page.model.compare, json(fullRun('deep-tanh-tiny-init.metrics.jsonl')));
});

test('events of other runs are not forwarded, and a disposed feed sends nothing', () => {
  const store = new FakeStore();
  const page = new FakePage();
  const feed = new DashboardFeed(store, page.post, 'panel', { runId: 'shown' }, true);
  feed.onReady();
  for (const event of DEEP) store.record('other', event);
  store.flush();
  assert.deepEqual(page.types().filter((t) => t === 'append'), []);
  feed.dispose();
  assert.equal(store.appends.size + store.histories.size, 0);
});

test('unsentEvents drops exactly the prefix the webview already holds', () => {
  const data = fullRun('mnist-mlp.metrics.jsonl');
  const batch = MNIST.slice(-60);
  const sent = seriesCounts(data);
  sent.steps -= 20;
  sent.epochs -= 1;
  const unsent = unsentEvents(batch, data, sent);
  assert.deepEqual(unsent.filter((e) => e.type === 'step').map((e) => (e as { step: number }).step), Array.from({ length: 20 }, (_, i) => 355 + i));
  assert.deepEqual(unsent.filter((e) => e.type !== 'step').map((e) => e.type), ['epoch-end', 'run-ended']);
  assert.equal(unsentEvents(batch, data, seriesCounts(data)).filter((e) => e.type !== 'run-ended').length, 0);
});

test('the serializer reads the run ids from the webview state, nothing else', () => {
  assert.deepEqual(readPanelState({ runId: 'r1', compareRunId: 'r0', selectedStep: 40, collapsed: [] }), { runId: 'r1', compareRunId: 'r0' });
  assert.deepEqual(readPanelState({ runId: 'r1', compareRunId: 3 }), { runId: 'r1' });
  for (const bad of [undefined, null, 'r1', {}, { runId: '' }, { runId: 42 }]) assert.equal(readPanelState(bad), undefined);
});
