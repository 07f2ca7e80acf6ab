// init.exploding-activations: the variance model predicts that the signal grows with depth at
// initialization (the seeds' 6-layer MLP with N(0, 0.02²) weights: std 1.28 → 4.4).

import type { FindingDraft, RuleSettings, StaticContext, StaticRule } from '../rule';
import { findScaleViolations } from './activationScale';
import { activationScaleFinding } from './activationScaleFinding';

export const initExplodingActivationsRule: StaticRule = {
  id: 'init.exploding-activations',
  kind: 'static',
  defaultSeverity: 'warning',
  thresholds: { maxGain: 3, maxTrend: 4 },
  docs: {
    title: 'Activations predicted to explode with depth',
    description:
      'For y = Wx with independent zero-mean weights, var(y) = fan_in·var(w)·E[x²]: every layer multiplies the scale of the ' +
      'signal by a factor set by its initializer (and its activation). Above 1, the factor compounds with depth: activations ' +
      'grow, saturating activations get stuck at their flat ends, and gradients become large and unstable. The variance ' +
      'model predicts each layer\'s output scale from the config alone; this rule reports the first layer whose scale ' +
      'exceeds maxGain times the scale entering its stack, or maxTrend times the scale of the stack\'s first layer. ' +
      'BatchNorm starts a new stack. The output layer is not checked.',
  },
  fixes: ['fix.he-init', 'fix.glorot-init', 'fix.add-batchnorm'],
  check(context: StaticContext, settings: RuleSettings): FindingDraft[] {
    const { maxGain, maxTrend } = settings.thresholds;
    const violation = findScaleViolations(context.config, context.variance.layers, { maxGain, maxTrend }).exploding;
    return violation ? [activationScaleFinding(context, violation)] : [];
  },
};
