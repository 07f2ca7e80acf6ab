// How much of a run's training loss is the weight penalty. TensorFlow.js adds every kernel
// regularizer's term (l1·Σ|w| + l2·Σw²) to the loss it reports, so a heavily regularized model
// can show a loss far above chance while its fit to the data is fine, or a falling loss that is
// only its weights shrinking. The statistics samples carry each layer's kernel mean and std,
// which give Σw² = n·(mean² + std²) without reading the weights.

import type { ShapeReport } from '../../config/shapeInference';
import { type TrainConfig, isWeightedLayer } from '../../config/trainConfig';
import type { LayerStats } from '../../engine/layerStatistics';

/** Layers whose kernel is fanIn × (last output dimension) weights: the ones the estimate covers. */
const PLAIN_KERNEL_TYPES: ReadonlySet<string> = new Set(['dense', 'conv1d', 'conv2d']);

/** E|w| of a zero-centred normal with this root mean square (the L1 term's estimate). */
const HALF_NORMAL_MEAN = Math.sqrt(2 / Math.PI);

export interface PenaltyEstimate {
  /** The kernel penalty's share of the loss, as TensorFlow.js adds it. */
  penalty: number;
  /** Top-level layers with a kernel penalty, in order. */
  layers: number[];
}

/**
 * The kernel regularizers' current term, estimated from a statistics sample; undefined when no
 * layer the estimate covers has a kernel regularizer (bias penalties and layers inside residual
 * blocks are left out: the estimate errs low).
 */
export function estimateKernelPenalty(config: TrainConfig, shapes: ShapeReport, sample: readonly LayerStats[]): PenaltyEstimate | undefined {
  let penalty = 0;
  const layers: number[] = [];
  for (const stats of sample) {
    const layer = config.model.layers[stats.index];
    if (!layer || !isWeightedLayer(layer) || !PLAIN_KERNEL_TYPES.has(layer.type) || !stats.weights) continue;
    const regularizer = layer.kernelRegularizer;
    if (!regularizer || (regularizer.l1 <= 0 && regularizer.l2 <= 0)) continue;
    const shape = shapes.layers.find((s) => s.index.length === 1 && s.index[0] === stats.index);
    const outputs = shape?.outputShape[shape.outputShape.length - 1];
    if (!shape || outputs === undefined || shape.fanIn <= 0) continue;
    const count = shape.fanIn * outputs;
    const meanSquare = stats.weights.mean ** 2 + stats.weights.std ** 2;
    if (!Number.isFinite(meanSquare)) continue;
    penalty += regularizer.l2 * count * meanSquare + regularizer.l1 * count * HALF_NORMAL_MEAN * Math.sqrt(meanSquare);
    layers.push(stats.index);
  }
  return layers.length > 0 ? { penalty, layers } : undefined;
}
