// The epoch ends of a TensorBoard run, from whichever of three shapes its logs have: an epoch-level
// training loss (Keras' `epoch_loss`; validation values at the same epoch numbers), else one epoch
// per validation point with the training loss averaged over the steps since the previous one
// (Lightning, TF1 Estimators), else epochs where the logged epoch counter moves on.

import type { EpochEndEvent } from '../../engine/trainingEvents';
import { sortedPoints, valueAtOrBefore, type Point, type TagSeries } from './tensorboardSeries';

type ScalarSeries = TagSeries<number>;

/** An epoch end before the learning rate and duration are added, with the wall time it happened at. */
export type EpochDraft = Omit<EpochEndEvent, 'type' | 'learningRate' | 'durationMs'> & { wallTime: number };

export interface EpochSources {
  epochLoss?: ScalarSeries;
  validationLoss?: ScalarSeries;
  /** The step-level training loss, by step. */
  stepLossPoints: Point<number>[];
  /** The logged epoch counter (Lightning's `epoch`), by step. */
  epochPoints: Point<number>[];
  epochMetrics: ScalarSeries[];
  validationMetrics: ScalarSeries[];
}

/** {metric name: value} of the metric series that have a value at `step`. */
export function metricValues(list: ScalarSeries[], step: number): Record<string, number> {
  const values: Record<string, number> = {};
  for (const m of list) {
    const point = m.points.get(step);
    if (point && m.role.role === 'metric') values[m.role.name] = point.value;
  }
  return values;
}

const mean = (points: Point<number>[]) => points.reduce((sum, p) => sum + p.value, 0) / points.length;

export function epochDrafts({ epochLoss, validationLoss, stepLossPoints, epochPoints, epochMetrics, validationMetrics }: EpochSources): EpochDraft[] {
  const epochs: EpochDraft[] = [];
  if (epochLoss) {
    const lastStepAtOrBefore = (wallTime: number) => {
      let step: number | undefined;
      for (const p of stepLossPoints) if (p.wallTime <= wallTime) step = p.step;
      return step;
    };
    for (const p of sortedPoints(epochLoss)) {
      const val = validationLoss?.points.get(p.step);
      const wallTime = Math.max(p.wallTime, val?.wallTime ?? 0);
      epochs.push({
        epoch: p.step, step: lastStepAtOrBefore(wallTime) ?? p.step, wallTime, loss: p.value, metrics: metricValues(epochMetrics, p.step),
        valLoss: val?.value, valMetrics: metricValues(validationMetrics, p.step),
      });
    }
  } else if (validationLoss && stepLossPoints.length > 0) {
    let previous = -Infinity;
    sortedPoints(validationLoss).forEach((v, ordinal) => {
      const window = stepLossPoints.filter((p) => p.step > previous && p.step <= v.step);
      previous = v.step;
      const epoch = epochPoints.length > 0 ? valueAtOrBefore(epochPoints, v.step) ?? ordinal : ordinal;
      epochs.push({
        epoch: Math.round(epoch), step: v.step, wallTime: v.wallTime, loss: window.length > 0 ? mean(window) : NaN,
        metrics: {}, valLoss: v.value, valMetrics: metricValues(validationMetrics, v.step),
      });
    });
  } else if (epochPoints.length > 0 && stepLossPoints.length > 0) {
    // No validation: an epoch ends where the epoch counter moves on.
    let window: Point<number>[] = [];
    let current: number | undefined;
    for (const p of stepLossPoints) {
      const epoch = valueAtOrBefore(epochPoints, p.step);
      if (current !== undefined && epoch !== current && window.length > 0) {
        const last = window[window.length - 1];
        epochs.push({ epoch: Math.round(current), step: last.step, wallTime: last.wallTime, loss: mean(window), metrics: {}, valMetrics: {} });
        window = [];
      }
      current = epoch;
      window.push(p);
    }
  }
  return epochs;
}
