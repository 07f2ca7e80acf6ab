// Every live rule, in the order their findings are listed: failures first, then the gradient and
// activation rules, then the rules that judge the course of the training.
import type { LiveRule } from '../rule';
import { deadRelu } from './deadRelu';
import { gradientExploding } from './gradientExploding';
import { gradientVanishing } from './gradientVanishing';
import { initExplodingActivations } from './initExplodingActivations';
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
  deadRelu,
  saturatedActivations,
  learningRateTooHigh,
  learningRateTooLow,
  underfitting,
  overfitting,
  sgdPlateau,
];
