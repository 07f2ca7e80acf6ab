// tfjs-layers draws its VarianceScaling "normal" initializers (glorotNormal, heNormal, leCunNormal)
// from a normal of σ = √(scale/n) truncated at ±2σ, without widening σ to make up for the cut
// (tfjs-layers initializers.js), so their weights' std is 0.88·√(scale/n). Keras's truncated
// normal is widened to the exact variance, and so are the config's He/Glorot/LeCun normals. A model
// written by tfjs-layers is imported with the config's initializers: said in a note, since the
// model's own first step sees 12% smaller weights per such layer.

import type { KerasSource } from './kerasSource';
import { isObject, own } from './importProblem';
import type { KerasLayer } from './kerasLayerMapping';

const INITIALIZER_KEYS = ['kernel_initializer', 'depthwise_initializer', 'pointwise_initializer'];
const NORMAL_CLASSES = new Set(['glorotnormal', 'henormal', 'lecunnormal']);

function drawsNarrowNormal(spec: unknown): boolean {
  if (!isObject(spec)) return false;
  const className = own(spec, 'class_name');
  if (typeof className !== 'string') return false;
  const name = className.toLowerCase();
  if (NORMAL_CLASSES.has(name)) return true;
  const config = own(spec, 'config');
  return name === 'variancescaling' && isObject(config) && own(config, 'distribution') === 'normal';
}

/** The note for a model written by tfjs-layers whose layers use its normal initializers, or undefined. */
export function tfjsNormalInitializerNote(source: KerasSource, layers: KerasLayer[]): string | undefined {
  if (!source.kerasVersion?.startsWith('tfjs-layers')) return undefined;
  const names = layers.filter((layer) => INITIALIZER_KEYS.some((key) => drawsNarrowNormal(own(layer.config, key)))).map((layer) => `"${layer.name}"`);
  if (names.length === 0) return undefined;
  return `${names.length === 1 ? `layer ${names[0]} was` : `layers ${names.join(', ')} were`} initialized by ${source.kerasVersion} from a normal ` +
    'truncated at ±2σ without widening σ (weights 0.88× the He/Glorot/LeCun std); the config\'s normal initializers have the exact std, as Keras\'s do';
}
