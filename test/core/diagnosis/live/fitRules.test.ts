// fit.overfitting and fit.underfitting on hand-built epoch histories: validation loss turning up
// while the training loss falls (with patience, as Keras' EarlyStopping), and a loss that stays
// high although the weights move at a normal pace.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TrainingEvent } from '../../../../src/core/engine/trainingEvents';
import {
  epochEnd, healthyLayers, layerStats, mlpConfig, parseFixture, preferredFix, Replay, runStarted, step, withRuleSettings,
} from './liveTestKit';

/** Epoch ends with the given (training, validation) losses. */
const history = (pairs: [number, number | undefined][]) => pairs.map(([loss, valLoss], epoch) => epochEnd(epoch, loss, valLoss));

const turning: [number, number][] = [[1.0, 1.0], [0.6, 0.9], [0.4, 0.85], [0.3, 0.86], [0.2, 0.87], [0.1, 0.88], [0.05, 0.95]];

describe('fit.overfitting', () => {
  it('reports once the validation loss has not beaten its best for 3 epochs while the training loss fell', () => {
    const replay = new Replay(parseFixture(mlpConfig()));
    replay.feed(runStarted());
    const events = history(turning);
    replay.feed(...events.slice(0, 5));
    assert.equal(replay.of('fit.overfitting').length, 0, 'two epochs after the best is not enough');
    replay.feed(events[5]);
    const [finding] = replay.of('fit.overfitting');
    assert.ok(finding);
    assert.equal(finding.severity, 'warning');
    assert.equal(finding.epoch, 5);
    assert.equal(finding.evidence.bestEpoch, 2);
    assert.equal(finding.evidence.bestValLoss, 0.85);
    assert.equal(finding.evidence.epochsSinceBest, 3);
    assert.match(finding.message, /best, 0\.85 at epoch 3, to 0\.88/);
    assert.deepEqual(preferredFix(finding), { ...preferredFix(finding), id: 'fix.early-stopping', args: { monitor: 'val_loss', patience: 3 } });
    assert.deepEqual(finding.fixes.find((f) => f.id === 'fix.add-dropout')?.args, { layers: [0, 1], rate: 0.3 });
    assert.ok(finding.fixes.some((f) => f.id === 'fix.weight-decay'));
    assert.ok(!finding.fixes.some((f) => f.id === 'fix.augment'), 'augmentation needs image inputs');
    replay.feed(events[6]);
    assert.equal(replay.of('fit.overfitting').length, 1, 'reported once');
  });

  it('is quiet on a model too small to memorize its data: 10 or more training examples per parameter (issue 10: pytorch/examples\' 5-parameter polynomial fit)', () => {
    const linear = parseFixture(mlpConfig({ hidden: [] })); // one dense layer, 32 × 10 + 10 = 330 parameters
    const plenty = new Replay(linear);
    plenty.feed({ ...runStarted(), trainExamples: 3300 }, ...history(turning));
    assert.equal(plenty.of('fit.overfitting').length, 0, 'a rising validation loss there is noise of the steps, not memorization');
    const few = new Replay(linear);
    few.feed({ ...runStarted(), trainExamples: 3299 }, ...history(turning));
    assert.equal(few.of('fit.overfitting').length, 1, 'just under 10 per parameter: judged');
  });

  it('on a 10-example validation set, needs a rise beyond the noise of its mean (2/√10 ≈ 63%)', () => {
    const tiny = { ...runStarted(), validationExamples: 10 };
    const wobble = new Replay(parseFixture(mlpConfig()));
    wobble.feed(tiny, ...history(turning));
    assert.equal(wobble.of('fit.overfitting').length, 0, 'a 12% rise of a 10-example mean is noise');
    const gapOnly = new Replay(parseFixture(mlpConfig()));
    gapOnly.feed(tiny, ...history([[1.0, 1.0], [0.5, 0.9], [0.3, 0.8], [0.2, 0.8], [0.1, 0.8], [0.05, 0.8]]));
    assert.equal(gapOnly.of('fit.overfitting').length, 0, 'a gap alone proves nothing on 10 examples');
    const real = new Replay(parseFixture(mlpConfig()));
    real.feed(tiny, ...history([[1.0, 1.0], [0.6, 0.9], [0.4, 0.85], [0.3, 1.1], [0.2, 1.3], [0.1, 1.5]]));
    const [finding] = real.of('fit.overfitting');
    assert.ok(finding, 'a 76% rise is beyond the noise');
    assert.equal(finding.evidence.validationExamples, 10);
  });

  it('with 30 or more validation examples, judges as before (the gap alone counts)', () => {
    const replay = new Replay(parseFixture(mlpConfig()));
    replay.feed({ ...runStarted(), validationExamples: 30 }, ...history([[1.0, 1.0], [0.5, 0.9], [0.3, 0.8], [0.2, 0.8], [0.1, 0.8], [0.05, 0.8]]));
    assert.equal(replay.of('fit.overfitting').length, 1);
  });

  it('stays quiet when the training loss stalls too (that is not overfitting)', () => {
    const replay = new Replay(parseFixture(mlpConfig()));
    replay.feed(runStarted(), ...history([[1.0, 1.0], [0.8, 0.85], [0.79, 0.9], [0.79, 0.92], [0.78, 0.95], [0.78, 0.97]]));
    assert.equal(replay.of('fit.overfitting').length, 0);
  });

  it('stays quiet while the validation loss keeps improving, even with a gap', () => {
    const replay = new Replay(parseFixture(mlpConfig()));
    replay.feed(runStarted(), ...history([[1.0, 1.0], [0.5, 0.9], [0.3, 0.8], [0.2, 0.7], [0.1, 0.69], [0.05, 0.68]]));
    assert.equal(replay.of('fit.overfitting').length, 0);
  });

  it('reports a stalled validation loss far above a falling training loss (generalization gap)', () => {
    const replay = new Replay(parseFixture(mlpConfig()));
    replay.feed(runStarted(), ...history([[1.0, 1.0], [0.5, 0.8], [0.3, 0.8], [0.2, 0.8], [0.1, 0.8]]));
    const [finding] = replay.of('fit.overfitting');
    assert.ok(finding);
    assert.equal(finding.evidence.gapRatio, 7);
    assert.match(finding.message, /8 times the training loss/);
  });

  it('is only informational when early stopping will end the run, and then prefers dropout', () => {
    const config = mlpConfig({ training: { earlyStopping: { monitor: 'val_loss', patience: 3 } } });
    const replay = new Replay(parseFixture(config));
    replay.feed(runStarted(), ...history(turning));
    const [finding] = replay.of('fit.overfitting');
    assert.equal(finding?.severity, 'info');
    assert.deepEqual(finding?.path, ['training', 'earlyStopping']);
    assert.equal(preferredFix(finding).id, 'fix.add-dropout');
    assert.ok(!finding.fixes.some((f) => f.id === 'fix.early-stopping'));
  });

  it('offers augmentation for image inputs', () => {
    const image = {
      ...mlpConfig(),
      data: { dataset: 'mnist', shape: 'image', trainSize: 300, validationSize: 100 },
      model: { input: [28, 28, 1], layers: [{ type: 'flatten' }, { type: 'dense', units: 32, activation: 'relu' }, { type: 'dense', units: 10, activation: 'softmax' }] },
    };
    const replay = new Replay(parseFixture(image));
    replay.feed(runStarted(), ...history(turning));
    assert.ok(replay.of('fit.overfitting')[0]?.fixes.some((f) => f.id === 'fix.augment'));
    for (const augment of [{ rotate: 10 }, { crop: 4 }]) {
      const augmented = new Replay(parseFixture({ ...image, data: { ...image.data, augment } }));
      augmented.feed(runStarted(), ...history(turning));
      const [finding] = augmented.of('fit.overfitting');
      assert.ok(finding && !finding.fixes.some((f) => f.id === 'fix.augment'), `already augmenting with ${JSON.stringify(augment)}`);
    }
  });

  it('obeys patience from the config and needs a validation loss', () => {
    const patient = new Replay(parseFixture(withRuleSettings(mlpConfig(), { 'fit.overfitting': { patience: 5 } })));
    patient.feed(runStarted(), ...history(turning));
    assert.equal(patient.of('fit.overfitting').length, 0);
    const blind = new Replay(parseFixture(mlpConfig({ validation: false })));
    blind.feed(runStarted(), ...history(turning.map(([loss]) => [loss, undefined])));
    assert.equal(blind.of('fit.overfitting').length, 0);
  });
});

/**
 * Epochs of 16 steps at a flat loss (two unless told), statistics every 10 steps with the given
 * update ratio, in a run planned for `planned` epochs (6: judged from epoch 2 on).
 */
function flatEpochs(loss: number, updateRatio: number, options: { epochs?: number; gradNorm?: number; planned?: number } = {}): TrainingEvent[] {
  const events: TrainingEvent[] = [runStarted(undefined, options.planned ?? 6)];
  const epochs = options.epochs ?? 2;
  // 50 steps an epoch: two epochs are the 100 steps fit.underfitting needs before it judges.
  const perEpoch = 50;
  for (let i = 0; i < perEpoch * epochs; i++) {
    events.push(step(i, loss * (1 + 0.02 * Math.sin(i)), { epoch: Math.floor(i / perEpoch), gradNorm: options.gradNorm ?? 0.5 }));
    if (i % 10 === 0) events.push(layerStats(i, healthyLayers({ 0: { updateRatio: updateRatio }, 1: { updateRatio: updateRatio }, 2: { updateRatio: updateRatio * 2 } })));
    if (i % perEpoch === perEpoch - 1) events.push(epochEnd(Math.floor(i / perEpoch), loss * 0.99, loss, { step: i + 1 }));
  }
  return events;
}

describe('fit.underfitting', () => {
  it('reports (as a warning) a classifier stuck near the loss of a uniform guess although the weights move normally', () => {
    const replay = new Replay(parseFixture(mlpConfig()));
    replay.feed(...flatEpochs(2.3, 3e-3, { epochs: 1 }));
    assert.equal(replay.of('fit.underfitting').length, 0, 'not judged before 2 epochs');
    replay.feed(...flatEpochs(2.3, 3e-3).slice(1));
    const [finding] = replay.of('fit.underfitting');
    assert.ok(finding);
    assert.equal(finding.severity, 'warning');
    assert.equal(finding.epoch, 1);
    assert.ok(Math.abs((finding.evidence.chanceLoss as number) - Math.log(10)) < 1e-12);
    assert.match(finding.message, /of the loss of a uniform guess/);
    assert.equal(finding.fixes.length, 0, 'the inputs are standardized and the updates healthy: no config fix applies');
    assert.equal(replay.of('lr.too-low').length, 0);
  });

  it('waits for 30% of the planned epochs (AUTOTRAINER\'s judgment point): some problems plateau before they drop', () => {
    const replay = new Replay(parseFixture(mlpConfig()));
    const events = flatEpochs(2.3, 3e-3, { epochs: 6, planned: 20 });
    const fifthEnd = events.findIndex((e) => e.type === 'epoch-end' && e.epoch === 4);
    replay.feed(...events.slice(0, fifthEnd + 1));
    assert.equal(replay.of('fit.underfitting').length, 0, 'not before epoch 6 of 20');
    replay.feed(...events.slice(fifthEnd + 1));
    assert.equal(replay.of('fit.underfitting')[0]?.epoch, 5);
  });

  it('is withdrawn (state resolved, same id, with the reason) when the loss falls after all', () => {
    const replay = new Replay(parseFixture(mlpConfig()));
    replay.feed(...flatEpochs(2.3, 3e-3, { epochs: 4, planned: 10 }));
    const [open] = replay.of('fit.underfitting');
    assert.ok(open, 'reported at 30% of 10 epochs');
    assert.equal(open.state, undefined);
    replay.feed(epochEnd(4, 0.4, 0.45, { step: 250 }));
    const versions = replay.of('fit.underfitting');
    assert.equal(versions.length, 2);
    const resolved = versions[1];
    assert.equal(resolved.id, open.id, 'replaces the open finding');
    assert.equal(resolved.state, 'resolved');
    assert.match(resolved.resolution ?? '', /By epoch 5 the training loss fell to 0\.4 \(−83%/);
    replay.feed(epochEnd(5, 0.3, 0.35, { step: 300 }));
    assert.equal(replay.of('fit.underfitting').length, 2, 'withdrawn once');
  });

  it('waits for 100 training steps: two epochs of a short trial run are too little to judge (issue 10: a 30-step CNN trial)', () => {
    const replay = new Replay(parseFixture(mlpConfig()));
    const short = flatEpochs(2.3, 3e-3, { epochs: 2 }).filter((e) => e.type !== 'step' || e.step % 50 < 15);
    replay.feed(...short);
    assert.equal(replay.of('fit.underfitting').length, 0, '30 steps');
  });

  it('offers standardization when the inputs are raw', () => {
    const replay = new Replay(parseFixture(mlpConfig({ preprocess: { normalize: 'none' } })));
    replay.feed(...flatEpochs(2.3, 3e-3));
    assert.equal(preferredFix(replay.of('fit.underfitting')[0]).id, 'fix.normalize-inputs');
    assert.deepEqual(replay.of('fit.underfitting')[0].path, ['data', 'preprocess', 'normalize']);
  });

  it('leaves tiny updates to lr.too-low and frozen layers to the gradient rules', () => {
    const slow = new Replay(parseFixture(mlpConfig()));
    slow.feed(...flatEpochs(2.3, 2e-5));
    assert.equal(slow.of('fit.underfitting').length, 0);
    const noGradient = new Replay(parseFixture(mlpConfig()));
    noGradient.feed(...flatEpochs(2.3, 3e-3, { gradNorm: 0 }));
    assert.equal(noGradient.of('fit.underfitting').length, 0);
  });

  it('reports a classifier whose accuracy stays within a quarter of the way from chance to perfect, though its loss fell below 90% of chance (the one-unit bottleneck)', () => {
    // Loss 2.2 -> 1.8 (-18%, 78% of ln 10) with a training accuracy of 0.22 on 10 classes: threshold 0.1 + 0.25 · 0.9 = 0.325.
    const withAccuracy = (accuracy: number) => flatEpochs(2.2, 3e-3).map((e) => (e.type === 'epoch-end' ? { ...e, loss: 1.8, metrics: { accuracy } } : e));
    const stuck = new Replay(parseFixture(mlpConfig()));
    stuck.feed(...withAccuracy(0.22));
    const [finding] = stuck.of('fit.underfitting');
    assert.ok(finding);
    assert.equal(finding.evidence.accuracy, 0.22);
    assert.match(finding.message, /the accuracy is only 0\.22/);
    stuck.feed({ ...epochEnd(2, 1.7, 1.75, { step: 150 }), metrics: { accuracy: 0.25 } }, { ...epochEnd(3, 1.7, 1.75, { step: 200 }), metrics: { accuracy: 0.3 } });
    assert.equal(stuck.of('fit.underfitting').length, 1, 'still below a quarter of the way: not withdrawn');
    stuck.feed({ ...epochEnd(4, 1.2, 1.3, { step: 250 }), metrics: { accuracy: 0.6 } });
    assert.equal(stuck.of('fit.underfitting')[1]?.state, 'resolved');
    const learning = new Replay(parseFixture(mlpConfig()));
    learning.feed(...withAccuracy(0.6));
    assert.equal(learning.of('fit.underfitting').length, 0, 'accuracy 0.6 is learning, whatever the loss');
  });

  it('takes the better of the training and validation accuracies: the training one lags behind dropout (keras-io\'s heart-disease net)', () => {
    const lagging = flatEpochs(2.2, 3e-3).map((e) => (e.type === 'epoch-end' ? { ...e, loss: 1.8, metrics: { accuracy: 0.22 }, valMetrics: { accuracy: 0.6 } } : e));
    const replay = new Replay(parseFixture(mlpConfig()));
    replay.feed(...lagging);
    assert.equal(replay.of('fit.underfitting').length, 0);
  });

  /** mlpConfig with both hidden layers' kernels penalized by this L2 coefficient. */
  const penalized = (l2: number) => parseFixture(mlpConfig({
    hidden: [0, 1].map(() => ({ type: 'dense', units: 64, activation: 'relu', kernelInitializer: 'heNormal', kernelRegularizer: { l2 } })),
  }));
  /**
   * Two epochs of 12 steps (a short trial, under minSteps), the kernels at std `weightStd`: with l2 0.1 and std 0.1 the
   * penalty is 0.1 · (32·64 + 64·64) · 0.01 ≈ 6.1, the loss the penalty plus a data loss of 0.7 that fits well.
   */
  const shrinkingEpochs = (l2: number, weightStd: number): TrainingEvent[] => {
    const penalty = l2 * (32 * 64 + 64 * 64) * weightStd ** 2;
    const events: TrainingEvent[] = [runStarted(undefined, 2)];
    for (let i = 0; i < 24; i++) {
      events.push(step(i, penalty + 0.7 + (24 - i) * 0.05, { epoch: Math.floor(i / 12) }));
      if (i % 6 === 0) events.push(layerStats(i, healthyLayers({ 0: { weights: { mean: 0, std: weightStd } }, 1: { weights: { mean: 0, std: weightStd } } })));
      if (i % 12 === 11) events.push(epochEnd(Math.floor(i / 12), penalty + 0.7, penalty + 0.75, { step: i + 1 }));
    }
    return events;
  };

  it('reports a classifier whose kernel penalty costs more than a uniform guess scores (issue 10: TheDeepChecker\'s baseCNN with l2 0.1)', () => {
    const replay = new Replay(penalized(0.1));
    replay.feed(...shrinkingEpochs(0.1, 0.1));
    const [finding] = replay.of('fit.underfitting');
    assert.ok(finding, 'measured over-regularization needs no 100 steps of progress');
    assert.equal(finding.epoch, 1);
    assert.ok(Math.abs((finding.evidence.penalty as number) - 0.1 * 6144 * 0.01) < 1e-9);
    assert.deepEqual(finding.evidence.regularizedLayers, [0, 1]);
    assert.match(finding.message, /over-regularized/);
    assert.deepEqual(finding.path, ['model', 'layers', 0, 'kernelRegularizer']);
    assert.deepEqual(preferredFix(finding), { ...preferredFix(finding), id: 'fix.weight-decay', args: { layers: [0, 1], l2: 1e-4 } });
  });

  it('stays quiet on the usual weight decay; withdraws the over-regularization finding only once the loss, penalty included, is below chance', () => {
    const usual = new Replay(penalized(1e-4));
    usual.feed(...shrinkingEpochs(1e-4, 0.1));
    assert.equal(usual.of('fit.underfitting').length, 0);
    const replay = new Replay(penalized(0.1));
    replay.feed(...shrinkingEpochs(0.1, 0.1));
    assert.equal(replay.of('fit.underfitting').length, 1);
    const shrunk = layerStats(30, healthyLayers({ 0: { weights: { mean: 0, std: 0.01 } }, 1: { weights: { mean: 0, std: 0.01 } } }));
    replay.feed(shrunk, epochEnd(2, 3.2, 3.3, { step: 36 }));
    assert.equal(replay.of('fit.underfitting').length, 1, 'the penalty shrank to its balance with the data, but the loss still sits above chance');
    replay.feed(shrunk, epochEnd(3, 0.8, 0.85, { step: 48 }));
    const versions = replay.of('fit.underfitting');
    assert.equal(versions.length, 2);
    assert.equal(versions[1].state, 'resolved');
    assert.match(versions[1].resolution ?? '', /penalty included, fell to 0\.8 .*earn more than their penalty costs/);
  });

  it('stays quiet when the loss falls, and when it has diverged far above chance', () => {
    const learning = new Replay(parseFixture(mlpConfig()));
    const events = flatEpochs(2.3, 3e-3).map((e) => (e.type === 'epoch-end' ? { ...e, loss: e.epoch === 0 ? 1.2 : 0.8 } : e));
    learning.feed(...events);
    assert.equal(learning.of('fit.underfitting').length, 0);
    const saturated = new Replay(parseFixture(mlpConfig()));
    saturated.feed(...flatEpochs(13, 3e-3));
    assert.equal(saturated.of('fit.underfitting').length, 0);
  });
});
