// Every static rule, in the order their findings are listed: broken initialization first (it
// makes everything else moot), then data, architecture, regularization and the optimizer.
import type { StaticRule } from '../rule';
import { bnMissingDeepRule } from './bnMissingDeep';
import { dataClassImbalanceRule } from './dataClassImbalance';
import { dataUnnormalizedRule } from './dataUnnormalized';
import { initActivationMismatchRule } from './initActivationMismatch';
import { initExplodingActivationsRule } from './initExplodingActivations';
import { initSymmetryRule } from './initSymmetry';
import { initVanishingActivationsRule } from './initVanishingActivations';
import { lrNoDecayRule } from './lrNoDecay';
import { lrTooHighStaticRule } from './lrTooHighStatic';
import { regBiasRegularizedRule } from './regBiasRegularized';
import { regDropoutHighRule } from './regDropoutHigh';
import { residualVarianceGrowthRule } from './residualVarianceGrowth';

export const allStaticRules: StaticRule[] = [
  initSymmetryRule,
  initVanishingActivationsRule,
  initExplodingActivationsRule,
  initActivationMismatchRule,
  residualVarianceGrowthRule,
  dataUnnormalizedRule,
  dataClassImbalanceRule,
  bnMissingDeepRule,
  regBiasRegularizedRule,
  regDropoutHighRule,
  lrTooHighStaticRule,
  lrNoDecayRule,
];
