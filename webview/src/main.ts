// Entry of the dashboard webview (bundled to dist/webview.js, with dashboard.css to
// dist/webview.css). The same app serves the editor panel and the side-bar view; the host says
// which in the page (data-kind) and in every snapshot. Every host message is validated before
// it touches the model (DashboardApp.receiveRaw), and a failure stays with its message.

import './dashboard.css';
import { DashboardApp } from './dashboardApp';
import { acquireHostApi } from './hostApi';
import { exposeTestHook } from './testHook';

const body = document.body;
const host = acquireHostApi();
const app = new DashboardApp(document.getElementById('app') ?? body, host, {
  kind: body.dataset.kind === 'sidebar' ? 'sidebar' : 'panel',
  docsUrl: body.dataset.docsUrl || undefined,
  clock: {
    now: () => performance.now(),
    requestFrame: (callback) => requestAnimationFrame(() => callback()),
    setTimer: (callback, delayMs) => setTimeout(callback, delayMs),
  },
});

window.addEventListener('message', (event: MessageEvent) => app.receiveRaw(event.data));
// Anything that still escapes (a click handler's bug) reaches the host's log too.
window.addEventListener('error', (event) => app.problems.caught('uncaught', event.error ?? event.message));
window.addEventListener('unhandledrejection', (event) => app.problems.caught('unhandled rejection', event.reason));
exposeTestHook(app);
host.post({ type: 'ready' });
