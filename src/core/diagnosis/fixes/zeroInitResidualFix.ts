// fix.zero-init-residual: make each residual block start as the identity, so the sum x + F(x)
// does not add variance block after block. The branch's output is silenced where it is cheapest:
// the gamma of a BatchNorm that comes after the branch's last dense/conv layer, else that layer's
// kernel. (Zeroing an earlier BatchNorm would also silence the block, but would block the gradient
// of the layers before it at a ReLU's flat zero.)

import { type LayerConfig, type ResidualLayerConfig, type TrainConfig, isWeightedLayer } from '../../config/trainConfig';
import type { FixArgs, FixContext, FixDefinition } from './fixDefinition';
import { layerPath } from '../../config/shapeInference';
import { asIndexPaths, describeIndices } from './layerTargets';

export interface ZeroInitTarget {
  /** Index path of the layer to change. */
  layer: number[];
  property: 'gammaInitializer' | 'kernelInitializer';
}

/** Where zero-initialization goes in the residual block at `block`, if it has a weighted layer. */
export function zeroInitTarget(branch: LayerConfig[], block: number): ZeroInitTarget | undefined {
  let lastWeighted = -1;
  for (let j = branch.length - 1; j >= 0 && lastWeighted < 0; j--) if (isWeightedLayer(branch[j])) lastWeighted = j;
  if (lastWeighted < 0) return undefined;
  for (let j = branch.length - 1; j > lastWeighted; j--) {
    if (branch[j].type === 'batchNormalization') return { layer: [block, j], property: 'gammaInitializer' };
  }
  return { layer: [block, lastWeighted], property: 'kernelInitializer' };
}

function blocksOf(config: TrainConfig, args: FixArgs, fallback: number | undefined): number[] {
  const given = asIndexPaths(args.blocks) ?? (fallback === undefined ? [] : [[fallback]]);
  return given.map((p) => p[0]).filter((i) => config.model.layers[i]?.type === 'residual');
}

/** "gammaInitializer" on the final BatchNorm of blocks 3 and 5; "kernelInitializer" on the last layer of block 7. */
function describeTargets(config: TrainConfig, blocks: number[]): string {
  const byProperty = new Map<ZeroInitTarget['property'], ZeroInitTarget[]>();
  for (const b of blocks) {
    const target = zeroInitTarget((config.model.layers[b] as ResidualLayerConfig).layers, b);
    if (target) byProperty.set(target.property, [...(byProperty.get(target.property) ?? []), target]);
  }
  return [...byProperty].map(([property, targets]) => {
    const where = property === 'gammaInitializer' ? 'the BatchNorm that ends the branch' : 'the last dense/conv layer of the branch';
    const layers = targets.length === 1 ? ` (layer ${targets[0].layer.join('.')})` : '';
    const owners = describeIndices(targets.map((t) => String(t.layer[0])));
    return `"${property}": "zeros" on ${where}${layers} of residual block${targets.length > 1 ? 's' : ''} ${owners}`;
  }).join('; ');
}

export const zeroInitResidualFix: FixDefinition = {
  id: 'fix.zero-init-residual',
  title(config: TrainConfig, args: FixArgs) {
    const blocks = blocksOf(config, args, undefined);
    if (blocks.length === 0) return 'Zero-initialize the last layer of each residual branch, so every block starts as the identity';
    return `Set ${describeTargets(config, blocks)}, so ${blocks.length > 1 ? 'each block starts' : 'the block starts'} as the identity`;
  },
  apply({ config, finding, args, editor }: FixContext) {
    const blocks = blocksOf(config, args, finding.layer);
    if (blocks.length === 0) return 'the fix needs "blocks": indices of residual blocks';
    for (const block of blocks) {
      const target = zeroInitTarget((config.model.layers[block] as ResidualLayerConfig).layers, block);
      if (target) editor.set([...layerPath(target.layer), target.property], 'zeros');
    }
  },
};
