// Timing for the performance tests: the median of several runs after warm-ups, so one slow run
// on a busy machine (or the JIT's first compile) does not decide the result.

import { performance } from 'node:perf_hooks';

/** Median wall time of `run` in ms, after `warmup` runs so the JIT has compiled the hot paths. */
export function medianMs(run: () => void, runs = 15, warmup = 5): number {
  for (let i = 0; i < warmup; i++) run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
