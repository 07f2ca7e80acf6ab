// grad.vanishing: the gradient that reaches the first layers is a tiny fraction of the one at the
// output (AUTOTRAINER's test: first/last < 1e-3 with the first layer's norm < 1e-4), or no layer
// gets any gradient at all. The early layers then stop learning while the later ones carry on.

import type { LayerStatsEvent } from '../../engine/trainingEvents';
import type { FindingDraft, LiveRule } from '../rule';
import { hiddenWeightedLayers, layerAt, layerPath, layersWithUnsuitedInit, usesSaturatingActivations } from './configLayers';
import { gradientProfile, normsByLayer } from './gradientFlow';
import { addBatchNormalization, fixList, initializerFixes, lowerLearningRate } from './liveFixes';
import { LossHistory } from './lossHistory';
import { num } from './numberText';
import { ReportLedger } from './reportLedger';
import { SampleGate } from './sampleGate';
import { isWeightedLayer } from '../../config/trainConfig';

/** A loss this many times its initial value has diverged; lr.too-high explains the zero gradients then. */
const DIVERGED_FACTOR = 2;

export const gradientVanishing: LiveRule = {
  id: 'grad.vanishing',
  kind: 'live',
  defaultSeverity: 'warning',
  thresholds: { minRatio: 1e-3, minFirstNorm: 1e-4, floorNorm: 1e-8, samples: 3 },
  docs: {
    title: 'Gradients vanish before they reach the first layers',
    description:
      'Backpropagation multiplies the gradient by every layer\'s weights and activation slope on its way from the loss ' +
      'to the input. When those factors are small (tiny initial weights, saturated tanh/sigmoid units) the gradient ' +
      'shrinks geometrically with depth, and the first layers, which see almost none of it, stop learning. The rule ' +
      'compares the gradient norm of the first weighted layer with the last one\'s, and also reports when no layer gets ' +
      'any gradient at all.',
  },
  fixes: ['fix.he-init', 'fix.glorot-init', 'fix.add-batchnorm', 'fix.lower-lr'],

  start(context, settings) {
    const { config, shapes } = context;
    const t = settings.thresholds;
    const gate = new SampleGate(t.samples);
    const ledger = new ReportLedger(settings);
    const losses = new LossHistory();
    const sampleText = (key: string) => (gate.inProbe ? 'at initialization' : `for ${gate.streak(key)} statistics samples in a row`);

    const shrinking = (event: LayerStatsEvent): FindingDraft | undefined => {
      const profile = gradientProfile(event.layers);
      const { first, last, ratio } = profile;
      const condition = ratio !== undefined && first !== undefined && ratio < t.minRatio && first.gradNorm < t.minFirstNorm;
      if (!gate.holds('ratio', condition) || !first || !last || ratio === undefined || !ledger.claim(first.index)) return undefined;
      const candidates = layersWithUnsuitedInit(config, shapes);
      const saturating = usesSaturatingActivations(config);
      const layer = layerAt(config, first.index);
      const weighted = isWeightedLayer(layer);
      return {
        message:
          (ratio === 0
            ? `Layer ${first.index} (${first.type}) gets no gradient at all while layer ${last.index} gets a norm of ${num(last.gradNorm)} ${sampleText('ratio')}. `
            : `The gradient reaching layer ${first.index} (${first.type}) is ${num(ratio)} times the one at layer ${last.index} ` +
              `(norms ${num(first.gradNorm)} vs ${num(last.gradNorm)}) ${sampleText('ratio')}. `) +
          'The gradient shrinks on its way back through the layers, so the first layers barely learn. ' +
          (candidates.length > 0
            ? `Initialize the weights for their activation (He for ReLU, Glorot for tanh/sigmoid/linear) so each layer keeps the signal's scale${saturating ? ', or switch tanh/sigmoid to ReLU' : ''}.`
            : `Batch normalization between the layers keeps the scale of the signal steady${saturating ? '; ReLU activations also pass gradients better than tanh/sigmoid' : ''}.`),
        layer: first.index,
        path: weighted ? layerPath(first.index, 'kernelInitializer') : layerPath(first.index),
        step: gate.inProbe ? undefined : event.step,
        epoch: gate.inProbe ? undefined : event.epoch,
        evidence: { ratio, firstLayer: first.index, lastLayer: last.index, firstGradNorm: first.gradNorm, lastGradNorm: last.gradNorm, gradNorms: normsByLayer(profile) },
        fixes: fixList([...initializerFixes(config, candidates, first.index, true), addBatchNormalization(config, hiddenWeightedLayers(config))]),
      };
    };

    const silent = (event: LayerStatsEvent): FindingDraft | undefined => {
      const profile = gradientProfile(event.layers);
      const condition = profile.layers.length > 0 && profile.largest < t.floorNorm && !losses.risenAbove(DIVERGED_FACTOR);
      if (!gate.holds('zero', condition) || !ledger.claim('all-layers')) return undefined;
      const candidates = layersWithUnsuitedInit(config, shapes);
      return {
        message:
          `No layer gets any gradient (largest norm ${num(profile.largest)}) ${sampleText('zero')}: nothing is learning. ` +
          'This happens when the output saturates (logits so large that the predicted probabilities no longer respond) ' +
          'after the activations blew up at initialization or a step was far too large, or when every unit is dead. ' +
          (candidates.length > 0 ? 'Initialize the weights for their activation, ' : '') + 'lower the learning rate, and check the findings about activations.',
        path: ['model', 'layers'],
        step: gate.inProbe ? undefined : event.step,
        epoch: gate.inProbe ? undefined : event.epoch,
        evidence: { largestGradNorm: profile.largest, gradNorm: event.gradNorm, gradNorms: normsByLayer(profile) },
        fixes: fixList([...initializerFixes(config, candidates, undefined, true), lowerLearningRate(config), addBatchNormalization(config, hiddenWeightedLayers(config))]),
      };
    };

    return {
      observe(event) {
        gate.see(event);
        if (event.type === 'step') losses.observe(event);
        if (event.type !== 'layer-stats') return;
        const findings = [shrinking(event), silent(event)].filter((f): f is FindingDraft => f !== undefined);
        return findings.length > 0 ? { findings } : undefined;
      },
    };
  },
};
