// The instruments: per-layer statistics taken from tensors the training step already has
// (activations of the forward pass, gradients of the backward pass), packed into one tensor so
// that reading them back costs a single device→host transfer.

import type { Tf } from './tensorflowRuntime';
import type { TrackedLayer } from './modelBuilder';
import { firstExamplesSize, HISTOGRAM_ROW, histogramRowValues, type LayerHistograms } from './layerHistograms';
import { combineScans, hostValues, scanMoments, scanUpdate, scanValues, sumValues, type ValueScan } from './valueScan';

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

/**
 * [mean, std, zeroFraction, saturatedFraction, deadFraction] per layer, NaN where not applicable,
 * then with `histograms` one activation histogram row per layer (of its first examples, see
 * firstExamplesSize). Read in JavaScript from the backend's memory (valueScan.ts) while the
 * forward pass's outputs exist, so nothing is added to the gradient tape.
 */
export function activationStatistics(tf: Tf, outputs: Tensor[], tracked: TrackedLayer[], histograms: boolean): Float32Array {
  const n = tracked.length;
  const out = new Float32Array(ACTIVATION_FIELDS * n + (histograms ? n * HISTOGRAM_ROW : 0)).fill(NaN);
  tracked.forEach((layer, i) => {
    const a = outputs[i];
    const values = hostValues(tf, a);
    const { mean, std } = scanMoments(sumValues(values));
    const base = ACTIVATION_FIELDS * i;
    out[base] = mean;
    out[base + 1] = std;
    if (RELU_FAMILY.has(layer.activation)) {
      // A unit is dead when it outputs 0 for the whole batch (and every position, for conv).
      const { zeros, deadUnits, units } = zeroCounts(values, a.shape[a.shape.length - 1] ?? 1);
      out[base + 2] = zeros / values.length;
      out[base + 4] = deadUnits / units;
    }
    if (measuresSaturation(layer.activation)) out[base + 3] = saturatedCount(values, layer.activation) / values.length;
    if (histograms) {
      const sample = values.subarray(0, firstExamplesSize(a.shape));
      histogramRowValues([sample], scanValues(sample), out, ACTIVATION_FIELDS * n + i * HISTOGRAM_ROW);
    }
  });
  return out;
}

/** Exact zeros, and units (the last axis) whose maximum over the batch and positions is 0. */
function zeroCounts(values: Float32Array, units: number): { zeros: number; deadUnits: number; units: number } {
  let zeros = 0;
  // Branch-free: about half of a ReLU's outputs are zero, in no predictable order.
  for (let i = 0; i < values.length; i++) zeros += values[i] === 0 ? 1 : 0;
  let deadUnits = 0;
  for (let j = 0; j < units; j++) {
    // A live unit shows a positive value within its first few rows: only dead units are read whole.
    let max = -Infinity;
    for (let i = j; i < values.length && !(max > 0); i += units) if (values[i] > max) max = values[i];
    if (max === 0) deadUnits++;
  }
  return { zeros, deadUnits, units };
}

/** Values within SATURATION_MARGIN of an asymptote (the thresholds as float32, as the values are). */
function saturatedCount(values: Float32Array, activation: string): number {
  const low = Math.fround(SATURATION_MARGIN);
  const high = Math.fround(1 - SATURATION_MARGIN);
  let count = 0;
  if (activation === 'tanh') {
    for (let i = 0; i < values.length; i++) if (Math.abs(values[i]) > high) count++;
  } else {
    for (let i = 0; i < values.length; i++) if (values[i] < low || values[i] > high) count++;
  }
  return count;
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

/** Copies of every layer's variables, to measure the size of the update a step makes (they share memory: tfjs never writes a tensor in place). */
export function snapshotVariables(tf: Tf, tracked: TrackedLayer[]): Map<string, Tensor> {
  const copies = new Map<string, Tensor>();
  for (const layer of tracked) for (const v of trainableVariables(layer)) copies.set(v.name, tf.clone(v));
  return copies;
}

/** Values per layer before the histogram rows: gradNorm, updateRatio, weight mean and std. */
export const PARAMETER_FIELDS = 4;

export interface ParameterInputs {
  grads: Record<string, Tensor>;
  /** Σ g² per variable name, as the step's global gradient norm summed them. */
  gradSquares: Map<string, number>;
  /** The variables before the update (snapshotVariables); without it, updateRatio is NaN. */
  before?: Map<string, Tensor>;
  histograms: boolean;
}

/**
 * The per-layer parameter statistics, packed: gradNorm (n values), updateRatio (n), weight mean
 * and std (2n), then with histograms a weight row per layer and a gradient row per layer (see
 * HISTOGRAM_ROW); NaN where a layer has none. Computed in JavaScript over the backend's memory
 * (valueScan.ts): one pass per weight tensor for its moments, histogram bounds and update, where
 * the tensor ops took several kernels and full-size temporaries each.
 *   gradNorm: √(Σ over the layer's variables of Σ g²), reusing the global norm's sums;
 *   updateRatio: ‖θ_after − θ_before‖ / (‖θ_before‖ + 1e-12) over all the layer's variables;
 *   weights: mean and (population) std of the main weights after the update.
 */
export function parameterStatistics(tf: Tf, tracked: TrackedLayer[], inputs: ParameterInputs): Float32Array {
  const n = tracked.length;
  const out = new Float32Array(PARAMETER_FIELDS * n + (inputs.histograms ? 2 * n * HISTOGRAM_ROW : 0));
  tracked.forEach((layer, i) => {
    const variables = trainableVariables(layer);
    const withGradients = variables.filter((v) => inputs.grads[v.name] !== undefined);
    out[i] = withGradients.length === 0 ? NaN : Math.sqrt(withGradients.reduce((sum, v) => sum + inputs.gradSquares.get(v.name)!, 0));
    const mainNames = new Set(mainWeights(layer).map((v) => v.name));
    const mainScans: ValueScan[] = [];
    out[n + i] = NaN;
    if (inputs.before && variables.length > 0) {
      let delta = 0;
      let size = 0;
      for (const v of variables) {
        const scan = scanUpdate(hostValues(tf, v), hostValues(tf, inputs.before.get(v.name)!));
        delta += scan.deltaSquares;
        size += scan.beforeSquares;
        if (mainNames.has(v.name)) mainScans.push(scan.after);
      }
      out[n + i] = Math.sqrt(delta) / (Math.sqrt(size) + 1e-12);
    } else {
      for (const v of variables) if (mainNames.has(v.name)) mainScans.push(scanValues(hostValues(tf, v)));
    }
    const mainScan = combineScans(mainScans);
    const { mean, std } = mainScans.length === 0 ? { mean: NaN, std: NaN } : scanMoments(mainScan);
    out[2 * n + 2 * i] = mean;
    out[2 * n + 2 * i + 1] = std;
    if (!inputs.histograms) return;
    const mains = variables.filter((v) => mainNames.has(v.name)).map((v) => hostValues(tf, v));
    histogramRowValues(mains, mainScan, out, PARAMETER_FIELDS * n + i * HISTOGRAM_ROW);
    const gradients = withGradients.map((v) => hostValues(tf, inputs.grads[v.name]));
    histogramRowValues(gradients, combineScans(gradients.map(scanValues)), out, PARAMETER_FIELDS * n + (n + i) * HISTOGRAM_ROW);
  });
  return out;
}

export function finiteOrUndefined(value: number): number | undefined {
  return Number.isFinite(value) ? value : undefined;
}
