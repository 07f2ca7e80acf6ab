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
import { LEARNING_RATE_PATH } from './configLayers';
import { fixList, lowerLearningRate, raiseLearningRate } from './liveFixes';
import { num, percent } from './numberText';

/** The Keras/tfjs default rates: a rate 10× below them is small enough to explain a slow fall. */
const USUAL_RATE: Record<TrainConfig['training']['optimizer']['type'], number> = { sgd: 0.01, adam: 0.001, rmsprop: 0.001, adagrad: 0.01 };

/** An output activation that the loss cannot work with (the engine treats "linear" as logits). */
function activationLossMismatch(config: TrainConfig): string | undefined {
  const last = config.model.layers[config.model.layers.length - 1];
  const activation = last && (last.type === 'dense' || last.type === 'conv2d' || last.type === 'activation') ? last.activation : undefined;
  if (activation === undefined) return undefined;
  const loss = config.training.loss;
  if (loss === 'categoricalCrossentropy' && activation !== 'softmax' && activation !== 'linear') return `categorical cross-entropy expects a softmax (or linear, logits) output, not "${activation}"`;
  if (loss === 'binaryCrossentropy' && activation !== 'sigmoid' && activation !== 'linear') return `binary cross-entropy expects a sigmoid (or linear, logits) output, not "${activation}"`;
  if ((loss === 'meanSquaredError' || loss === 'meanAbsoluteError' || loss === 'huber') && (activation === 'softmax' || activation === 'relu')) return `a regression loss with a "${activation}" output cannot reach every target`;
  return undefined;
}

export type CannotOverfitBatchRule = LiveRule & {
  judge(result: OverfitBatchResult, config: TrainConfig, settings: RuleSettings): FindingDraft | undefined;
};

export const cannotOverfitBatch: CannotOverfitBatchRule = {
  id: 'probe.cannot-overfit-batch',
  kind: 'live',
  defaultSeverity: 'warning',
  thresholds: { maxLossFraction: 0.1 },
  docs: {
    title: 'The model cannot overfit a single small batch',
    description:
      'With `probe --overfit-batch`, a fresh copy of the model trains on one small batch (32 examples, 100 steps of the ' +
      'config\'s optimizer and learning rate). Any model worth training memorizes a few dozen examples: when the loss does ' +
      'not fall below `maxLossFraction` of its initial value (or becomes NaN), something no statistic of the initial model ' +
      'shows is broken: an output activation that does not suit the loss, layers that do not learn, a learning rate far too ' +
      'small (or so large that the loss blows up), or labels that do not belong to their inputs.',
  },
  fixes: ['fix.raise-lr', 'fix.lower-lr'],

  start() {
    return { observe() { /* judged on the probe's overfit check, not on run events */ } };
  },

  judge(result, config, settings) {
    const blewUp = result.nonFiniteAt !== undefined;
    if (!blewUp && result.fraction <= settings.thresholds.maxLossFraction) return undefined;
    const optimizer = config.training.optimizer;
    const usual = USUAL_RATE[optimizer.type];
    const slowRate = optimizer.learningRate < usual / 10;
    const mismatch = activationLossMismatch(config);
    const what = blewUp
      ? `the loss became ${num(result.finalLoss)} at step ${result.nonFiniteAt} (from ${num(result.initialLoss)})`
      : `the loss went from ${num(result.initialLoss)} to ${num(result.finalLoss)} (${percent(result.fraction)} of it; lowest ${num(result.minLoss)})`;
    const causes = [
      mismatch ? `The output does not suit the loss: ${mismatch}.` : undefined,
      blewUp ? 'Steps this large blow the loss up: lower the learning rate.' : undefined,
      !blewUp && slowRate ? `The learning rate ${num(optimizer.learningRate)} is far below ${optimizer.type}'s usual ${num(usual)}: raise it.` : undefined,
    ].filter((c): c is string => c !== undefined);
    return {
      message:
        `Trained alone on ${result.examples} examples for ${result.steps} steps, ${what}. A model that cannot memorize one small batch ` +
        'will not learn the whole data set either. ' +
        (causes.length > 0 ? causes.join(' ') + ' ' : '') +
        'Check that the loss suits the output activation, that every layer learns (the probe\'s gradient norms), and that the labels ' +
        'belong to their inputs (a shuffled label column makes a batch unlearnable without memorizing it by rote).',
      path: mismatch ? ['training', 'loss'] : LEARNING_RATE_PATH,
      evidence: { ...result },
      fixes: fixList([
        blewUp ? lowerLearningRate(config, true) : undefined,
        !blewUp && slowRate ? raiseLearningRate(config, usual, true) : undefined,
      ]),
    };
  },
};
