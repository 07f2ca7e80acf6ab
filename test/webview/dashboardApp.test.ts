// The dashboard webview in headless Chromium, fed like VS Code feeds it: a snapshot, then the
// recorded events of real runs (examples/mnist-mlp and examples/broken/deep-tanh-tiny-init) as
// appended batches. Checks what is drawn, what the page posts back, that the small UI state
// survives a reload, that a 20,000-step run stays smooth, and that the strict CSP holds.
// Screenshots (VS Code's Dark+ theme) go to test/e2e/artifacts/webview-*.png.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { parseWebviewMessage, type HostToWebview } from '../../src/core/dashboard/dashboardProtocol';
import { emptyRunData, type RunData } from '../../src/core/dashboard/runData';
import { streamSyntheticRun } from './syntheticStream';
import {
  browserSkipReason, chunk, cspViolations, fullRun, historyEntry, launchBrowser, LIGHT_PLUS,
  openDashboard, readEvents, runIdOf, type HarnessPage,
} from './webviewHarness';

const skip = browserSkipReason();
if (skip) console.log(`# SKIP ${skip}`);

const DEEP_TANH = 'deep-tanh-tiny-init.metrics.jsonl';
const MNIST = 'mnist-mlp.metrics.jsonl';
const DOCS = 'https://example.test/training-doctor/docs/rules.md';
/**
 * The most main-thread work one task (or the gap between two frames) of the 20,000-step stream may
 * cost, in units of the reference work measured in the same page (syntheticStream.ts). On the
 * 2-core CI machine a unit costs 11–16 ms of CPU and the longest task 2–4 units (25–50 ms, while
 * the same tasks took up to 340 ms of wall time on the loaded machine): 10 units is about 130 ms
 * there; a redraw 170 ms of CPU heavier fails it (checked by adding that much work to each draw).
 * `npm run bench -- dashboardStreaming` prints the figures.
 */
const TASK_BUDGET_UNITS = 10;

/** The snapshot a panel gets when it opens on a run that has just started, then the run's events in batches. */
async function streamRun(page: HarnessPage, fixture: string, options: { batch?: number; compare?: RunData; history?: RunData[] } = {}): Promise<string> {
  const events = readEvents(fixture);
  const runId = runIdOf(events);
  const history = (options.history ?? []).map(historyEntry);
  await page.send({ type: 'snapshot', kind: 'panel', run: emptyRunData(runId), compare: options.compare, history, activeRunId: runId } satisfies HostToWebview);
  for (const batch of chunk(events, options.batch ?? 25)) await page.send({ type: 'append', runId, events: batch } satisfies HostToWebview);
  await page.send({ type: 'history', history: [historyEntry(fullRun(fixture)), ...history] } satisfies HostToWebview);
  await page.settle();
  return runId;
}

async function assertHealthy(page: HarnessPage): Promise<void> {
  assert.deepEqual(page.problems, [], 'the page reported errors');
  assert.deepEqual(await cspViolations(page.page), [], 'the page violated its Content Security Policy');
}

interface Box { left: number; right: number; top: number; bottom: number; width: number }
// As text, like STREAM_IN_PAGE: the boxes of the panel header's parts.
const HEADER_BOXES_IN_PAGE = `(() => {
  const box = (selector) => {
    const r = document.querySelector(selector)?.getBoundingClientRect();
    return r ? { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width } : undefined;
  };
  return { title: box('.run-title'), status: box('.run-status'), actions: box('.header-actions'), stop: box('.header-actions .stop'), viewport: document.documentElement.clientWidth, scrollWidth: document.documentElement.scrollWidth };
})()`;

// The timeout guards against a hang only: the file takes ~25 s here, several times that on a loaded machine.
describe('dashboard webview in Chromium', { skip, timeout: 600_000 }, () => {
  let browser: Browser;
  const pages: HarnessPage[] = [];
  const open = async (...args: Parameters<typeof openDashboard> extends [unknown, infer O] ? [O] : never) => {
    const page = await openDashboard(browser, args[0]);
    pages.push(page);
    return page;
  };

  before(async () => {
    browser = await launchBrowser();
  });

  after(async () => {
    for (const page of pages) await page.page.close().catch(() => undefined);
    await browser?.close();
  });

  test('the panel says ready, then draws the deep-tanh run from its streamed events', async () => {
    const page = await open({ kind: 'panel', docsUrl: DOCS });
    assert.deepEqual((await page.posted())[0], { type: 'ready' }, 'ready is the first message');
    await streamRun(page, DEEP_TANH, { batch: 10 });

    const loss = await page.chart('loss');
    const perStep = loss.datasets.find((d) => d.label === 'train loss (per step)');
    assert.equal(perStep?.points, 63, 'one per-step loss point per training step');
    assert.equal(loss.datasets.find((d) => d.label === 'train loss')?.points, 1);
    assert.equal(loss.datasets.find((d) => d.label === 'validation loss')?.points, 1);
    assert.equal((await page.chart('learning-rate')).datasets[0].points, 63);
    assert.deepEqual((await page.chart('metrics')).datasets.map((d) => d.label), ['train accuracy', 'validation accuracy']);

    const activations = await page.chart('activations');
    assert.equal(activations.labels.length, 7, 'one bar per layer');
    const std = activations.datasets.find((d) => d.label === 'activation std')!.values as number[];
    assert.ok(std[0] > 10 * std[3], `activation std vanishes with depth: ${std.join(', ')}`);
    assert.equal((await page.chart('weights')).datasets[0].finitePoints, 7);
    const gradients = await page.chart('gradient-norms');
    assert.equal(gradients.datasets.length, 7, 'one gradient-norm line per weighted layer');
    assert.equal(gradients.scales.y, 'logarithmic');
    assert.ok(gradients.datasets.every((d) => d.points === 7), 'one point per statistics sample');

    assert.match(await page.page.locator('.run-title').innerText(), /broken-deep-tanh-tiny-init/);
    assert.match(await page.page.locator('.run-meta').innerText(), /epoch 1\/1/);
    assert.match(await page.page.locator('.run-status').innerText(), /completed/);
    assert.equal(await page.page.locator('button.stop').isDisabled(), true, 'a finished run cannot be stopped');
    await page.screenshot('panel-deep-tanh');
    await assertHealthy(page);
  });

  test('the findings list shows the deep-tanh findings, preferred fix first, and posts valid requests', async () => {
    const page = await open({ kind: 'panel', docsUrl: DOCS });
    const runId = await streamRun(page, DEEP_TANH);
    const findings = page.page.locator('.findings > li.finding');
    assert.equal(await findings.count(), 3);
    const rules = await findings.evaluateAll((items) => items.map((i) => (i as unknown as { dataset: { rule: string } }).dataset.rule));
    assert.deepEqual([...rules].sort(), ['grad.vanishing', 'init.vanishing-activations', 'init.vanishing-activations']);
    assert.equal(await page.page.locator('.finding .icon-warning').count(), 3, 'a warning icon per warning');
    assert.equal(await page.page.locator('a.rule').first().getAttribute('href'), `${DOCS}#init.vanishing-activations`);

    const firstFinding = findings.first();
    const buttons = firstFinding.locator('button.apply-fix');
    assert.equal(await buttons.count(), 2, 'one Apply Fix button per fix');
    assert.equal(await buttons.first().getAttribute('data-fix'), 'fix.glorot-init');
    assert.match((await buttons.first().getAttribute('class')) ?? '', /preferred/);
    assert.equal(await page.page.locator('button.apply-fix', { hasText: 'Apply Fix' }).count(), 6);

    await firstFinding.locator('summary', { hasText: 'Evidence' }).click();
    assert.match(await firstFinding.locator('.evidence-table').innerText(), /predictedStd/);

    await buttons.first().click();
    const index = Number(await firstFinding.getAttribute('data-index'));
    const applied = (await page.posted()).find((m) => m.type === 'apply-fix');
    assert.deepEqual(applied, { type: 'apply-fix', runId, findingIndex: index, fixId: 'fix.glorot-init' });
    assert.deepEqual(parseWebviewMessage(applied), applied, 'the host accepts it');
    await page.settle();
    assert.equal(await buttons.first().innerText(), 'Applying…');
    assert.equal(await buttons.first().getAttribute('aria-disabled'), 'true');
    await buttons.first().click({ force: true });
    assert.equal((await page.posted()).filter((m) => m.type === 'apply-fix').length, 1, 'a second click while applying sends nothing');

    await page.send({ type: 'fix-applied', fixId: 'fix.glorot-init', ok: true, message: 'Set "kernelInitializer": "glorotUniform" on layers 0–5.' } satisfies HostToWebview);
    await page.settle();
    assert.equal(await buttons.first().innerText(), 'Apply Fix');
    assert.match(await firstFinding.locator('.fix-result.ok').innerText(), /glorotUniform/);
    assert.equal(await page.page.evaluate('document.activeElement?.dataset.fix'), 'fix.glorot-init', 'the keyboard focus stayed on the button');

    await firstFinding.locator('button.reveal').click();
    const reveal = (await page.posted()).find((m) => m.type === 'reveal-config');
    assert.deepEqual(reveal, { type: 'reveal-config', runId, findingIndex: index });
    await page.page.locator('button.rerun').click();
    await page.page.locator('button.compare').click();
    const posted = await page.posted();
    assert.deepEqual(posted.slice(-2), [{ type: 'rerun', runId }, { type: 'compare', runId }]);
    for (const message of posted) assert.ok(parseWebviewMessage(message), `valid: ${JSON.stringify(message)}`);
    await firstFinding.scrollIntoViewIfNeeded();
    await page.screenshot('panel-findings-fix-applied');
    await assertHealthy(page);
  });

  test('the step slider follows the latest sample until moved, then moves the per-layer bars', async () => {
    const page = await open({ kind: 'panel' });
    const events = readEvents(MNIST);
    const runId = runIdOf(events);
    const half = events.findIndex((e) => e.type === 'epoch-end' && e.epoch === 1);
    await page.send({ type: 'snapshot', kind: 'panel', run: emptyRunData(runId), history: [], activeRunId: runId } satisfies HostToWebview);
    for (const batch of chunk(events.slice(0, half), 40)) await page.send({ type: 'append', runId, events: batch });
    await page.settle();
    const slider = page.page.locator('input.sample-slider');
    const samplesSoFar = events.slice(0, half).filter((e) => e.type === 'layer-stats').length;
    assert.equal(Number(await slider.inputValue()), samplesSoFar - 1, 'live: the slider sits on the latest sample');
    assert.match(await page.page.locator('.sample-label').innerText(), /\(latest\)/);
    assert.equal(await page.page.locator('button.stop').isDisabled(), false, 'the live run can be stopped');

    const latestStd = (await page.chart('activations')).datasets[0].values;
    await slider.fill('0');
    await page.settle();
    const firstStd = (await page.chart('activations')).datasets[0].values;
    assert.notDeepEqual(firstStd, latestStd, 'moving the slider changes the activation bars');
    assert.match(await page.page.locator('.sample-label').innerText(), /^step 0 · epoch 1 · sample 1\//);
    assert.equal((await page.page.evaluate('window.trainingDoctorDashboard.uiState()') as { selectedStep?: number }).selectedStep, 0);

    // More samples arrive: the slider stays where the user put it.
    for (const batch of chunk(events.slice(half), 40)) await page.send({ type: 'append', runId, events: batch });
    await page.settle();
    assert.equal(Number(await slider.inputValue()), 0);
    assert.deepEqual((await page.chart('activations')).datasets[0].values, firstStd);
    await page.screenshot('panel-slider-pinned');

    await page.page.locator('button.latest').click();
    await page.settle();
    const total = events.filter((e) => e.type === 'layer-stats').length;
    assert.equal(Number(await slider.inputValue()), total - 1, 'following the latest sample again');
    await assertHealthy(page);
  });

  test('the small UI state (selected step, collapsed sections, run ids) survives a reload', async () => {
    const page = await open({ kind: 'panel' });
    const run = fullRun(MNIST);
    const compare = fullRun(DEEP_TANH);
    const snapshot: HostToWebview = { type: 'snapshot', kind: 'panel', run, compare, history: [historyEntry(run), historyEntry(compare)] };
    await page.send(snapshot);
    await page.settle();
    await page.page.locator('input.sample-slider').fill('5');
    await page.page.locator('.section-findings .section-toggle').click();
    await page.settle();
    const state = await page.page.evaluate('window.trainingDoctorDashboard.uiState()') as Record<string, unknown>;
    assert.deepEqual({ runId: state.runId, compareRunId: state.compareRunId, selectedStep: state.selectedStep, collapsed: state.collapsed },
      { runId: run.runId, compareRunId: compare.runId, selectedStep: run.layerStats[5].step, collapsed: ['findings'] });

    await page.page.mouse.wheel(0, 500);
    await page.page.waitForFunction(() => ((globalThis as unknown as { trainingDoctorDashboard: { uiState(): { scrollY?: number } } })
      .trainingDoctorDashboard.uiState().scrollY ?? 0) > 0);
    const scrollY = (await page.page.evaluate('window.trainingDoctorDashboard.uiState()') as { scrollY: number }).scrollY;

    const reloaded = await openDashboard(browser, { kind: 'panel', page: page.page });
    await reloaded.send(snapshot);
    await reloaded.settle();
    await reloaded.settle();
    assert.equal(await reloaded.page.evaluate('Math.round(window.scrollY)'), scrollY, 'the scroll position is restored');
    assert.equal(Number(await reloaded.page.locator('input.sample-slider').inputValue()), 5);
    assert.equal(await reloaded.page.locator('.section-findings').getAttribute('class'), 'section section-findings collapsed');
    assert.equal(await reloaded.page.locator('.section-findings .section-toggle').getAttribute('aria-expanded'), 'false');
    await assertHealthy(reloaded);
  });

  test('a compared run is overlaid on the loss curves, dashed', async () => {
    const page = await open({ kind: 'panel' });
    const compare = fullRun(DEEP_TANH);
    await streamRun(page, MNIST, { compare, history: [compare] });
    const loss = await page.chart('loss');
    const labels = loss.datasets.map((d) => d.label);
    assert.ok(labels.includes('train loss · broken-deep-tanh-tiny-init'), labels.join(', '));
    assert.ok(labels.includes('validation loss · broken-deep-tanh-tiny-init'));
    for (const dataset of loss.datasets) assert.equal(dataset.dashed, dataset.label.includes('·'), `${dataset.label}: only the compared run is dashed`);
    assert.match(await page.page.locator('.run-note').innerText(), /Compared with broken-deep-tanh-tiny-init/);
    assert.equal(loss.datasets.find((d) => d.label === 'train loss (per step)')?.points, 375);
    await page.screenshot('panel-compare');
    await assertHealthy(page);
  });

  test('the side bar shows the run, a health cell per layer, findings with fixes and the history', async () => {
    const page = await open({ kind: 'sidebar', width: 340, height: 1000 });
    const deep = fullRun(DEEP_TANH);
    const mnist = fullRun(MNIST);
    await page.send({ type: 'snapshot', kind: 'sidebar', run: deep, history: [historyEntry(deep), historyEntry(mnist)] } satisfies HostToWebview);
    await page.settle();
    assert.equal((await page.chart('mini-loss')).datasets[0].points, 63);
    const cells = page.page.locator('.health-cell');
    assert.equal(await cells.count(), 7);
    const states = await cells.evaluateAll((items) => items.map((i) => (i as unknown as { dataset: { state: string } }).dataset.state));
    assert.deepEqual(states, ['healthy', 'vanishing', 'vanishing', 'vanishing', 'vanishing', 'vanishing', 'output']);
    assert.match((await cells.nth(1).getAttribute('title')) ?? '', /activations vanishing[\s\S]*std/);
    assert.equal(await page.page.locator('.findings > li.finding').count(), 3);
    assert.equal(await page.page.locator('.findings button.apply-fix').count(), 6);
    assert.equal(await page.page.locator('.run-history .run-entry').count(), 2);

    await page.page.locator('.run-history .run-open', { hasText: 'mnist-mlp' }).click();
    await page.page.locator('.findings button.apply-fix').first().click();
    const posted = await page.posted();
    assert.deepEqual(posted[posted.length - 2], { type: 'open-run', runId: mnist.runId });
    assert.equal(posted[posted.length - 1].type, 'apply-fix');
    await page.screenshot('sidebar');
    await assertHealthy(page);
  });

  test('the side bar of a live ReLU run: dead-unit states, and the history follows', async () => {
    const page = await open({ kind: 'sidebar', width: 340, height: 700 });
    const events = readEvents(MNIST);
    const runId = runIdOf(events);
    await page.send({ type: 'snapshot', kind: 'sidebar', run: emptyRunData(runId), history: [], activeRunId: runId } satisfies HostToWebview);
    for (const batch of chunk(events.slice(0, 200), 50)) await page.send({ type: 'append', runId, events: batch });
    await page.send({ type: 'history', history: [{ ...historyEntry(fullRun(MNIST)), status: 'running' }], activeRunId: runId } satisfies HostToWebview);
    await page.settle();
    assert.equal(await page.page.locator('.sb-run-line .icon-running').count(), 1);
    assert.equal(await page.page.locator('.health-cell').count(), 3);
    assert.equal(await page.page.locator('.findings .empty').innerText(), 'No findings so far.');
    await page.screenshot('sidebar-live');
    await assertHealthy(page);
  });

  test('in a narrow panel the header keeps its status badge, title and buttons apart, and nothing scrolls sideways', async () => {
    for (const width of [320, 420, 560]) {
      const page = await open({ kind: 'panel', width, height: 700 });
      const events = readEvents(MNIST);
      const runId = runIdOf(events);
      // A live run (no run-ended yet): the Stop button is enabled and the badge says running.
      await page.send({ type: 'snapshot', kind: 'panel', run: emptyRunData(runId), history: [], activeRunId: runId } satisfies HostToWebview);
      await page.send({ type: 'append', runId, events: events.slice(0, 60) } satisfies HostToWebview);
      await page.settle();
      const boxes = await page.page.evaluate(HEADER_BOXES_IN_PAGE) as Record<'title' | 'status' | 'actions' | 'stop', Box | undefined> & { viewport: number; scrollWidth: number };
      const { title, status, actions, stop } = boxes;
      assert.ok(title && status && actions && stop, `header parts missing: ${JSON.stringify(boxes)}`);
      const overlap = (a: Box | undefined, b: Box | undefined) => !!a && !!b && a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
      assert.ok(!overlap(status, actions), `width ${width}: the status badge overlaps the buttons ${JSON.stringify(boxes)}`);
      assert.ok(!overlap(title, actions) && !overlap(title, status), `width ${width}: the title overlaps ${JSON.stringify(boxes)}`);
      assert.ok(status!.right <= boxes.viewport + 0.5 && stop!.right <= boxes.viewport + 0.5, `width ${width}: header content runs off the panel ${JSON.stringify(boxes)}`);
      assert.ok(title!.width >= 40, `width ${width}: the title is squeezed to ${title!.width}px`);
      assert.ok(boxes.scrollWidth <= boxes.viewport, `width ${width}: the page scrolls sideways (${boxes.scrollWidth}px of content in ${boxes.viewport}px)`);
      if (width === 320) await page.screenshot('panel-narrow-header');
      await assertHealthy(page);
    }
  });

  test('malformed host messages are ignored', async () => {
    const page = await open({ kind: 'panel' });
    await streamRun(page, DEEP_TANH);
    const before = await page.page.evaluate('window.trainingDoctorDashboard.runSummary()');
    await page.send('garbage', null, 42, { type: 'append', runId: 5, events: [] }, { type: 'append', runId: 'other-run', events: [{ type: 'step' }] },
      { type: 'snapshot', kind: 'bogus', history: [] }, { type: 'append', runId: 'x' }, { type: 'fix-applied', fixId: 'fix.x' },
      { type: 'append', runId: runIdOf(readEvents(DEEP_TANH)), events: [null, 7, 'step'] });
    await page.settle();
    assert.deepEqual(await page.page.evaluate('window.trainingDoctorDashboard.runSummary()'), before);
    await assertHealthy(page);
  });

  test('a 20,000-step run streamed in batches stays responsive and draws at most 2,000 points per series', async () => {
    const page = await open({ kind: 'panel' });
    const result = await streamSyntheticRun(browser, page);

    const summary = await page.page.evaluate('window.trainingDoctorDashboard.runSummary()') as { steps: number; layerStats: number };
    assert.equal(summary.steps, 20_000, 'every step reached the model');
    assert.equal(summary.layerStats, 2_000);
    const { work, referenceCpuMs } = result;
    console.log(`# 20k steps in ${result.batches} batches over ${Math.round(result.elapsedMs)} ms: ${result.draws} redraws, slowest ${result.maxDrawMs.toFixed(1)} ms; `
      + `longest frame gap ${result.maxFrameGapMs.toFixed(1)} ms; long tasks ${result.longTasks.length} (max ${Math.max(0, ...result.longTasks).toFixed(1)} ms)`);
    console.log(`# main thread (thread time): longest task ${work.longestTaskCpuMs.toFixed(1)} ms (${work.longestTaskWallMs.toFixed(1)} ms wall), `
      + `longest frame gap ${work.longestFrameGapCpuMs.toFixed(1)} ms; reference unit ${referenceCpuMs.toFixed(1)} ms (${work.referenceCpuMs.map((x) => x.toFixed(1)).join(', ')}); `
      + `ratios ${(work.longestTaskCpuMs / referenceCpuMs).toFixed(2)} and ${(work.longestFrameGapCpuMs / referenceCpuMs).toFixed(2)}`);
    // Judged in thread time (the CPU time of the page's main thread: a busy machine makes a task
    // wait for a core, not cost more) and in units of the reference work done by the same page.
    assert.ok(work.tasks >= result.batches && work.frames >= result.draws, `the trace shows the stream (${work.tasks} tasks, ${work.frames} frames)`);
    const taskUnits = work.longestTaskCpuMs / referenceCpuMs;
    const frameUnits = work.longestFrameGapCpuMs / referenceCpuMs;
    assert.ok(taskUnits < TASK_BUDGET_UNITS, `no task blocks the page for more than ${TASK_BUDGET_UNITS} reference units (longest ${work.longestTaskCpuMs.toFixed(1)} ms = ${taskUnits.toFixed(2)} × ${referenceCpuMs.toFixed(1)} ms)`);
    assert.ok(frameUnits < TASK_BUDGET_UNITS, `frames keep coming: at most ${TASK_BUDGET_UNITS} reference units of work between two (longest ${work.longestFrameGapCpuMs.toFixed(1)} ms = ${frameUnits.toFixed(2)} units)`);
    assert.ok(result.draws < result.batches, `redraws are throttled (${result.draws} for ${result.batches} batches)`);
    assert.ok(result.draws >= 2, 'and still happen while the stream runs');

    const charts = await page.charts();
    for (const chart of charts) for (const dataset of chart.datasets) {
      assert.ok(dataset.points <= 2000, `${chart.name} / ${dataset.label} draws ${dataset.points} points`);
    }
    const perStep = (await page.chart('loss')).datasets.find((d) => d.label === 'train loss (per step)')!;
    assert.ok(perStep.points > 1500, `the per-step loss keeps detail (${perStep.points} points)`);
    assert.ok(perStep.finitePoints < perStep.points, 'the NaN step stays a gap');
    assert.equal((await page.chart('metrics')).datasets[0].points, 20);
    await page.screenshot('panel-20k-steps');
    await assertHealthy(page);
  });

  test('a theme change in VS Code (new variables on <html>) recolors the charts', async () => {
    const page = await open({ kind: 'panel' });
    await streamRun(page, MNIST);
    const trainColor = async () => (await page.chart('loss')).datasets.find((d) => d.label === 'train loss')!.color;
    assert.equal(await trainColor(), '#3794ff', 'Dark+ charts.blue');
    await page.page.evaluate((theme) => {
      const root = (globalThis as unknown as { document: { documentElement: { style: { setProperty(n: string, v: string): void } } } }).document.documentElement;
      for (const [name, value] of Object.entries(theme)) root.style.setProperty(name, value);
    }, LIGHT_PLUS);
    await page.settle();
    assert.equal(await trainColor(), '#1a85ff', 'Light+ charts.blue');
    await assertHealthy(page);
  });

  test('the light theme restyles the charts from the VS Code variables', async () => {
    const page = await open({ kind: 'panel', theme: LIGHT_PLUS, themeClass: 'vscode-light' });
    await streamRun(page, MNIST, { compare: fullRun(DEEP_TANH) });
    const background = await page.page.evaluate(() => {
      const g = globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string }; document: { body: unknown } };
      return g.getComputedStyle(g.document.body).backgroundColor;
    });
    assert.equal(background, 'rgb(255, 255, 255)');
    await page.screenshot('panel-light');
    await assertHealthy(page);
  });
});
