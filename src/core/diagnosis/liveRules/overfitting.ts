// fit.overfitting: the validation loss has stopped improving and turned up (or sits far above the
// training loss) while the training loss keeps falling: the model is fitting the training
// examples' particulars rather than what carries over to new data. Patience as in Keras'
// EarlyStopping: the validation loss must have failed to beat its best for `patience` epochs.
// A small validation set makes its loss noisy (a 10-example set once raised this rule on a run
// that generalized fine): below `minValidationExamples` the rise must exceed that noise. A model
// with `maxExamplesPerParameter` or more training examples per parameter cannot memorize its
// training set (a 5-parameter polynomial fit on 800 examples): its validation loss moves with the
// steps' noise, not with overfitting, so it is not judged.

import type { EpochEndEvent } from '../../engine/trainingEvents';
import type { FindingDraft, LiveRule } from '../rule';
import { hasImageInputs, hiddenWeightedLayers } from './configLayers';
import { addDropout, augmentData, earlyStopping, fixList, weightDecay } from './liveFixes';
import { epochText, num, percent } from './numberText';
import { ReportLedger } from './reportLedger';
import { isWeightedLayer } from '../../config/trainConfig';

interface EpochLosses {
  epoch: number;
  loss: number;
  valLoss: number;
}

export const overfitting: LiveRule = {
  id: 'fit.overfitting',
  kind: 'live',
  defaultSeverity: 'warning',
  thresholds: { patience: 3, minRise: 0.01, minTrainDrop: 0.1, minGapRatio: 0.5, maxGapRatio: 1, minValidationExamples: 30, noiseFactor: 2, maxExamplesPerParameter: 10 },
  docs: {
    title: 'The model overfits: validation loss rises while training loss falls',
    description:
      'A model that keeps lowering its training loss while its validation loss stalls and rises is learning the ' +
      'particulars of its training examples (noise included) instead of what carries over to new data. Reported when ' +
      'the validation loss has not beaten its best for `patience` epochs, the training loss fell by at least ' +
      '`minTrainDrop` since that best epoch, and either the validation loss is `minRise` above its best while exceeding ' +
      'the training loss by at least `minGapRatio` times the training loss (without such a generalization gap, a ' +
      'validation loss that wobbles near the training loss is noise, not overfitting), or the gap alone is over ' +
      '`maxGapRatio` times the training loss. With fewer than `minValidationExamples` validation examples the mean ' +
      'validation loss is itself noisy (its standard error is about the loss over the square root of the count), so ' +
      'the rise must then exceed `noiseFactor` standard errors and the gap alone is not enough. A model with ' +
      '`maxExamplesPerParameter` or more training examples per parameter is too small to memorize them and is not judged. ' +
      'The remedies: stop at the best epoch ' +
      '(early stopping) and regularize (dropout, weight decay, more or augmented data).',
  },
  fixes: ['fix.early-stopping', 'fix.add-dropout', 'fix.weight-decay', 'fix.augment'],

  start(context, settings) {
    const { config, shapes } = context;
    const t = settings.thresholds;
    const ledger = new ReportLedger(settings);
    let best: EpochLosses | undefined;
    let validationExamples: number | undefined;
    let tooSmallToMemorize = false;
    const parameters = shapes.layers.reduce((sum, layer) => sum + layer.params, 0);

    const fixes = () => {
      const stopping = config.training.earlyStopping;
      const layers = config.model.layers;
      const undropped = hiddenWeightedLayers(config).filter((i) => layers[i + 1]?.type !== 'dropout');
      const unregularized = hiddenWeightedLayers(config).filter((i) => {
        const layer = layers[i];
        return isWeightedLayer(layer) && !layer.kernelRegularizer;
      });
      const augment = config.data.augment;
      const augmenting = augment.noise > 0 || augment.translate > 0 || (augment.rotate ?? 0) > 0 || (augment.crop ?? 0) > 0 || augment.flipHorizontal;
      return fixList([
        stopping ? undefined : earlyStopping(config, true),
        undropped.length > 0 ? addDropout(config, undropped, true) : undefined,
        unregularized.length > 0 ? weightDecay(config, unregularized) : undefined,
        hasImageInputs(config) && !augmenting ? augmentData(config) : undefined,
      ]);
    };

    const judge = (event: EpochEndEvent): FindingDraft | undefined => {
      if (event.valLoss === undefined || !Number.isFinite(event.valLoss) || !Number.isFinite(event.loss)) return undefined;
      const now: EpochLosses = { epoch: event.epoch, loss: event.loss, valLoss: event.valLoss };
      if (!best || now.valLoss < best.valLoss) {
        best = now;
        return undefined;
      }
      const waited = now.epoch - best.epoch;
      const trainDrop = best.loss > 0 ? (best.loss - now.loss) / best.loss : 0;
      const rise = best.valLoss > 0 ? (now.valLoss - best.valLoss) / best.valLoss : 0;
      const gapRatio = now.loss > 0 ? (now.valLoss - now.loss) / now.loss : Infinity;
      // 0 with validation losses logged means "not known" (TensorBoard logs do not say how many).
      const small = validationExamples !== undefined && validationExamples > 0 && validationExamples < t.minValidationExamples;
      // Per-example losses spread about as widely as their mean, so the mean of n has a relative error of ~1/√n.
      const noise = small ? t.noiseFactor / Math.sqrt(Math.max(1, validationExamples!)) : 0;
      const rising = rise >= Math.max(t.minRise, noise) && gapRatio >= t.minGapRatio;
      const gapping = !small && gapRatio > t.maxGapRatio;
      if (waited < t.patience || trainDrop < t.minTrainDrop || !(rising || gapping)) return undefined;
      const stopping = config.training.earlyStopping;
      const severity = stopping ? 'info' : 'warning';
      if (!ledger.claim('run', severity)) return undefined;
      const seen = rising
        ? `the validation loss has risen from its best, ${num(best.valLoss)} at ${epochText(best.epoch)}, to ${num(now.valLoss)} (+${percent(rise)}; ${num(now.valLoss / now.loss)} times the training loss)`
        : `the validation loss has not improved on its best, ${num(best.valLoss)} at ${epochText(best.epoch)}, and is now ${num(now.valLoss)}, ${num(now.valLoss / now.loss)} times the training loss`;
      return {
        severity,
        message:
          `Over the last ${waited} epochs ${seen}, while the training loss kept falling (${num(best.loss)} → ${num(now.loss)}, ` +
          `−${percent(trainDrop)}). The model is fitting the particulars of its training examples rather than what carries ` +
          'over to new data. ' +
          (stopping
            ? `Early stopping (patience ${stopping.patience}) will end the run${stopping.restoreBestWeights ? ' and restore the best weights' : ''}; to do better, regularize: dropout, weight decay, more or augmented data.`
            : 'Stop at the best epoch with early stopping, and regularize: dropout, weight decay, more or augmented data.'),
        path: stopping ? ['training', 'earlyStopping'] : ['training'],
        epoch: event.epoch,
        step: event.step,
        evidence: {
          bestEpoch: best.epoch, bestValLoss: best.valLoss, valLoss: now.valLoss, loss: now.loss, lossAtBestEpoch: best.loss,
          valLossRise: rise, gapRatio, epochsSinceBest: waited, validationExamples: validationExamples ?? null,
        },
        fixes: fixes(),
      };
    };

    return {
      observe(event) {
        if (event.type === 'run-started') {
          validationExamples = event.validationExamples;
          tooSmallToMemorize = parameters > 0 && event.trainExamples >= t.maxExamplesPerParameter * parameters;
        }
        if (event.type !== 'epoch-end' || tooSmallToMemorize) return;
        const finding = judge(event);
        return finding ? { findings: [finding] } : undefined;
      },
    };
  },
};
