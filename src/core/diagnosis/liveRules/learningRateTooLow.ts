// lr.too-low: the loss has barely moved after the first epochs, and every layer's weights change
// by a tiny fraction of their size per step (median ‖Δθ‖/‖θ‖ below 1e-4, where ~1e-3 is the usual
// healthy level). The run is not broken, only needlessly slow: it would need many times more
// epochs to get anywhere. A classifier still near chance (the loss of a uniform guess) is judged
// with a wider margin: updates 3× or more below the healthy size (the smallest raise worth
// suggesting) explain a run that has learned next to nothing, even if its loss moved a little
// (TheDeepChecker's baseCNN at SGD 0.001: −13% in two epochs, still 95% of chance, ratios 1.3e-4).

import type { EpochEndEvent } from '../../engine/trainingEvents';
import type { FindingDraft, LiveRule } from '../rule';
import { chanceLevelLoss, LEARNING_RATE_PATH } from './configLayers';
import { fixList, raiseLearningRate, roundLearningRate } from './liveFixes';
import { epochText, num, percent } from './numberText';
import { ReportLedger } from './reportLedger';
import { NO_GRADIENT, ProgressTracker } from './trainingProgress';

/** The largest raise the rule suggests in one go, and the smallest worth suggesting. */
const MAX_RAISE = 100;
const MIN_RAISE = 3;

export const learningRateTooLow: LiveRule = {
  id: 'lr.too-low',
  kind: 'live',
  defaultSeverity: 'warning',
  thresholds: { minEpochs: 2, minProgress: 0.1, maxUpdateRatio: 1e-4, targetUpdateRatio: 1e-3, chanceFraction: 0.9, chanceUpdateRatio: 3e-4 },
  docs: {
    title: 'The learning rate is too low',
    description:
      'With a learning rate that is too small every step changes the weights by a tiny fraction of their size, and the ' +
      'loss creeps down so slowly that training would need many times more epochs. Reported after `minEpochs` epochs ' +
      'when the training loss fell by less than `minProgress` (relative) and the median update ratio ‖Δθ‖/‖θ‖ is below ' +
      '`maxUpdateRatio` in all layers (the rule of thumb for a healthy step is about 1e-3, `targetUpdateRatio`). When ' +
      'only some layers barely move while others move normally, the cause is vanishing gradients, not the learning rate. ' +
      'A classifier whose loss is still above `chanceFraction` of a uniform guess\'s (ln of the class count) is reported ' +
      'with updates below `chanceUpdateRatio`, however its loss moved: it has learned next to nothing.',
  },
  fixes: ['fix.raise-lr'],

  start(context, settings) {
    const { config, shapes } = context;
    const t = settings.thresholds;
    const ledger = new ReportLedger(settings);
    const progress = new ProgressTracker();
    const chance = chanceLevelLoss(config, shapes);

    const judge = (event: EpochEndEvent): FindingDraft | undefined => {
      if (event.epoch + 1 < t.minEpochs || ledger.has('run')) return undefined;
      const seen = progress.snapshot(event);
      const updates = seen?.updates;
      if (!seen || !updates) return undefined;
      const stalled = seen.progress < t.minProgress && seen.progress > -t.minProgress;
      const nearChance = chance !== undefined && seen.currentLoss >= t.chanceFraction * chance && seen.currentLoss <= chance * (2 - t.chanceFraction);
      // Every layer slow (the largest one too): a network whose first layers alone are frozen has vanishing gradients.
      const allBelow = (limit: number) => updates.median < limit && updates.max < 10 * limit;
      const slow = (stalled && allBelow(t.maxUpdateRatio)) || (nearChance && allBelow(t.chanceUpdateRatio));
      const flowing = seen.gradNorm === undefined || seen.gradNorm > NO_GRADIENT;
      if (!slow || !flowing || !ledger.claim('run')) return undefined;
      const base = config.training.optimizer.learningRate;
      const raise = Math.min(MAX_RAISE, Math.max(MIN_RAISE, t.targetUpdateRatio / Math.max(updates.median, 1e-12)));
      return {
        message:
          `After ${seen.epochs} epochs the training loss has only gone from ${num(seen.initialLoss)} to ${num(seen.currentLoss)} ` +
          `(${seen.progress >= 0 ? '−' : '+'}${percent(Math.abs(seen.progress))}${nearChance ? `, ${percent(seen.currentLoss / chance!)} of the loss of a uniform guess over the classes` : ''}), and each step changes the weights by a median ` +
          `${num(updates.median)} of their size (largest layer ${num(updates.max)}; a healthy step is around ${num(t.targetUpdateRatio)}). ` +
          `The learning rate (${num(seen.learningRate)} at ${epochText(event.epoch)}) is too small: training would need many times ` +
          `more epochs. Raise it about ${Math.round(raise)}× (to ${num(roundLearningRate(base * raise))}), or find a good value with \`training-doctor lr-find\`.`,
        path: LEARNING_RATE_PATH,
        epoch: event.epoch,
        step: event.step,
        evidence: {
          initialLoss: seen.initialLoss, loss: seen.currentLoss, progress: seen.progress, medianUpdateRatio: updates.median,
          maxUpdateRatio: updates.max, samples: updates.samples, learningRate: seen.learningRate,
        },
        fixes: fixList([raiseLearningRate(config, base * raise, true)]),
      };
    };

    return {
      observe(event) {
        progress.observe(event);
        if (event.type !== 'epoch-end') return;
        const finding = judge(event);
        return finding ? { findings: [finding] } : undefined;
      },
    };
  },
};
