// init.activation-mismatch: a named initializer paired with the wrong kind of activation, in a
// stack deep enough for the mismatch to compound. Glorot/LeCun (var ≈ 1/fan_in) before ReLU
// loses half of the second moment per layer, because ReLU zeroes half of its inputs; He
// (var = 2/fan_in) before tanh or sigmoid doubles the variance they receive and pushes them
// toward their flat, saturated ends. Quiet for layers followed by BatchNorm, which resets the scale.
// Glorot before ReLU is Keras' default and a 3–5-layer net with it trains well (issue 10's healthy
// zoo): its loss of √½ per layer is info until `warnMismatched` layers compound it. He before a
// saturating activation does harm at any depth and stays a warning.

import type { TrainConfig } from '../../config/trainConfig';
import { fixReference } from '../fixes/fixReference';
import { asLayerArgument, describeLayers } from '../fixes/layerTargets';
import type { FindingDraft, RuleSettings, StaticContext, StaticRule } from '../rule';
import { initializerFamily, isHeFamilyActivation, isSaturating } from './activationFamilies';
import { layerPropertyPath } from './findingLocation';
import { followingActivation, isOutputLayer, weightedSites, type WeightedSite } from './layerSites';
import { num } from './messageText';

interface Mismatch {
  site: WeightedSite;
  activation: string;
}

function mismatches(config: TrainConfig): { heActivationWithSmallInit: Mismatch[]; saturatingWithHe: Mismatch[]; depth: number } {
  const sites = weightedSites(config);
  const heActivationWithSmallInit: Mismatch[] = [];
  const saturatingWithHe: Mismatch[] = [];
  for (const site of sites) {
    if (isOutputLayer(config, site)) continue;
    const { activation, batchNormFollows } = followingActivation(site);
    if (batchNormFollows) continue;
    const family = initializerFamily(site.layer.kernelInitializer);
    if (isHeFamilyActivation(activation) && (family === 'glorot' || family === 'lecun')) heActivationWithSmallInit.push({ site, activation });
    if (isSaturating(activation) && family === 'he') saturatingWithHe.push({ site, activation });
  }
  return { heActivationWithSmallInit, saturatingWithHe, depth: sites.length };
}

function finding(context: StaticContext, found: Mismatch[], depth: number, kind: 'small' | 'large'): FindingDraft {
  const { config } = context;
  const first = found[0].site;
  const paths = found.map((m) => m.site.indexPath);
  const activations = [...new Set(found.map((m) => m.activation))].join('/');
  const inits = [...new Set(found.map((m) => m.site.layer.kernelInitializer.type))].join('/');
  const layers = describeLayers(paths);
  const capitalized = `${layers[0].toUpperCase()}${layers.slice(1)}`;
  const message = kind === 'small'
    ? `${capitalized} use ${inits} with ${activations} in a ${depth}-layer stack. ` +
      `${inits} sets var(w) ≈ 1/fan_in, which keeps the scale of a linear layer; ${activations} zeroes about half of its inputs, ` +
      `so each such layer keeps only about ${num(Math.SQRT1_2)} of the signal's scale and ${found.length} of them leave about ` +
      `${num(Math.SQRT1_2 ** found.length)} of it (gradients shrink the same way). ` +
      `Use heNormal (var(w) = 2/fan_in), whose factor 2 makes up for the half that ${activations} removes.`
    : `${capitalized} use ${inits} with ${activations} in a ${depth}-layer stack. ` +
      `He init doubles the variance a layer passes on, which ReLU needs but ${activations} does not: its inputs land on its flat, ` +
      `saturated ends, where the gradient is nearly zero. Use glorotUniform (var(w) = 2/(fan_in + fan_out)), which keeps ` +
      `${activations} in its near-linear range.`;
  const args = { layers: asLayerArgument(paths) };
  return {
    message,
    layer: first.top,
    path: layerPropertyPath(context, first.indexPath, 'kernelInitializer'),
    evidence: {
      layers: asLayerArgument(paths),
      initializers: found.map((m) => m.site.layer.kernelInitializer.type),
      activations: found.map((m) => m.activation),
      weightedLayers: depth,
    },
    fixes: kind === 'small'
      ? [fixReference('fix.he-init', config, args, true)]
      : [fixReference('fix.glorot-init', config, args, true)],
  };
}

export const initActivationMismatchRule: StaticRule = {
  id: 'init.activation-mismatch',
  kind: 'static',
  defaultSeverity: 'warning',
  thresholds: { minDepth: 4, minMismatched: 2, warnMismatched: 6 },
  docs: {
    title: 'Initializer does not suit the activation',
    description:
      'Glorot/Xavier and LeCun initialization (variance ≈ 1/fan_in) keep the scale of layers that are linear around 0 (tanh, ' +
      'sigmoid, linear). ReLU-family activations zero about half of their inputs, so with these initializers every layer halves ' +
      'the second moment and deep stacks fade; He/Kaiming (variance 2/fan_in) makes up for it. Conversely He before tanh or ' +
      'sigmoid pushes them into saturation. Reported in stacks of at least minDepth dense/conv layers with at least ' +
      'minMismatched mismatched ones; layers followed by BatchNorm are exempt (it resets the scale). Glorot/LeCun before ReLU ' +
      'is reported as info until at least warnMismatched such layers compound the loss (0.707 per layer).',
  },
  fixes: ['fix.he-init', 'fix.glorot-init'],
  check(context: StaticContext, settings: RuleSettings): FindingDraft[] {
    const { heActivationWithSmallInit, saturatingWithHe, depth } = mismatches(context.config);
    if (depth < settings.thresholds.minDepth) return [];
    const findings: FindingDraft[] = [];
    if (heActivationWithSmallInit.length >= settings.thresholds.minMismatched) {
      const draft = finding(context, heActivationWithSmallInit, depth, 'small');
      findings.push(heActivationWithSmallInit.length >= settings.thresholds.warnMismatched ? draft : { ...draft, severity: 'info' });
    }
    if (saturatingWithHe.length >= settings.thresholds.minMismatched) findings.push(finding(context, saturatingWithHe, depth, 'large'));
    return findings;
  },
};
