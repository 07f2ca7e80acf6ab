// Writes a Training Doctor run as a TensorBoard event file in its run folder, so that
// `tensorboard --logdir .training-doctor/runs` shows our runs beside everyone else's:
//   train/loss, train/grad_norm, train/learning_rate, train/<metric>   every step
//   epoch/loss, epoch/val_loss, epoch/<metric>, epoch/val_<metric>     every epoch
//   <NN>_<layer>/activation_mean, activation_std, zero_fraction, dead_fraction, saturated_fraction,
//   weight_mean, weight_std, grad_norm, update_ratio                 every statistics step
//   <NN>_<layer>/activations, weights, gradients (histograms)       every statistics step
// Per-layer tags start with the layer so that TensorBoard groups them by layer. Histograms are
// written as HistogramProto (`histo`), not as TF2's [k, 3] tensors: TensorBoard reads both (it
// converts `histo` on load), but only HistogramProto keeps the exact count, sum and sum of
// squares, so a reader gets the exact mean, std and gradient norm back rather than estimates
// from bucket midpoints. Writing never disturbs training: the first failure switches the log off
// and is reported once through `failure`.

import type { LayerHistogram } from '../../engine/layerHistograms';
import type { TrainingEvent } from '../../engine/trainingEvents';
import type { HistogramData } from './eventDecoding';
import { equalWidthBuckets } from './eventEncoding';
import { EventFileWriter } from './eventFileWriter';

export class TrainingEventLog {
  private writer?: EventFileWriter;
  /** Why the log stopped, after a write failed. */
  failure?: string;

  constructor(private readonly now: () => number = Date.now) {}

  /** Returns a failure message the first time writing fails, for the caller to report. */
  append(event: TrainingEvent): string | undefined {
    if (this.failure !== undefined) return undefined;
    try {
      this.write(event);
      return undefined;
    } catch (error) {
      this.failure = `the TensorBoard event file could not be written (${error instanceof Error ? error.message : String(error)}); the run goes on without it`;
      return this.failure;
    }
  }

  private write(event: TrainingEvent): void {
    switch (event.type) {
      case 'run-started':
        if (event.runDir) this.writer = new EventFileWriter(event.runDir, 'tensor', this.now);
        return;
      case 'step': {
        if (!this.writer) return;
        const scalars: Record<string, number> = { 'train/loss': event.loss, 'train/learning_rate': event.learningRate };
        if (event.gradNorm !== undefined) scalars['train/grad_norm'] = event.gradNorm;
        for (const [name, value] of Object.entries(event.metrics)) scalars[`train/${name}`] = value;
        this.writer.addScalars(event.step, scalars);
        return;
      }
      case 'layer-stats': {
        if (!this.writer) return;
        const scalars: Record<string, number> = {};
        const histograms: Record<string, HistogramData> = {};
        for (const layer of event.layers) {
          const group = layerGroup(layer.index, layer.name);
          const put = (name: string, value: number | undefined) => {
            if (value !== undefined) scalars[`${group}/${name}`] = value;
          };
          put('activation_mean', layer.activation.mean);
          put('activation_std', layer.activation.std);
          put('zero_fraction', layer.activation.zeroFraction);
          put('dead_fraction', layer.activation.deadFraction);
          put('saturated_fraction', layer.activation.saturatedFraction);
          put('weight_mean', layer.weights?.mean);
          put('weight_std', layer.weights?.std);
          put('grad_norm', layer.gradNorm);
          put('update_ratio', layer.updateRatio);
          for (const [kind, tag] of HISTOGRAM_TAGS) {
            const histogram = layer.histograms?.[kind];
            if (histogram) histograms[`${group}/${tag}`] = histogramData(histogram);
          }
        }
        this.writer.addScalars(event.step, scalars);
        this.writer.addHistograms(event.step, histograms, 'legacy');
        this.writer.flush();
        return;
      }
      case 'epoch-end': {
        if (!this.writer) return;
        const scalars: Record<string, number> = { 'epoch/loss': event.loss };
        if (event.valLoss !== undefined) scalars['epoch/val_loss'] = event.valLoss;
        for (const [name, value] of Object.entries(event.metrics)) scalars[`epoch/${name}`] = value;
        for (const [name, value] of Object.entries(event.valMetrics)) scalars[`epoch/val_${name}`] = value;
        // Keras' habit: epoch scalars are logged at the epoch's number, so they line up with other tools' runs.
        this.writer.addScalars(event.epoch, scalars);
        this.writer.flush();
        return;
      }
      case 'run-ended':
        this.writer?.close();
        return;
      default:
        return;
    }
  }
}

/** Histogram tags under a layer's group, by kind: names the reader maps back (tagMapping.ts). */
export const HISTOGRAM_TAGS = [['activation', 'activations'], ['weights', 'weights'], ['gradients', 'gradients']] as const;

export function histogramData({ min, max, count, sum, sumSquares, counts }: LayerHistogram): HistogramData {
  return { min, max, count, sum, sumSquares, buckets: equalWidthBuckets(min, max, counts) };
}

/** `03_dense_1`: depth order in TensorBoard's alphabetical groups, and only characters TF allows in a name. */
export function layerGroup(index: number, name: string): string {
  return `${String(index).padStart(2, '0')}_${name.replace(/[^A-Za-z0-9_.-]+/g, '_')}`;
}
