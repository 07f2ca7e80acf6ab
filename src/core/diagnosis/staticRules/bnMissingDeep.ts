// bn.missing-deep: a deep plain stack (no residual connections) with no BatchNorm anywhere. In such
// a stack each layer's input distribution moves whenever the layers before it change, and any
// error in the initial scale compounds layer after layer. BatchNorm re-centres and re-scales every
// layer's output over the batch, which allows larger learning rates and makes depth trainable.

import { fixReference } from '../fixes/fixReference';
import { asLayerArgument } from '../fixes/layerTargets';
import type { FindingDraft, RuleSettings, StaticContext, StaticRule } from '../rule';
import { initializerFamily } from './activationFamilies';
import { followingActivation, isOutputLayer, layerSites, weightedSites } from './layerSites';

export const bnMissingDeepRule: StaticRule = {
  id: 'bn.missing-deep',
  kind: 'static',
  defaultSeverity: 'warning',
  thresholds: { minDepth: 8 },
  docs: {
    title: 'Deep plain network without BatchNorm',
    description:
      'In a deep stack without normalization, each layer\'s input distribution shifts whenever the layers before it ' +
      'change, and any error in the initial scale compounds with depth. BatchNorm normalizes every layer\'s output over ' +
      'the mini-batch (then rescales it with learned gamma and beta): training tolerates larger learning rates and depth ' +
      'becomes much easier to train. Reported for plain stacks (no residual blocks) of at least minDepth dense/conv layers ' +
      'with no BatchNorm; self-normalizing networks (every hidden layer SELU with LeCun-normal weights) are built not to need it.',
  },
  fixes: ['fix.add-batchnorm'],
  check(context: StaticContext, settings: RuleSettings): FindingDraft[] {
    const { config } = context;
    const sites = layerSites(config);
    if (sites.some((s) => s.layer.type === 'batchNormalization' || s.layer.type === 'residual')) return [];
    const weighted = weightedSites(config);
    if (weighted.length < settings.thresholds.minDepth) return [];
    const hiddenSites = weighted.filter((s) => !isOutputLayer(config, s));
    // A self-normalizing network (SELU with LeCun-normal weights, Klambauer et al. 2017) keeps
    // mean 0 and variance 1 through depth by construction: it is built not to need BatchNorm.
    if (hiddenSites.length > 0 && hiddenSites.every((s) => followingActivation(s).activation === 'selu' && initializerFamily(s.layer.kernelInitializer) === 'lecun')) return [];
    const hidden = hiddenSites.map((s) => s.indexPath);
    return [{
      message:
        `The model stacks ${weighted.length} dense/conv layers with no BatchNorm and no residual connections. In a plain ` +
        'stack this deep, every layer\'s input shifts whenever the layers before it change, and any error in the initial ' +
        'scale compounds layer after layer. BatchNorm after the hidden layers re-centres and re-scales their outputs over ' +
        'each batch, allowing larger learning rates and making the depth trainable.',
      path: ['model', 'layers'],
      evidence: { weightedLayers: weighted.length, hiddenLayers: asLayerArgument(hidden) },
      fixes: [fixReference('fix.add-batchnorm', config, { layers: asLayerArgument(hidden) }, true)],
    }];
  },
};
