// init.vanishing-activations: the variance model predicts that the signal fades with depth at
// initialization (the seeds' 6-layer MLP with N(0, 0.01²) weights: std 0.64 → 0.07).
// Depth-aware: small random weights are "okay for the shallow nets" (the seeds), and nets of 2–3
// layers with them trained to 83–100% in issue 10's independent set. What hurts is the shrinking
// compounding over many layers, so a chain of fewer than `minDepth` hidden weighted layers is
// reported as info only, and so is a mild decay that leaves at least `minSignal` of the scale at the
// last hidden layer of a stack shallower than `deepDepth` (Keras' default Glorot before ReLU keeps
// √½ per layer: 3–5-layer CNNs with it train well, the seeds' 6-layer MLP is the lecture's warning).
// The evidence says what reaches the ends: the signal at the last hidden layer and (by the same
// weight scales, read backwards) the gradient at the first.

import type { FindingDraft, RuleSettings, StaticContext, StaticRule } from '../rule';
import { num } from './messageText';
import { findScaleViolations } from './activationScale';
import { activationScaleFinding } from './activationScaleFinding';

export const initVanishingActivationsRule: StaticRule = {
  id: 'init.vanishing-activations',
  kind: 'static',
  defaultSeverity: 'warning',
  thresholds: { minGain: 0.1, minTrend: 0.25, minDepth: 3, minSignal: 0.05, deepDepth: 6 },
  docs: {
    title: 'Activations predicted to vanish with depth',
    description:
      'For y = Wx with independent zero-mean weights, var(y) = fan_in·var(w)·E[x²]: every layer multiplies the scale of the ' +
      'signal by a factor set by its initializer (and its activation). Below 1, the factor compounds with depth and the ' +
      'activations, and the gradients flowing back through them, shrink toward zero, so the early layers barely learn. The ' +
      'variance model predicts each layer\'s output scale from the config alone; this rule reports the first layer whose ' +
      'scale falls below minGain times the scale entering its stack, or below minTrend times the scale of the stack\'s first ' +
      'layer. BatchNorm starts a new stack. The output layer is not checked. The harm compounds with depth: a stack of fewer ' +
      'than minDepth hidden weighted layers is reported as info (small random weights are workable in shallow nets), and so ' +
      'is a stack shallower than deepDepth whose last hidden layer keeps at least minSignal of the scale (a mild decay).',
  },
  fixes: ['fix.he-init', 'fix.glorot-init', 'fix.add-batchnorm'],
  check(context: StaticContext, settings: RuleSettings): FindingDraft[] {
    const { minGain, minTrend } = settings.thresholds;
    const violation = findScaleViolations(context.config, context.variance.layers, { minGain, minTrend }).vanishing;
    if (!violation) return [];
    const finding = activationScaleFinding(context, violation);
    const depth = violation.chain.length;
    // Forward, the signal at the stack's last hidden layer is the product of all its gains; backward,
    // the gradient reaching its first layer passes through the same weights after that one.
    const gains = violation.chain.map((l) => l.gain);
    const signalAtLastHidden = gains.reduce((a, b) => a * b, 1);
    const gradientToFirst = gains.slice(1).reduce((a, b) => a * b, 1);
    const evidence = { ...finding.evidence, depth, signalAtLastHidden, gradientToFirst };
    const { minDepth, minSignal, deepDepth } = settings.thresholds;
    if (depth >= minDepth && (signalAtLastHidden < minSignal || depth >= deepDepth)) return [{ ...finding, evidence }];
    if (depth >= minDepth) {
      return [{
        ...finding,
        severity: 'info',
        evidence,
        message:
          `${finding.message} The decay is mild, though: the last of these ${depth} hidden weighted layers still sees ` +
          `${num(signalAtLastHidden)}× of the scale, and stacks this shallow train well with it; it becomes a problem as the stack grows deeper.`,
      }];
    }
    return [{
      ...finding,
      severity: 'info',
      evidence,
      message:
        `${finding.message} With ${depth} hidden weighted layer${depth === 1 ? '' : 's'} this is workable, though: the signal reaches the last ` +
        `hidden layer at ${num(signalAtLastHidden)}× and the gradient the first at about ${num(gradientToFirst)}× of their scale, and ` +
        `small random weights only stall training once the shrinking compounds over more layers (the lecture notes: "okay for the shallow nets").`,
    }];
  },
};
