// Scenario 3: a config with a known fault, a deep tanh MLP with N(0, 0.01²) weights. After
// training, the dashboard panel and the side-bar view show the finding (init.vanishing-activations
// or grad.vanishing); the panel's "Apply Fix" edits the config (Glorot initialization, on disk);
// "Re-run" (offered by the notification that confirms the fix) trains the fixed config and that
// run (panel, side bar, editor diagnostics) is clean.

import { dashboardFrame, describe, openSidebar, waitDashboard, type DashboardSnapshot } from '../harness/dashboard';
import type { Scenario } from '../harness/scenario';

const CONFIG = 'deep-tanh.train.json';
const RULES = ['init.vanishing-activations', 'grad.vanishing'];
const hasFault = (d: DashboardSnapshot) => d.findings.some((f) => RULES.includes(f.rule));

export const s3FixFinding: Scenario = {
  id: 's3-fix',
  title: 'deep tanh with tiny init: finding in panel and side bar, Apply Fix edits the config, re-run is clean',
  timeoutMs: 180_000,
  async run(s, t) {
    await s.openFile(CONFIG);
    const before = s.readWorkspaceFile(CONFIG);
    await s.runCommand('Training Doctor: Train Model');
    const panel = await dashboardFrame(s, 'panel', { timeout: 60_000 });
    const first = await waitDashboard(s, () => panel, `the first run completed with a ${RULES.join(' or ')} finding`, (d) => d.status === 'completed' && hasFault(d), { timeout: 90_000 });
    const runId = first.summary!.runId!;
    const fault = first.findings.find((f) => RULES.includes(f.rule))!;
    t.note(`run 1 (${runId}): ${describe(first)}`);
    t.note(`finding shown: ${fault.rule} (${fault.severity}): ${fault.message.slice(0, 140)}…; fixes: ${fault.fixes.map((f) => `${f.id}${f.preferred ? ' (preferred)' : ''} "${f.title}"`).join('; ')}`);
    await t.ok(fault.fixes.length > 0, 'the finding offers at least one Apply Fix button');

    const sidebar = await openSidebar(s);
    const side = await waitDashboard(s, () => sidebar, 'the side bar to show the same finding', (d) => d.summary?.runId === runId && hasFault(d), { timeout: 20_000 });
    t.note(`side bar findings: ${side.findings.map((f) => f.rule).join(', ')}`);
    await s.screenshot('s3-fix-01-finding-panel-and-sidebar');

    // --- Apply Fix (the preferred one) in the panel ------------------------------------------------
    const fix = fault.fixes.find((f) => f.preferred) ?? fault.fixes[0];
    await panel.locator(`li.finding[data-index="${fault.index}"] button.apply-fix[data-fix="${fix.id}"]`).click();
    const applied = await s.waitFor(`the config on disk to change after "${fix.title}"`, () => {
      const now = s.readWorkspaceFile(CONFIG);
      return now !== before ? now : undefined;
    }, { timeout: 20_000 });
    const tinyBefore = (before.match(/"randomNormal"/g) ?? []).length;
    const tinyAfter = (applied.match(/"randomNormal"/g) ?? []).length;
    await t.ok(/glorot/i.test(applied) && tinyAfter < tinyBefore, `the fix replaced N(0, 0.01²) by Glorot initialization (randomNormal ${tinyBefore} → ${tinyAfter}, glorot present: ${/glorot/i.test(applied)})`);
    await t.ok(applied.includes('// BROKEN on purpose'), 'the fix kept the comments');
    // The panel stays on screen (the config opens in another editor group) and confirms the fix
    // next to its button.
    const panelShown = await dashboardFrame(s, 'panel', { runId, timeout: 5000, quiet: true }).then(() => true, () => false);
    const activeTabs = await s.page.$$eval('.tabs-container .tab.active', (els) => els.map((e) => e.getAttribute('aria-label')));
    await t.ok(panelShown, `the dashboard panel is still on screen after Apply Fix (active tabs: ${activeTabs.join(' | ')})`);
    const result = await waitDashboard(s, () => dashboardFrame(s, 'panel', { runId, timeout: 3000 }), 'the panel to confirm the fix', (d) => /Applied/i.test(d.fixStatus) || d.findings.some((f) => /Applied/i.test(f.result)), { timeout: 15_000 });
    t.note(`panel after Apply Fix: "${result.fixStatus || result.findings.map((f) => f.result).filter(Boolean).join(' ')}"; active tabs: ${activeTabs.join(' | ')}`);
    // The host confirms with a notification that offers to re-run.
    const toast = s.page.locator('.notifications-toasts .notification-toast', { hasText: 'Applied' }).first();
    await toast.waitFor({ state: 'visible', timeout: 15_000 });
    t.note(`notification: "${(await toast.innerText()).replace(/\s+/g, ' ')}"; config now has ${(applied.match(/glorot\w*/gi) ?? []).length} Glorot initializers`);
    await s.screenshot('s3-fix-02-fix-applied');

    // --- Re-run (the notification's button) -----------------------------------------------------------
    await toast.locator('.monaco-button', { hasText: 'Re-run' }).first().click();
    const second = await s.waitRunFolderCompleted(2, 'a second run folder with status completed', 90_000);
    const secondId = String(second.record.id);
    const panel2 = await dashboardFrame(s, 'panel', { runId: secondId, timeout: 30_000 });
    const clean = await waitDashboard(s, () => panel2, 'the re-run\'s panel completed', (d) => d.status === 'completed', { timeout: 30_000 });
    t.note(`run 2 (${secondId}): ${describe(clean)}`);
    await t.ok(!hasFault(clean), `the re-run has no ${RULES.join('/')} finding (findings: ${clean.findings.map((f) => f.rule).join(', ') || 'none'})`);

    const side2 = await waitDashboard(s, () => sidebar, 'the side bar to show the re-run without the finding', (d) => d.summary?.runId === secondId && d.status === 'completed', { timeout: 20_000 });
    await t.ok(!hasFault(side2), `the side bar's current run has no ${RULES.join('/')} finding (${side2.findings.map((f) => f.rule).join(', ') || 'none'})`);
    const sideEmpty = await sidebar.locator('.findings .empty').allInnerTexts();
    await t.ok(!sideEmpty.some((x) => /so far/.test(x)), `the side bar does not say "so far" for a run that has ended: "${sideEmpty.join(' ')}"`);
    await t.ok(side2.history.length === 2, `the side bar lists both runs (${side2.history.map((h) => `${h.name} ${h.status}`).join(' | ')})`);

    const rows = (await s.problems()).filter((r) => r.file.includes(CONFIG) && RULES.some((rule) => r.text.includes(rule)));
    await t.ok(rows.length === 0, `no ${RULES.join('/')} diagnostics left on ${CONFIG} (${rows.map((r) => r.text.slice(0, 80)).join(' | ')})`);
    await s.screenshot('s3-fix-03-rerun-clean');
  },
};
