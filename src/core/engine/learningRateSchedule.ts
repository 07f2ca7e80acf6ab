// Learning-rate schedules, evaluated per step. Pure functions of the step (plus the plateau
// state, which only changes at epoch ends), so they are easy to test and to plot ahead of a run.

import type { LrScheduleConfig, MonitorName } from '../config/trainConfig';

export interface SchedulePosition {
  /** 0-based global step. */
  step: number;
  stepsPerEpoch: number;
  totalEpochs: number;
}

export class LearningRateSchedule {
  /** Multiplier applied by reduceOnPlateau so far. */
  private plateauFactor = 1;
  private best = Infinity;
  private wait = 0;

  constructor(private readonly config: LrScheduleConfig, private readonly baseRate: number) {}

  rateAt({ step, stepsPerEpoch, totalEpochs }: SchedulePosition): number {
    const epochProgress = step / stepsPerEpoch; // fractional epochs completed
    const warmupSteps = Math.round(this.config.warmupEpochs * stepsPerEpoch);
    if (warmupSteps > 0 && step < warmupSteps) {
      // Linear warm-up; the first step already moves (a zero rate would waste it).
      return this.baseRate * (step + 1) / warmupSteps;
    }
    const c = this.config;
    switch (c.type) {
      case 'constant': return this.baseRate;
      case 'step': return this.baseRate * Math.pow(c.gamma, Math.floor(epochProgress / c.stepSize));
      case 'exponential': return this.baseRate * Math.pow(c.gamma, epochProgress);
      case 'cosine': {
        const totalSteps = Math.max(1, totalEpochs * stepsPerEpoch - warmupSteps);
        const t = Math.min(1, (step - warmupSteps) / totalSteps);
        return c.minLearningRate + (this.baseRate - c.minLearningRate) * 0.5 * (1 + Math.cos(Math.PI * t));
      }
      case 'reduceOnPlateau': return Math.max(c.minLearningRate, this.baseRate * this.plateauFactor);
    }
  }

  /** Called with each epoch's logs; returns true when reduceOnPlateau lowered the rate. */
  endEpoch(logs: Record<string, number | undefined>): boolean {
    const c = this.config;
    if (c.type !== 'reduceOnPlateau') return false;
    const value = logs[c.monitor];
    if (value === undefined || !Number.isFinite(value)) return false;
    const score = lowerIsBetter(c.monitor) ? value : -value;
    if (score < this.best - c.minDelta) {
      this.best = score;
      this.wait = 0;
      return false;
    }
    this.wait++;
    if (this.wait >= c.patience) {
      this.wait = 0;
      const before = this.plateauFactor;
      this.plateauFactor *= c.factor;
      return this.baseRate * before > c.minLearningRate;
    }
    return false;
  }
}

export function lowerIsBetter(monitor: MonitorName): boolean {
  return !monitor.endsWith('accuracy');
}
