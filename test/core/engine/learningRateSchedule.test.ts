import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LrScheduleConfig } from '../../../src/core/config/trainConfig';
import { LearningRateSchedule } from '../../../src/core/engine/learningRateSchedule';
import { configFrom, gaussianConfig, train } from './engineFixtures';

const spe = 10; // steps per epoch
const epochs = 6;

function rates(config: LrScheduleConfig, base = 0.1, totalEpochs = epochs): number[] {
  const schedule = new LearningRateSchedule(config, base);
  return Array.from({ length: totalEpochs * spe }, (_, step) => schedule.rateAt({ step, stepsPerEpoch: spe, totalEpochs }));
}

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-12 + 1e-9 * Math.abs(expected), `${what}: ${actual} vs ${expected}`);
}

describe('LearningRateSchedule', () => {
  it('constant stays at the base rate', () => {
    assert.ok(rates({ type: 'constant', warmupEpochs: 0 }).every((r) => r === 0.1));
  });

  it('step multiplies by gamma every stepSize epochs, exactly at epoch boundaries', () => {
    const r = rates({ type: 'step', stepSize: 2, gamma: 0.5, warmupEpochs: 0 });
    r.forEach((rate, step) => close(rate, 0.1 * 0.5 ** Math.floor(step / spe / 2), `step ${step}`));
    assert.equal(r[19], 0.1);
    assert.equal(r[20], 0.05);
  });

  it('exponential decays by gamma per epoch, smoothly per step', () => {
    const r = rates({ type: 'exponential', gamma: 0.9, warmupEpochs: 0 });
    close(r[0], 0.1, 'start');
    close(r[spe], 0.09, 'after one epoch');
    close(r[5], 0.1 * 0.9 ** 0.5, 'half an epoch');
    for (let i = 1; i < r.length; i++) assert.ok(r[i] < r[i - 1]);
  });

  it('cosine starts at the base rate, decreases monotonically and ends at minLearningRate', () => {
    const min = 0.001;
    const r = rates({ type: 'cosine', minLearningRate: min, warmupEpochs: 0 });
    assert.equal(r[0], 0.1);
    for (let i = 1; i < r.length; i++) assert.ok(r[i] <= r[i - 1], `step ${i}`);
    close(r[r.length / 2], (0.1 + min) / 2, 'midpoint');
    // The last step is one step short of the end of the cosine: within (π/2N)² of the minimum.
    const total = epochs * spe;
    assert.ok(r.at(-1)! > min && r.at(-1)! - min <= (0.1 - min) * (Math.PI / (2 * total)) ** 2 * 1.01, `last ${r.at(-1)}`);
    const schedule = new LearningRateSchedule({ type: 'cosine', minLearningRate: min, warmupEpochs: 0 }, 0.1);
    assert.equal(schedule.rateAt({ step: total, stepsPerEpoch: spe, totalEpochs: epochs }), min);
    assert.equal(schedule.rateAt({ step: total + 50, stepsPerEpoch: spe, totalEpochs: epochs }), min);
  });

  it('warm-up rises linearly from base/warmupSteps, reaches the base rate at its last step, then the schedule takes over', () => {
    const r = rates({ type: 'cosine', minLearningRate: 0, warmupEpochs: 2 });
    const warmup = 2 * spe;
    assert.ok(r[0] > 0);
    for (let step = 0; step < warmup; step++) close(r[step], (0.1 * (step + 1)) / warmup, `warm-up step ${step}`);
    assert.equal(r[warmup - 1], 0.1);
    // The cosine spans the epochs after the warm-up.
    assert.equal(r[warmup], 0.1);
    close(r[warmup + (epochs * spe - warmup) / 2], 0.05, 'cosine midpoint after warm-up');
    for (let i = warmup + 1; i < r.length; i++) assert.ok(r[i] <= r[i - 1]);
    // Fractional warm-up epochs round to whole steps.
    const half = rates({ type: 'constant', warmupEpochs: 0.25 });
    // 0.25 epochs of 10 steps: Math.round(2.5) = 3 warm-up steps.
    [0.1 / 3, 0.2 / 3, 0.1, 0.1].forEach((expected, step) => close(half[step], expected, `fractional warm-up step ${step}`));
  });

  it('reduceOnPlateau multiplies by factor after `patience` epochs without improvement, down to minLearningRate', () => {
    const config: LrScheduleConfig = { type: 'reduceOnPlateau', monitor: 'val_loss', factor: 0.5, patience: 2, minDelta: 0.01, minLearningRate: 0.02, warmupEpochs: 0 };
    const schedule = new LearningRateSchedule(config, 0.1);
    const rate = () => schedule.rateAt({ step: 0, stepsPerEpoch: spe, totalEpochs: epochs });
    const lowered: boolean[] = [];
    const seen: number[] = [];
    for (const valLoss of [1.0, 0.9, 0.895, 0.9, 0.85, 0.86, 0.87, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]) {
      lowered.push(schedule.endEpoch({ val_loss: valLoss, loss: 0 }));
      seen.push(rate());
    }
    // 0.895 is within minDelta of 0.9 (no improvement); 0.9 again makes two: halve.
    assert.deepEqual(seen.slice(0, 5), [0.1, 0.1, 0.1, 0.05, 0.05]);
    assert.equal(lowered[3], true);
    // 0.85 improved; then two misses halve again, two more halve (0.0125 → clamped at 0.02).
    assert.deepEqual(seen.slice(5, 9), [0.05, 0.025, 0.025, 0.02]);
    assert.ok(seen.every((r) => r >= 0.02));
    // Once at the floor, further plateaus report no change.
    assert.equal(lowered.at(-1), false);
    assert.equal(lowered.filter(Boolean).length, 3);
    assert.equal(schedule.endEpoch({ loss: 1 }), false, 'a missing monitor changes nothing');
  });

  it('reduceOnPlateau on an accuracy monitor treats higher as better', () => {
    const schedule = new LearningRateSchedule({ type: 'reduceOnPlateau', monitor: 'val_accuracy', factor: 0.1, patience: 1, minDelta: 0, minLearningRate: 0, warmupEpochs: 0 }, 1);
    const rate = () => schedule.rateAt({ step: 0, stepsPerEpoch: spe, totalEpochs: epochs });
    schedule.endEpoch({ val_accuracy: 0.5 });
    schedule.endEpoch({ val_accuracy: 0.6 });
    assert.equal(rate(), 1, 'rising accuracy is an improvement');
    schedule.endEpoch({ val_accuracy: 0.55 });
    close(rate(), 0.1, 'falling accuracy is a plateau');
  });
});

describe('learning rates in a run', () => {
  it('step events carry the scheduled rate, and the optimizer applies it', async () => {
    const lrSchedule = { type: 'cosine', warmupEpochs: 1, minLearningRate: 0.001 };
    const config = configFrom(gaussianConfig({
      training: { epochs: 4, batchSize: 50, optimizer: { type: 'sgd', learningRate: 0.2 }, lrSchedule },
      diagnostics: { every: 1 },
    }));
    const result = await train(config);
    const schedule = new LearningRateSchedule(config.training.lrSchedule, 0.2);
    const stepsPerEpoch = 4;
    assert.equal(result.steps.length, 16);
    for (const step of result.steps) {
      assert.equal(step.learningRate, schedule.rateAt({ step: step.step, stepsPerEpoch, totalEpochs: 4 }), `step ${step.step}`);
    }
    const epochEnds = result.events.filter((e) => e.type === 'epoch-end');
    epochEnds.forEach((e, i) => assert.equal(e.learningRate, result.steps[4 * i + 3].learningRate));

    // Plain SGD moves the weights by lr·g: the first (warm-up) step, at a quarter of the base
    // rate, makes an update a quarter the size of the same step without warm-up.
    const flat = await train(configFrom(gaussianConfig({
      training: { epochs: 1, batchSize: 50, optimizer: { type: 'sgd', learningRate: 0.2 } },
      diagnostics: { every: 1 },
    })));
    const warmRatio = result.layerStats[0].layers[0].updateRatio!;
    const flatRatio = flat.layerStats[0].layers[0].updateRatio!;
    assert.equal(result.steps[0].learningRate, 0.05);
    assert.ok(Math.abs(warmRatio / flatRatio - 0.25) < 1e-4, `update ratios ${warmRatio} / ${flatRatio}`);
  });

  it('reduceOnPlateau lowers the rate of the following epoch and logs it', async () => {
    const result = await train(configFrom(gaussianConfig({
      training: {
        epochs: 4, batchSize: 100, optimizer: { type: 'sgd', learningRate: 0.1 },
        lrSchedule: { type: 'reduceOnPlateau', monitor: 'loss', patience: 0, factor: 0.5, minDelta: 100 },
      },
    })));
    // minDelta 100: every epoch after the first is a plateau, and patience 0 halves at once.
    assert.deepEqual(result.steps.map((s) => s.learningRate), [0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025]);
    assert.equal(result.events.filter((e) => e.type === 'log' && /reduceOnPlateau/.test(e.message)).length, 3);
  });
});
