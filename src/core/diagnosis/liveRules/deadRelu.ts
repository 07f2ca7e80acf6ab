// act.dead-relu: most units of a ReLU layer output zero for every example (DeepDiagnosis flags 70%
// dead neurons). A ReLU that is zero for all inputs has zero slope, gets no gradient and can never
// come back: that part of the layer is gone for the rest of the training.

import type { LayerStats } from '../../engine/layerStatistics';
import type { LayerStatsEvent } from '../../engine/trainingEvents';
import type { FindingDraft, LiveRule } from '../rule';
import { feedingWeightedLayer, layerPath, layersWithUnsuitedInit } from './configLayers';
import { fixList, initializerFixes, lowerLearningRate } from './liveFixes';
import { epochText, percent } from './numberText';
import { ReportLedger } from './reportLedger';
import { SampleGate } from './sampleGate';

export const deadRelu: LiveRule = {
  id: 'act.dead-relu',
  kind: 'live',
  defaultSeverity: 'warning',
  thresholds: { maxDeadFraction: 0.7, maxZeroFraction: 0.95, samples: 3 },
  docs: {
    title: 'Most ReLU units are dead',
    description:
      'A ReLU unit whose input is negative for every example outputs zero, has zero slope and so receives no gradient: ' +
      'it cannot recover. A few dead units are normal; when most of a layer is dead, the layer has lost most of its ' +
      'capacity. It happens at initialization (weights or biases that push every input negative) or during training, ' +
      'when a step that is too large throws the weights into that region. The rule counts the units that are zero for ' +
      'every example of the batch (more than `maxDeadFraction`, 70%, as in DeepDiagnosis), or, without that statistic, ' +
      'the fraction of zero outputs (`maxZeroFraction`).',
  },
  fixes: ['fix.he-init', 'fix.lower-lr'],

  start(context, settings) {
    const { config, shapes } = context;
    const t = settings.thresholds;
    const gate = new SampleGate(t.samples);
    const ledger = new ReportLedger(settings);
    /** Dead fraction of each layer in the first sample: was the layer dead from the start? */
    const atStart = new Map<number, boolean>();

    const deadness = (layer: LayerStats): { fraction: number; measure: 'dead' | 'zero'; over: boolean } | undefined => {
      const { deadFraction, zeroFraction } = layer.activation;
      if (deadFraction !== undefined && Number.isFinite(deadFraction)) return { fraction: deadFraction, measure: 'dead', over: deadFraction > t.maxDeadFraction };
      if (zeroFraction !== undefined && Number.isFinite(zeroFraction)) return { fraction: zeroFraction, measure: 'zero', over: zeroFraction > t.maxZeroFraction };
      return undefined;
    };

    const judge = (event: LayerStatsEvent, layer: LayerStats, firstSample: boolean): FindingDraft | undefined => {
      const seen = deadness(layer);
      if (!seen) return undefined;
      if (firstSample) atStart.set(layer.index, seen.over);
      if (!gate.holds(layer.index, seen.over) || !ledger.claim(layer.index)) return undefined;
      const fromStart = gate.inProbe || atStart.get(layer.index) === true;
      const weighted = feedingWeightedLayer(config, layer.index);
      const candidates = layersWithUnsuitedInit(config, shapes).filter((c) => c.index === weighted && c.family === 'he');
      const what = seen.measure === 'dead'
        ? `${percent(seen.fraction)} of its units are zero for every example of the batch`
        : `${percent(seen.fraction)} of its outputs are exactly zero`;
      const when = gate.inProbe ? 'at initialization' : `${fromStart ? 'from the start' : `by step ${event.step} (${epochText(event.epoch)})`}, ${gate.streak(layer.index)} samples in a row`;
      const cause = fromStart
        ? (candidates.length > 0
          ? 'They are dead from the start: the initial weights keep their inputs at or below zero. He initialization is scaled for ReLU and keeps about half of the units active.'
          : 'They are dead from the start: check the scale of this layer\'s inputs and its bias initializer, which push every input below zero.')
        : 'They died during training: steps that are too large throw the weights into the region where the inputs are always negative. Lower the learning rate.';
      return {
        message:
          `Layer ${layer.index} (${layer.type}, ReLU): ${what} (${when}). A ReLU that is zero for every input gets no gradient and ` +
          `cannot recover, so this part of the layer has stopped learning. ${cause} A leaky ReLU ("activation": "leakyRelu") ` +
          'keeps a small slope below zero, so its units can come back.',
        layer: layer.index,
        path: fromStart && weighted !== undefined && candidates.length > 0 ? layerPath(weighted, 'kernelInitializer') : layerPath(layer.index),
        step: gate.inProbe ? undefined : event.step,
        epoch: gate.inProbe ? undefined : event.epoch,
        evidence: { [seen.measure === 'dead' ? 'deadFraction' : 'zeroFraction']: seen.fraction, deadFromStart: fromStart, samples: gate.inProbe ? 1 : gate.streak(layer.index) },
        fixes: fixList(fromStart
          ? [...initializerFixes(config, candidates, weighted, true), lowerLearningRate(config)]
          : [lowerLearningRate(config, true), ...initializerFixes(config, candidates, weighted, false)]),
      };
    };

    let samples = 0;
    return {
      observe(event) {
        gate.see(event);
        if (event.type !== 'layer-stats') return;
        const firstSample = samples++ === 0;
        const findings = event.layers.map((layer) => judge(event, layer, firstSample)).filter((f): f is FindingDraft => f !== undefined);
        return findings.length > 0 ? { findings } : undefined;
      },
    };
  },
};
