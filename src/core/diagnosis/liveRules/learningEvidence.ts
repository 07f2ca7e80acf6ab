// Whether a classifier demonstrably learns, whatever its layers look like. A warning whose claim is
// "these units learn very slowly" is withdrawn when the run's accuracy says otherwise: a working
// recipe (Nielsen's N(0, 1) sigmoid net) can sit half-saturated and still train.

import { taskOf } from '../../config/normalizeConfig';
import type { ShapeReport } from '../../config/shapeInference';
import type { TrainConfig } from '../../config/trainConfig';
import type { InputStatistics } from '../../data/dataset';
import type { EpochEndEvent } from '../../engine/trainingEvents';

export interface AccuracyEvidence {
  accuracy: number;
  /** Which split the accuracy was measured on. */
  split: 'validation' | 'training';
  /** The accuracy of always guessing the largest class (1/classes when the label counts are unknown). */
  chance: number;
}

/** The accuracy of the best constant guess: the largest class's share, else one over the class count. */
export function chanceAccuracy(config: TrainConfig, shapes: ShapeReport, inputStats?: InputStatistics): number | undefined {
  if (taskOf(config.data.dataset) === 'regression') return undefined;
  const units = shapes.outputShape?.[shapes.outputShape.length - 1];
  if (units === undefined) return undefined;
  const classes = units > 1 ? units : 2;
  const counts = inputStats?.labelCounts;
  const total = counts?.reduce((a, b) => a + b, 0) ?? 0;
  return counts && total > 0 ? Math.max(1 / classes, Math.max(...counts) / total) : 1 / classes;
}

/**
 * The epoch's accuracy (validation when measured) when it has covered at least `share` of the way
 * from chance to perfect; undefined otherwise, or when the run reports no accuracy.
 */
export function learnedBeyondChance(event: EpochEndEvent, chance: number | undefined, share = 0.5): AccuracyEvidence | undefined {
  if (chance === undefined) return undefined;
  const validation = event.valMetrics.accuracy;
  const split = validation !== undefined && Number.isFinite(validation) ? 'validation' : 'training';
  const accuracy = split === 'validation' ? validation : event.metrics.accuracy;
  if (accuracy === undefined || !Number.isFinite(accuracy)) return undefined;
  return accuracy >= chance + share * (1 - chance) ? { accuracy, split, chance } : undefined;
}
