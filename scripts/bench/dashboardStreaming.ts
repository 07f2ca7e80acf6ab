// Benchmark: the dashboard panel while a 20,000-step run streams in (batches of 200 steps every
// 15 ms, in headless Chromium, as in test/webview/dashboardApp.test.ts). Prints, per round, the
// page's own wall-clock figures (redraws, slowest draw, longest frame gap, long tasks) and the main
// thread's CPU time from a trace (longest task, most work between two frames, the reference unit),
// with the ratios the test checks. Figures, not pass/fail.
//   npm run bench -- dashboardStreaming      or      npx tsx scripts/bench/dashboardStreaming.ts [rounds]
import { median } from '../../test/webview/mainThreadTrace';
import { streamSyntheticRun, type StreamMeasurement } from '../../test/webview/syntheticStream';
import { browserSkipReason, launchBrowser, openDashboard } from '../../test/webview/webviewHarness';

const rounds = Number(process.argv[2] ?? 3);

const columns: [string, number, (m: StreamMeasurement) => string][] = [
  ['round', 5, () => ''],
  ['wall ms', 8, (m) => m.elapsedMs.toFixed(0)],
  ['redraws', 8, (m) => String(m.draws)],
  ['slowest draw', 13, (m) => m.maxDrawMs.toFixed(1)],
  ['frame gap', 10, (m) => m.maxFrameGapMs.toFixed(1)],
  ['long tasks', 11, (m) => String(m.longTasks.length)],
  ['longest', 8, (m) => Math.max(0, ...m.longTasks).toFixed(1)],
  ['| cpu: task', 11, (m) => m.work.longestTaskCpuMs.toFixed(1)],
  ['frame gap', 10, (m) => m.work.longestFrameGapCpuMs.toFixed(1)],
  ['ref unit', 9, (m) => m.referenceCpuMs.toFixed(1)],
  ['(wall)', 7, (m) => median(m.work.referenceWallMs).toFixed(1)],
  ['task/ref', 9, (m) => (m.work.longestTaskCpuMs / m.referenceCpuMs).toFixed(2)],
  ['gap/ref', 8, (m) => (m.work.longestFrameGapCpuMs / m.referenceCpuMs).toFixed(2)],
];

(async () => {
  const skip = browserSkipReason();
  if (skip) {
    console.log(`skipped: ${skip}`);
    return;
  }
  const browser = await launchBrowser();
  try {
    console.log(`${rounds} rounds; wall-clock figures in ms as the page saw them, then the main thread's CPU time (ms) from a trace`);
    console.log(columns.map(([title, width]) => title.padStart(width)).join(' '));
    for (let round = 1; round <= rounds; round++) {
      const page = await openDashboard(browser, { kind: 'panel' });
      const measured = await streamSyntheticRun(browser, page);
      console.log(columns.map(([, width, cell], i) => (i === 0 ? String(round) : cell(measured)).padStart(width)).join(' '));
      await page.page.close();
    }
  } finally {
    await browser.close();
  }
})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
