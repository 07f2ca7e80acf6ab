// Reading the Training Doctor dashboards (the editor panel and the side-bar view) from the
// outside. Both are the same webview app (webview/src/main.ts); its page has
// <body data-kind="panel|sidebar"> and exposes a read-only test hook,
// window.trainingDoctorDashboard (webview/src/testHook.ts): charts() with each chart's datasets
// and point counts, runSummary() with the run id and series lengths, uiState(), drawStats().
// What is read here is what the page shows: the hook's chart data plus the DOM's text
// (header status, findings with their Apply Fix buttons, run history rows).

import type { Frame } from 'playwright-core';
import type { Checks } from './scenario';
import type { Session } from './session';

export type DashboardKind = 'panel' | 'sidebar';

export interface ChartInfo {
  name: string;
  datasets: { label: string; points: number; finitePoints: number; dashed: boolean }[];
}

export interface DashboardFinding {
  rule: string;
  severity: string;
  index: string;
  message: string;
  fixes: { id: string; title: string; preferred: boolean; disabled: boolean }[];
  result: string;
}

export interface DashboardSnapshot {
  kind: string;
  hook: boolean;
  summary?: { runId?: string; steps: number; layerStats: number; findings: number; compareRunId?: string; historyLength: number };
  charts: ChartInfo[];
  /** Header status (panel: "completed", "running", "cancelled"…; side bar: from the run line). */
  status: string;
  meta: string;
  title: string;
  findings: DashboardFinding[];
  fixStatus: string;
  history: { runId: string; name: string; status: string; text: string }[];
  emptyText: string;
  /** No redraw pending: what the page shows is drawn from all the data it has. */
  settled: boolean;
}

// Runs inside the webview's page (a string: the suite type-checks without the DOM library).
const READ_DASHBOARD = `(() => {
  const hook = window.trainingDoctorDashboard;
  const text = (el) => (el ? (el.innerText || el.textContent || '').replace(/\\s+/g, ' ').trim() : '');
  const q = (sel) => document.querySelector(sel);
  const charts = hook ? hook.charts().map((c) => ({ name: c.name, datasets: c.datasets.map((d) => ({ label: d.label, points: d.points, finitePoints: d.finitePoints, dashed: d.dashed })) })) : [];
  const statusEl = q('.run-header .run-status') || q('.sb-run-line svg[class*="status-"]');
  let status = '';
  if (statusEl && statusEl.classList.contains('run-status')) status = text(statusEl);
  else if (statusEl) status = ([...statusEl.classList].find((c) => c.startsWith('status-')) || '').slice(7);
  const findings = [...document.querySelectorAll('li.finding')].filter((li) => li.offsetParent !== null).map((li) => ({
    rule: li.dataset.rule || '',
    severity: ([...li.classList].find((c) => c.startsWith('severity-')) || '').slice(9),
    index: li.dataset.index || '',
    message: text(li.querySelector('.message')),
    fixes: [...li.querySelectorAll('button.apply-fix')].map((b) => ({ id: b.dataset.fix || '', title: b.title, preferred: b.classList.contains('preferred'), disabled: b.disabled })),
    result: text(li.querySelector('.fix-result')),
  }));
  const history = [...document.querySelectorAll('.run-history .run-entry')].map((li) => ({
    runId: (li.querySelector('button.run-open') || {}).dataset?.runId || '',
    name: text(li.querySelector('.run-name')),
    status: ([...li.classList].find((c) => c.startsWith('status-')) || '').slice(7),
    text: text(li),
  }));
  const empty = q('.empty-state');
  return {
    kind: document.body.dataset.kind || '',
    hook: !!hook,
    summary: hook ? hook.runSummary() : undefined,
    charts,
    status,
    meta: text(q('.run-header .run-meta') || q('.sb-run-meta')),
    title: text(q('.run-header .run-title') || q('.sb-run-line .run-open')),
    findings,
    fixStatus: text(q('.fix-status')),
    history,
    emptyText: empty && !empty.hidden ? text(empty) : '',
    settled: hook ? !hook.drawStats().redrawPending : false,
  };
})()`;

export async function readDashboard(frame: Frame): Promise<DashboardSnapshot> {
  return (await frame.evaluate(READ_DASHBOARD)) as DashboardSnapshot;
}

/** Finite points of a chart's datasets (all, or the one with that exact label); 0 when absent. */
export function points(snapshot: DashboardSnapshot, chart: string, label?: string): number {
  const c = snapshot.charts.find((x) => x.name === chart);
  if (!c) return 0;
  const sets = label === undefined ? c.datasets : c.datasets.filter((d) => d.label === label);
  return sets.reduce((n, d) => n + d.finitePoints, 0);
}

/** The dashboard webview of that kind (a panel: optionally the one showing `runId`). */
export async function dashboardFrame(s: Session, kind: DashboardKind, { runId, timeout = 30_000, quiet }: { runId?: string; timeout?: number; quiet?: boolean } = {}): Promise<Frame> {
  return s.webviewFrame(`body[data-kind="${kind}"]`, {
    timeout,
    quiet,
    where: runId === undefined ? undefined : async (frame) => (await readDashboard(frame)).summary?.runId === runId,
  });
}

/** Opens the Training Doctor view container from the activity bar and returns the side-bar webview. */
export async function openSidebar(s: Session): Promise<Frame> {
  const item = s.page.locator('#workbench\\.parts\\.activitybar .action-item a[aria-label^="Training Doctor"], #workbench\\.parts\\.activitybar .action-item[aria-label^="Training Doctor"]').first();
  await item.waitFor({ state: 'visible', timeout: 15_000 });
  const checked = await item.evaluate((el) => (el.getAttribute('aria-checked') ?? el.parentElement?.getAttribute('aria-checked')) === 'true' || (el.classList.contains('checked') || !!el.parentElement?.classList.contains('checked')));
  if (!checked) await item.click();
  return dashboardFrame(s, 'sidebar');
}

/** Waits for a dashboard snapshot that satisfies `accept`; returns it. */
export async function waitDashboard(s: Session, frame: () => Promise<Frame> | Frame, description: string, accept: (d: DashboardSnapshot) => boolean, options: { timeout?: number; interval?: number; quiet?: boolean } = {}): Promise<DashboardSnapshot> {
  return s.waitFor(description, async () => {
    const d = await readDashboard(await frame());
    return accept(d) ? d : undefined;
  }, { timeout: options.timeout ?? 60_000, interval: options.interval ?? 250, quiet: options.quiet });
}

/**
 * Waits for the panel to show its run completed with every chart caught up (the header can say
 * "completed" one redraw before the layer charts do), noting each distinct state on the way and
 * the time since `startedAt`; returns the final snapshot.
 */
export async function waitRunCompleted(s: Session, t: Checks, panel: Frame, description: string, startedAt: number, timeout: number): Promise<DashboardSnapshot> {
  const seen: string[] = [];
  const done = await waitDashboard(s, () => panel, description, (d) => {
    const line = describe(d);
    if (seen[seen.length - 1] !== line) seen.push(line);
    return d.status === 'completed' && d.settled;
  }, { timeout, interval: 150 });
  t.note(`panel states seen: ${seen.join(' → ')}`);
  t.note(`run completed ${((Date.now() - startedAt) / 1000).toFixed(1)} s after the command: ${done.meta}`);
  return done;
}

/** A short line for logs: "running · 120 steps · 6 stats · loss 2/2 · findings init.x". */
export function describe(d: DashboardSnapshot): string {
  return [
    d.status || '?',
    `${d.summary?.steps ?? 0} steps`,
    `${d.summary?.layerStats ?? 0} stats samples`,
    `loss chart ${points(d, 'loss', 'train loss')}/${points(d, 'loss', 'validation loss')} pts`,
    d.findings.length ? `findings ${d.findings.map((f) => f.rule).join(',')}` : 'no findings',
  ].join(' · ');
}
