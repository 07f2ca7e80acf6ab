// The dashboard webview in headless Chromium, fed bad data: two dozen malformed host messages
// (not objects, wrong types, null findings, unknown statuses, dates that are not dates, NaN
// where a count belongs, giant strings and arrays) and then a good snapshot. The view must
// draw the good snapshot, skip the bad items, say what it skipped, and throw nothing.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { HostToWebview } from '../../src/core/dashboard/dashboardProtocol';
import {
  browserSkipReason, cspViolations, fullRun, historyEntry, launchBrowser, openDashboard, type HarnessPage,
} from './webviewHarness';

const skip = browserSkipReason();
if (skip) console.log(`# SKIP ${skip}`);

const MNIST = 'mnist-mlp.metrics.jsonl';
const DEEP_TANH = 'deep-tanh-tiny-init.metrics.jsonl';

// Plain JavaScript run inside the page (as text, like the other browser tests' helpers): posts
// the malformed messages, built in the page so that giant strings and arrays cost no transfer.
// Each one targets the run `runId`, which the first (good) snapshot shows, so that appends are
// folded rather than ignored. After each one it waits for the redraw (at most 2 s: a frozen view
// never gets there), so every bad state is drawn. Returns how many it posted.
const POST_MALFORMED_IN_PAGE = `async ({ runId, goodRun, goodEntry }) => {
  const post = (m) => window.postMessage(m, '*');
  const giant = 'x'.repeat(4_000_000);
  const finding = { rule: 'init.vanishing-activations', severity: 'warning', message: 'm', evidence: {}, fixes: [] };
  const step = { type: 'step', step: 0, epoch: 0, loss: 1, gradNorm: 1, learningRate: 0.1, metrics: {} };
  const messages = [
    null,
    'snapshot',
    42,
    [],
    { type: 'snapshot' },
    { type: 'snapshot', kind: 'panel', history: 'none' },
    { type: 'snapshot', kind: 'panel', history: [], run: { ...goodRun, findings: [null, { ...finding, severity: 'a b' }] } },
    { type: 'snapshot', kind: 'panel', history: [], run: { ...goodRun, steps: { ...goodRun.steps, loss: 'lots' } } },
    { type: 'snapshot', kind: 'panel', history: [], run: { ...goodRun, layerStats: [{ type: 'layer-stats', step: 0, epoch: 0, gradNorm: 1, layers: null }] } },
    { type: 'snapshot', kind: 'panel', history: [], run: { ...goodRun, epochs: [{ type: 'epoch-end', epoch: 'one', step: NaN, loss: 1, metrics: null, valMetrics: 5 }] } },
    { type: 'append', runId, events: null },
    { type: 'append', runId, events: [null, 7, { type: 'finding', finding: null }] },
    { type: 'append', runId, events: [{ type: 'finding', finding: { ...finding, fixes: null } }, { type: 'finding', finding: { ...finding, message: giant } }] },
    { type: 'append', runId, events: [{ ...step, step: NaN }, { ...step, step: 'a' }, { ...step, loss: 'high' }, { ...step, step: Infinity }] },
    { type: 'append', runId, events: [{ type: 'layer-stats', step: 1, epoch: 0, gradNorm: 1, layers: [null, { index: 0, name: 'a', type: 'dense', activation: null }] }] },
    { type: 'append', runId, events: [{ type: 'run-started', ...goodRun.started, startedAt: 5, layers: 'many' }] },
    { type: 'append', runId, events: [{ type: 'run-ended', status: 'a b', epochsCompleted: 1, steps: 1, durationMs: 1, final: {}, findings: null }] },
    { type: 'append', runId, events: new Array(300_000).fill(7) },
    { type: 'append', runId: giant, events: [step] },
    { type: 'history', history: [null, 5, { ...goodEntry, status: 'a b' }, { ...goodEntry, startedAt: 5 }, { ...goodEntry, runId: '' }] },
    { type: 'history', history: [{ ...goodEntry, configName: giant, startedAt: 'not a date', epochsCompleted: NaN, findingCount: 'three' }] },
    { type: 'history', history: new Array(200_000).fill({ ...goodEntry, status: 'a b' }) },
    { type: 'fix-applied', fixId: 'fix.glorot-init', ok: 'yes', message: 'done' },
    { type: 'fix-applied', fixId: null, ok: true, message: 'done' },
    { type: 'nonsense', runId },
  ];
  const hook = window.trainingDoctorDashboard;
  for (const m of messages) {
    post(m);
    await new Promise((resolve) => setTimeout(resolve, 0));
    for (let waited = 0; hook.drawStats().redrawPending && waited < 2000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return messages.length;
}`;

describe('dashboard webview fed bad data in Chromium', { skip, timeout: 180_000 }, () => {
  let browser: Browser;
  const pages: HarnessPage[] = [];

  before(async () => {
    browser = await launchBrowser();
  });

  after(async () => {
    for (const page of pages) await page.page.close().catch(() => undefined);
    await browser?.close();
  });

  /** Waits (bounded) for the redraw after everything sent so far; a frozen view fails here rather than hanging. */
  async function settle(page: HarnessPage): Promise<void> {
    await page.page.evaluate('new Promise((resolve) => setTimeout(resolve, 0))');
    await page.page.waitForFunction(() => !(globalThis as unknown as { trainingDoctorDashboard: { drawStats(): { redrawPending: boolean } } })
      .trainingDoctorDashboard.drawStats().redrawPending, undefined, { timeout: 15_000 });
    await page.page.evaluate('new Promise((resolve) => requestAnimationFrame(() => resolve()))');
  }

  for (const kind of ['panel', 'sidebar'] as const) {
    test(`the ${kind} skips 25 malformed messages and draws the good snapshot that follows`, async () => {
      const page = await openDashboard(browser, { kind });
      pages.push(page);
      const good = fullRun(MNIST);
      const other = fullRun(DEEP_TANH);
      const history = [historyEntry(good), historyEntry(other)];
      // A first good snapshot, so that the bad appends target the run shown.
      await page.send({ type: 'snapshot', kind, run: other, history, activeRunId: undefined } satisfies HostToWebview);
      await settle(page);

      const args = { runId: other.runId, goodRun: other, goodEntry: historyEntry(other) };
      const sent = await page.page.evaluate(`(${POST_MALFORMED_IN_PAGE})(${JSON.stringify(args)})`) as number;
      assert.ok(sent >= 20, `${sent} malformed messages`);
      // One entry the host would send from a hand-edited run.json: an unknown status and a number for a date.
      const oddEntry = { ...historyEntry(other), runId: 'odd-run', status: 'a b', startedAt: 5 };
      await page.send({ type: 'snapshot', kind, run: good, history: [...history, oddEntry] });
      await settle(page);

      const summary = await page.page.evaluate('window.trainingDoctorDashboard.runSummary()') as { runId?: string; steps: number; findings: number; historyLength: number };
      assert.equal(summary.runId, good.runId, 'the good snapshot is shown');
      assert.equal(summary.steps, good.steps.step.length);
      assert.equal(summary.findings, good.findings.length);
      assert.equal(summary.historyLength, 3, 'the odd history entry is kept');

      const lossName = kind === 'panel' ? 'loss' : 'mini-loss';
      const perStep = (await page.chart(lossName)).datasets.find((d) => d.label === 'train loss (per step)');
      assert.ok(perStep && perStep.finitePoints > 100, `the loss curve of the good run is drawn (${perStep?.finitePoints} points)`);
      if (kind === 'panel') {
        assert.match(await page.page.locator('.run-title').innerText(), /mnist-mlp/);
        assert.equal((await page.chart('activations')).labels.length, good.layerStats[0].layers.length, 'the layer charts are drawn');
      } else {
        const rows = page.page.locator('.run-history > li.run-entry');
        assert.equal(await rows.count(), 3, 'every history entry is listed');
        const odd = page.page.locator('.run-history button[data-run-id="odd-run"]');
        assert.equal(await odd.locator('svg[aria-label="unknown"]').count(), 1, 'the entry whose status is unknown says so');
      }

      // What was skipped was said: on the console and to the host, as a few log messages.
      const logs = (await page.posted()).filter((m) => m.type === 'log');
      assert.ok(logs.length > 0 && logs.length <= 25, `${logs.length} log messages to the host`);
      assert.ok(logs.every((m) => typeof m.message === 'string' && m.message.length < 5000), 'each log message is short');
      assert.ok(logs.some((m) => /finding/.test(String(m.message))), 'a skipped finding is named');
      assert.deepEqual(page.problems, [], 'no uncaught error and no console error');
      assert.deepEqual(await cspViolations(page.page), []);
    });
  }
});
