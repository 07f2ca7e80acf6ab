// One optimization step of the custom training loop, in two phases:
//   1. forward + backward with the tape: loss, metric sums, gradients and (on statistics steps)
//      per-layer activation statistics, all from the same forward pass;
//   2. after the caller has checked that the loss and gradients are finite: clipping, the
//      per-layer gradient/weight statistics, and the optimizer update.
// Splitting lets a NaN/Inf step stop the run before it poisons the weights.

import type { MetricName } from '../config/trainConfig';
import {
  activationStatistics, decodeActivationStats, parameterStatistics, snapshotVariables,
  ACTIVATION_FIELDS, PARAMETER_FIELDS, trainableVariables, type LayerStats,
} from './layerStatistics';
import { decodeHistogram, HISTOGRAM_ROW } from './layerHistograms';
import { computeLoss, encodeTargets, metricKey, metricSum, type TargetEncoding } from './lossAndMetrics';
import type { BuiltModel } from './modelBuilder';
import type { Optimizer } from './optimizerFactory';
import type { Tf } from './tensorflowRuntime';

type Tensor = ReturnType<Tf['tensor']>;
type Variable = ReturnType<Tf['variable']>;

export interface StepInput {
  x: Float32Array;
  y: Float32Array;
  count: number;
}

/** Phase 1's results: numbers already read back, tensors held until the step is applied or dropped. */
export class PendingStep {
  constructor(
    private readonly tf: Tf,
    /** Total loss (data loss + regularization). */
    readonly loss: number,
    readonly dataLoss: number,
    /** Global L2 norm of all gradients, before any clipping. */
    readonly gradNorm: number,
    readonly metricSums: Record<string, number>,
    readonly grads: Record<string, Tensor>,
    /** Present on statistics steps. */
    readonly activationValues: Float32Array | undefined,
    /** Σ g² per variable name, the global norm's terms (statistics steps). */
    readonly gradSquares: Map<string, number> | undefined,
    private readonly held: Tensor[],
  ) {}

  get finite(): boolean {
    return Number.isFinite(this.loss) && Number.isFinite(this.gradNorm);
  }

  release(): void {
    this.tf.dispose([...Object.values(this.grads), ...this.held]);
  }
}

export class StepRunner {
  private readonly variables: Variable[];
  /** Per-layer histograms on statistics steps (off only to measure what they cost). */
  histograms = true;
  /** Histograms on every Nth statistics step only (see histogramInterval). */
  histogramInterval = 1;
  private statisticsSteps = 0;
  /** Whether the step in progress takes histograms (decided by forwardBackward, used by apply/inspect). */
  private takingHistograms = false;

  constructor(
    private readonly tf: Tf,
    private readonly built: BuiltModel,
    private readonly inputShape: number[],
    private readonly encoding: TargetEncoding,
    private readonly metrics: MetricName[],
  ) {
    this.variables = built.model.trainableWeights.map((w) => w.read() as Variable);
  }

  /** Phase 1: the model on a batch in training mode, and its gradients; statistics when `measure`. */
  async forwardBackward(batch: StepInput, measure: boolean): Promise<PendingStep> {
    const { tf, built, encoding } = this;
    if (measure) this.takingHistograms = this.histograms && this.statisticsSteps++ % this.histogramInterval === 0;
    let activationValues: Float32Array | undefined;
    let predictions: Tensor | undefined;
    let dataLossTensor: Tensor | undefined;
    // Every kernel costs ~20 µs of dispatch on wasm, as much as the arithmetic of a small layer:
    // the ordinary step runs only what the loss and gradients need on the tape, then one packed
    // tensor of every number read back (loss, data loss, gradient norm, metric sums), read once.
    const { summary, grads } = tf.tidy(() => {
      const xs = tf.tensor(batch.x, [batch.count, ...this.inputShape]);
      const targets = encodeTargets(tf, batch.y, encoding);
      const result = tf.variableGrads(() => {
        const outputs = ([] as Tensor[]).concat(built.model.apply(xs, { training: true }) as Tensor | Tensor[]);
        // Kept: these leave the gradient scope; released with the step.
        predictions = tf.keep(outputs[outputs.length - 1]);
        // Read now: the forward pass's outputs are disposed when it ends (the tape keeps what it needs).
        if (measure) activationValues = activationStatistics(tf, outputs, built.tracked, this.takingHistograms);
        const dataLoss = computeLoss(tf, targets, predictions, encoding);
        const penalties = built.model.calculateLosses();
        if (penalties.length === 0) return dataLoss;
        dataLossTensor = tf.keep(tf.clone(dataLoss));
        return tf.add(dataLoss, tf.addN(penalties)) as ReturnType<Tf['scalar']>;
      }, this.variables);
      // Metrics off the tape: the tape would keep copies of their inputs for a backward pass that never comes.
      const metricSums = this.metrics.map((m) => metricSum(tf, m, targets, predictions!, encoding));
      // Each variable's Σ g² goes into the global norm, and on statistics steps into the per-layer norms.
      const squares = Object.values(result.grads).map((g) => tf.sum(tf.square(g)));
      const norm = squares.length === 0 ? tf.scalar(0) : tf.sqrt(tf.addN(squares));
      const parts = [result.value, dataLossTensor ?? result.value, norm, ...metricSums, ...(measure ? squares : [])];
      return { summary: tf.stack(parts), grads: result.grads };
    });
    const held = [summary, ...[predictions, dataLossTensor].filter((t): t is Tensor => t !== undefined)];
    const values = await summary.data();
    const [loss, dataLoss, gradNorm] = values;
    const metricSums: Record<string, number> = {};
    this.metrics.forEach((m, i) => (metricSums[metricKey(m)] = values[3 + i]));
    const squaresAt = 3 + this.metrics.length;
    const gradSquares = measure ? new Map(Object.keys(grads).map((name, i) => [name, values[squaresAt + i]])) : undefined;
    return new PendingStep(tf, loss, dataLoss, gradNorm, metricSums, grads, activationValues, gradSquares, held);
  }

  /** Phase 2: clip, measure, update; releases the step. Per-layer statistics on statistics steps. */
  async apply(step: PendingStep, optimizer: Optimizer, clipNorm: number | undefined): Promise<LayerStats[] | undefined> {
    const { tf, built } = this;
    try {
      const measure = step.activationValues !== undefined;
      const scale = clipNorm !== undefined && step.gradNorm > clipNorm ? clipNorm / (step.gradNorm + 1e-6) : 1;
      const before = measure ? snapshotVariables(tf, built.tracked) : undefined;
      try {
        tf.tidy(() => {
          const grads = step.grads;
          const applied = scale === 1 ? grads : Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.mul(g, scale)]));
          optimizer.applyGradients(applied as never);
        });
        if (!before || !step.activationValues || !step.gradSquares) return undefined;
        // Gradient norms and histograms are of the gradients before clipping: that is what tells whether they explode.
        const values = parameterStatistics(tf, built.tracked, { grads: step.grads, gradSquares: step.gradSquares, before, histograms: this.takingHistograms });
        return decodeLayerStats(built, step.activationValues, values);
      } finally {
        if (before) tf.dispose([...before.values()]);
      }
    } finally {
      step.release();
    }
  }

  /** Statistics of a measured step without updating the weights (the probe); releases the step. */
  async inspect(step: PendingStep): Promise<LayerStats[]> {
    const { tf, built } = this;
    try {
      if (!step.activationValues || !step.gradSquares) throw new Error('inspect() needs a step taken with measure = true');
      // No update: updateRatio is NaN (not reported).
      const values = parameterStatistics(tf, built.tracked, { grads: step.grads, gradSquares: step.gradSquares, histograms: this.takingHistograms });
      return decodeLayerStats(built, step.activationValues, values);
    } finally {
      step.release();
    }
  }
}

function decodeLayerStats(built: BuiltModel, activationValues: Float32Array, values: Float32Array): LayerStats[] {
  const n = built.tracked.length;
  const activations = decodeActivationStats(activationValues, 0, n);
  return built.tracked.map((layer, i) => {
    const stats: LayerStats = { index: layer.index, name: layer.name, type: layer.type, activation: activations[i] };
    if (trainableVariables(layer).length > 0) {
      stats.gradNorm = values[i];
      if (!Number.isNaN(values[n + i])) stats.updateRatio = values[n + i];
    }
    const weightMean = values[2 * n + 2 * i];
    if (!Number.isNaN(weightMean)) stats.weights = { mean: weightMean, std: values[2 * n + 2 * i + 1] };
    // Present when histograms were taken: after the moments, one row per layer of each kind.
    if (activationValues.length > ACTIVATION_FIELDS * n) {
      const histograms = {
        activation: decodeHistogram(activationValues, ACTIVATION_FIELDS * n + i * HISTOGRAM_ROW),
        weights: decodeHistogram(values, PARAMETER_FIELDS * n + i * HISTOGRAM_ROW),
        gradients: decodeHistogram(values, PARAMETER_FIELDS * n + (n + i) * HISTOGRAM_ROW),
      };
      stats.histograms = Object.fromEntries(Object.entries(histograms).filter(([, h]) => h !== undefined));
    }
    return stats;
  });
}
