// A run read from TensorBoard logs (PyTorch style: exploding gradients, fc2 without an activation
// histogram) in the dashboard panel, passed through JSON as VS Code passes messages: its curves
// and every layer are drawn, its findings are advice, and nothing is offered that needs a config
// of ours (Re-run, Show in config, Apply Fix), since it would only fail.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { HostToWebview } from '../../src/core/dashboard/dashboardProtocol';
import { runDataFromEvents, runListEntry } from '../../src/core/dashboard/runData';
import { TensorboardWatcher } from '../../src/core/interop/tensorboard/tensorboardWatcher';
import { tempLogdir, writePytorchRun } from '../core/interop/tensorboard/tensorboardFixtures';
import { browserSkipReason, fullRun, historyEntry, launchBrowser, openDashboard, type HarnessPage } from './webviewHarness';

const skip = browserSkipReason();
if (skip) console.log(`# SKIP ${skip}`);

describe('a TensorBoard run in the dashboard panel (Chromium)', { skip, timeout: 180_000 }, () => {
  let browser: Browser;
  let page: HarnessPage | undefined;
  const logs = tempLogdir('tb-dashboard');

  before(async () => {
    browser = await launchBrowser();
  });

  after(async () => {
    await page?.page.close().catch(() => undefined);
    await browser?.close();
    logs.cleanup();
  });

  test('curves, both layers and advice findings show; Re-run, Show in config and Apply Fix do not', async () => {
    writePytorchRun(logs.dir, { steps: 25, gradientStd: (s) => (s < 12 ? 0.01 : 5) });
    const result = await new TensorboardWatcher(logs.dir).poll(true);
    const events = result.updates.flatMap((u) => u.events);
    const run = runDataFromEvents('tensorboard:/logs/run', events);
    assert.ok(run.findings.length > 0, 'the run has findings to show');
    const own = fullRun('deep-tanh-tiny-init.metrics.jsonl');
    const snapshot = { type: 'snapshot', kind: 'panel', run, history: [runListEntry(run, ''), historyEntry(own)] } satisfies HostToWebview;

    page = await openDashboard(browser, { kind: 'panel' });
    await page.send(JSON.parse(JSON.stringify(snapshot)));
    await page.settle();

    assert.equal((await page.chart('loss')).datasets.find((d) => d.label === 'train loss (per step)')?.points, run.steps.step.length);
    const weights = await page.chart('weights');
    assert.equal(weights.labels.length, 2, `one bar per layer: ${weights.labels.join(', ')}`);
    assert.equal(weights.datasets[0].finitePoints, 2);
    const gradients = await page.chart('gradient-norms');
    assert.equal(gradients.datasets.length, 2, 'one gradient-norm line per layer');

    const findings = page.page.locator('li.finding');
    assert.equal(await findings.count(), run.findings.length);
    assert.match(await findings.first().locator('.message').innerText(), /Advice:/);
    assert.equal(await page.page.locator('button.apply-fix').count(), 0);
    assert.equal(await page.page.locator('button.reveal').count(), 0);
    assert.equal(await page.page.locator('button.rerun').isVisible(), false);
    assert.equal(await page.page.locator('button.compare').isVisible(), true);
    // Trained elsewhere, its planned length unknown: no "epoch 0/0", no "step 25/0".
    assert.doesNotMatch(await page.page.locator('.run-meta').innerText(), /\/0\b/);
    assert.deepEqual(page.problems, []);

    // Our own run, shown next in the same panel, keeps its buttons.
    await page.send({ type: 'snapshot', kind: 'panel', run: own, history: [historyEntry(own)] } satisfies HostToWebview);
    await page.settle();
    assert.equal(await page.page.locator('button.rerun').isVisible(), true);
    assert.ok(await page.page.locator('button.reveal').count() > 0);
  });
});
