// Scenario 2: "Training Doctor: Train Model" from the palette on the small MNIST MLP. The
// dashboard panel opens beside the config, its curves (loss per step and per epoch, validation
// loss, accuracy, learning rate) and per-layer charts (activation/weight statistics, dead units,
// gradient norms) hold the run's data, the run ends "completed" (panel header, run.json), and the
// side-bar view (activity bar "Training Doctor") lists it.

import { dashboardFrame, openSidebar, points, waitDashboard, waitRunCompleted } from '../harness/dashboard';
import type { Scenario } from '../harness/scenario';

const CONFIG = 'mnist-small.train.json';

export const s2Train: Scenario = {
  id: 's2-train',
  title: 'Train Model on the MNIST example: dashboard panel fills, run completes, side bar lists it',
  timeoutMs: 150_000,
  async run(s, t) {
    await s.openFile(CONFIG);
    const t0 = Date.now();
    await s.runCommand('Training Doctor: Train Model');
    await s.waitFor('the dashboard tab "Training: mnist-small"', async () => (await s.page.locator('.tabs-container .tab[aria-label*="Training: mnist-small"]').count()) > 0, { timeout: 60_000 });
    const panel = await dashboardFrame(s, 'panel', { timeout: 60_000 });
    t.note(`dashboard panel open ${((Date.now() - t0) / 1000).toFixed(1)} s after the command`);

    // Settled as well as completed: one fresh-clone run read an empty activations chart otherwise.
    const done = await waitRunCompleted(s, t, panel, 'the panel to show the run completed', t0, 90_000);

    // --- what the panel shows --------------------------------------------------------------
    const steps = done.summary?.steps ?? 0;
    const planned = done.meta.match(/step (\d+)\/(\d+)/);
    await t.ok(planned && Number(planned[1]) === Number(planned[2]) && steps === Number(planned[2]), `the header says every planned step ran and the page holds them all (meta "${done.meta}", ${steps} steps)`);
    await t.ok(/epoch 2\/2/.test(done.meta), `the header says epoch 2/2 (meta "${done.meta}")`);
    await t.equal(points(done, 'loss', 'train loss (per step)'), steps, 'per-step loss points on the loss chart');
    await t.equal(points(done, 'loss', 'train loss'), 2, 'per-epoch train loss points');
    await t.equal(points(done, 'loss', 'validation loss'), 2, 'validation loss points');
    await t.ok(points(done, 'metrics', 'validation accuracy') === 2, `validation accuracy on the metrics chart (${JSON.stringify(done.charts.find((c) => c.name === 'metrics'))})`);
    await t.ok(points(done, 'learning-rate') > 0, 'the learning-rate chart has points (cosine schedule)');
    const stats = done.summary?.layerStats ?? 0;
    await t.ok(stats >= 2, `statistics samples arrived (${stats})`);
    await t.ok(points(done, 'activations', 'activation std') >= 2, `activation std per layer (${JSON.stringify(done.charts.find((c) => c.name === 'activations'))})`);
    await t.ok(points(done, 'weights') >= 2, 'weight std per layer');
    const gradients = done.charts.find((c) => c.name === 'gradient-norms');
    await t.ok(gradients && gradients.datasets.length >= 2 && gradients.datasets.every((d) => d.finitePoints === stats), `one gradient-norm series per dense layer with a point per sample (${JSON.stringify(gradients)})`);
    t.note(`charts: ${done.charts.map((c) => `${c.name}[${c.datasets.map((d) => `${d.label}:${d.finitePoints}`).join(', ')}]`).join(' ')}`);
    await s.screenshot('s2-train-01-dashboard-curves');
    await panel.evaluate('document.querySelector(\'[data-section="layers"]\').scrollIntoView()');
    await s.screenshot('s2-train-02-dashboard-layers');

    // --- run.json -------------------------------------------------------------------------------
    const runs = s.runRecords();
    await t.equal(runs.length, 1, 'run folders in the workspace');
    const record = runs[0].record;
    await t.equal(record.status, 'completed', 'run.json status');
    await t.equal(record.epochsCompleted, 2, 'run.json epochsCompleted');
    await t.equal(record.id, done.summary?.runId, 'the panel shows the run of run.json');
    t.note(`run.json: ${record.id} ${record.status}, ${record.epochsCompleted} epochs, ${record.steps} steps, backend ${record.backend}, ${record.durationMs} ms`);

    // --- side bar --------------------------------------------------------------------------------
    const sidebar = await openSidebar(s);
    const side = await waitDashboard(s, () => sidebar, 'the side bar to list the run as completed', (d) => d.history.some((h) => h.runId === record.id && h.status === 'completed'), { timeout: 20_000 });
    await t.equal(side.status, 'completed', 'the side bar\'s current run status');
    t.note(`side bar: current "${side.title}" ${side.meta}; runs: ${side.history.map((h) => `${h.name} (${h.status}) ${h.text}`).join(' | ')}`);
    await t.ok(points(side, 'mini-loss', 'train loss (per step)') === steps, 'the side bar\'s mini loss chart has the run\'s steps');
    await s.screenshot('s2-train-03-sidebar');
    const notes = await s.notifications();
    t.note(`notifications: ${notes.join(' | ') || 'none'}`);
  },
};
