// The instruments: per-layer statistics taken from tensors the training step already has
// (activations of the forward pass, gradients of the backward pass), packed into one tensor so
// that reading them back costs a single device→host transfer.

import type { Tf } from './tensorflowRuntime';
import type { TrackedLayer } from './modelBuilder';
import type { LayerHistograms } from './layerHistograms';

type Tensor = ReturnType<Tf['tensor']>;
type Variable = ReturnType<Tf['variable']>;

export interface ActivationStats {
  mean: number;
  std: number;
  /** Fraction of exact zeros (ReLU-family outputs only). */
  zeroFraction?: number;
  /** Fraction of units (dense features, conv channels) that are zero for every example of the batch (ReLU family only). */
  deadFraction?: number;
  /** Fraction within 1% of an asymptote (tanh, sigmoid, hardSigmoid outputs only). */
  saturatedFraction?: number;
}

export interface LayerStats {
  index: number;
  name: string;
  type: string;
  activation: ActivationStats;
  weights?: { mean: number; std: number };
  /** L2 norm of the gradient of all this layer's trainable weights. */
  gradNorm?: number;
  /** ‖Δθ‖ / ‖θ‖ of this layer's weights for the step just taken. */
  updateRatio?: number;
  /** Histograms of the same values (our own runs' statistics steps; see layerHistograms.ts). */
  histograms?: LayerHistograms;
}

const RELU_FAMILY = new Set(['relu', 'relu6']);
const SATURATING = new Set(['tanh', 'sigmoid', 'hardSigmoid']);

/** Whether layers with this activation get a saturated fraction (the live saturation rule's scope). */
export function measuresSaturation(activation: string | undefined): boolean {
  return activation !== undefined && SATURATING.has(activation);
}
/** Relative closeness to the asymptote that counts as saturated (the derivative is then < ~2%). */
export const SATURATION_MARGIN = 0.01;

export const ACTIVATION_FIELDS = 5;

/** [mean, std, zeroFraction, saturatedFraction, deadFraction] per layer, NaN where not applicable. */
export function activationStatsTensor(tf: Tf, outputs: Tensor[], tracked: TrackedLayer[]): Tensor {
  return tf.tidy(() => {
    const rows = tracked.map((layer, i) => {
      const a = outputs[i];
      const { mean, variance } = tf.moments(a);
      const nan = tf.scalar(NaN);
      let zero: Tensor = nan;
      let saturated: Tensor = nan;
      let dead: Tensor = nan;
      if (RELU_FAMILY.has(layer.activation)) {
        zero = tf.mean(tf.cast(tf.equal(a, 0), 'float32'));
        // A unit is dead when it outputs 0 for the whole batch (and every position, for conv).
        const unitAxes = a.shape.slice(0, -1).map((_, axis) => axis);
        dead = tf.mean(tf.cast(tf.equal(tf.max(a, unitAxes), 0), 'float32'));
      }
      if (measuresSaturation(layer.activation)) saturated = saturationFraction(tf, a, layer.activation);
      return tf.stack([mean, tf.sqrt(variance), zero, saturated, dead]);
    });
    return tf.concat(rows);
  });
}

function saturationFraction(tf: Tf, a: Tensor, activation: string): Tensor {
  if (activation === 'tanh') return tf.mean(tf.cast(tf.greater(tf.abs(a), 1 - SATURATION_MARGIN), 'float32'));
  const low = tf.less(a, SATURATION_MARGIN);
  const high = tf.greater(a, 1 - SATURATION_MARGIN);
  return tf.mean(tf.cast(tf.logicalOr(low, high), 'float32'));
}

export function decodeActivationStats(values: Float32Array | number[], offset: number, count: number): ActivationStats[] {
  const stats: ActivationStats[] = [];
  for (let i = 0; i < count; i++) {
    const base = offset + i * ACTIVATION_FIELDS;
    const entry: ActivationStats = { mean: values[base], std: values[base + 1] };
    if (!Number.isNaN(values[base + 2])) entry.zeroFraction = values[base + 2];
    if (!Number.isNaN(values[base + 3])) entry.saturatedFraction = values[base + 3];
    if (!Number.isNaN(values[base + 4])) entry.deadFraction = values[base + 4];
    stats.push(entry);
  }
  return stats;
}

/** The main weight of each weighted layer: the kernel (or BatchNorm's gamma), never the bias. */
export function mainWeights(layer: TrackedLayer): Variable[] {
  return layer.weightLayers
    .map((l) => l.trainableWeights[0]?.read() as Variable | undefined)
    .filter((v): v is Variable => v !== undefined);
}

/** Every trainable variable of a config layer (kernels, biases, BatchNorm's gamma/beta, projections). */
export function trainableVariables(layer: TrackedLayer): Variable[] {
  return layer.tfLayers.flatMap((l) => l.trainableWeights.map((w) => w.read() as Variable));
}

/** [mean, std] of the main weights per layer (NaN for layers without weights). */
export function weightStatsTensor(tf: Tf, tracked: TrackedLayer[]): Tensor {
  return tf.tidy(() => tf.concat(tracked.map((layer) => {
    const weights = mainWeights(layer);
    if (weights.length === 0) return tf.tensor1d([NaN, NaN]);
    const flat = tf.concat(weights.map((w) => tf.reshape(w, [-1])));
    const { mean, variance } = tf.moments(flat);
    return tf.stack([mean, tf.sqrt(variance)]);
  })));
}

/** Per layer: L2 norm of the gradients of its variables (NaN for layers without any). */
export function gradNormTensor(tf: Tf, tracked: TrackedLayer[], grads: Record<string, Tensor>): Tensor {
  return tf.tidy(() => tf.stack(tracked.map((layer) => {
    const parts = trainableVariables(layer).map((v) => grads[v.name]).filter((g): g is Tensor => g !== undefined);
    if (parts.length === 0) return tf.scalar(NaN);
    return tf.sqrt(tf.addN(parts.map((g) => tf.sum(tf.square(g)))));
  })));
}

/** Copies of every layer's variables, to measure the size of the update a step makes. */
export function snapshotVariables(tf: Tf, tracked: TrackedLayer[]): Map<string, Tensor> {
  const copies = new Map<string, Tensor>();
  for (const layer of tracked) for (const v of trainableVariables(layer)) copies.set(v.name, tf.clone(v));
  return copies;
}

/** Per layer: ‖θ_after − θ_before‖ / ‖θ_before‖ (NaN without variables). */
export function updateRatioTensor(tf: Tf, tracked: TrackedLayer[], before: Map<string, Tensor>): Tensor {
  return tf.tidy(() => tf.stack(tracked.map((layer) => {
    const vars = trainableVariables(layer);
    if (vars.length === 0) return tf.scalar(NaN);
    const delta = tf.addN(vars.map((v) => tf.sum(tf.square(tf.sub(v, before.get(v.name)!)))));
    const size = tf.addN(vars.map((v) => tf.sum(tf.square(before.get(v.name)!))));
    return tf.div(tf.sqrt(delta), tf.add(tf.sqrt(size), 1e-12));
  })));
}

export function finiteOrUndefined(value: number): number | undefined {
  return Number.isFinite(value) ? value : undefined;
}
