// The training loss as the learning-rate and progress rules read it: the loss of the model as
// initialized (the first step, before any update), the early level, and block averages of the
// step losses, which smooth out batch-to-batch noise.

import type { StepEvent } from '../../engine/trainingEvents';

export class LossHistory {
  /** Loss of the first step: the initialized model on one batch. */
  first?: number;
  private readonly early: number[] = [];
  private readonly block: number[] = [];
  /** Mean of the latest complete block of `blockSize` finite step losses, and how many blocks closed. */
  lastBlockMean?: number;
  blocks = 0;
  private readonly recent: number[] = [];
  steps = 0;

  constructor(private readonly blockSize = 20, private readonly earlySteps = 5, private readonly recentSteps = 10) {}

  /** Returns true when this step closed a block. */
  observe(event: StepEvent): boolean {
    if (!Number.isFinite(event.loss)) return false;
    this.steps++;
    this.first ??= event.loss;
    if (this.early.length < this.earlySteps) this.early.push(event.loss);
    this.recent.push(event.loss);
    if (this.recent.length > this.recentSteps) this.recent.shift();
    this.block.push(event.loss);
    if (this.block.length < this.blockSize) return false;
    this.lastBlockMean = mean(this.block);
    this.blocks++;
    this.block.length = 0;
    return true;
  }

  /** Mean of the first few step losses: a steadier start level than one batch. */
  get earlyMean(): number | undefined {
    return this.early.length > 0 ? mean(this.early) : undefined;
  }

  get recentMean(): number | undefined {
    return this.recent.length > 0 ? mean(this.recent) : undefined;
  }

  /** The recent loss is `factor` times the initial one or more (never true for a non-positive start). */
  risenAbove(factor: number): boolean {
    const recent = this.recentMean;
    return this.first !== undefined && this.first > 0 && recent !== undefined && recent >= factor * this.first;
  }
}

export function mean(values: number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
