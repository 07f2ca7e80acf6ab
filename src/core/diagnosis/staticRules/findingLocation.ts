// Where a finding points: the property at fault when the user wrote it, else the layer's "type"
// (a property filled in by default has no text to underline).

import { findNodeAtLocation, type Node as JsonNode } from 'jsonc-parser';
import type { JsonPath } from '../../config/configProblem';
import { layerPath } from '../../config/shapeInference';
import type { StaticContext } from '../rule';

/** Without the parse tree, paths name the property and locators fall back to its nearest ancestor. */
function treeOf(context: StaticContext): JsonNode | undefined {
  return context.tree;
}

export function layerPropertyPath(context: StaticContext, indexPath: number[], property: string): JsonPath {
  const layer = layerPath(indexPath);
  const tree = treeOf(context);
  if (tree && !findNodeAtLocation(tree, [...layer, property])) return [...layer, 'type'];
  return [...layer, property];
}

/** A path outside the layers: the first candidate the user wrote, else the last one (an ancestor that always exists). */
export function firstWrittenPath(context: StaticContext, candidates: JsonPath[]): JsonPath {
  const tree = treeOf(context);
  if (tree) for (const path of candidates) if (findNodeAtLocation(tree, path)) return path;
  return candidates[0];
}
