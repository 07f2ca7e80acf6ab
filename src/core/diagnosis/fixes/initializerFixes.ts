// fix.he-init and fix.glorot-init: give dense/conv layers the kernel initializer that keeps their
// activations at scale (He for ReLU-family activations, Glorot for tanh, sigmoid and linear).

import { type TrainConfig, isWeightedLayer } from '../../config/trainConfig';
import type { FixArgs, FixContext, FixDefinition } from './fixDefinition';
import { layerPath } from '../../config/shapeInference';
import { asIndexPaths, describeLayers, layerAt, targetLayers } from './layerTargets';

function initializerFix(id: string, defaultInitializer: string): FixDefinition {
  const initializerOf = (args: FixArgs) => (typeof args.initializer === 'string' ? args.initializer : defaultInitializer);
  return {
    id,
    title(_config: TrainConfig, args: FixArgs) {
      const layers = asIndexPaths(args.layers);
      const where = layers ? ` on ${describeLayers(layers)}` : '';
      return `Set "kernelInitializer": "${initializerOf(args)}"${where}`;
    },
    apply({ config, finding, args, editor }: FixContext) {
      const targets = targetLayers(args, finding);
      if (typeof targets === 'string') return targets;
      for (const target of targets) {
        const layer = layerAt(config, target);
        if (!isWeightedLayer(layer)) {
          return `${describeLayers([target])} is ${layer ? `a ${layer.type} layer` : 'missing'}; kernel initializers belong to dense and conv2d layers`;
        }
        editor.set([...layerPath(target), 'kernelInitializer'], initializerOf(args));
      }
    },
  };
}

export const heInitFix = initializerFix('fix.he-init', 'heNormal');
export const glorotInitFix = initializerFix('fix.glorot-init', 'glorotUniform');
