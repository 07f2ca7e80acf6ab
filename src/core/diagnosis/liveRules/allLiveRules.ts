// Every live rule, in the order their findings are listed: failures first, then the gradient and
// activation rules, then the rules that judge the course of the training.
import type { LiveRule } from '../rule';
import { cannotOverfitBatch } from './cannotOverfitBatch';
import { deadRelu } from './deadRelu';
import { frozenLayer } from './frozenLayer';
import { gradientExploding } from './gradientExploding';
import { gradientVanishing } from './gradientVanishing';
import { initExplodingActivations } from './initExplodingActivations';
import { initialLossMismatch } from './initialLossMismatch';
import { initVanishingActivations } from './initVanishingActivations';
import { learningRateTooHigh } from './learningRateTooHigh';
import { learningRateTooLow } from './learningRateTooLow';
import { nonFiniteValues } from './nonFiniteValues';
import { overfitting } from './overfitting';
import { saturatedActivations } from './saturatedActivations';
import { sgdPlateau } from './sgdPlateau';
import { underfitting } from './underfitting';

export const allLiveRules: LiveRule[] = [
  nonFiniteValues,
  gradientExploding,
  gradientVanishing,
  initExplodingActivations,
  initVanishingActivations,
  initialLossMismatch,
  deadRelu,
  saturatedActivations,
  frozenLayer,
  learningRateTooHigh,
  learningRateTooLow,
  underfitting,
  overfitting,
  sgdPlateau,
  cannotOverfitBatch,
];
