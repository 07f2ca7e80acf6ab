// Scenario 7: TensorBoard logs of another framework, in a workspace the user has not trusted
// (reading logs needs no trust). A PyTorch-style run is written into the workspace's runs/ while
// the window is open: it appears in the side bar's run history, its dashboard opens from there,
// grows as records are appended (live), and shows an advice finding without Apply Fix, Re-run or
// Show in config. Then "Training Doctor: Open TensorBoard Logs" on a folder outside the workspace
// (typed into VS Code's folder dialog) opens that run's dashboard.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { histogramOf } from '../../../src/core/interop/tensorboard/eventEncoding';
import { spread, writerAt } from '../../core/interop/tensorboard/tensorboardFixtures';
import { dashboardFrame, describe, openSidebar, readDashboard, waitDashboard } from '../harness/dashboard';
import type { Scenario } from '../harness/scenario';

/** Steps of a PyTorch-style run: loss, lr, fc1/fc2 weights and gradients (fc1's gradients explode from step 12). */
function writeSteps(writer: ReturnType<typeof writerAt>, from: number, to: number): void {
  for (let step = from; step < to; step++) {
    writer.addScalars(step, { 'Loss/train': 2 * Math.exp(-step / 20) + 0.1, lr: 0.01 });
    writer.addHistograms(step, {
      'fc1.weight': histogramOf(spread(256, 0, 0.1)),
      'fc1.weight.grad': histogramOf(spread(256, 0, step < 12 ? 0.01 : 5)),
      'fc2.weight': histogramOf(spread(64, 0, 0.2)),
      'fc2.weight.grad': histogramOf(spread(64, 0, 0.01)),
    });
  }
  writer.flush();
}

export const s7TensorboardLogs: Scenario = {
  id: 's7-tensorboard',
  title: 'TensorBoard logs (untrusted workspace): listed in the history, dashboards live, advice findings, Open TensorBoard Logs',
  session: { trust: 'restricted' },
  timeoutMs: 180_000,
  async run(s, t) {
    const runDir = path.join(s.workspaceDir, 'runs', 'exp1');
    const runId = `tensorboard:${runDir}`;
    const writer = writerAt(runDir, Math.floor(Date.now() / 1000));
    writeSteps(writer, 0, 10);

    // --- listed in the side bar's history -----------------------------------------------------------
    const sidebar = await openSidebar(s);
    const listed = await waitDashboard(s, () => sidebar, 'runs/exp1 in the side bar run history', (d) => d.history.some((h) => h.runId === runId), { timeout: 30_000 });
    t.note(`history: ${listed.history.map((h) => `${h.name} (${h.status})`).join(' | ')}`);
    await s.screenshot('s7-tensorboard-01-history');

    // --- its dashboard, from the history ------------------------------------------------------------
    await sidebar.locator(`.run-history button.run-open[data-run-id="${runId}"]`).click();
    const panel = await dashboardFrame(s, 'panel', { runId, timeout: 30_000 });
    const first = await waitDashboard(s, () => panel, 'the TensorBoard run drawn (≥ 9 steps, 2 layers, titled runs/exp1)', (d) => (d.summary?.steps ?? 0) >= 9 && (d.summary?.layerStats ?? 0) >= 9 && d.title === 'runs/exp1', { timeout: 30_000 });
    t.note(`panel: ${describe(first)}; title "${first.title}", meta "${first.meta}"`);

    // --- live: appended records show up ------------------------------------------------------------
    const tWrite = Date.now();
    writeSteps(writer, 10, 24);
    const grown = await waitDashboard(s, () => panel, 'the appended steps and the exploding-gradient finding', (d) => (d.summary?.steps ?? 0) >= 23 && d.findings.some((f) => f.rule === 'grad.exploding'), { timeout: 30_000 });
    t.note(`${((Date.now() - tWrite) / 1000).toFixed(1)} s from the records written to the panel showing them: ${describe(grown)}`);
    const exploding = grown.findings.find((f) => f.rule === 'grad.exploding')!;
    await t.ok(exploding.message.includes('Advice:') && exploding.message.includes('clip_grad_norm_'), `the finding gives PyTorch advice: "${exploding.message.slice(0, 200)}"`);
    await t.equal(exploding.fixes.length, 0, 'Apply Fix buttons on a TensorBoard run');
    const buttons = await panel.evaluate(`({
      rerun: !!document.querySelector('button.rerun') && !document.querySelector('button.rerun').hidden,
      reveal: document.querySelectorAll('button.reveal').length,
    })`) as { rerun: boolean; reveal: number };
    await t.ok(!buttons.rerun, 'no Re-run button for a TensorBoard run');
    await t.equal(buttons.reveal, 0, 'Show in config buttons on a TensorBoard run');
    await s.screenshot('s7-tensorboard-02-live-panel');

    // --- Open TensorBoard Logs on a folder outside the workspace ------------------------------------
    const outside = path.join(s.runDir, 'cluster-share', 'lightning_logs', 'version_0');
    fs.mkdirSync(outside, { recursive: true });
    const other = writerAt(outside, Math.floor(Date.now() / 1000));
    writeSteps(other, 0, 8);
    other.close();
    await s.runCommand('Training Doctor: Open TensorBoard Logs');
    const input = s.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    const folder = path.dirname(outside);
    await input.fill(folder);
    // The dialog's own accept button, not Enter: Enter may pick the highlighted entry of the listing
    // the simple dialog shows for the typed folder (one CI run stayed in the dialog that way).
    const accept = s.page.locator('.quick-input-widget .monaco-button', { hasText: 'Watch TensorBoard Logs' }).first();
    for (let attempt = 0; attempt < 3; attempt++) {
      if (!(await s.page.locator('.quick-input-widget').isVisible())) break;
      if ((await input.inputValue()).replace(/\/+$/, '') !== folder) await input.fill(folder);
      await accept.click({ timeout: 5_000 }).catch(() => undefined);
      await s.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 3_000 }).catch(() => undefined);
    }
    const opened = await dashboardFrame(s, 'panel', { runId: `tensorboard:${outside}`, timeout: 30_000 });
    const drawn = await waitDashboard(s, () => opened, 'the opened folder\'s run drawn', (d) => (d.summary?.steps ?? 0) >= 7, { timeout: 30_000 });
    t.note(`Open TensorBoard Logs on ${folder}: ${describe(drawn)}`);
    await s.screenshot('s7-tensorboard-03-opened-folder');
    writer.close();

    const sidebarNow = await readDashboard(sidebar);
    t.note(`history at the end: ${sidebarNow.history.map((h) => `${h.name} (${h.status})`).join(' | ')}`);
    await t.equal(s.runRecords().length, 0, 'run folders of ours created (none: nothing was trained)');
  },
};
