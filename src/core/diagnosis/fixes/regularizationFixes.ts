// fix.weight-decay and fix.unregularize-bias: L2 penalties belong on the weights (they shrink the
// many connections that let a network memorize), not on the biases (one offset per unit, which
// cannot overfit; penalizing it only pulls each unit's operating point toward zero).

import { type TrainConfig, isWeightedLayer } from '../../config/trainConfig';
import type { FixArgs, FixContext, FixDefinition } from './fixDefinition';
import { layerPath } from '../../config/shapeInference';
import { asIndexPaths, describeLayers, layerAt, targetLayers, type IndexPath } from './layerTargets';

/** Every dense/conv layer, top-level and in residual branches. */
function weightedLayers(config: TrainConfig): IndexPath[] {
  const paths: IndexPath[] = [];
  config.model.layers.forEach((layer, i) => {
    if (isWeightedLayer(layer)) paths.push([i]);
    if (layer.type === 'residual') layer.layers.forEach((inner, j) => {
      if (isWeightedLayer(inner)) paths.push([i, j]);
    });
  });
  return paths;
}

function l2Of(args: FixArgs): number {
  return typeof args.l2 === 'number' && args.l2 > 0 ? args.l2 : 1e-4;
}

export const weightDecayFix: FixDefinition = {
  id: 'fix.weight-decay',
  title(config: TrainConfig, args: FixArgs) {
    const layers = asIndexPaths(args.layers) ?? weightedLayers(config);
    return `Set "kernelRegularizer": {"l2": ${l2Of(args)}} on ${describeLayers(layers)}`;
  },
  apply({ config, args, editor }: FixContext) {
    const targets = args.layers === undefined ? weightedLayers(config) : asIndexPaths(args.layers);
    if (!targets || targets.length === 0) return 'the fix needs "layers": the dense/conv layers to regularize';
    for (const target of targets) {
      const layer = layerAt(config, target);
      if (!isWeightedLayer(layer)) return `${describeLayers([target])} has no kernel to regularize`;
      const path = [...layerPath(target), 'kernelRegularizer'];
      // Keep an L1 penalty the user chose; only the L2 coefficient is set.
      if (editor.has(path)) editor.set([...path, 'l2'], l2Of(args));
      else editor.set(path, { l2: l2Of(args) });
    }
  },
};

export const unregularizeBiasFix: FixDefinition = {
  id: 'fix.unregularize-bias',
  title(_config: TrainConfig, args: FixArgs) {
    const layers = asIndexPaths(args.layers);
    return `Remove "biasRegularizer" from ${layers ? describeLayers(layers) : 'the layer'}`;
  },
  apply({ finding, args, editor }: FixContext) {
    const targets = targetLayers(args, finding);
    if (typeof targets === 'string') return targets;
    for (const target of targets) editor.remove([...layerPath(target), 'biasRegularizer']);
  },
};
