// lr.too-high: steps so large that they overshoot. Three signs: the loss climbs well above where
// it started (divergence, an error), the smoothed loss keeps bouncing back far above the best
// level it had reached (oscillation), or every step changes the weights by more than a tenth of
// their size (update ratios; ~1e-3 is the usual healthy level).

import type { LayerStatsEvent, StepEvent } from '../../engine/trainingEvents';
import type { FindingDraft, LiveRule } from '../rule';
import { LEARNING_RATE_PATH } from './configLayers';
import { fixList, gradientClipping, learningRateDecay, lowerLearningRate, roundLearningRate } from './liveFixes';
import { LossHistory, median } from './lossHistory';
import { epochText, num } from './numberText';
import { ReportLedger } from './reportLedger';
import { SampleGate } from './sampleGate';

export const learningRateTooHigh: LiveRule = {
  id: 'lr.too-high',
  kind: 'live',
  defaultSeverity: 'error',
  thresholds: { divergeFactor: 2, windowSteps: 20, reboundFactor: 1.3, minGiveBack: 0.2, minLossFraction: 0.05, maxUpdateRatio: 0.1, samples: 3 },
  docs: {
    title: 'The learning rate is too high',
    description:
      'Steps that are too large overshoot the minimum: the loss jumps up instead of down, bounces around a level well ' +
      'above what the model can reach, or climbs until it overflows. The rule averages the step losses over windows of ' +
      '`windowSteps` steps and reports divergence (an error) when two windows in a row average at least `divergeFactor` ' +
      'times the first step\'s loss, and oscillation when two windows in a row climb back to `reboundFactor` times the ' +
      'lowest window so far while giving back at least `minGiveBack` of the progress made since the first step (ignored ' +
      'once the loss is below `minLossFraction` of its start, where batch noise dominates). ' +
      'It also reports when the median update ratio ‖Δθ‖/‖θ‖ over the layers stays above `maxUpdateRatio` for ' +
      '`samples` statistics samples.',
  },
  fixes: ['fix.lower-lr', 'fix.lr-decay', 'fix.gradient-clipping'],

  start(context, settings) {
    const { config } = context;
    const t = settings.thresholds;
    const ledger = new ReportLedger(settings);
    const gate = new SampleGate(t.samples);
    const losses = new LossHistory(Math.max(1, Math.round(t.windowSteps)));
    let divergedWindows = 0;
    let reboundWindows = 0;
    /** The lowest window average so far. */
    let lowest = Infinity;
    let statsSamples = 0;

    const fixes = () => fixList([
      lowerLearningRate(config, true),
      config.training.lrSchedule.type === 'constant' ? learningRateDecay(config) : undefined,
      gradientClipping(config),
    ]);
    const rate = (current: number) => {
      const base = config.training.optimizer.learningRate;
      const now = Math.abs(current - base) > 1e-9 * base ? `${num(current)} at this point, ${num(base)} configured` : num(base);
      return `The learning rate (${now}) is too high for this model and data: lower it about 10× (to ${num(roundLearningRate(base / 10))})` +
        `${config.training.lrSchedule.type === 'constant' ? ', and let it decay as training goes on' : ''}.`;
    };

    const onWindow = (event: StepEvent): FindingDraft | undefined => {
      const latest = losses.lastBlockMean!;
      const first = losses.first!;
      const lowestBefore = lowest;
      lowest = Math.min(lowest, latest);
      const from = event.step + 1 - Math.round(t.windowSteps);
      divergedWindows = first > 0 && latest >= t.divergeFactor * first ? divergedWindows + 1 : 0;
      if (divergedWindows >= 2 && ledger.claim('run', 'error')) {
        return {
          severity: 'error',
          message:
            `The training loss has climbed from ${num(first)} at the first step to an average of ${num(latest)} over steps ` +
            `${from}–${event.step} (${num(latest / first)}× its start; ${epochText(event.epoch)}). The steps overshoot so far that ` +
            `training makes the model worse. ${rate(event.learningRate)}`,
          path: LEARNING_RATE_PATH,
          step: event.step,
          epoch: event.epoch,
          evidence: { initialLoss: first, windowLoss: latest, ratio: latest / first, windowSteps: t.windowSteps, learningRate: event.learningRate },
          fixes: fixes(),
        };
      }
      // Oscillation needs a few windows of history and a loss still well above zero, where batch noise is small.
      if (losses.blocks < 4) return undefined;
      const meaningful = first > 0 && lowestBefore >= t.minLossFraction * first;
      // Near the bottom, batch noise makes a small loss look like a big relative rebound; a real
      // overshoot gives back a good part of the progress made so far.
      const givenBack = first > lowestBefore ? (latest - lowestBefore) / (first - lowestBefore) : 0;
      reboundWindows = meaningful && latest >= t.reboundFactor * lowestBefore && givenBack >= t.minGiveBack ? reboundWindows + 1 : 0;
      if (reboundWindows < 2 || !ledger.claim('run', 'warning')) return undefined;
      return {
        severity: 'warning',
        message:
          `The training loss keeps bouncing back: it averaged ${num(latest)} over steps ${from}–${event.step} (${epochText(event.epoch)}), ` +
          `${num(latest / lowestBefore)}× the lowest ${Math.round(t.windowSteps)}-step average so far (${num(lowestBefore)}), giving back ` +
          `${Math.round(givenBack * 100)}% of the progress made since the start, for ${reboundWindows} windows in a row. ` +
          `Steps that overshoot the minimum throw away progress instead of settling. ${rate(event.learningRate)}`,
        path: LEARNING_RATE_PATH,
        step: event.step,
        epoch: event.epoch,
        evidence: { windowLoss: latest, lowestWindowLoss: lowestBefore, ratio: latest / lowestBefore, givenBack, windows: reboundWindows, learningRate: event.learningRate },
        fixes: fixes(),
      };
    };

    const onStats = (event: LayerStatsEvent): FindingDraft | undefined => {
      const ratios = event.layers.map((l) => l.updateRatio).filter((r): r is number => r !== undefined && Number.isFinite(r));
      if (ratios.length === 0) return undefined;
      // The first update from a fresh initialization is often large (Adam's first steps move every weight by ~lr).
      if (statsSamples++ === 0) return undefined;
      const typical = median(ratios);
      if (!gate.holds('updates', typical > t.maxUpdateRatio) || !ledger.claim('run', 'warning')) return undefined;
      return {
        severity: 'warning',
        message:
          `Each step changes the weights by a median ${num(typical)} of their size (${gate.streak('updates')} statistics samples ` +
          `in a row, up to step ${event.step}, ${epochText(event.epoch)}); around 1e-3 is the usual healthy level. Steps this large ` +
          `overshoot and keep the weights from settling. ${rate(config.training.optimizer.learningRate)}`,
        path: LEARNING_RATE_PATH,
        step: event.step,
        epoch: event.epoch,
        evidence: { medianUpdateRatio: typical, updateRatios: Object.fromEntries(event.layers.filter((l) => l.updateRatio !== undefined).map((l) => [String(l.index), l.updateRatio])) },
        fixes: fixes(),
      };
    };

    return {
      observe(event) {
        gate.see(event);
        let draft: FindingDraft | undefined;
        if (event.type === 'step' && losses.observe(event)) draft = onWindow(event);
        else if (event.type === 'layer-stats') draft = onStats(event);
        return draft ? { findings: [draft] } : undefined;
      },
    };
  },
};
