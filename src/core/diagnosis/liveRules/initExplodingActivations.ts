// init.exploding-activations, live half: the static rule predicts from the config that the
// activations grow with depth; this half confirms it with the measured statistics of the first
// sample (a probe, or the first training step). Large activations saturate the output and the
// nonlinearities, and the gradients grow the same way on the way back.

import type { LayerStatsEvent } from '../../engine/trainingEvents';
import type { FindingDraft, LiveRule } from '../rule';
import { feedingWeightedLayer, inputsAreNormalized, layerPath, layersWithUnsuitedInit } from './configLayers';
import { depthProfile, judgeFirstSample, scaleRemedies, stdsByLayer, stdTrail } from './activationDepthProfile';
import { num } from './numberText';

/** Below this growth per layer the large values come from the inputs, not from the depth. */
const FLAT_GROWTH = 1.25;

export const initExplodingActivations: LiveRule = {
  id: 'init.exploding-activations',
  kind: 'live',
  defaultSeverity: 'warning',
  thresholds: { measuredMaxStd: 3 },
  docs: {
    title: 'Activations explode with depth at initialization',
    description:
      'Each layer multiplies the spread of its input by roughly fan_in · var(w) (halved after a ReLU). With weights ' +
      'drawn too large that factor is above 1, so the signal grows geometrically with depth: the output saturates ' +
      '(overconfident predictions, a huge initial loss) and the gradients grow the same way. Measured: the rule reports ' +
      'when, at the first statistics sample, a hidden layer\'s activation std exceeds `measuredMaxStd`.',
  },
  fixes: ['fix.he-init', 'fix.glorot-init', 'fix.add-batchnorm', 'fix.normalize-inputs'],

  start(context, settings) {
    const { config, shapes } = context;
    const t = settings.thresholds;
    return judgeFirstSample((event: LayerStatsEvent, runStarted: boolean): FindingDraft | undefined => {
      const { points, factorPerLayer } = depthProfile(event.layers, config);
      const focus = points.find((p) => p.std > t.measuredMaxStd);
      if (!focus) return undefined;
      const largest = points.reduce((a, b) => (b.std > a.std ? b : a));
      const fromInputs = focus === points[0] && (factorPerLayer === undefined || factorPerLayer < FLAT_GROWTH);
      const candidates = layersWithUnsuitedInit(config, shapes);
      const weighted = feedingWeightedLayer(config, focus.index) ?? candidates[0]?.index;
      const when = runStarted ? `at the first training step (step ${event.step})` : 'at initialization';
      const trend = factorPerLayer !== undefined && points.length >= 2 ? ` (×${num(factorPerLayer)} per layer)` : '';
      const cause = fromInputs && !inputsAreNormalized(config)
        ? 'The first layer\'s output is already large: the inputs are on a large scale. Standardize them.'
        : candidates.length > 0
          ? 'The initial weights are too large for the layers\' fan-in: He initialization (variance 2/fan_in, for ReLU) or Glorot (about 1/fan_in, for tanh/sigmoid/linear) keeps the spread constant through depth.'
          : 'Batch normalization after the weighted layers resets the spread of the signal at every layer.';
      return {
        message:
          `Measured ${when}, the activations ${fromInputs ? 'are large from the first layer on' : 'grow with depth'}: ` +
          `std ${stdTrail(points)}${fromInputs ? '' : trend}, up to ${num(largest.std)}. ` +
          'Large activations saturate the output (overconfident predictions and a large initial loss) and the gradients ' +
          `grow the same way on the way back. ${cause}`,
        layer: focus.index,
        path: candidates.some((c) => c.index === weighted) && weighted !== undefined ? layerPath(weighted, 'kernelInitializer') : layerPath(focus.index),
        step: runStarted ? event.step : undefined,
        epoch: runStarted ? event.epoch : undefined,
        evidence: { stds: stdsByLayer(points), factorPerLayer: factorPerLayer ?? null, maxStd: largest.std, maxStdLayer: largest.index, measured: runStarted ? 'first-step' : 'probe' },
        fixes: scaleRemedies(config, candidates, weighted, fromInputs),
      };
    });
  },
};
