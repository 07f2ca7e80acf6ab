// reg.dropout-high: a dropout layer that drops more than half of its inputs (UMLAUT's check).
// Dropout 0.5 is the classic upper end for hidden layers; far above it, each step trains a small
// random fraction of the layer and the noise swamps the signal. A rate of 0.8 or 0.9 is very
// often a keep probability written as a rate: TensorFlow 1's `keep_prob=0.8` means Keras'
// `rate=0.2`. Info only: some very wide layers do train with heavy dropout.

import type { FindingDraft, RuleSettings, StaticContext, StaticRule } from '../rule';
import { layerPropertyPath } from './findingLocation';
import { describeLayer, layerSites } from './layerSites';
import { num } from './messageText';

export const regDropoutHighRule: StaticRule = {
  id: 'reg.dropout-high',
  kind: 'static',
  defaultSeverity: 'info',
  thresholds: { maxRate: 0.5, keepProbabilityRate: 0.75 },
  docs: {
    title: 'Dropout drops more than half of the inputs',
    description:
      'Dropout zeroes a random fraction `rate` of a layer\'s inputs at every training step. Up to 0.5 it regularizes; far ' +
      'above it each step trains a small random part of the layer and the noise swamps the signal, so the model underfits ' +
      'and learns slowly. A rate of 0.75 or more is often a keep probability written as a rate (TensorFlow 1\'s ' +
      '`keep_prob=0.8` is `rate: 0.2` here). Reported as info above `maxRate`.',
  },
  fixes: [],
  check(context: StaticContext, settings: RuleSettings): FindingDraft[] {
    const t = settings.thresholds;
    const findings: FindingDraft[] = [];
    for (const site of layerSites(context.config)) {
      if (site.layer.type !== 'dropout' || site.layer.rate <= t.maxRate) continue;
      const rate = site.layer.rate;
      findings.push({
        message:
          `${describeLayer(site)} drops ${num(rate * 100)}% of its inputs at every step: each step trains only ${num((1 - rate) * 100)}% ` +
          'of them, and the noise swamps the signal, so the model learns slowly and may underfit. Dropout up to 0.5 is the usual range. ' +
          (rate >= t.keepProbabilityRate ? `If ${num(rate)} was meant as the probability of keeping a unit (TensorFlow 1's keep_prob), the rate is ${num(1 - rate)}.` : 'Lower the rate unless the layer is very wide.'),
        layer: site.top,
        path: layerPropertyPath(context, site.indexPath, 'rate'),
        evidence: { rate },
        fixes: [],
      });
    }
    return findings;
  },
};
