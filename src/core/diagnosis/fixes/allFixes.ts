// Every fix, by id. Rules refer to fixes by id (fix references carry the id, a title and args);
// applyFix looks them up here.

import { augmentFix, normalizeInputsFix } from './dataFixes';
import type { FixDefinition } from './fixDefinition';
import { glorotInitFix, heInitFix } from './initializerFixes';
import { addBatchNormFix, addDropoutFix } from './insertLayerFixes';
import { lowerLrFix, lrDecayFix, raiseLrFix } from './learningRateFixes';
import { unregularizeBiasFix, weightDecayFix } from './regularizationFixes';
import { earlyStoppingFix, gradientClippingFix } from './trainingFixes';
import { zeroInitResidualFix } from './zeroInitResidualFix';

export const allFixes: FixDefinition[] = [
  heInitFix,
  glorotInitFix,
  addBatchNormFix,
  zeroInitResidualFix,
  lrDecayFix,
  lowerLrFix,
  raiseLrFix,
  normalizeInputsFix,
  addDropoutFix,
  weightDecayFix,
  unregularizeBiasFix,
  earlyStoppingFix,
  augmentFix,
  gradientClippingFix,
];

export function fixById(id: string): FixDefinition | undefined {
  return allFixes.find((fix) => fix.id === id);
}
