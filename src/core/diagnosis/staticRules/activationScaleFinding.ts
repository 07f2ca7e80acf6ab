// The finding init.vanishing-activations and init.exploding-activations report: where the
// predicted scale crosses its threshold, the per-layer predictions as evidence, and the fixes
// (re-initialize the layers that push the scale the wrong way, or add BatchNorm).

import { type TrainConfig, isWeightedLayer } from '../../config/trainConfig';
import type { FixReference } from '../finding';
import { fixReference } from '../fixes/fixReference';
import { asLayerArgument, describeLayers, layerAt } from '../fixes/layerTargets';
import type { FindingDraft, StaticContext } from '../rule';
import type { VariancePrediction } from '../varianceModel';
import { isHeFamilyActivation } from './activationFamilies';
import { layersToReinitialize, type ScaleViolation } from './activationScale';
import { layerPropertyPath } from './findingLocation';
import { num } from './messageText';

function fixesFor(config: TrainConfig, violation: ScaleViolation): FixReference[] {
  const reinit = layersToReinitialize(violation);
  const he = reinit.filter((l) => isHeFamilyActivation(l.activation)).map((l) => l.indexPath);
  const glorot = reinit.filter((l) => !isHeFamilyActivation(l.activation)).map((l) => l.indexPath);
  const fixes: FixReference[] = [];
  // One initializer fix covers every offending layer when they share an activation family; it is
  // then the preferred fix. Mixed families need both, and neither alone is "the" fix.
  const single = he.length === 0 || glorot.length === 0;
  if (he.length > 0) fixes.push(fixReference('fix.he-init', config, { layers: asLayerArgument(he) }, single));
  if (glorot.length > 0) fixes.push(fixReference('fix.glorot-init', config, { layers: asLayerArgument(glorot) }, single));
  const hidden = violation.chain.map((l) => l.indexPath);
  if (hidden.length > 0) fixes.push(fixReference('fix.add-batchnorm', config, { layers: asLayerArgument(hidden) }, fixes.length === 0));
  return fixes;
}

/** The predicted std after each layer of the chain, shortened for long chains: "0.64, 0.41, …, 0.069". */
function chainStds(variance: VariancePrediction, violation: ScaleViolation): string {
  const byPath = new Map<string, number>();
  for (const l of variance.layers) {
    byPath.set(l.indexPath.join('.'), l.std);
    for (const b of l.branch ?? []) byPath.set(b.indexPath.join('.'), b.std);
  }
  const stds = violation.chain.map((l) => byPath.get(l.indexPath.join('.'))).filter((s): s is number => s !== undefined).map(num);
  return stds.length > 8 ? [...stds.slice(0, 3), '…', ...stds.slice(-3)].join(', ') : stds.join(', ');
}

export function activationScaleFinding(context: StaticContext, violation: ScaleViolation): FindingDraft {
  const { config, variance } = context;
  const at = violation.at;
  const vanishing = violation.direction === 'vanishing';
  const chain = violation.chain.map((l) => l.indexPath);
  const span = chain.length > 0 ? describeLayers(chain) : `layer ${at.indexPath.join('.')}`;
  const compared = violation.check === 'level' ? 'the signal entering the stack' : `the stack's first layer`;
  const factors = violation.chain.map((l) => num(l.gain));
  const sameFactor = new Set(factors).size === 1;
  const perLayer = factors.length === 0 ? '' : sameFactor
    ? ` Each of these layers multiplies the scale by ${factors[0]}.`
    : ` The layers multiply the scale by ${factors.length > 8 ? [...factors.slice(0, 3), '…', ...factors.slice(-3)].join(', ') : factors.join(', ')}.`;
  const why = vanishing
    ? ' A layer scales its input by √(fan_in·var(w)), adjusted by its activation; below 1 the signal fades with depth, and the gradient flowing back fades with it, so the early layers hardly learn.'
    : ' A layer scales its input by √(fan_in·var(w)), adjusted by its activation; above 1 the signal grows with depth, saturating activations and making gradients large and unstable.';
  const reinit = layersToReinitialize(violation);
  const todo = reinit.length > 0
    ? ` Re-initialize ${describeLayers(reinit.map((l) => l.indexPath))} so that var(w) suits the activation (He, 2/fan_in, for ReLU-family; Glorot, about 1/fan_in, for tanh, sigmoid and linear), or add BatchNorm after them.`
    : ' Their initializers already suit their activations; BatchNorm after the layers keeps the scale in check.';
  const layer = layerAt(config, at.indexPath);
  const layerIsWeighted = isWeightedLayer(layer);
  // Keras and tfjs count a depthwise kernel's input channels in its fan-in although each output
  // sees only the kernel area: He or Glorot then draw weights about `channels` times too small.
  const depthwise = violation.chain.filter((l) => {
    const type = layerAt(config, l.indexPath)?.type;
    return type === 'depthwiseConv2d' || type === 'separableConv2d';
  });
  const depthwiseNote = vanishing && depthwise.length > 0
    ? ` ${describeLayers(depthwise.map((l) => l.indexPath))[0].toUpperCase()}${describeLayers(depthwise.map((l) => l.indexPath)).slice(1)} ${depthwise.length === 1 ? 'is a depthwise convolution' : 'are depthwise convolutions'}: ` +
      'Keras and TF.js compute the initializer\'s fan_in of a depthwise kernel as kernel area × input channels, although each output sums only kernel-area inputs, ' +
      'so He or Glorot weights come out about as many times too small as there are channels; BatchNorm after them (as in MobileNet) restores the scale.'
    : '';
  return {
    message:
      `Predicted at initialization: the activations ${vanishing ? 'vanish' : 'explode'} with depth. Std after ${span}: ` +
      `${chainStds(variance, violation)}. At layer ${at.indexPath.join('.')} the scale is ${num(violation.value)}× that of ${compared} ` +
      `(threshold ${num(violation.threshold)}).${perLayer}${why}${todo}${depthwiseNote}`,
    layer: at.index,
    path: layerPropertyPath(context, at.indexPath, layerIsWeighted ? 'kernelInitializer' : 'type'),
    evidence: {
      check: violation.check,
      value: violation.value,
      threshold: violation.threshold,
      predictedStd: variance.layers.map((l) => l.std),
      predictedMean: variance.layers.map((l) => l.mean),
      layerGain: variance.layers.map((l) => l.gain),
      chain: asLayerArgument(chain),
    },
    fixes: fixesFor(config, violation),
  };
}
