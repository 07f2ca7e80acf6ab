// lr.too-high and lr.too-low on hand-built step losses and update ratios: divergence, a loss that
// keeps bouncing back, oversized updates, and a loss that creeps because every step is tiny.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { StepEvent, TrainingEvent } from '../../../../src/core/engine/trainingEvents';
import {
  epochEnd, healthyLayers, layerStats, mlpConfig, parseFixture, preferredFix, Replay, runStarted, samples, step, withRuleSettings,
} from './liveTestKit';

/** Step events with losses from `lossAt(i)`, batch noise of ±10% included by the caller. */
const steps = (count: number, lossAt: (i: number) => number, start = 0): StepEvent[] =>
  Array.from({ length: count }, (_, i) => step(start + i, lossAt(start + i), { epoch: Math.floor((start + i) / 100) }));

const noise = (i: number) => 1 + 0.1 * Math.sin(i * 2.7);

describe('lr.too-high', () => {
  it('is an error when two 20-step windows average twice the first step\'s loss', () => {
    const replay = new Replay(parseFixture(mlpConfig({ training: { optimizer: { type: 'sgd', learningRate: 5 } } })));
    replay.feed(runStarted(), step(0, 2.8), ...steps(18, () => 14, 1));
    replay.feed(step(19, 13));
    assert.equal(replay.of('lr.too-high').length, 0, 'one window is not enough');
    replay.feed(...steps(20, () => 13.5, 20));
    const [finding] = replay.of('lr.too-high');
    assert.ok(finding);
    assert.equal(finding.severity, 'error');
    assert.equal(finding.step, 39);
    assert.deepEqual(finding.path, ['training', 'optimizer', 'learningRate']);
    assert.match(finding.message, /climbed from 2\.8 at the first step/);
    assert.deepEqual(preferredFix(finding).args, { learningRate: 0.5 });
    assert.ok(finding.fixes.some((f) => f.id === 'fix.lr-decay'), 'a constant schedule can decay');
    assert.ok(finding.fixes.some((f) => f.id === 'fix.gradient-clipping'));
  });

  it('warns when the smoothed loss bounces back 30% above its best window for two windows, then escalates on divergence', () => {
    const replay = new Replay(parseFixture(mlpConfig()));
    replay.feed(runStarted(), ...steps(100, (i) => (2.3 - 1.6 * Math.min(1, i / 60)) * noise(i)));
    assert.equal(replay.of('lr.too-high').length, 0, 'a falling loss with batch noise is healthy');
    replay.feed(...steps(40, (i) => 1.1 * noise(i), 100));
    const [warning] = replay.of('lr.too-high');
    assert.ok(warning);
    assert.equal(warning.severity, 'warning');
    assert.match(warning.message, /keeps bouncing back/);
    replay.feed(...steps(40, () => 6, 140));
    assert.deepEqual(replay.of('lr.too-high').map((f) => f.severity), ['warning', 'error'], 'reported again only because it got worse');
  });

  it('stays quiet on a noisy plateau and once the loss is tiny', () => {
    const plateau = new Replay(parseFixture(mlpConfig()));
    plateau.feed(runStarted(), ...steps(300, (i) => (i < 40 ? 2.3 - i * 0.04 : 0.7) * noise(i)));
    assert.equal(plateau.of('lr.too-high').length, 0);
    const tiny = new Replay(parseFixture(mlpConfig()));
    tiny.feed(runStarted(), ...steps(100, (i) => 2.3 * Math.exp(-i / 5)), ...steps(60, () => 0.01, 100));
    assert.equal(tiny.of('lr.too-high').length, 0, 'relative noise near zero loss is not oscillation');
  });

  it('warns when the median update ratio stays above 0.1, ignoring the very first update', () => {
    const big = () => healthyLayers({ 0: { updateRatio: 0.3 }, 1: { updateRatio: 0.2 }, 2: { updateRatio: 0.4 } });
    const replay = new Replay(parseFixture(mlpConfig()));
    replay.feed(runStarted(), ...samples(3, big));
    assert.equal(replay.of('lr.too-high').length, 0, 'the first sample does not count');
    replay.feed(layerStats(30, big()));
    const [finding] = replay.of('lr.too-high');
    assert.equal(finding?.severity, 'warning');
    assert.equal(finding?.evidence.medianUpdateRatio, 0.3);
  });

  it('large updates on a run whose loss falls well are no fault (issue 10: it fired at lr 0.001 on a healthy run)', () => {
    const big = () => healthyLayers({ 0: { updateRatio: 0.3 }, 1: { updateRatio: 0.2 }, 2: { updateRatio: 0.4 } });
    const replay = new Replay(parseFixture(mlpConfig()));
    replay.feed(runStarted(), ...steps(5, () => 2.3), ...steps(20, () => 0.9, 5));
    replay.feed(...samples(6, big, 30));
    assert.deepEqual(replay.of('lr.too-high'), [], 'the loss fell from 2.3 to 0.9');
    const stuck = new Replay(parseFixture(mlpConfig()));
    stuck.feed(runStarted(), ...steps(25, () => 2.3), ...samples(6, big, 30));
    assert.equal(stuck.of('lr.too-high').length, 1, 'control: the same updates on a loss that does not fall');
  });

  it('ReLUs alive at the start and dead after large first steps: a warning of lr.too-high, pointing at the learning rate', () => {
    const replay = new Replay(parseFixture(mlpConfig({ training: { optimizer: { type: 'sgd', learningRate: 0.1 } } })));
    const sample = (step: number, dead: number, ratio: number) => layerStats(step, healthyLayers({
      0: { activation: { deadFraction: dead, zeroFraction: Math.max(0.5, dead) }, updateRatio: ratio },
      1: { activation: { deadFraction: dead, zeroFraction: Math.max(0.5, dead) }, updateRatio: ratio },
    }));
    replay.feed(runStarted(), ...steps(5, () => 2.3), sample(0, 0.02, 0.05), sample(10, 0.85, 0.04), sample(20, 0.9, 1e-4), sample(30, 0.9, 1e-4));
    const [finding, ...more] = replay.of('lr.too-high');
    assert.ok(finding, 'reported');
    assert.equal(more.length, 0);
    assert.equal(finding.severity, 'warning');
    assert.deepEqual(finding.evidence.killedLayers, [0, 1]);
    assert.match(finding.message, /alive at the start and died by step 30/);
    assert.deepEqual(preferredFix(finding).args, { learningRate: 0.01 });
  });

  it('ReLUs dead from the start are not the learning rate\'s doing', () => {
    const replay = new Replay(parseFixture(mlpConfig()));
    const dead = (step: number) => layerStats(step, healthyLayers({ 0: { activation: { deadFraction: 0.9, zeroFraction: 0.95 }, updateRatio: 0.05 } }));
    replay.feed(runStarted(), ...steps(5, () => 2.3), dead(0), dead(10), dead(20), dead(30));
    assert.deepEqual(replay.of('lr.too-high'), []);
  });

  it('divergence stops the run as failed, unless diagnostics.stopOnDivergence is false', () => {
    const diverging = [runStarted(), step(0, 2.8), ...steps(60, () => 14, 1)];
    const stopping = new Replay(parseFixture(mlpConfig()));
    stopping.feed(...diverging);
    assert.deepEqual(stopping.stops.map((s) => s.status), ['failed']);
    assert.match(stopping.stops[0].reason, /^lr\.too-high: The training loss has climbed from 2\.8/);
    const going = new Replay(parseFixture(mlpConfig({ diagnostics: { stopOnDivergence: false } })));
    going.feed(...diverging);
    assert.equal(going.of('lr.too-high')[0]?.severity, 'error');
    assert.deepEqual(going.stops, []);
  });

  it('obeys "off" and threshold overrides', () => {
    const diverging = [runStarted(), step(0, 2.8), ...steps(60, () => 14, 1)];
    const off = new Replay(parseFixture(withRuleSettings(mlpConfig(), { 'lr.too-high': { severity: 'off' } })));
    off.feed(...diverging);
    assert.equal(off.of('lr.too-high').length, 0);
    const tolerant = new Replay(parseFixture(withRuleSettings(mlpConfig(), { 'lr.too-high': { divergeFactor: 10 } })));
    tolerant.feed(...diverging);
    assert.equal(tolerant.of('lr.too-high').length, 0);
    const warned = new Replay(parseFixture(withRuleSettings(mlpConfig(), { 'lr.too-high': { severity: 'warning' } })));
    warned.feed(...diverging);
    assert.equal(warned.of('lr.too-high')[0]?.severity, 'warning');
  });
});

/** `epochs` epochs of 16 steps with a loss falling by `drop` per epoch (relative), stats every 10 steps. */
function slowRun(updateRatio: (layer: number) => number, options: { epochs?: number; drop?: number; gradNorm?: number; start?: number } = {}): TrainingEvent[] {
  const events: TrainingEvent[] = [runStarted()];
  const drop = options.drop ?? 0.02;
  for (let i = 0; i < 16 * (options.epochs ?? 2); i++) {
    const epoch = Math.floor(i / 16);
    const loss = (options.start ?? 3.2) * (1 - drop * (i / 16));
    events.push(step(i, loss, { epoch, gradNorm: options.gradNorm ?? 5, learningRate: 1e-4 }));
    if (i % 10 === 0) events.push(layerStats(i, healthyLayers({ 0: { updateRatio: updateRatio(0) }, 1: { updateRatio: updateRatio(1) }, 2: { updateRatio: updateRatio(2) } })));
    if (i % 16 === 15) events.push(epochEnd(epoch, loss, loss, { learningRate: 1e-4 }));
  }
  return events;
}

describe('lr.too-low', () => {
  const lowLr = mlpConfig({ training: { optimizer: { type: 'sgd', learningRate: 1e-4 } } });

  it('reports a creeping loss with tiny updates in every layer after 2 epochs, suggesting a rate that gives ~1e-3', () => {
    const replay = new Replay(parseFixture(lowLr));
    replay.feed(...slowRun(() => 2e-5));
    const [finding] = replay.of('lr.too-low');
    assert.ok(finding);
    assert.equal(finding.severity, 'warning');
    assert.equal(finding.epoch, 1);
    assert.deepEqual(finding.path, ['training', 'optimizer', 'learningRate']);
    assert.equal(finding.evidence.medianUpdateRatio, 2e-5);
    const fix = preferredFix(finding);
    assert.equal(fix.id, 'fix.raise-lr');
    assert.deepEqual(fix.args, { learningRate: 0.005 }, '1e-4 × (1e-3 / 2e-5) = 5e-3');
    assert.equal(replay.of('fit.underfitting').length, 0);
  });

  it('reports updates 3× or more below the healthy size while a classifier is still near chance, though the loss moved (issue 10: TheDeepChecker\'s baseCNN at SGD 0.001)', () => {
    // ln 10 = 2.30; 2.5 falling 7% per epoch ends epoch 2 at 2.18, 95% of chance, down 13% (more than minProgress).
    const nearChance = new Replay(parseFixture(lowLr));
    nearChance.feed(...slowRun(() => 1.3e-4, { start: 2.5, drop: 0.07 }));
    const [finding] = nearChance.of('lr.too-low');
    assert.ok(finding, 'reported');
    assert.match(finding.message, /of the loss of a uniform guess/);
    const learning = new Replay(parseFixture(lowLr));
    learning.feed(...slowRun(() => 1.3e-4, { start: 1.2, drop: 0.07 }));
    assert.equal(learning.of('lr.too-low').length, 0, 'far below chance: the model learns at this rate');
    const healthySteps = new Replay(parseFixture(lowLr));
    healthySteps.feed(...slowRun(() => 5e-4, { start: 2.5, drop: 0.07 }));
    assert.equal(healthySteps.of('lr.too-low').length, 0, 'updates within 3× of the healthy size');
  });

  it('caps the suggested raise at 100×', () => {
    const replay = new Replay(parseFixture(lowLr));
    replay.feed(...slowRun(() => 1e-8));
    assert.deepEqual(preferredFix(replay.of('lr.too-low')[0]).args, { learningRate: 0.01 });
  });

  it('stays quiet when the loss moves, when only the first layers are slow (vanishing gradients) and without gradients', () => {
    const moving = new Replay(parseFixture(lowLr));
    moving.feed(...slowRun(() => 2e-5, { drop: 0.2 }));
    assert.equal(moving.of('lr.too-low').length, 0);
    const vanishing = new Replay(parseFixture(lowLr));
    vanishing.feed(...slowRun((layer) => (layer === 2 ? 2e-2 : 1e-6)));
    assert.equal(vanishing.of('lr.too-low').length, 0);
    const silent = new Replay(parseFixture(lowLr));
    silent.feed(...slowRun(() => 0, { gradNorm: 0 }));
    assert.equal(silent.of('lr.too-low').length, 0);
  });

  it('obeys threshold overrides', () => {
    const replay = new Replay(parseFixture(withRuleSettings(lowLr, { 'lr.too-low': { maxUpdateRatio: 1e-5 } })));
    replay.feed(...slowRun(() => 2e-5));
    assert.equal(replay.of('lr.too-low').length, 0);
    const later = new Replay(parseFixture(withRuleSettings(lowLr, { 'lr.too-low': { minEpochs: 3 } })));
    later.feed(...slowRun(() => 2e-5));
    assert.equal(later.of('lr.too-low').length, 0);
  });
});

describe('lr.no-decay (live: a stalled constant-rate SGD run)', () => {
  const sgd = { epochs: 30, optimizer: { type: 'sgd', learningRate: 0.1, momentum: 0.9 } };
  /** One step at the start (the initial loss), then one epoch-end per entry of `epochLosses`. */
  const run = (training: object, epochLosses: number[]) => {
    const replay = new Replay(parseFixture(mlpConfig({ training })));
    replay.feed(runStarted(undefined, 30), ...steps(5, () => 2.3));
    epochLosses.forEach((loss, epoch) => replay.feed(epochEnd(epoch, loss)));
    return replay.of('lr.no-decay');
  };
  const stalled = [1.5, 1.0, 0.8, 0.7, 0.65, 0.66, 0.68, 0.655, 0.67, 0.69, 0.66];

  it('warns when the loss stops improving while well above zero and bouncing, with the decay fix preferred', () => {
    const [finding, ...more] = run(sgd, stalled);
    assert.ok(finding, 'reported');
    assert.equal(more.length, 0, 'once per run');
    assert.equal(finding.severity, 'warning');
    assert.equal(finding.epoch, 9, 'after five epochs without a new best');
    assert.equal(preferredFix(finding).id, 'fix.lr-decay');
    assert.match(finding.message, /has not beaten 0\.65/);
  });

  it('is quiet on a loss that keeps falling, one that levels off near zero, or a smooth plateau', () => {
    assert.deepEqual(run(sgd, Array.from({ length: 20 }, (_, e) => 2 * 0.85 ** e)), [], 'steady progress');
    assert.deepEqual(run(sgd, [1.0, 0.3, 0.1, 0.05, 0.04, 0.041, 0.042, 0.04, 0.043, 0.041, 0.042]), [], 'converged: 2% of the initial loss');
    assert.deepEqual(run(sgd, [1.5, 1.0, 0.8, 0.7, 0.65, 0.65, 0.651, 0.65, 0.652, 0.651, 0.65]), [], 'flat, not bouncing: a schedule would not help');
  });

  it('is quiet on full-batch gradient descent: no mini-batch noise keeps the steps large, so a decay has nothing to settle (issue 10: CS231n\'s spiral net)', () => {
    const replay = new Replay(parseFixture(mlpConfig({ training: { ...sgd, batchSize: 500 } })));
    replay.feed({ ...runStarted(undefined, 30), batchSize: 500, trainExamples: 500, stepsPerEpoch: 1 }, ...steps(5, () => 2.3));
    stalled.forEach((loss, epoch) => replay.feed(epochEnd(epoch, loss)));
    assert.deepEqual(replay.of('lr.no-decay'), []);
  });

  it('is quiet with a schedule or an adaptive optimizer', () => {
    assert.deepEqual(run({ ...sgd, lrSchedule: { type: 'cosine' } }, stalled), []);
    assert.deepEqual(run({ epochs: 30, optimizer: { type: 'adam', learningRate: 0.001 } }, stalled), []);
  });
});
