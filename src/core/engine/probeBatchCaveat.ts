// A probe of few examples (the default for big imported models, whose layer outputs fill the
// memory at 2–4 examples) runs BatchNorm on those few examples' statistics: each channel then sums
// to zero over them, which leaves little example-to-example spread for a global pooling to keep.
// Layers before the pooling are not affected (ResNet50 at 2 examples: within 3% of the variance
// model up to its 7×7 average, 30% below it after; at 16 examples within 6%). Said, not hidden.

import { inferShapes, type LayerShape } from '../config/shapeInference';
import type { LayerConfig, TrainConfig } from '../config/trainConfig';

/** Below this many examples the spread after a global pooling is measurably low (10% at 8). */
export const BATCHNORM_RELIABLE_BATCH = 16;

function hasBatchNorm(layers: LayerConfig[]): boolean {
  return layers.some((l) => l.type === 'batchNormalization' || (l.type === 'residual' && (hasBatchNorm(l.layers) || hasBatchNorm(l.shortcut ?? []))));
}

function isGlobalPooling(layer: LayerConfig, shape: LayerShape): boolean {
  if (layer.type === 'globalAveragePooling2d' || layer.type === 'globalMaxPooling2d') return true;
  return layer.type === 'averagePooling2d' && shape.outputShape[0] === 1 && shape.outputShape[1] === 1;
}

/** The caveat for a probe of `batchSize` examples, or undefined when its statistics are not affected. */
export function probeBatchCaveat(config: TrainConfig, batchSize: number): string | undefined {
  if (batchSize >= BATCHNORM_RELIABLE_BATCH) return undefined;
  const layers = config.model.layers;
  const shapes = inferShapes(layers, config.model.input).layers;
  for (let i = 1; i < layers.length && i < shapes.length; i++) {
    if (!isGlobalPooling(layers[i], shapes[i]) || !hasBatchNorm(layers.slice(0, i))) continue;
    return `BatchNorm normalizes over these ${batchSize} example${batchSize === 1 ? '' : 's'} only, so from layer ${i} (${layers[i].type}) on ` +
      `the measured std is lower than a batch of ${BATCHNORM_RELIABLE_BATCH} or more would give (each channel sums to zero over the batch); ` +
      `the layers before it are not affected. Probe with a larger --batch where memory allows.`;
  }
  return undefined;
}
