// How much a run has learned so far and how hard it is trying: the relative fall of the training
// loss since the start, the size of the weight updates relative to the weights (‖Δθ‖/‖θ‖ per layer;
// the rule of thumb for a healthy step is about 1e-3) and whether any gradient flows at all. The
// slow-progress rules (lr.too-low, fit.underfitting) tell their cases apart with these numbers.

import type { EpochEndEvent, TrainingEvent } from '../../engine/trainingEvents';
import { LossHistory, median } from './lossHistory';

export interface UpdateRatioSummary {
  /** Median over the recent samples of the median over layers. */
  median: number;
  /** Median over samples of the largest layer's ratio. */
  max: number;
  /** Median over samples of smallest / largest layer ratio: near 0 when some layers are frozen. */
  spread: number;
  samples: number;
}

export interface ProgressSnapshot {
  epochs: number;
  steps: number;
  /** Mean loss of the first steps. */
  initialLoss: number;
  /** The last epoch's mean training loss. */
  currentLoss: number;
  /** (initial − current) / initial: negative when the loss rose. */
  progress: number;
  updates?: UpdateRatioSummary;
  /** Median global gradient norm over the recent steps. */
  gradNorm?: number;
  learningRate: number;
}

/** A gradient norm below this is no gradient at all (saturated outputs, dead units). */
export const NO_GRADIENT = 1e-8;

/** How many recent values the medians are taken over: the current state, in bounded memory. */
const RECENT = 200;

function pushRecent<T>(values: T[], value: T): void {
  values.push(value);
  if (values.length > RECENT) values.shift();
}

export class ProgressTracker {
  private readonly losses = new LossHistory();
  private readonly ratioSamples: { median: number; max: number; spread: number }[] = [];
  private readonly gradNorms: number[] = [];
  private stepNorms = false;

  observe(event: TrainingEvent): void {
    if (event.type === 'step') {
      this.losses.observe(event);
      const norm = event.gradNorm as number | undefined;
      if (norm === undefined) return;
      this.stepNorms = true;
      if (Number.isFinite(norm)) pushRecent(this.gradNorms, norm);
    } else if (event.type === 'layer-stats') {
      const ratios = event.layers
        .map((l) => l.updateRatio)
        .filter((r): r is number => r !== undefined && Number.isFinite(r) && r >= 0);
      if (ratios.length === 0) return;
      const largest = Math.max(...ratios);
      pushRecent(this.ratioSamples, { median: median(ratios), max: largest, spread: largest > 0 ? Math.min(...ratios) / largest : 0 });
      // Without per-step norms (older engines), the statistics samples give the gradient level.
      if (!this.stepNorms && Number.isFinite(event.gradNorm)) pushRecent(this.gradNorms, event.gradNorm);
    }
  }

  snapshot(event: EpochEndEvent): ProgressSnapshot | undefined {
    const initialLoss = this.losses.earlyMean;
    if (initialLoss === undefined || !Number.isFinite(event.loss) || initialLoss <= 0) return undefined;
    const samples = this.ratioSamples;
    return {
      epochs: event.epoch + 1,
      steps: this.losses.steps,
      initialLoss,
      currentLoss: event.loss,
      progress: (initialLoss - event.loss) / initialLoss,
      updates: samples.length === 0 ? undefined : {
        median: median(samples.map((s) => s.median)),
        max: median(samples.map((s) => s.max)),
        spread: median(samples.map((s) => s.spread)),
        samples: samples.length,
      },
      gradNorm: this.gradNorms.length > 0 ? median(this.gradNorms) : undefined,
      learningRate: event.learningRate,
    };
  }
}
