// init.vanishing-activations: the variance model predicts that the signal fades with depth at
// initialization (the seeds' 6-layer MLP with N(0, 0.01²) weights: std 0.64 → 0.07).

import type { FindingDraft, RuleSettings, StaticContext, StaticRule } from '../rule';
import { findScaleViolations } from './activationScale';
import { activationScaleFinding } from './activationScaleFinding';

export const initVanishingActivationsRule: StaticRule = {
  id: 'init.vanishing-activations',
  kind: 'static',
  defaultSeverity: 'warning',
  thresholds: { minGain: 0.1, minTrend: 0.25 },
  docs: {
    title: 'Activations predicted to vanish with depth',
    description:
      'For y = Wx with independent zero-mean weights, var(y) = fan_in·var(w)·E[x²]: every layer multiplies the scale of the ' +
      'signal by a factor set by its initializer (and its activation). Below 1, the factor compounds with depth and the ' +
      'activations, and the gradients flowing back through them, shrink toward zero, so the early layers barely learn. The ' +
      'variance model predicts each layer\'s output scale from the config alone; this rule reports the first layer whose ' +
      'scale falls below minGain times the scale entering its stack, or below minTrend times the scale of the stack\'s first ' +
      'layer. BatchNorm starts a new stack. The output layer is not checked.',
  },
  fixes: ['fix.he-init', 'fix.glorot-init', 'fix.add-batchnorm'],
  check(context: StaticContext, settings: RuleSettings): FindingDraft[] {
    const { minGain, minTrend } = settings.thresholds;
    const violation = findScaleViolations(context.config, context.variance.layers, { minGain, minTrend }).vanishing;
    return violation ? [activationScaleFinding(context, violation)] : [];
  },
};
