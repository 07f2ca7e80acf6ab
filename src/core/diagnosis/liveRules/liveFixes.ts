// The fixes live findings offer, with the arguments each needs to edit the config (which layers,
// which value). Titles come from the fix definitions, so they say exactly what will change.

import type { TrainConfig } from '../../config/trainConfig';
import type { FixReference } from '../finding';
import { fixReference } from '../fixes/fixReference';
import { RECOMMENDED_INITIALIZER, type InitCandidate, type InitFamily } from './configLayers';

/** One significant figure is precise enough for a suggested learning rate (and reads better). */
export function roundLearningRate(value: number): number {
  return Number(value.toPrecision(1));
}

export function lowerLearningRate(config: TrainConfig, preferred = false, factor = 10): FixReference {
  const learningRate = roundLearningRate(config.training.optimizer.learningRate / factor);
  return fixReference('fix.lower-lr', config, { learningRate }, preferred);
}

export function raiseLearningRate(config: TrainConfig, learningRate: number, preferred = false): FixReference {
  return fixReference('fix.raise-lr', config, { learningRate: roundLearningRate(learningRate) }, preferred);
}

export function learningRateDecay(config: TrainConfig, preferred = false): FixReference {
  return fixReference('fix.lr-decay', config, undefined, preferred);
}

/** Undefined when clipping is already on: the norms the rules see are measured before clipping. */
export function gradientClipping(config: TrainConfig, preferred = false): FixReference | undefined {
  if (config.training.gradientClipping) return undefined;
  return fixReference('fix.gradient-clipping', config, { norm: 1 }, preferred);
}

export function normalizeInputs(config: TrainConfig, preferred = false): FixReference {
  return fixReference('fix.normalize-inputs', config, undefined, preferred);
}

export function addBatchNormalization(config: TrainConfig, afterLayers: number[], preferred = false): FixReference | undefined {
  return afterLayers.length > 0 ? fixReference('fix.add-batchnorm', config, { layers: afterLayers }, preferred) : undefined;
}

export function initializerFix(config: TrainConfig, family: InitFamily, layers: number[], preferred = false): FixReference {
  const id = family === 'he' ? 'fix.he-init' : 'fix.glorot-init';
  return fixReference(id, config, { layers, initializer: RECOMMENDED_INITIALIZER[family] }, preferred);
}

/**
 * He/Glorot fixes for the layers whose initializer does not suit their activation, the one that
 * covers `focus` (the layer the finding is about) first and preferred when `preferFocus` is set.
 */
export function initializerFixes(config: TrainConfig, candidates: InitCandidate[], focus: number | undefined, preferFocus: boolean): FixReference[] {
  const byFamily = new Map<InitFamily, number[]>();
  for (const { index, family } of candidates) byFamily.set(family, [...(byFamily.get(family) ?? []), index]);
  const families = [...byFamily.keys()];
  const focusFamily = candidates.find((c) => c.index === focus)?.family ?? families[0];
  families.sort((a, b) => (a === focusFamily ? -1 : b === focusFamily ? 1 : 0));
  return families.map((family) => initializerFix(config, family, byFamily.get(family)!, preferFocus && family === focusFamily));
}

export function earlyStopping(config: TrainConfig, preferred = false): FixReference {
  return fixReference('fix.early-stopping', config, { monitor: 'val_loss', patience: 3 }, preferred);
}

export function addDropout(config: TrainConfig, afterLayers: number[], preferred = false): FixReference {
  return fixReference('fix.add-dropout', config, { layers: afterLayers, rate: 0.3 }, preferred);
}

export function weightDecay(config: TrainConfig, layers: number[], preferred = false): FixReference {
  return fixReference('fix.weight-decay', config, { layers, l2: 1e-4 }, preferred);
}

export function augmentData(config: TrainConfig, preferred = false): FixReference {
  // No arguments: the fix picks the shift from the image size and mirrors only colour images.
  return fixReference('fix.augment', config, undefined, preferred);
}

/**
 * The final list: missing fixes dropped, duplicates (same id) merged, and exactly one preferred,
 * the first one flagged or else the first one.
 */
export function fixList(candidates: (FixReference | undefined)[]): FixReference[] {
  const fixes: FixReference[] = [];
  for (const candidate of candidates) if (candidate && !fixes.some((f) => f.id === candidate.id)) fixes.push(candidate);
  const chosen = Math.max(0, fixes.findIndex((f) => f.preferred));
  return fixes.map((f, i) => {
    const copy: FixReference = { ...f };
    delete copy.preferred;
    if (i === chosen) copy.preferred = true;
    return copy;
  });
}
