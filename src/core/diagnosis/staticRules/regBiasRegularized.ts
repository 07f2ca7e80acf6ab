// reg.bias-regularized: an L1/L2 penalty on a layer's biases. A weight couples two units and the
// many weights are what lets a network memorize; a bias is one offset per unit. Penalizing it does
// nothing against overfitting and only drags each unit's operating point toward zero, which can
// cost accuracy (underfitting). Regularize kernels, leave biases free.

import { fixReference } from '../fixes/fixReference';
import { asLayerArgument } from '../fixes/layerTargets';
import type { FindingDraft, StaticContext, StaticRule } from '../rule';
import { layerPropertyPath } from './findingLocation';
import { describeLayer, weightedSites } from './layerSites';
import { num } from './messageText';

export const regBiasRegularizedRule: StaticRule = {
  id: 'reg.bias-regularized',
  kind: 'static',
  defaultSeverity: 'warning',
  thresholds: {},
  docs: {
    title: 'Regularization on biases',
    description:
      'Weight penalties (L1, L2) fight overfitting by shrinking the weights, each of which connects two units. A bias ' +
      'controls a single unit\'s offset: it cannot make the model memorize, and penalizing it only pulls every unit\'s ' +
      'operating point toward zero, which can make the model underfit. Put the penalty on the kernel (kernelRegularizer) ' +
      'and leave the biases unregularized.',
  },
  fixes: ['fix.unregularize-bias'],
  check(context: StaticContext): FindingDraft[] {
    const { config } = context;
    const findings: FindingDraft[] = [];
    for (const site of weightedSites(config)) {
      const penalty = site.layer.biasRegularizer;
      if (!penalty || !site.layer.useBias || (penalty.l1 <= 0 && penalty.l2 <= 0)) continue;
      const terms = [penalty.l1 > 0 ? `l1 ${num(penalty.l1)}` : '', penalty.l2 > 0 ? `l2 ${num(penalty.l2)}` : ''].filter(Boolean).join(' and ');
      findings.push({
        message:
          `${describeLayer(site)} penalizes its biases (${terms}). A bias is one offset per unit: ` +
          'it cannot make the model memorize, so the penalty does nothing against overfitting and only pulls each unit\'s ' +
          'offset toward zero. Regularize the kernel (kernelRegularizer) and remove the biasRegularizer.',
        layer: site.top,
        path: layerPropertyPath(context, site.indexPath, 'biasRegularizer'),
        evidence: { l1: penalty.l1, l2: penalty.l2 },
        fixes: [fixReference('fix.unregularize-bias', config, { layers: asLayerArgument([site.indexPath]) }, true)],
      });
    }
    return findings;
  },
};
