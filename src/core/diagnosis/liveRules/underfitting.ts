// fit.underfitting: after the first epochs the training loss has hardly fallen, or a classifier's
// loss still sits near the chance level (ln of the class count), although the weights are moving
// at a normal pace and gradients flow. The optimizer works; the model does not find the pattern:
// too little capacity, uninformative or badly scaled inputs, or too few epochs. Or the objective
// itself forbids learning: a weight penalty that costs more than a model with no weights scores.

import type { LayerStats } from '../../engine/layerStatistics';
import type { EpochEndEvent } from '../../engine/trainingEvents';
import type { FindingDraft, LiveRule, LiveVerdict } from '../rule';
import { chanceLevelLoss, inputsAreNormalized, layerPath } from './configLayers';
import { chanceAccuracy } from './learningEvidence';
import { fixList, normalizeInputs, raiseLearningRate, weightDecay } from './liveFixes';
import { num, percent } from './numberText';
import { type PenaltyEstimate, estimateKernelPenalty } from './regularizationPenalty';
import { ReportLedger } from './reportLedger';
import { NO_GRADIENT, ProgressTracker } from './trainingProgress';

/** A classifier's loss this far above chance has diverged or saturated: not underfitting. */
const DIVERGED_CHANCE_FACTOR = 1.5;

export const underfitting: LiveRule = {
  id: 'fit.underfitting',
  kind: 'live',
  defaultSeverity: 'warning',
  thresholds: { minEpochs: 2, minSteps: 100, judgeAfterFraction: 0.3, minProgress: 0.1, chanceFraction: 0.9, minUpdateRatio: 1e-4, healthyUpdateRatio: 1e-3, maxPenaltyToChance: 1, minAccuracyShare: 0.25 },
  docs: {
    title: 'The model underfits: the training loss stays high',
    description:
      'The optimizer is working (gradients flow, the weights move at a normal pace) but the training loss has hardly ' +
      'fallen (less than `minProgress`, relative), or a classifier\'s loss is still above ' +
      '`chanceFraction` of the loss of a uniform guess (ln of the number of classes), or its accuracy (the better of training ' +
      'and validation) has not covered `minAccuracyShare` of the way from the best constant guess to perfect. The model does not find the ' +
      'pattern: too few units or layers, inputs that are not standardized, or simply too few epochs. Some problems sit ' +
      'on a plateau for a few epochs before the loss drops, so the rule judges only after `judgeAfterFraction` of the ' +
      'planned epochs (AUTOTRAINER\'s judgment point, 30%), at least `minEpochs` epochs and at least `minSteps` steps (a ' +
      'two-epoch trial of 30 steps is too little training to judge). A classifier whose kernel penalty (l1·Σ|w| + l2·Σw², ' +
      'estimated from the weights\' statistics) is at least `maxPenaltyToChance` times the uniform guess\'s loss is ' +
      'over-regularized: its weights cost more than a model with no weights scores in total, so the optimizer shrinks them ' +
      'instead of fitting the data. That is measured, not inferred from progress, so it is judged without `minSteps`. Tiny updates are ' +
      'reported as lr.too-low instead, and layers with no gradient by the gradient and activation rules.',
  },
  fixes: ['fix.normalize-inputs', 'fix.raise-lr', 'fix.weight-decay'],

  start(context, settings) {
    const { config, shapes } = context;
    const t = settings.thresholds;
    const ledger = new ReportLedger(settings);
    const progress = new ProgressTracker();
    const chance = chanceLevelLoss(config, shapes);
    let plannedEpochs = config.training.epochs;
    let latestSample: readonly LayerStats[] | undefined;
    /** Whether the open finding is an over-regularization one (for the withdrawal's reason). */
    let reportedPenalty = false;
    const overRegularization = (): PenaltyEstimate | undefined => {
      if (chance === undefined || !latestSample) return undefined;
      const estimate = estimateKernelPenalty(config, shapes, latestSample);
      return estimate && estimate.penalty >= t.maxPenaltyToChance * chance ? estimate : undefined;
    };

    let inputStats = context.inputStats;
    /**
     * The epoch's accuracy when a classifier has not covered `minAccuracyShare` of the way from the best constant
     * guess to perfect: a loss can fall below chance (the model learns the class frequencies and a rough ordering)
     * while one number, say, still cannot tell ten digits apart. The better of the training and validation
     * accuracies counts: the training one is averaged over the epoch's steps with dropout on, so it lags (keras-io's
     * heart-disease net: 0.74 in training, 0.84 on validation at the same epoch).
     */
    const accuracyNearChance = (event: EpochEndEvent): { accuracy: number; chance: number } | undefined => {
      const measured = [event.metrics.accuracy, event.valMetrics.accuracy].filter((a): a is number => a !== undefined && Number.isFinite(a));
      const guess = chanceAccuracy(config, shapes, inputStats);
      if (guess === undefined || measured.length === 0) return undefined;
      const accuracy = Math.max(...measured);
      return accuracy < guess + t.minAccuracyShare * (1 - guess) ? { accuracy, chance: guess } : undefined;
    };

    let withdrawn = false;
    /** A later epoch that learned after all withdraws the finding (issue 10: one fired at 30% of a run that ended at accuracy 1.0). */
    const reconsider = (event: EpochEndEvent): LiveVerdict['resolve'] => {
      if (withdrawn || !ledger.has('run')) return undefined;
      const seen = progress.snapshot(event);
      if (!seen) return undefined;
      // An over-regularized model is judged by the same measure: once the loss, penalty included, is clearly below a
      // uniform guess's, the weights earn more than they cost (a penalty that merely shrank to its balance with the
      // data's gradient is not enough: the balance can still sit above chance).
      const nearChance = (chance !== undefined && seen.currentLoss >= t.chanceFraction * chance) || accuracyNearChance(event) !== undefined;
      if (seen.progress < t.minProgress || nearChance) return undefined;
      withdrawn = true;
      return {
        reason: `By epoch ${event.epoch + 1} the training loss${reportedPenalty ? ', penalty included,' : ''} fell to ${num(seen.currentLoss)} (−${percent(seen.progress)} from ${num(seen.initialLoss)}${chance !== undefined ? `; a uniform guess scores ${num(chance)}` : ''}): ` +
          (reportedPenalty ? 'the weights now earn more than their penalty costs.' : 'the model found the pattern after a slow start.'),
        evidence: { epoch: event.epoch, loss: seen.currentLoss, progress: seen.progress },
      };
    };

    const judge = (event: EpochEndEvent): FindingDraft | undefined => {
      const judgeFrom = Math.max(t.minEpochs, Math.ceil(t.judgeAfterFraction * plannedEpochs));
      if (event.epoch + 1 < judgeFrom || ledger.has('run')) return undefined;
      const seen = progress.snapshot(event);
      if (!seen) return undefined;
      const overRegularized = overRegularization();
      if (overRegularized) return reportOverRegularization(event, seen.currentLoss, overRegularized);
      // Two epochs of a few dozen steps (a short trial run of a CNN) is too little training to judge.
      if (seen.steps < t.minSteps) return undefined;
      const diverged = chance !== undefined ? seen.currentLoss > DIVERGED_CHANCE_FACTOR * chance : seen.progress < -t.minProgress;
      const noProgress = seen.progress < t.minProgress;
      const lossNearChance = chance !== undefined && seen.currentLoss >= t.chanceFraction * chance;
      const lowAccuracy = accuracyNearChance(event);
      const nearChance = lossNearChance || lowAccuracy !== undefined;
      const updates = seen.updates;
      // Tiny updates everywhere are lr.too-low's case; frozen layers next to moving ones are vanishing gradients.
      const moving = !updates || (updates.median >= t.minUpdateRatio && updates.spread >= 1e-2);
      const flowing = seen.gradNorm === undefined || seen.gradNorm > NO_GRADIENT;
      if (diverged || !(noProgress || nearChance) || !moving || !flowing || !ledger.claim('run')) return undefined;
      const level = lossNearChance
        ? `${num(seen.currentLoss)}, ${percent(seen.currentLoss / chance!)} of the loss of a uniform guess over the classes (${num(chance!)})`
        : lowAccuracy
          ? `${num(seen.currentLoss)} and the accuracy is only ${num(lowAccuracy.accuracy)} (always guessing the largest class scores ${num(lowAccuracy.chance)})`
          : `${num(seen.currentLoss)}, down only ${percent(Math.max(0, seen.progress))} from ${num(seen.initialLoss)}`;
      const slowish = updates !== undefined && updates.median < t.healthyUpdateRatio;
      const normalized = inputsAreNormalized(config);
      return {
        message:
          `After ${seen.epochs} epochs the training loss is ${level}, although gradients flow and the weights move at a normal ` +
          `pace${updates ? ` (median update ratio ${num(updates.median)})` : ''}. The model is not finding the pattern in the data. ` +
          (normalized ? '' : 'The inputs are not standardized, which makes the problem harder to optimize; standardize them. ') +
          'Give the model more capacity (more units or layers) or train longer' +
          (slowish ? '; the updates are on the small side, so a somewhat higher learning rate may help too' : '') +
          '; if the loss bounces without falling, a decaying learning rate helps it settle.',
        path: normalized ? ['model', 'layers'] : ['data', 'preprocess', 'normalize'],
        epoch: event.epoch,
        step: event.step,
        evidence: {
          initialLoss: seen.initialLoss, loss: seen.currentLoss, progress: seen.progress, chanceLoss: chance ?? null,
          accuracy: lowAccuracy?.accuracy ?? event.metrics.accuracy ?? null,
          medianUpdateRatio: updates?.median ?? null,
        },
        fixes: fixList([
          normalized ? undefined : normalizeInputs(config, true),
          slowish ? raiseLearningRate(config, config.training.optimizer.learningRate * 3) : undefined,
        ]),
      };
    };

    const reportOverRegularization = (event: EpochEndEvent, loss: number, estimate: PenaltyEstimate): FindingDraft | undefined => {
      if (!ledger.claim('run')) return undefined;
      reportedPenalty = true;
      const { penalty, layers } = estimate;
      return {
        message:
          `After ${event.epoch + 1} epochs the weight penalty of the kernel regularizers is about ${num(penalty)} (the epoch's mean ` +
          `training loss, penalty included, is ${num(loss)}): more than a uniform guess over the classes scores in total ` +
          `(${num(chance!)}). The weights cost more than anything they learn, so the optimizer shrinks them instead of fitting ` +
          'the data: the model is over-regularized and will underfit. Lower the regularization to the usual weight decay (l2 about 1e-4).',
        path: layerPath(layers[0], 'kernelRegularizer'),
        layer: layers[0],
        epoch: event.epoch,
        step: event.step,
        evidence: { loss, penalty, chanceLoss: chance!, regularizedLayers: layers },
        fixes: fixList([weightDecay(config, layers, true)]),
      };
    };

    return {
      observe(event) {
        if (event.type === 'run-started') {
          plannedEpochs = event.epochs;
          inputStats ??= event.inputStats;
        }
        if (event.type === 'layer-stats') latestSample = event.layers;
        progress.observe(event);
        if (event.type !== 'epoch-end') return;
        const resolve = reconsider(event);
        if (resolve) return { resolve };
        const finding = judge(event);
        return finding ? { findings: [finding] } : undefined;
      },
    };
  },
};
