// The panel's strip of augmented training images, in headless Chromium: drawn from the run-started
// event's pictures (colour and grey), hidden for a run without them, and within the CSP.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { HostToWebview } from '../../src/core/dashboard/dashboardProtocol';
import type { AugmentedPreview } from '../../src/core/engine/trainingEvents';
import { browserSkipReason, cspViolations, fullRun, launchBrowser, openDashboard } from './webviewHarness';

const skip = browserSkipReason();
if (skip) console.log(`# SKIP ${skip}`);

/** A 4×4 picture: red on the left half, blue on the right. */
function halves(): string {
  const bytes = new Uint8Array(4 * 4 * 3);
  for (let p = 0; p < 16; p++) bytes.set(p % 4 < 2 ? [255, 0, 0] : [0, 0, 255], p * 3);
  return Buffer.from(bytes).toString('base64');
}

describe('the augmented-images strip', { skip }, () => {
  let browser: Browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  test('draws each picture with its label, and hides for a run without pictures', async () => {
    const page = await openDashboard(browser, { kind: 'panel' });
    const run = fullRun('mnist-mlp.metrics.jsonl');
    const preview: AugmentedPreview = { width: 4, height: 4, channels: 3, images: [{ label: 'roses', pixels: halves() }, { label: 'tulips', pixels: halves() }] };
    await page.send({ type: 'snapshot', kind: 'panel', run: { ...run, started: { ...run.started!, augmentedPreview: preview } }, history: [], activeRunId: undefined } satisfies HostToWebview);
    await page.settle();
    // Plain JavaScript text: functions compiled by tsx would carry helpers the page does not have.
    const drawn = await page.page.evaluate(`(() => {
      const strip = document.querySelector('.augmented-strip');
      const canvas = strip.querySelector('canvas');
      const at = (x) => Array.from(canvas.getContext('2d').getImageData(x, 1, 1, 1).data);
      return { hidden: strip.hidden, labels: [...strip.querySelectorAll('figcaption')].map((c) => c.textContent), left: at(0), right: at(3) };
    })()`);
    assert.deepEqual(drawn, { hidden: false, labels: ['roses', 'tulips'], left: [255, 0, 0, 255], right: [0, 0, 255, 255] });
    await page.screenshot('augmented-strip');

    await page.send({ type: 'snapshot', kind: 'panel', run, history: [], activeRunId: undefined } satisfies HostToWebview);
    await page.settle();
    assert.equal(await page.page.evaluate("document.querySelector('.augmented-strip').hidden"), true);
    assert.deepEqual(page.problems, []);
    assert.deepEqual(await cspViolations(page.page), []);
  });
});
