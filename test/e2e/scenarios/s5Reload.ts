// Scenario 5: Developer: Reload Window with a dashboard panel open. The panel comes back (the
// extension's WebviewPanelSerializer), on the same run, with the same data drawn.

import { dashboardFrame, describe, points, waitDashboard } from '../harness/dashboard';
import type { Scenario } from '../harness/scenario';

export const s5Reload: Scenario = {
  id: 's5-reload',
  title: 'reload the window with a dashboard open: the panel is restored with its run',
  timeoutMs: 150_000,
  async run(s, t) {
    await s.openFile('mnist-small.train.json');
    await s.runCommand('Training Doctor: Train Model');
    const panel = await dashboardFrame(s, 'panel', { timeout: 60_000 });
    const before = await waitDashboard(s, () => panel, 'the run completed', (d) => d.status === 'completed', { timeout: 90_000 });
    const runId = before.summary!.runId!;
    t.note(`before reload: ${runId} ${describe(before)}`);
    await s.screenshot('s5-reload-01-before');

    const tReload = Date.now();
    await s.reload();
    t.note(`workbench ready again ${((Date.now() - tReload) / 1000).toFixed(1)} s after Reload Window`);
    await s.waitFor('the dashboard tab "Training: mnist-small" after the reload', async () => (await s.page.locator('.tabs-container .tab[aria-label*="Training: mnist-small"]').count()) > 0, { timeout: 30_000 });
    const restoredFrame = await dashboardFrame(s, 'panel', { runId, timeout: 60_000 });
    const after = await waitDashboard(s, () => restoredFrame, 'the restored panel to draw the run', (d) => d.status === 'completed' && (d.summary?.steps ?? 0) === (before.summary?.steps ?? -1), { timeout: 30_000 });
    t.note(`after reload (${((Date.now() - tReload) / 1000).toFixed(1)} s): ${describe(after)}`);
    await t.equal(points(after, 'loss', 'train loss (per step)'), points(before, 'loss', 'train loss (per step)'), 'per-step loss points after the reload');
    await t.equal(points(after, 'loss', 'validation loss'), points(before, 'loss', 'validation loss'), 'validation loss points after the reload');
    await t.equal(after.summary?.layerStats, before.summary?.layerStats, 'statistics samples after the reload');
    const tabs = await s.page.$$eval('.tabs-container .tab', (els) => els.map((e) => e.getAttribute('aria-label')));
    t.note(`tabs after reload: ${tabs.join(' | ')}`);
    await s.screenshot('s5-reload-02-after');
  },
};
