// grad.nonfinite: the loss, the gradients or the activations became NaN or infinite. Every update
// after that would spread the bad values into all weights, so the rule asks the run to stop (the
// engine stops such a run by itself too; a second stop request is harmless).

import type { LayerStats } from '../../engine/layerStatistics';
import type { LayerStatsEvent, StepEvent } from '../../engine/trainingEvents';
import type { FindingDraft, LiveRule, LiveVerdict } from '../rule';
import { inputsAreNormalized, inputsLookUnscaled, LEARNING_RATE_PATH, layerPath } from './configLayers';
import { fixList, gradientClipping, lowerLearningRate, normalizeInputs } from './liveFixes';
import { epochText, num } from './numberText';
import { ReportLedger } from './reportLedger';

const finite = (value: number | undefined) => value === undefined || Number.isFinite(value);

function firstBadLayer(layers: LayerStats[]): { layer: LayerStats; what: string; value: number } | undefined {
  for (const layer of layers) {
    if (!finite(layer.activation.mean) || !finite(layer.activation.std)) {
      const value = Number.isFinite(layer.activation.mean) ? layer.activation.std : layer.activation.mean;
      return { layer, what: 'activations', value };
    }
    if (!finite(layer.gradNorm)) return { layer, what: 'gradient', value: layer.gradNorm! };
    if (layer.weights && (!finite(layer.weights.mean) || !finite(layer.weights.std))) return { layer, what: 'weights', value: layer.weights.std };
  }
  return undefined;
}

export const nonFiniteValues: LiveRule = {
  id: 'grad.nonfinite',
  kind: 'live',
  defaultSeverity: 'error',
  thresholds: {},
  docs: {
    title: 'The loss or the gradients became NaN or infinite',
    description:
      'A value overflowed: the loss, the gradient norm or a layer\'s activations became NaN or infinite. ' +
      'From then on every update would spread the bad value into all the weights, so the run is stopped. ' +
      'It usually means the steps are too large for the scale of the gradients: a learning rate that is too ' +
      'high, gradients that grew without a bound (no clipping), or raw inputs on a large scale.',
  },
  fixes: ['fix.lower-lr', 'fix.gradient-clipping', 'fix.normalize-inputs'],

  start(context, settings) {
    const ledger = new ReportLedger(settings);
    // The run announces its inputs' statistics; a context built before the run may lack them.
    let inputStats = context.inputStats;
    let runStarted = false;
    const unscaled = () => inputsLookUnscaled(context.config, inputStats);
    // Standardizing is the cure when raw inputs are the cause; otherwise the step size is.
    const fixes = () => fixList(unscaled()
      ? [normalizeInputs(context.config, true), lowerLearningRate(context.config), gradientClipping(context.config)]
      : [lowerLearningRate(context.config, true), gradientClipping(context.config),
        inputsAreNormalized(context.config) ? undefined : normalizeInputs(context.config)]);
    const advice = () => unscaled()
      ? 'The raw inputs are on a large scale and left unnormalized, which makes the first layer\'s gradients huge: standardize them, and lower the learning rate or clip the gradients if it still happens.'
      : `Lower the learning rate (now ${num(context.config.training.optimizer.learningRate)}), or clip the gradient norm so that one bad batch cannot throw the weights far away.`;

    const stopFor = (draft: FindingDraft): LiveVerdict => ({
      findings: [draft],
      stop: { status: 'failed', reason: `grad.nonfinite: ${draft.message.split('. ')[0]}.` },
    });

    const onStep = (event: StepEvent): LiveVerdict | void => {
      const gradNorm = event.gradNorm as number | undefined;
      if (Number.isFinite(event.loss) && finite(gradNorm)) return;
      if (!ledger.claim('run')) return;
      const what = !Number.isFinite(event.loss) ? `The loss became ${num(event.loss)}` : `The gradient norm became ${num(gradNorm!)}`;
      return stopFor({
        message: `${what} at step ${event.step} (${epochText(event.epoch)}). Once a value overflows, every later update ` +
          `would carry it into all the weights, so training cannot go on. ${advice()}`,
        path: LEARNING_RATE_PATH,
        step: event.step,
        epoch: event.epoch,
        evidence: { loss: event.loss, gradNorm: gradNorm ?? null, learningRate: event.learningRate },
        fixes: fixes(),
      });
    };

    const onStats = (event: LayerStatsEvent): LiveVerdict | void => {
      const bad = firstBadLayer(event.layers);
      if (!bad && finite(event.gradNorm)) return;
      if (!ledger.claim('run')) return;
      const where = bad ? `The ${bad.what} of layer ${bad.layer.index} (${bad.layer.type}) became ${num(bad.value)}` : `The gradient norm became ${num(event.gradNorm)}`;
      return stopFor({
        message: `${where} ${runStarted ? `at step ${event.step} (${epochText(event.epoch)})` : 'at initialization'}. Once a value overflows, every later update ` +
          `would carry it into all the weights, so training cannot go on. ${advice()}`,
        layer: bad?.layer.index,
        path: bad ? layerPath(bad.layer.index) : LEARNING_RATE_PATH,
        step: runStarted ? event.step : undefined,
        epoch: runStarted ? event.epoch : undefined,
        evidence: { gradNorm: event.gradNorm, ...(bad ? { layer: bad.layer.index, [bad.what]: bad.value } : {}) },
        fixes: fixes(),
      });
    };

    return {
      observe(event) {
        if (event.type === 'run-started') {
          runStarted = true;
          inputStats ??= event.inputStats;
        }
        if (event.type === 'step') return onStep(event);
        if (event.type === 'layer-stats') return onStats(event);
      },
    };
  },
};
