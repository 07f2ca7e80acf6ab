// probe.cannot-overfit-batch: the probe's one-batch overfit check (`probe --overfit-batch`) did not
// get the loss down. Any model worth training memorizes a few dozen examples in a hundred steps;
// one that cannot has a bug no statistic of the initial model shows: an output activation that
// does not suit the loss, layers that do not learn, a learning rate far too small, labels that do
// not belong to their inputs.
//
// A live rule by its documentation, settings and catalog entry, but it watches no run events: the
// probe hands it the check's result (diagnoseProbe calls `judge`).

import type { TrainConfig } from '../../config/trainConfig';
import type { OverfitBatchResult } from '../../engine/overfitBatch';
import type { FindingDraft, LiveRule, RuleSettings } from '../rule';
import { USUAL_RATE } from '../staticRules/lrTooHighStatic';
import { LEARNING_RATE_PATH } from './configLayers';
import { fixList, lowerLearningRate, raiseLearningRate } from './liveFixes';
import { num, percent } from './numberText';

/** A final loss this many times the initial one has diverged rather than failed to fall. */
const DIVERGED_FACTOR = 1.5;


/**
 * An output that cannot fit the targets whatever the weights. The parser already rejects
 * cross-entropy without a softmax/sigmoid (or linear, logits) output; a softmax over a single
 * unit (a regression head) is left, and outputs the constant 1.
 */
function outputCannotFit(config: TrainConfig, outputUnits: number | undefined): string | undefined {
  const last = config.model.layers[config.model.layers.length - 1];
  const activation = last && (last.type === 'dense' || last.type === 'conv2d' || last.type === 'activation') ? last.activation : undefined;
  if (activation === 'softmax' && outputUnits === 1) return 'a softmax over a single output unit always outputs 1, whatever its input';
  return undefined;
}

export type CannotOverfitBatchRule = LiveRule & {
  judge(result: OverfitBatchResult, config: TrainConfig, outputUnits: number | undefined, settings: RuleSettings): FindingDraft | undefined;
};

export const cannotOverfitBatch: CannotOverfitBatchRule = {
  id: 'probe.cannot-overfit-batch',
  kind: 'live',
  defaultSeverity: 'warning',
  thresholds: { maxLossFraction: 0.5, infoLossFraction: 0.1 },
  docs: {
    title: 'The model cannot overfit a single small batch',
    description:
      'With `probe --overfit-batch`, a fresh copy of the model trains on one small batch (32 examples, 100 steps of the ' +
      'config\'s optimizer and learning rate). Any model worth training memorizes a few dozen examples: when even the lowest ' +
      'loss stays above `maxLossFraction` of the initial one, something no statistic of the initial model shows is broken: an ' +
      'output that cannot fit the targets, layers that do not learn, a learning rate far too small. Above `infoLossFraction` ' +
      'it is info (some healthy models, such as a residual net whose blocks start as identities, memorize slowly), and so is ' +
      'a loss that rises or becomes NaN: steps that overshoot a single batch say more about the rate than about the model.',
  },
  fixes: ['fix.raise-lr', 'fix.lower-lr'],

  start() {
    return { observe() { /* judged on the probe's overfit check, not on run events */ } };
  },

  judge(result, config, outputUnits, settings) {
    const t = settings.thresholds;
    // The lowest loss decides: a batch the model fitted once and then bounced away from was memorized.
    const fraction = result.minLoss / result.initialLoss;
    // Without mini-batch noise, momentum piles up steps in one direction: a rate that trains the whole
    // data set well can throw a single batch away. That says more about the rate than about the model.
    const diverged = result.nonFiniteAt !== undefined || !(result.finalLoss <= DIVERGED_FACTOR * result.initialLoss);
    if (!diverged && fraction <= t.infoLossFraction) return undefined;
    const mild = diverged || fraction <= t.maxLossFraction;
    const optimizer = config.training.optimizer;
    const usual = USUAL_RATE[optimizer.type];
    // 10× below the usual starting rate is small enough to explain a loss that hardly falls.
    const slowRate = optimizer.learningRate < usual / 10;
    const mismatch = outputCannotFit(config, outputUnits);
    const what = result.nonFiniteAt !== undefined
      ? `the loss became ${num(result.finalLoss)} at step ${result.nonFiniteAt} (from ${num(result.initialLoss)})`
      : `the loss went from ${num(result.initialLoss)} to ${num(result.finalLoss)} (lowest ${num(result.minLoss)}, ${percent(fraction)} of the initial loss)`;
    const verdict = diverged
      ? 'The loss rose instead: steps of this size, with nothing but one batch to follow, overshoot, so the check says little about the model. Run it again with a lower learning rate to judge the model itself. '
      : mild
        ? 'It learns, but slowly for so few examples; a model with a bug usually does not fall at all. '
        : 'A model that cannot memorize one small batch will not learn the whole data set either. ';
    const causes = [
      mismatch ? `The output cannot fit the targets: ${mismatch}.` : undefined,
      !diverged && slowRate ? `The learning rate ${num(optimizer.learningRate)} is far below ${optimizer.type}'s usual ${num(usual)}: raise it.` : undefined,
    ].filter((c): c is string => c !== undefined);
    return {
      severity: mild && !mismatch ? 'info' : undefined,
      message:
        `Trained alone on ${result.examples} examples for ${result.steps} steps, ${what}. ${verdict}` +
        (causes.length > 0 ? causes.join(' ') + ' ' : '') +
        (diverged ? '' : 'Check that the output suits the loss and the targets, and that every layer learns (the probe\'s gradient norms).'),
      path: mismatch ? ['model', 'layers', config.model.layers.length - 1, 'activation'] : LEARNING_RATE_PATH,
      evidence: { ...result, lowestFraction: fraction, diverged },
      fixes: fixList([
        diverged ? lowerLearningRate(config, true) : undefined,
        !diverged && slowRate ? raiseLearningRate(config, usual, true) : undefined,
      ]),
    };
  },
};
