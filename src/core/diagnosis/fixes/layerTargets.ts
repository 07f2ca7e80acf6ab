// Which layers a fix acts on. Fix arguments name layers as a top-level index (3) or, for a layer
// inside a residual branch, an index path ([3, 1]); without arguments a fix acts on its finding's
// layer.

import type { JSONPath } from 'jsonc-parser';
import { layerPath } from '../../config/shapeInference';
import type { LayerConfig, TrainConfig } from '../../config/trainConfig';
import type { Finding } from '../finding';
import type { FixArgs } from './fixDefinition';

/** A layer's index path: [i] at the top level, [i, j] inside the residual block at i. */
export type IndexPath = number[];

/** The JSON path of the array holding the layer, and the layer's position in it. */
export function containerOf(indexPath: IndexPath): { array: JSONPath; position: number } {
  const full = layerPath(indexPath);
  return { array: full.slice(0, -1), position: indexPath[indexPath.length - 1] };
}

/** What a fix argument may hold for layers: 3, [3, 1], or a list of either. */
export function asIndexPaths(value: unknown): IndexPath[] | undefined {
  if (typeof value === 'number') return [[value]];
  if (!Array.isArray(value)) return undefined;
  const paths: IndexPath[] = [];
  for (const item of value) {
    if (typeof item === 'number' && Number.isInteger(item)) paths.push([item]);
    else if (Array.isArray(item) && item.length > 0 && item.every((n) => typeof n === 'number' && Number.isInteger(n))) paths.push(item as number[]);
    else return undefined;
  }
  return paths;
}

/** A fix argument's form of index paths: plain numbers for top-level layers. */
export function asLayerArgument(paths: IndexPath[]): (number | number[])[] {
  return paths.map((p) => (p.length === 1 ? p[0] : [...p]));
}

/** The layers a fix acts on: args[key], else the finding's layer. Deduplicated, in document order. */
export function targetLayers(args: FixArgs, finding: Finding, key = 'layers'): IndexPath[] | string {
  const given = args[key] === undefined ? (finding.layer === undefined ? undefined : [[finding.layer]]) : asIndexPaths(args[key]);
  if (!given) return `the fix needs "${key}": a layer index or a list of them`;
  const unique = new Map(given.map((p) => [p.join('.'), p]));
  return [...unique.values()].sort(compareIndexPaths);
}

export function compareIndexPaths(a: IndexPath, b: IndexPath): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

export function layerAt(config: TrainConfig, indexPath: IndexPath): LayerConfig | undefined {
  let layers = config.model.layers;
  let layer: LayerConfig | undefined;
  for (const i of indexPath) {
    layer = layers[i];
    if (!layer) return undefined;
    layers = layer.type === 'residual' ? layer.layers : [];
  }
  return layer;
}

/** "layer 3", "layers 0, 1 and 2", "layer 3.1" (the second layer of the residual block at 3); long lists are cut short. */
export function describeLayers(paths: IndexPath[]): string {
  return `layer${paths.length === 1 ? '' : 's'} ${describeIndices(paths.map((p) => p.join('.')))}`;
}

/** "0, 1 and 2", or "0, 1, 2, 3, 4, 5, …, 198 (199 in all)". */
export function describeIndices(names: string[]): string {
  if (names.length <= 1) return names.join('');
  if (names.length > 8) return `${names.slice(0, 6).join(', ')}, …, ${names[names.length - 1]} (${names.length} in all)`;
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
