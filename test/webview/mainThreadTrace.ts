// What a page's main thread did, read from a Chromium performance trace, in *thread time*: the CPU
// time the thread itself ran. Unlike wall time it does not grow while the thread waits for a core,
// so a busy machine cannot make a task look long. The page marks what to measure with
// performance.mark: a window (`<name>-start` … `<name>-end`) and reference units of work.

import type { Browser, Page } from 'playwright-core';

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  /** Thread time, µs (complete events). */
  tdur?: number;
  /** Thread clock at the event, µs. */
  tts?: number;
}

interface Task {
  start: number;
  end: number;
  cpuMs: number;
  wallMs: number;
}

export interface MainThreadWork {
  /** Top-level tasks that started inside the window, and how many of them ran animation frames. */
  tasks: number;
  frames: number;
  /** The longest task, in thread time (ms) and in wall time (ms). */
  longestTaskCpuMs: number;
  longestTaskWallMs: number;
  /** The most thread time spent between two consecutive animation frames (ms). */
  longestFrameGapCpuMs: number;
  /** The thread time of each `<reference>-start` … `<reference>-end` pair (ms), and its wall time. */
  referenceCpuMs: number[];
  referenceWallMs: number[];
}

/** Categories enough for tasks (toplevel), animation frames (devtools.timeline) and the page's marks. */
const CATEGORIES = ['toplevel', 'devtools.timeline', 'blink.user_timing'];

/** Runs `body` while the browser traces, and reads back the main-thread work of the page that marked `window`. */
export async function traceMainThread(browser: Browser, page: Page, marks: { window: string; reference: string }, body: () => Promise<void>): Promise<MainThreadWork> {
  await browser.startTracing(page, { categories: CATEGORIES });
  let trace: Buffer | undefined;
  try {
    await body();
  } finally {
    trace = await browser.stopTracing();
  }
  const parsed = JSON.parse(trace.toString('utf8')) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  return mainThreadWork(Array.isArray(parsed) ? parsed : parsed.traceEvents ?? [], marks);
}

export function mainThreadWork(events: TraceEvent[], marks: { window: string; reference: string }): MainThreadWork {
  const windowStart = events.find((e) => e.name === `${marks.window}-start`);
  const windowEnd = events.find((e) => e.name === `${marks.window}-end`);
  if (!windowStart || !windowEnd) throw new Error(`the trace has no ${marks.window}-start/-end marks (${events.length} events)`);
  // The page's main thread is the one that marked; other pages of the browser are other threads.
  const onMain = (e: TraceEvent) => e.pid === windowStart.pid && e.tid === windowStart.tid;
  const inWindow = (ts: number) => ts >= windowStart.ts && ts <= windowEnd.ts;

  const tasks = topLevelTasks(events.filter((e) => onMain(e) && e.ph === 'X' && isTask(e.name))).filter((t) => inWindow(t.start));
  // A frame gap as the page sees it (from one animation frame callback to the next), in thread
  // time: the tasks from the one that ran a frame up to the one that runs the next frame.
  const frameTasks = tasks.filter((task) => events.some((e) => onMain(e) && e.name === 'FireAnimationFrame' && e.ts >= task.start && e.ts <= task.end));
  let longestFrameGapCpuMs = 0;
  for (let i = 0; i + 1 < frameTasks.length; i++) {
    const between = tasks.filter((t) => t.start >= frameTasks[i].start && t.start < frameTasks[i + 1].start);
    longestFrameGapCpuMs = Math.max(longestFrameGapCpuMs, between.reduce((sum, t) => sum + t.cpuMs, 0));
  }

  const referenceCpuMs: number[] = [];
  const referenceWallMs: number[] = [];
  const referenceMarks = events.filter((e) => onMain(e) && (e.name === `${marks.reference}-start` || e.name === `${marks.reference}-end`)).sort((a, b) => a.ts - b.ts);
  for (let i = 0; i + 1 < referenceMarks.length; i++) {
    const [start, end] = [referenceMarks[i], referenceMarks[i + 1]];
    if (start.name.endsWith('-start') && end.name.endsWith('-end') && start.tts !== undefined && end.tts !== undefined) {
      referenceCpuMs.push((end.tts - start.tts) / 1000);
      referenceWallMs.push((end.ts - start.ts) / 1000);
    }
  }
  return {
    tasks: tasks.length,
    frames: frameTasks.length,
    longestTaskCpuMs: Math.max(0, ...tasks.map((t) => t.cpuMs)),
    longestTaskWallMs: Math.max(0, ...tasks.map((t) => t.wallMs)),
    longestFrameGapCpuMs,
    referenceCpuMs,
    referenceWallMs,
  };
}

function isTask(name: string): boolean {
  return name === 'ThreadControllerImpl::RunTask' || name === 'RunTask';
}

/** Tasks not nested in another (a nested run loop runs tasks inside a task). */
function topLevelTasks(events: TraceEvent[]): Task[] {
  const sorted = [...events].sort((a, b) => a.ts - b.ts);
  const tasks: Task[] = [];
  for (const e of sorted) {
    const end = e.ts + (e.dur ?? 0);
    if (tasks.length > 0 && e.ts < tasks[tasks.length - 1].end) continue;
    // Without thread time (a platform without thread clocks) the wall time is the best there is.
    tasks.push({ start: e.ts, end, cpuMs: (e.tdur ?? e.dur ?? 0) / 1000, wallMs: (e.dur ?? 0) / 1000 });
  }
  return tasks;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)];
}
