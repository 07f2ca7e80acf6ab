// A 20,000-step run streamed into an open dashboard page, with what it cost the page's main thread.
// Shared by the webview test (which checks the costs relative to a reference unit of work measured
// in the same page) and `npm run bench` (which prints them).

import type { Browser } from 'playwright-core';
import { emptyRunData } from '../../src/core/dashboard/runData';
import type { HostToWebview } from '../../src/core/dashboard/dashboardProtocol';
import type { TrainingEvent } from '../../src/core/engine/trainingEvents';
import { median, traceMainThread, type MainThreadWork } from './mainThreadTrace';
import type { HarnessPage } from './webviewHarness';

export const SYNTHETIC_RUN_ID = 'synthetic-20k';
const LAYERS = 8;

/** What the page measured itself, in wall time, and what the trace says its main thread did. */
export interface StreamMeasurement {
  batches: number;
  draws: number;
  maxDrawMs: number;
  elapsedMs: number;
  maxFrameGapMs: number;
  longTasks: number[];
  work: MainThreadWork;
  /** The median thread time of the reference unit of work, before and after the stream (ms). */
  referenceCpuMs: number;
}

// Plain JavaScript run inside the page (as text: tsx would wrap named functions in helpers the page
// does not have). Posts 20,000 steps in batches of 200 with a statistics sample every 10 steps, a
// spike every 997 steps and one NaN loss, every 15 ms, while it records the gaps between
// animation frames and the long tasks. Before and after, it runs a reference unit of work in tasks
// of their own: what one task of this page may cost is judged against it.
const STREAM_IN_PAGE = `async ({ runId, layers }) => {
  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  // The kind of work a chart redraw does, without the dashboard: 20,000 numbers sorted, and a
  // 2,000-point line stroked five times on a chart-sized canvas and read back so it is really drawn.
  const canvas = document.createElement('canvas');
  canvas.width = 600;
  canvas.height = 300;
  const context = canvas.getContext('2d');
  const referenceUnit = () => {
    performance.mark('td-reference-start');
    const values = [];
    let x = 0.5;
    for (let i = 0; i < 20000; i++) { x = (x * 9301 + 49297) % 233280; values.push(x / 233280); }
    values.sort((a, b) => a - b);
    for (let round = 0; round < 5; round++) {
      context.clearRect(0, 0, 600, 300);
      context.beginPath();
      for (let i = 0; i < 2000; i++) context.lineTo(i * 0.3, 300 * values[(i * 9973 + round) % 20000]);
      context.stroke();
      context.getImageData(0, 0, 1, 1);
    }
    performance.mark('td-reference-end');
  };
  const references = async () => { for (let i = 0; i < 5; i++) { await pause(0); referenceUnit(); } };
  await references();

  const longTasks = [];
  const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) longTasks.push(e.duration); });
  observer.observe({ entryTypes: ['longtask'] });
  let maxFrameGapMs = 0;
  let last = performance.now();
  let measuring = true;
  const frame = () => {
    const now = performance.now();
    maxFrameGapMs = Math.max(maxFrameGapMs, now - last);
    last = now;
    if (measuring) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  const hook = window.trainingDoctorDashboard;
  const drawsBefore = hook.drawStats().draws;
  performance.mark('td-stream-start');
  const start = performance.now();
  const steps = 20000;
  const perBatch = 200;
  for (let first = 0; first < steps; first += perBatch) {
    const events = [];
    for (let s = first; s < first + perBatch; s++) {
      const epoch = Math.floor(s / 1000);
      const loss = 2.3 * Math.exp(-s / 4000) + 0.05 + 0.05 * Math.sin(s * 0.7) + (s % 997 === 0 ? 1 : 0);
      events.push({ type: 'step', step: s, epoch, loss: s === 12345 ? null : loss, gradNorm: 1 + Math.cos(s / 50), learningRate: 0.1 * (1 + Math.cos(Math.PI * s / steps)) / 2, metrics: { accuracy: 1 - loss / 3 } });
      if (s % 10 === 0) {
        const statsLayers = [];
        for (let i = 0; i < layers; i++) {
          statsLayers.push({
            index: i, name: i + ':dense', type: 'dense',
            activation: { mean: 0.3, std: 0.8 * Math.pow(0.9, i) * (1 + s / steps), zeroFraction: 0.5, deadFraction: i * 0.02 * s / steps },
            weights: { mean: 0, std: 0.05 + s / steps * 0.01 }, gradNorm: Math.pow(0.7, layers - i) * (1 + Math.sin(s / 300) / 2), updateRatio: 1e-3,
          });
        }
        events.push({ type: 'layer-stats', step: s, epoch, gradNorm: 1, layers: statsLayers });
      }
      if ((s + 1) % 1000 === 0) events.push({ type: 'epoch-end', epoch, step: s + 1, loss, metrics: { accuracy: 1 - loss / 3 }, valLoss: loss * 1.1, valMetrics: { accuracy: 1 - loss / 2.8 }, learningRate: 0.05, durationMs: 900 });
    }
    window.postMessage({ type: 'append', runId, events }, '*');
    await pause(15);
  }
  // Let the last redraw happen, then stop measuring.
  while (hook.drawStats().redrawPending) await pause(20);
  await new Promise((resolve) => requestAnimationFrame(() => resolve()));
  measuring = false;
  const elapsedMs = performance.now() - start;
  performance.mark('td-stream-end');
  observer.disconnect();
  await references();
  const stats = hook.drawStats();
  return { maxFrameGapMs, longTasks, draws: stats.draws - drawsBefore, maxDrawMs: stats.maxDrawMs, elapsedMs, batches: steps / perBatch };
}`;

export function syntheticRunStarted(): TrainingEvent {
  return {
    type: 'run-started', runId: SYNTHETIC_RUN_ID, configName: SYNTHETIC_RUN_ID, backend: 'wasm', backendDetail: 'synthetic', dataset: 'synthetic',
    trainExamples: 64_000, validationExamples: 6_400, epochs: 20, stepsPerEpoch: 1000, batchSize: 64, statsEvery: 10,
    layers: Array.from({ length: LAYERS }, (_, i) => ({ index: i, name: `${i}:dense`, type: 'dense', activation: i === LAYERS - 1 ? 'softmax' : 'relu', outputShape: [128], params: 16512 })),
    inputStats: { mean: 0, std: 1, min: -3, max: 3, featureMeanAbsMax: 0.1, featureStdMin: 0.9, featureStdMax: 1.1 } as never,
    startedAt: new Date().toISOString(),
  };
}

/**
 * Opens the synthetic run in `page` (a panel), then lets the page generate and post the stream
 * itself (far faster than the host's 150 ms batches) while the browser traces it: the numbers are
 * the page's, not the driver's.
 */
export async function streamSyntheticRun(browser: Browser, page: HarnessPage): Promise<StreamMeasurement> {
  const runId = SYNTHETIC_RUN_ID;
  await page.send({ type: 'snapshot', kind: 'panel', run: emptyRunData(runId), history: [], activeRunId: runId } satisfies HostToWebview);
  await page.send({ type: 'append', runId, events: [syntheticRunStarted()] } satisfies HostToWebview);
  await page.settle();
  let inPage: Omit<StreamMeasurement, 'work' | 'referenceCpuMs'> | undefined;
  const work = await traceMainThread(browser, page.page, { window: 'td-stream', reference: 'td-reference' }, async () => {
    inPage = await page.page.evaluate(`(${STREAM_IN_PAGE})(${JSON.stringify({ runId, layers: LAYERS })})`) as typeof inPage;
  });
  return { ...inPage!, work, referenceCpuMs: median(work.referenceCpuMs) };
}
