// init.vanishing-activations, live half: the static rule predicts from the config that the
// activations shrink with depth; this half confirms it with the measured statistics of the first
// sample (a probe, or the first training step). A signal that shrinks layer after layer leaves
// the deep layers with almost nothing, and the gradients shrink the same way on the way back.

import type { LayerStatsEvent } from '../../engine/trainingEvents';
import type { FindingDraft, LiveRule } from '../rule';
import { feedingWeightedLayer, inputsAreNormalized, layerPath, layersWithUnsuitedInit } from './configLayers';
import { depthProfile, judgeFirstSample, scaleRemedies, stdsByLayer, stdTrail } from './activationDepthProfile';
import { num } from './numberText';

export const initVanishingActivations: LiveRule = {
  id: 'init.vanishing-activations',
  kind: 'live',
  defaultSeverity: 'warning',
  thresholds: { measuredMinStd: 0.2, measuredCollapseStd: 0.01, measuredDecayPerLayer: 0.8, measuredMinDepth: 3 },
  docs: {
    title: 'Activations vanish with depth at initialization',
    description:
      'Each layer multiplies the spread of its input by roughly fan_in · var(w) (halved after a ReLU). With weights ' +
      'drawn too small that factor is below 1, so the signal shrinks geometrically with depth and the deep layers see ' +
      'almost nothing; the gradients shrink the same way on their way back. Measured: the rule reports when, at the ' +
      'first statistics sample, the activation std falls by `measuredDecayPerLayer` or more per layer over at least ' +
      '`measuredMinDepth` layers and ends below `measuredMinStd`, or when a layer\'s std is below `measuredCollapseStd`.',
  },
  fixes: ['fix.he-init', 'fix.glorot-init', 'fix.add-batchnorm', 'fix.normalize-inputs'],

  start(context, settings) {
    const { config, shapes } = context;
    const t = settings.thresholds;
    return judgeFirstSample((event: LayerStatsEvent, runStarted: boolean): FindingDraft | undefined => {
      const { points, factorPerLayer } = depthProfile(event.layers, config);
      if (points.length === 0) return undefined;
      const decaying = points.length >= t.measuredMinDepth && factorPerLayer !== undefined &&
        factorPerLayer <= t.measuredDecayPerLayer && points[points.length - 1].std < t.measuredMinStd;
      const collapsed = points.find((p) => p.std < t.measuredCollapseStd);
      if (!decaying && !collapsed) return undefined;
      const focus = decaying ? points.find((p) => p.std < t.measuredMinStd)! : collapsed!;
      // Already tiny at the first layer without shrinking further: the inputs are the small ones.
      const fromInputs = points[0].std < t.measuredMinStd && (factorPerLayer === undefined || factorPerLayer > t.measuredDecayPerLayer);
      const candidates = layersWithUnsuitedInit(config, shapes);
      const weighted = feedingWeightedLayer(config, focus.index) ?? candidates[0]?.index;
      const when = runStarted ? `at the first training step (step ${event.step})` : 'at initialization';
      const trend = factorPerLayer !== undefined ? ` (×${num(factorPerLayer)} per layer)` : '';
      const cause = fromInputs && !inputsAreNormalized(config)
        ? 'The first layer\'s output is already small: the inputs are on a small scale. Standardize them.'
        : candidates.length > 0
          ? 'The initial weights are too small for the layers\' fan-in (or constant): He initialization (variance 2/fan_in, for ReLU) or Glorot (about 1/fan_in, for tanh/sigmoid/linear) keeps the spread constant through depth.'
          : 'Batch normalization after the weighted layers resets the spread of the signal at every layer.';
      const allZero = points.every((p) => p.std === 0);
      const seen = allZero
        ? `every unit outputs the same value for every example (std 0 in layers ${points.map((p) => p.index).join(', ')}): no signal gets through. ` +
          'Weights initialized to a constant (such as zeros) make all units identical, and they stay identical.'
        : fromInputs
          ? `the activations are small from the first layer on: std ${stdTrail(points)}. The deep layers see almost nothing, and the gradients shrink the same way on the way back.`
          : `the activations shrink with depth: std ${stdTrail(points)}${trend}. Each layer scales the signal down, so the deep layers see almost nothing and the gradients shrink the same way on the way back.`;
      // Small activations in a net of one or two measured layers are workable (the lecture notes:
      // "okay for the shallow nets"; such nets trained to 83–100% in issue 10's independent set).
      const shallow = points.length < t.measuredMinDepth && !allZero;
      return {
        severity: shallow ? 'info' : undefined,
        message: `Measured ${when}, ${seen} ${cause}` +
          (shallow ? ` With ${points.length} measured layer${points.length === 1 ? '' : 's'} this is workable, though: the shrinking has not compounded over depth.` : ''),
        layer: focus.index,
        path: candidates.some((c) => c.index === weighted) && weighted !== undefined ? layerPath(weighted, 'kernelInitializer') : layerPath(focus.index),
        step: runStarted ? event.step : undefined,
        epoch: runStarted ? event.epoch : undefined,
        evidence: { depth: points.length, stds: stdsByLayer(points), factorPerLayer: factorPerLayer ?? null, firstStd: points[0].std, lastStd: points[points.length - 1].std, measured: runStarted ? 'first-step' : 'probe' },
        fixes: scaleRemedies(config, candidates, weighted, fromInputs),
      };
    });
  },
};
