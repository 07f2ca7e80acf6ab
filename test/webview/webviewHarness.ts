// Runs the built dashboard webview (dist/webview.js and dist/webview.css) in headless Chromium
// the way VS Code would: the page comes from renderDashboardHtml with its real CSP and nonce,
// served from a fake webview origin, with VS Code's Dark+ theme variables on <html> and a stub
// acquireVsCodeApi that records what the page posts and keeps its state across reloads.
// Host messages are sent as window messages, as VS Code delivers them.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { DashboardKind, HostToWebview, RunListEntry } from '../../src/core/dashboard/dashboardProtocol';
import { runDataFromEvents, runListEntry, type RunData } from '../../src/core/dashboard/runData';
import type { TrainingEvent } from '../../src/core/engine/trainingEvents';
import { createNonce, renderDashboardHtml } from '../../src/extension/dashboard/dashboardHtml';

export const ROOT = path.resolve(__dirname, '..', '..');
/** Debian's Chromium; CHROMIUM_PATH points elsewhere (an empty or missing file skips the browser tests). */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const ARTIFACTS = path.join(ROOT, 'test', 'e2e', 'artifacts');
const ORIGIN = 'https://webview.test';
const DIST = path.join(ROOT, 'dist');

/** Why the browser tests cannot run here, or false when they can. */
export function browserSkipReason(): string | false {
  if (!fs.existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (apt-get install -y chromium): browser tests of the webview skipped`;
  try {
    require.resolve('playwright-core');
  } catch {
    return 'playwright-core is not installed (npm install -D playwright-core): browser tests of the webview skipped';
  }
  return false;
}

/** VS Code's Dark+ theme, as the variables it sets on a webview's <html>. */
export const DARK_PLUS: Record<string, string> = {
  '--vscode-font-family': '-apple-system, BlinkMacSystemFont, "Segoe WPC", "Segoe UI", "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-font-weight': 'normal',
  '--vscode-editor-font-family': 'Consolas, "Courier New", monospace',
  '--vscode-foreground': '#cccccc',
  '--vscode-descriptionForeground': 'rgba(204, 204, 204, 0.7)',
  '--vscode-errorForeground': '#f48771',
  '--vscode-focusBorder': '#007fd4',
  '--vscode-editor-background': '#1e1e1e',
  '--vscode-editor-foreground': '#d4d4d4',
  '--vscode-sideBar-background': '#252526',
  '--vscode-editorWidget-background': '#252526',
  '--vscode-panel-border': 'rgba(128, 128, 128, 0.35)',
  '--vscode-widget-border': '#303031',
  '--vscode-button-background': '#0e639c',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-hoverBackground': '#1177bb',
  '--vscode-button-secondaryBackground': '#3a3d41',
  '--vscode-button-secondaryForeground': '#ffffff',
  '--vscode-button-secondaryHoverBackground': '#45494e',
  '--vscode-badge-background': '#4d4d4d',
  '--vscode-badge-foreground': '#ffffff',
  '--vscode-textLink-foreground': '#3794ff',
  '--vscode-textLink-activeForeground': '#3794ff',
  '--vscode-list-hoverBackground': '#2a2d2e',
  '--vscode-list-inactiveSelectionBackground': '#37373d',
  '--vscode-editorWarning-foreground': '#cca700',
  '--vscode-editorInfo-foreground': '#3794ff',
  '--vscode-testing-iconPassed': '#73c991',
  '--vscode-progressBar-background': '#0e70c0',
  '--vscode-charts-foreground': '#cccccc',
  '--vscode-charts-lines': 'rgba(204, 204, 204, 0.5)',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-yellow': '#cca700',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-purple': '#b180d7',
};

/** VS Code's Light+ theme (the variables that differ). */
export const LIGHT_PLUS: Record<string, string> = {
  ...DARK_PLUS,
  '--vscode-foreground': '#616161',
  '--vscode-descriptionForeground': '#717171',
  '--vscode-errorForeground': '#a1260d',
  '--vscode-focusBorder': '#0090f1',
  '--vscode-editor-background': '#ffffff',
  '--vscode-editor-foreground': '#000000',
  '--vscode-sideBar-background': '#f3f3f3',
  '--vscode-editorWidget-background': '#f3f3f3',
  '--vscode-button-secondaryBackground': '#5f6a79',
  '--vscode-badge-background': '#c4c4c4',
  '--vscode-badge-foreground': '#333333',
  '--vscode-textLink-foreground': '#006ab1',
  '--vscode-list-hoverBackground': '#e8e8e8',
  '--vscode-list-inactiveSelectionBackground': '#e4e6f1',
  '--vscode-editorWarning-foreground': '#bf8803',
  '--vscode-editorInfo-foreground': '#1a85ff',
  '--vscode-charts-foreground': '#616161',
  '--vscode-charts-lines': 'rgba(97, 97, 97, 0.5)',
  '--vscode-charts-red': '#e51400',
  '--vscode-charts-blue': '#1a85ff',
  '--vscode-charts-yellow': '#bf8803',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-green': '#388a34',
  '--vscode-charts-purple': '#652d90',
};

export function readEvents(fixture: string): TrainingEvent[] {
  const text = fs.readFileSync(path.join(__dirname, 'fixtures', fixture), 'utf8');
  return text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as TrainingEvent);
}

export function runIdOf(events: TrainingEvent[]): string {
  const started = events.find((e) => e.type === 'run-started');
  if (!started || started.type !== 'run-started') throw new Error('fixture without run-started');
  return started.runId;
}

export function historyEntry(data: RunData): RunListEntry {
  return runListEntry(data, '2026-01-01T00:00:00.000Z');
}

export function fullRun(fixture: string): RunData {
  const events = readEvents(fixture);
  return runDataFromEvents(runIdOf(events), events);
}

/** Headless Chromium for the webview tests, with the webview bundle up to date. */
export async function launchBrowser(): Promise<Browser> {
  ensureWebviewBundle();
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Rebuilds dist/webview.js when it is missing or older than its sources. */
export function ensureWebviewBundle(): void {
  const bundle = path.join(DIST, 'webview.js');
  const newestSource = Math.max(
    ...['webview/src', 'src/core/dashboard'].flatMap((dir) => listFiles(path.join(ROOT, dir))).map((f) => fs.statSync(f).mtimeMs),
  );
  if (fs.existsSync(bundle) && fs.existsSync(path.join(DIST, 'webview.css')) && fs.statSync(bundle).mtimeMs >= newestSource) return;
  const result = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm run build failed, so the webview bundle is stale:\n${result.stderr}`);
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

export interface PostedMessage {
  type: string;
  [key: string]: unknown;
}

export interface HarnessPage {
  page: Page;
  /** Problems the page reported: uncaught errors, console errors, CSP violations. */
  problems: string[];
  send(...messages: HostToWebview[] | unknown[]): Promise<void>;
  posted(): Promise<PostedMessage[]>;
  /** Waits for the next redraw to have happened after everything sent so far. */
  settle(): Promise<void>;
  charts(): Promise<ChartInfo[]>;
  chart(name: string): Promise<ChartInfo>;
  screenshot(name: string): Promise<string>;
}

interface DashboardGlobal {
  trainingDoctorDashboard: { drawStats(): { redrawPending: boolean; draws: number } };
}

export interface ChartInfo {
  name: string;
  type: string;
  labels: string[];
  datasets: { label: string; points: number; finitePoints: number; dashed: boolean; color: string; values: (number | null)[] }[];
  scales: Record<string, string>;
}

export interface OpenOptions {
  kind: DashboardKind;
  width?: number;
  height?: number;
  theme?: Record<string, string>;
  themeClass?: string;
  docsUrl?: string;
  /** Reuses the webview state saved by an earlier page of the same browser context. */
  page?: Page;
}

/** Opens the dashboard page of `kind` in a fresh page (or reloads `options.page`). */
export async function openDashboard(browser: Browser, options: OpenOptions): Promise<HarnessPage> {
  const page = options.page ?? (await browser.newPage({ viewport: { width: options.width ?? 1200, height: options.height ?? 900 } }));
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  await page.route(`${ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/index.html') {
      const html = renderDashboardHtml({
        kind: options.kind,
        cspSource: ORIGIN,
        nonce: createNonce(),
        scriptUri: `${ORIGIN}/dist/webview.js`,
        styleUri: `${ORIGIN}/dist/webview.css`,
        title: 'Training Doctor',
        docsUrl: options.docsUrl,
      });
      return route.fulfill({ status: 200, contentType: 'text/html', body: html });
    }
    const file = path.join(DIST, path.basename(url.pathname));
    if (url.pathname.startsWith('/dist/') && fs.existsSync(file)) {
      return route.fulfill({ status: 200, contentType: file.endsWith('.css') ? 'text/css' : 'text/javascript', body: fs.readFileSync(file) });
    }
    return route.fulfill({ status: 404, body: 'not found' });
  });
  if (!options.page) await page.addInitScript({ content: initScript(options.theme ?? DARK_PLUS, options.themeClass ?? 'vscode-dark') });
  await page.goto(`${ORIGIN}/index.html`);
  // Function predicates only: a string one would be eval'd in the page, which the CSP forbids.
  await page.waitForFunction(() => (globalThis as unknown as { trainingDoctorDashboard?: unknown }).trainingDoctorDashboard !== undefined);

  const harness: HarnessPage = {
    page,
    problems,
    async send(...messages) {
      await page.evaluate((list) => { for (const m of list) (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(m, '*'); }, messages as unknown[]);
    },
    posted: () => page.evaluate('window.__posted') as Promise<PostedMessage[]>,
    async settle() {
      // Messages are delivered as tasks: let them arrive, then wait for the throttled redraw.
      await page.evaluate('new Promise((resolve) => setTimeout(resolve, 0))');
      await page.waitForFunction(() => !(globalThis as unknown as DashboardGlobal).trainingDoctorDashboard.drawStats().redrawPending);
      await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => resolve()))');
    },
    charts: () => page.evaluate('window.trainingDoctorDashboard.charts()') as Promise<ChartInfo[]>,
    async chart(name) {
      const found = (await harness.charts()).find((c) => c.name === name);
      if (!found) throw new Error(`no chart named ${name}`);
      return found;
    },
    async screenshot(name) {
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      const file = path.join(ARTIFACTS, `webview-${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
  };
  return harness;
}

export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate('window.__cspViolations ?? []') as Promise<string[]>;
}

/**
 * Runs before the page's scripts, as VS Code's webview bootstrap does: the theme variables on
 * <html> and the theme class on <body>, and acquireVsCodeApi (once per page) whose messages are
 * recorded in window.__posted and whose state survives reloads (sessionStorage).
 */
function initScript(theme: Record<string, string>, themeClass: string): string {
  return `(() => {
  const posted = [];
  window.__posted = posted;
  window.__cspViolations = [];
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return {
      postMessage: (message) => posted.push(JSON.parse(JSON.stringify(message))),
      getState: () => JSON.parse(sessionStorage.getItem('vscodeState') || 'null'),
      setState: (state) => sessionStorage.setItem('vscodeState', JSON.stringify(state)),
    };
  };
  document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
  // The init script runs before <html> exists: theme it as soon as it does, before any script.
  const theme = ${JSON.stringify(theme)};
  let themed = false;
  const apply = () => {
    if (!themed && document.documentElement) {
      for (const [name, value] of Object.entries(theme)) document.documentElement.style.setProperty(name, value);
      themed = true;
    }
    if (document.body) {
      document.body.classList.add(${JSON.stringify(themeClass)});
      observer.disconnect();
    }
  };
  const observer = new MutationObserver(apply);
  observer.observe(document, { childList: true, subtree: true });
  apply();
})();`;
}

export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
