// Runs written with our own event-file writer, shaped like the logs of PyTorch and Keras users,
// for the mapping, diagnosis and watch tests.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { histogramOf, type SummaryForm } from '../../../../src/core/interop/tensorboard/eventEncoding';
import { EventFileWriter } from '../../../../src/core/interop/tensorboard/eventFileWriter';

export function tempLogdir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `training-doctor-${prefix}-`));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A deterministic spread of `count` values around `mean` with standard deviation about `std`. */
export function spread(count: number, mean: number, std: number): number[] {
  return Array.from({ length: count }, (_, i) => mean + std * Math.sqrt(3) * (2 * ((i * 0.6180339887) % 1) - 1));
}

/** A writer whose clock advances one second per call, starting at `start` (seconds). */
export function writerAt(dir: string, start: number, form: SummaryForm = 'tensor', serial = 0): EventFileWriter {
  let now = start * 1000;
  return new EventFileWriter(dir, form, () => (now += 1000), `events.out.tfevents.${start}.testhost.1.${serial}`);
}

export interface PytorchRunOptions {
  steps: number;
  form?: SummaryForm;
  loss?: (step: number) => number;
  /** Std of fc1's gradient values at a step (fc2's stays at 0.01). */
  gradientStd?: (step: number) => number;
  /** Fraction of fc1's activations that are exactly zero (ReLU). */
  deadFraction?: (step: number) => number;
  validationEvery?: number;
  valLoss?: (step: number) => number;
}

/** A PyTorch-style run: Loss/train, lr, per-layer weights, gradients and activations every step. */
export function writePytorchRun(dir: string, options: PytorchRunOptions): string {
  const writer = writerAt(dir, 1_700_000_000, options.form ?? 'tensor');
  for (let step = 0; step < options.steps; step++) {
    writer.addScalars(step, { 'Loss/train': options.loss?.(step) ?? 2 * Math.exp(-step / 20) + 0.1, lr: 0.01 });
    const dead = options.deadFraction?.(step) ?? 0.4;
    const activations = spread(1000, 1, 0.5).map((v, i) => (i < dead * 1000 ? 0 : Math.abs(v) + 0.05));
    writer.addHistograms(step, {
      'fc1.weight': histogramOf(spread(512, 0, 0.1)),
      'fc1.weight.grad': histogramOf(spread(512, 0, options.gradientStd?.(step) ?? 0.01)),
      'fc1.bias': histogramOf(spread(32, 0, 0.01)),
      'fc1/activations': histogramOf(activations),
      'fc2.weight': histogramOf(spread(64, 0, 0.2)),
      'fc2.weight.grad': histogramOf(spread(64, 0, 0.01)),
    });
    if (options.validationEvery && (step + 1) % options.validationEvery === 0) {
      writer.addScalars(step, { 'Loss/val': options.valLoss?.(step) ?? 2 * Math.exp(-step / 20) + 0.15 });
    }
  }
  writer.close();
  return writer.filePath;
}

/** A Keras-callback-style run: `train/` and `validation/` folders with epoch_loss and epoch_accuracy. */
export function writeKerasRun(dir: string, epochs: number, trainLoss: (e: number) => number, valLoss: (e: number) => number): void {
  const train = writerAt(path.join(dir, 'train'), 1_700_000_000, 'legacy', 0);
  const validation = writerAt(path.join(dir, 'validation'), 1_700_000_001, 'legacy', 1);
  for (let epoch = 0; epoch < epochs; epoch++) {
    train.addScalars(epoch, { epoch_loss: trainLoss(epoch), epoch_accuracy: 0.5 + epoch / (2 * epochs) });
    train.addHistograms(epoch, { 'dense/kernel_0': histogramOf(spread(100, 0, 0.1)), 'dense/bias_0': histogramOf(spread(10, 0, 0.01)) });
    validation.addScalars(epoch, { epoch_loss: valLoss(epoch), epoch_accuracy: 0.5 });
  }
  train.close();
  validation.close();
}
