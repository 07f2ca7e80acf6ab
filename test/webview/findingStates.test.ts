// The dashboard webview in headless Chromium, shown a run whose findings carry this version's
// identity: one finding that groups several layers, and one its rule withdrew during the run.
// The grouped one names its layers; the withdrawn one says "resolved" and why, offers no fix,
// and goes after the open ones.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { Finding } from '../../src/core/diagnosis/finding';
import { browserSkipReason, fullRun, historyEntry, launchBrowser, openDashboard, type HarnessPage } from './webviewHarness';

const skip = browserSkipReason();
if (skip) console.log(`# SKIP ${skip}`);

const withdrawn: Finding = {
  id: 'fit.underfitting#1', state: 'resolved', resolution: 'By epoch 5 the training loss fell to 0.2 (−91% from 2.3).',
  rule: 'fit.underfitting', severity: 'warning', message: 'After 3 epochs the training loss is 2.2, 96% of the loss of a uniform guess.',
  path: ['model', 'layers'], step: 48, epoch: 2, evidence: { loss: 2.2 }, fixes: [{ id: 'fix.raise-lr', title: 'Raise "learningRate" to 0.03', preferred: true }],
};
const grouped: Finding = {
  id: 'act.dead-relu#1', rule: 'act.dead-relu', severity: 'warning', layer: 1, layers: [1, 2, 3],
  message: 'Layer 1 (dense, ReLU): 90% of its units are zero for every example. The same holds for 2 more layers: 2, 3.',
  related: [1, 2, 3].map((layer) => ({ layer, path: ['model', 'layers', layer], message: `Layer ${layer} is dead.` })),
  step: 30, epoch: 1, evidence: { deadFraction: 0.9, layers: [1, 2, 3] }, fixes: [{ id: 'fix.lower-lr', title: 'Lower "learningRate" to 0.01', preferred: true }],
};

describe('finding states in the dashboard (Chromium)', { skip, timeout: 120_000 }, () => {
  let browser: Browser;
  let page: HarnessPage | undefined;

  before(async () => {
    browser = await launchBrowser();
  });

  after(async () => {
    await page?.page.close().catch(() => undefined);
    await browser?.close();
  });

  test('a withdrawn finding shows as resolved with its reason and no fix; a grouped one names its layers', async () => {
    page = await openDashboard(browser, { kind: 'panel' });
    const run = { ...fullRun('mnist-mlp.metrics.jsonl'), findings: [withdrawn, grouped] };
    await page.send({ type: 'snapshot', kind: 'panel', run, history: [historyEntry(run)] });
    const items = page.page.locator('.findings > li.finding');
    await items.nth(1).waitFor({ timeout: 15_000 });
    assert.deepEqual(await items.evaluateAll((list) => list.map((i) => (i as unknown as { dataset: { state: string } }).dataset.state)), ['open', 'resolved'], 'open findings first');
    const resolved = items.nth(1);
    assert.equal(await resolved.locator('.resolved-tag').innerText(), 'resolved');
    assert.match(await resolved.locator('.resolution').innerText(), /By epoch 5 the training loss fell to 0\.2/);
    assert.equal(await resolved.locator('button.apply-fix').count(), 0, 'nothing left to fix');
    assert.match(await items.nth(0).locator('.where').innerText(), /layers 1, 2, 3/);
    assert.equal(await items.nth(0).locator('button.apply-fix').count(), 1);
    assert.deepEqual(page.problems, [], 'no page error');
  });
});
