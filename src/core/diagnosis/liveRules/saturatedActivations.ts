// act.saturated: most outputs of a tanh/sigmoid layer sit at the flat ends of the curve, where the
// slope is almost zero. Saturated units pass back almost no gradient, so they (and every layer
// before them) learn very slowly, and they output the same value whatever the input.

import type { LayerStats } from '../../engine/layerStatistics';
import type { EpochEndEvent, LayerStatsEvent } from '../../engine/trainingEvents';
import type { FindingDraft, LiveRule, LiveVerdict } from '../rule';
import {
  feedingWeightedLayer, hiddenWeightedLayers, inputsAreNormalized, inputsLookUnscaled, isOutputLayer, layerPath, layersWithUnsuitedInit,
} from './configLayers';
import { chanceAccuracy, learnedBeyondChance } from './learningEvidence';
import { addBatchNormalization, fixList, initializerFixes, normalizeInputs } from './liveFixes';
import { epochText, num, percent } from './numberText';
import { ReportLedger } from './reportLedger';
import { SampleGate } from './sampleGate';

export const saturatedActivations: LiveRule = {
  id: 'act.saturated',
  kind: 'live',
  defaultSeverity: 'warning',
  thresholds: { maxSaturatedFraction: 0.5, samples: 3 },
  docs: {
    title: 'tanh/sigmoid units are saturated',
    description:
      'tanh and sigmoid flatten out for large inputs: there the output hardly changes and the slope is nearly zero, so ' +
      'the unit passes back almost no gradient. When most outputs of a layer sit within 1% of an asymptote, that layer ' +
      'and the ones before it learn very slowly. Inputs to the layer are too large: weights initialized too big, ' +
      'unnormalized inputs, or weights grown by large steps. The output layer is not judged (a confident sigmoid output ' +
      'is the goal there). Withdrawn when a classifier learns anyway: its accuracy covers half the way from chance ' +
      'to perfect (a working recipe such as Nielsen\'s N(0, 1) sigmoid net trains while half-saturated).',
  },
  fixes: ['fix.glorot-init', 'fix.add-batchnorm', 'fix.normalize-inputs'],

  start(context, settings) {
    const { config, shapes } = context;
    // The run announces its inputs' statistics; a context built before the run may lack them.
    let inputStats = context.inputStats;
    const t = settings.thresholds;
    const gate = new SampleGate(t.samples);
    const ledger = new ReportLedger(settings);

    let reported = false;
    let withdrawn = false;
    /** The claim is "these units learn very slowly"; a classifier well above chance disproves it for the run. */
    const reconsider = (event: EpochEndEvent): LiveVerdict['resolve'] => {
      if (!reported || withdrawn) return undefined;
      const learned = learnedBeyondChance(event, chanceAccuracy(config, shapes, inputStats));
      if (!learned) return undefined;
      withdrawn = true;
      return {
        reason: `By epoch ${event.epoch + 1} the ${learned.split} accuracy is ${num(learned.accuracy)} (chance ${num(learned.chance)}): ` +
          'the model learns despite the saturated units, so they are not holding the run back.',
        evidence: { epoch: event.epoch, accuracy: learned.accuracy, chanceAccuracy: learned.chance },
      };
    };

    const judge = (event: LayerStatsEvent, layer: LayerStats): FindingDraft | undefined => {
      const fraction = layer.activation.saturatedFraction;
      if (fraction === undefined || !Number.isFinite(fraction) || isOutputLayer(config, layer.index)) return undefined;
      if (!gate.holds(layer.index, fraction > t.maxSaturatedFraction) || !ledger.claim(layer.index)) return undefined;
      const weighted = feedingWeightedLayer(config, layer.index);
      const candidates = layersWithUnsuitedInit(config, shapes).filter((c) => c.index === weighted);
      const unscaled = inputsLookUnscaled(config, inputStats);
      const advice = unscaled
        ? 'The raw inputs are on a large scale and not normalized: standardize them.'
        : candidates.length > 0
          ? 'The initial weights are too large for this activation: Glorot initialization keeps its inputs near the steep middle of the curve.'
          : 'Batch normalization before the activation keeps its inputs near the steep middle of the curve.';
      return {
        message:
          `Layer ${layer.index} (${layer.type}): ${percent(fraction)} of its outputs sit within 1% of the activation's limits ` +
          `(${gate.inProbe ? 'at initialization' : `at step ${event.step}, ${epochText(event.epoch)}, ${gate.streak(layer.index)} samples in a row`}). ` +
          `There the slope is almost zero, so these units pass back almost no gradient and learn very slowly. ${advice}`,
        layer: layer.index,
        path: candidates.length > 0 && weighted !== undefined ? layerPath(weighted, 'kernelInitializer') : layerPath(layer.index),
        step: gate.inProbe ? undefined : event.step,
        epoch: gate.inProbe ? undefined : event.epoch,
        evidence: { saturatedFraction: fraction, activationStd: layer.activation.std, samples: gate.inProbe ? 1 : gate.streak(layer.index) },
        fixes: fixList([
          unscaled ? normalizeInputs(config, true) : undefined,
          ...initializerFixes(config, candidates, weighted, true),
          addBatchNormalization(config, hiddenWeightedLayers(config)),
          !unscaled && !inputsAreNormalized(config) ? normalizeInputs(config) : undefined,
        ]),
      };
    };

    return {
      observe(event) {
        gate.see(event);
        if (event.type === 'run-started') inputStats ??= event.inputStats;
        if (event.type === 'epoch-end') {
          const resolve = reconsider(event);
          return resolve ? { resolve } : undefined;
        }
        if (event.type !== 'layer-stats' || withdrawn) return;
        const findings = event.layers.map((layer) => judge(event, layer)).filter((f): f is FindingDraft => f !== undefined);
        if (findings.length > 0) reported = true;
        return findings.length > 0 ? { findings } : undefined;
      },
    };
  },
};
