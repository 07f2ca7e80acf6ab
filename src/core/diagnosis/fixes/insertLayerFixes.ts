// fix.add-batchnorm and fix.add-dropout: insert a layer after each target layer.
//
// BatchNorm goes directly after the dense/conv layer. When that layer carries its own activation
// ("activation": "relu"), BatchNorm then normalizes the activation's output (post-activation BN,
// which trains as well in practice); when the activation is a separate layer, BatchNorm lands
// between the two (the original paper's placement). Either way the user's layer stays untouched.
// Dropout goes after the nonlinearity: after the layer, or after its separate activation layer.

import { type LayerConfig, type TrainConfig, isWeightedLayer } from '../../config/trainConfig';
import type { FixArgs, FixContext, FixDefinition } from './fixDefinition';
import { asIndexPaths, compareIndexPaths, containerOf, describeLayers, layerAt, targetLayers, type IndexPath } from './layerTargets';

function sequenceOf(config: TrainConfig, target: IndexPath): LayerConfig[] {
  if (target.length === 1) return config.model.layers;
  const block = layerAt(config, target.slice(0, -1));
  return block?.type === 'residual' ? block.layers : [];
}

/** Hidden dense layers without dropout after them: where dropout goes when no layers are named. */
function hiddenDenseLayers(config: TrainConfig): IndexPath[] {
  const layers = config.model.layers;
  let output = -1;
  for (let i = layers.length - 1; i >= 0 && output < 0; i--) if (isWeightedLayer(layers[i])) output = i;
  const result: IndexPath[] = [];
  layers.forEach((layer, i) => {
    if (layer.type === 'dense' && i !== output) result.push([i]);
  });
  return result;
}

export const addBatchNormFix: FixDefinition = {
  id: 'fix.add-batchnorm',
  title(_config: TrainConfig, args: FixArgs) {
    const layers = asIndexPaths(args.layers);
    return `Insert {"type": "batchNormalization"} after ${layers ? describeLayers(layers) : 'the layer'}`;
  },
  apply({ config, finding, args, editor }: FixContext) {
    const targets = targetLayers(args, finding);
    if (typeof targets === 'string') return targets;
    // From the last target backwards, so the indices of the earlier ones stay valid.
    for (const target of [...targets].sort(compareIndexPaths).reverse()) {
      const sequence = sequenceOf(config, target);
      const { array, position } = containerOf(target);
      if (!sequence[position]) return `${describeLayers([target])} does not exist`;
      if (sequence[position + 1]?.type === 'batchNormalization') continue;
      editor.insertAfter(array, position, { type: 'batchNormalization' });
    }
  },
};

export const addDropoutFix: FixDefinition = {
  id: 'fix.add-dropout',
  title(config: TrainConfig, args: FixArgs) {
    const layers = asIndexPaths(args.layers) ?? hiddenDenseLayers(config);
    return `Insert {"type": "dropout", "rate": ${rateOf(args)}} after ${layers.length > 0 ? describeLayers(layers) : 'the hidden dense layers'}`;
  },
  apply({ config, finding, args, editor }: FixContext) {
    const targets = args.layers === undefined && finding.layer === undefined ? hiddenDenseLayers(config) : targetLayers(args, finding);
    if (typeof targets === 'string') return targets;
    if (targets.length === 0) return 'the model has no hidden dense layer to put dropout after';
    for (const target of [...targets].sort(compareIndexPaths).reverse()) {
      const sequence = sequenceOf(config, target);
      const { array } = containerOf(target);
      let position = containerOf(target).position;
      if (!sequence[position]) return `${describeLayers([target])} does not exist`;
      if (sequence[position + 1]?.type === 'activation') position++;
      if (sequence[position + 1]?.type === 'dropout') continue;
      editor.insertAfter(array, position, { type: 'dropout', rate: rateOf(args) });
    }
  },
};

function rateOf(args: FixArgs): number {
  return typeof args.rate === 'number' && args.rate > 0 && args.rate < 1 ? args.rate : 0.3;
}
