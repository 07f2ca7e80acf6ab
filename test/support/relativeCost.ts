// Timing for the performance tests that a busy machine cannot fail: the code under test is timed
// against a reference unit of work in the same process, in interleaved rounds, in CPU time (a
// process waiting for a core spends none), and judged by the ratio. The absolute figures are for the
// log and for `npm run bench`, not for pass/fail.

export interface RelativeCost {
  /** Median CPU time of the subject over median CPU time of the reference. */
  ratio: number;
  subjectMs: number;
  referenceMs: number;
}

/** The cost of `subject` in units of `reference`, after `warmup` rounds so the JIT has compiled both. */
export function costRelativeTo(subject: () => unknown, reference: () => unknown, rounds = 15, warmup = 5): RelativeCost {
  for (let i = 0; i < warmup; i++) {
    subject();
    reference();
  }
  const subjectMs: number[] = [];
  const referenceMs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    subjectMs.push(cpuMs(subject));
    referenceMs.push(cpuMs(reference));
  }
  const [s, r] = [median(subjectMs), median(referenceMs)];
  return { ratio: s / r, subjectMs: s, referenceMs: r };
}

/** CPU time (user + system, all threads of the process) that `run` took, in ms. */
function cpuMs(run: () => unknown): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** "7.54 ms of CPU (median), 10.4× reading its syntax tree (0.724 ms)", for logs and assertion messages. */
export function describeCost(cost: RelativeCost, reference: string): string {
  return `${cost.subjectMs.toFixed(2)} ms of CPU (median), ${cost.ratio.toFixed(2)}× ${reference} (${cost.referenceMs.toFixed(3)} ms)`;
}
