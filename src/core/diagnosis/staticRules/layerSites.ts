// Where each layer sits in a config: its index path, its JSON path, its neighbours in the
// sequence it belongs to (the model's layers or a residual branch). Static rules reason about
// neighbours ("is this dense layer followed by BatchNorm?", "is it the last layer of a branch?").

import type { LayerShape, ShapeReport } from '../../config/shapeInference';
import { isWeightedLayer, type ActivationName, type LayerConfig, type TrainConfig, type WeightedLayerConfig } from '../../config/trainConfig';

export interface LayerSite {
  layer: LayerConfig;
  /** [i] for a top-level layer, [i, j] for layer j of the residual block at i. */
  indexPath: number[];
  /** Index of the top-level layer (the block, for a branch layer). */
  top: number;
  /** The layers this one is part of: the model's layers, or its residual block's branch. */
  sequence: LayerConfig[];
  position: number;
  inBranch: boolean;
}

export type WeightedLayer = WeightedLayerConfig;

export interface WeightedSite extends LayerSite {
  layer: WeightedLayer;
}

export function isWeighted(layer: LayerConfig): layer is WeightedLayer {
  return isWeightedLayer(layer);
}

/** Output units per layer; a depthwise layer's per input channel (its depth multiplier). */
export function unitCount(layer: WeightedLayer): number {
  switch (layer.type) {
    case 'dense': return layer.units;
    case 'depthwiseConv2d': return layer.depthMultiplier;
    default: return layer.filters;
  }
}

/** Every layer, top-level and inside residual branches, in the order they appear in the file. */
export function layerSites(config: TrainConfig): LayerSite[] {
  const sites: LayerSite[] = [];
  const layers = config.model.layers;
  layers.forEach((layer, i) => {
    sites.push({ layer, indexPath: [i], top: i, sequence: layers, position: i, inBranch: false });
    if (layer.type === 'residual') {
      layer.layers.forEach((inner, j) => {
        sites.push({ layer: inner, indexPath: [i, j], top: i, sequence: layer.layers, position: j, inBranch: true });
      });
    }
  });
  return sites;
}

export function weightedSites(config: TrainConfig): WeightedSite[] {
  return layerSites(config).filter((site): site is WeightedSite => isWeighted(site.layer));
}

/** The network's prediction layer: the last top-level dense/conv layer. */
export function outputLayerIndex(config: TrainConfig): number | undefined {
  for (let i = config.model.layers.length - 1; i >= 0; i--) if (isWeighted(config.model.layers[i])) return i;
  return undefined;
}

export function isOutputLayer(config: TrainConfig, site: LayerSite): boolean {
  return !site.inBranch && site.top === outputLayerIndex(config);
}

/** Index of the last dense/conv layer of a sequence (a residual branch), if any. */
export function lastWeightedPosition(sequence: LayerConfig[]): number | undefined {
  for (let j = sequence.length - 1; j >= 0; j--) if (isWeighted(sequence[j])) return j;
  return undefined;
}

export interface FollowingActivation {
  /** The nonlinearity the layer's output goes through: its own, or a separate activation layer's. */
  activation: ActivationName;
  /** BatchNorm comes right after the layer (or right after its activation layer). */
  batchNormFollows: boolean;
}

/**
 * What happens to a weighted layer's output next. Dropout is skipped over (it rescales but does
 * not change the shape of the distribution).
 */
export function followingActivation(site: WeightedSite): FollowingActivation {
  const next = (from: number) => {
    let k = from + 1;
    while (k < site.sequence.length && site.sequence[k].type === 'dropout') k++;
    return { layer: site.sequence[k] as LayerConfig | undefined, at: k };
  };
  const after = next(site.position);
  if (after.layer?.type === 'batchNormalization') return { activation: site.layer.activation, batchNormFollows: true };
  if (site.layer.activation === 'linear' && after.layer?.type === 'activation') {
    const afterActivation = next(after.at);
    return { activation: after.layer.activation, batchNormFollows: afterActivation.layer?.type === 'batchNormalization' };
  }
  return { activation: site.layer.activation, batchNormFollows: false };
}

/** "Layer 3 (dense, 128 units)", capitalized to start a sentence. */
export function describeLayer(site: LayerSite): string {
  const where = site.inBranch ? `Layer ${site.indexPath.join('.')} (in the residual block at ${site.top})` : `Layer ${site.top}`;
  const layer = site.layer;
  if (layer.type === 'dense') return `${where} (dense, ${layer.units} units)`;
  if (layer.type === 'conv2d' || layer.type === 'conv1d' || layer.type === 'separableConv2d') return `${where} (${layer.type}, ${layer.filters} filters)`;
  return `${where} (${layer.type})`;
}

/** The inferred shape of a layer (top-level or in a residual branch), when inference got that far. */
export function shapeAt(shapes: ShapeReport, indexPath: number[]): LayerShape | undefined {
  let shape: LayerShape | undefined = shapes.layers[indexPath[0]];
  for (const j of indexPath.slice(1)) shape = shape?.branch?.[j];
  return shape && shape.index.join('.') === indexPath.join('.') ? shape : undefined;
}
