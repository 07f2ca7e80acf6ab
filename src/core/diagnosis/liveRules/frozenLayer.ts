// train.frozen-layer: a layer whose weights do not change at all from step to step while other
// layers move (SageMaker Debugger's UnchangedTensor and AllZero). Such a layer is a fixed random
// transform: the model trains, but with one layer fewer than it was given. In this format no layer
// can be frozen on purpose, so an unchanged layer is always a fault: it gets no gradient at all
// (a saturated unit after it whose slope is exactly 0, all-zero weights after it), or its updates
// are below float32 resolution next to its weights and are lost to rounding.
//
// "Not at all" is an update ratio of at most 1e-8: updates lost to rounding leave the few weights
// near zero moving (measured 1e-9 with Adam next to weights of 1e4), while the slowest layers of
// healthy runs move at 1e-5 or more.
//
// Other rules own the neighbouring cases: a layer behind an entirely dead ReLU layer is
// act.dead-relu's (its zero gradient is a consequence), tiny but effective updates are
// grad.vanishing's or lr.too-low's, and a run where nothing moves at all is lr.too-low's.

import type { LayerStats } from '../../engine/layerStatistics';
import type { LayerStatsEvent } from '../../engine/trainingEvents';
import type { FindingDraft, LiveRule } from '../rule';
import { layerAt, layerPath, layersWithUnsuitedInit } from './configLayers';
import { fixList, initializerFixes } from './liveFixes';
import { epochText, num } from './numberText';
import { ReportLedger } from './reportLedger';
import { SampleGate } from './sampleGate';

/** A ReLU layer this dead passes no gradient back at all: act.dead-relu explains what is behind it. */
const ENTIRELY_DEAD = 0.999;

function entirelyDead(layer: LayerStats): boolean {
  const { deadFraction, zeroFraction } = layer.activation;
  return (deadFraction !== undefined && deadFraction >= ENTIRELY_DEAD) || (zeroFraction !== undefined && zeroFraction >= ENTIRELY_DEAD);
}

export const frozenLayer: LiveRule = {
  id: 'train.frozen-layer',
  kind: 'live',
  defaultSeverity: 'warning',
  thresholds: { maxUpdateRatio: 1e-8, minMovingRatio: 1e-6, samples: 3 },
  docs: {
    title: 'A layer does not change during training',
    description:
      'A layer whose weights do not change at all (update ratio ‖Δθ‖/‖θ‖ at most `maxUpdateRatio`) for `samples` statistics ' +
      'samples in a row, while another layer moves (update ratio at least `minMovingRatio`), is a fixed random transform: ' +
      'the model trains with one layer fewer than it was given. It gets no gradient at all (a saturated unit after it ' +
      'whose slope is exactly 0, all-zero weights after it), or its updates are lost to float32 rounding next to very ' +
      'large weights. Layers behind an entirely dead ReLU layer are left to act.dead-relu.',
  },
  fixes: ['fix.glorot-init', 'fix.he-init'],

  start(context, settings) {
    const { config, shapes } = context;
    const t = settings.thresholds;
    const gate = new SampleGate(t.samples);
    const ledger = new ReportLedger(settings);

    const judge = (event: LayerStatsEvent, layer: LayerStats, moving: LayerStats, deadAfter: boolean): FindingDraft | undefined => {
      const ratio = layer.updateRatio;
      const frozen = ratio !== undefined && ratio <= t.maxUpdateRatio && !deadAfter;
      if (!gate.holds(layer.index, frozen) || !ledger.claim(layer.index)) return undefined;
      const noGradient = layer.gradNorm === undefined || layer.gradNorm === 0;
      const candidates = layersWithUnsuitedInit(config, shapes);
      const weighted = layerAt(config, layer.index);
      const why = noGradient
        ? 'It gets no gradient at all: something after it passes none back, such as units saturated so far that their slope is exactly 0 ' +
          'or weights that are all zero. Check the findings about the layers after it.'
        : `It gets a gradient (norm ${num(layer.gradNorm!)}), but each update is below float32 resolution next to its weights` +
          `${layer.weights ? ` (std ${num(layer.weights.std)})` : ''} and is lost to rounding.`;
      return {
        message:
          `Layer ${layer.index} (${layer.type}) has not changed at all for ${gate.streak(layer.index)} statistics samples in a row ` +
          `(update ratio ${num(ratio!)}, by step ${event.step}, ${epochText(event.epoch)}) while layer ${moving.index} moves (update ratio ` +
          `${num(moving.updateRatio!)}). A layer that never changes is a fixed random transform: the model trains with one layer fewer. ${why}` +
          (candidates.length > 0 ? ' Initialize the weights for their activation so the signal and the gradient keep their scale.' : ''),
        layer: layer.index,
        path: weighted && (weighted.type === 'dense' || weighted.type === 'conv2d') && !noGradient ? layerPath(layer.index, 'kernelInitializer') : layerPath(layer.index),
        step: event.step,
        epoch: event.epoch,
        evidence: { updateRatio: ratio, gradNorm: layer.gradNorm ?? null, samples: gate.streak(layer.index), movingLayer: moving.index, movingUpdateRatio: moving.updateRatio },
        fixes: fixList(initializerFixes(config, candidates, layer.index, true)),
      };
    };

    return {
      observe(event) {
        gate.see(event);
        if (event.type !== 'layer-stats' || gate.inProbe) return;
        const moving = event.layers.reduce<LayerStats | undefined>((best, l) => (l.updateRatio !== undefined && l.updateRatio >= t.minMovingRatio && (!best || l.updateRatio > best.updateRatio!) ? l : best), undefined);
        if (!moving) {
          // Nothing moves at all: lr.too-low's case; streaks restart.
          for (const layer of event.layers) gate.holds(layer.index, false);
          return;
        }
        // Whether this layer or one after it is entirely dead: one pass from the output back.
        const deadAfter = new Array<boolean>(event.layers.length);
        for (let i = event.layers.length - 1; i >= 0; i--) deadAfter[i] = entirelyDead(event.layers[i]) || (deadAfter[i + 1] ?? false);
        const findings = event.layers.map((layer, i) => judge(event, layer, moving, deadAfter[i])).filter((f): f is FindingDraft => f !== undefined);
        return findings.length > 0 ? { findings } : undefined;
      },
    };
  },
};
