// lr.too-high: steps so large that they overshoot. Three signs: the loss climbs well above where
// it started (divergence, an error), the smoothed loss keeps bouncing back far above the best
// level it had reached (oscillation), or every step changes the weights by more than a tenth of
// their size (update ratios; ~1e-3 is the usual healthy level) while the loss is not improving.
// Large updates alone on a run whose loss falls well are not evidence (issue 10: it fired at lr
// 0.001 on a healthy run); ReLUs alive at the start and dead after the first large steps are
// (it stayed quiet at 0.1, where those steps killed the layer). Divergence makes the rest of the
// run pointless, so it also stops the run as failed (unless diagnostics.stopOnDivergence is false).

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
  thresholds: {
    divergeFactor: 2, windowSteps: 20, reboundFactor: 1.3, minGiveBack: 0.2, minLossFraction: 0.05, maxUpdateRatio: 0.1, samples: 3,
    improvingProgress: 0.1, killedDeadFraction: 0.7, killingUpdateRatio: 0.01,
  },
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
      '`samples` statistics samples while the loss has not fallen by `improvingProgress` (large updates on a run that ' +
      'learns well are not a fault), and when ReLU layers that were alive at the first sample have more than ' +
      '`killedDeadFraction` of their units dead for `samples` samples after updates above `killingUpdateRatio`: the ' +
      'first large steps threw their weights where every input is negative. Divergence stops the run as failed ' +
      '(`diagnostics.stopOnDivergence`, default true): training on would only make the model worse.',
  },
  fixes: ['fix.lower-lr', 'fix.lr-decay', 'fix.gradient-clipping'],

  start(context, settings) {
    const { config } = context;
    const t = settings.thresholds;
    const ledger = new ReportLedger(settings);
    const gate = new SampleGate(t.samples);
    const losses = new LossHistory(Math.max(1, Math.round(t.windowSteps)));
    /** Per ReLU layer: alive at the first sample? Only those can be killed by the steps. */
    const aliveAtStart = new Map<number, boolean>();
    let largestUpdate = 0;
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

    /** The loss has fallen well below where it started: the run learns, whatever the step size. */
    const improving = () => {
      const first = losses.earlyMean;
      const recent = losses.recentMean;
      return first !== undefined && recent !== undefined && first > 0 && recent <= (1 - t.improvingProgress) * first;
    };

    const killedRelus = (event: LayerStatsEvent, firstSample: boolean): FindingDraft | undefined => {
      const killed: { index: number; dead: number }[] = [];
      for (const layer of event.layers) {
        const dead = layer.activation.deadFraction;
        if (dead === undefined || !Number.isFinite(dead)) continue;
        if (firstSample) aliveAtStart.set(layer.index, dead <= t.killedDeadFraction);
        const over = aliveAtStart.get(layer.index) === true && dead > t.killedDeadFraction && largestUpdate > t.killingUpdateRatio;
        if (gate.holds(`killed-${layer.index}`, over)) killed.push({ index: layer.index, dead });
      }
      if (killed.length === 0 || !ledger.claim('killed', 'warning')) return undefined;
      const names = killed.map((k) => `${k.index} (${Math.round(k.dead * 100)}% dead)`).join(', ');
      return {
        severity: 'warning',
        message:
          `ReLU layer${killed.length > 1 ? 's' : ''} ${names} ${killed.length > 1 ? 'were' : 'was'} alive at the start and died by step ${event.step} ` +
          `(${epochText(event.epoch)}), after updates of up to ${num(largestUpdate)} of the weights' size in one step (around 1e-3 is healthy): ` +
          `the first large steps threw the weights where every input is negative, and a dead ReLU gets no gradient to come back. ` +
          `${rate(config.training.optimizer.learningRate)}`,
        path: LEARNING_RATE_PATH,
        layer: killed[0].index,
        step: event.step,
        epoch: event.epoch,
        evidence: { killedLayers: killed.map((k) => k.index), deadFractions: killed.map((k) => k.dead), largestUpdateRatio: largestUpdate },
        fixes: fixes(),
      };
    };

    const onStats = (event: LayerStatsEvent): FindingDraft | undefined => {
      const ratios = event.layers.map((l) => l.updateRatio).filter((r): r is number => r !== undefined && Number.isFinite(r));
      const firstSample = statsSamples === 0;
      for (const r of ratios) largestUpdate = Math.max(largestUpdate, r);
      const killed = gate.inProbe ? undefined : killedRelus(event, firstSample);
      if (killed) return killed;
      if (ratios.length === 0) return undefined;
      // The first update from a fresh initialization is often large (Adam's first steps move every weight by ~lr).
      if (statsSamples++ === 0) return undefined;
      const typical = median(ratios);
      if (!gate.holds('updates', typical > t.maxUpdateRatio && !improving()) || !ledger.claim('run', 'warning')) return undefined;
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
        if (!draft) return undefined;
        // Divergence: every further step makes the model worse, so the run ends here as failed.
        const diverged = draft.severity === 'error' && config.diagnostics.stopOnDivergence !== false;
        return diverged
          ? { findings: [draft], stop: { status: 'failed', reason: `lr.too-high: ${draft.message.split('. ')[0]}.` } }
          : { findings: [draft] };
      },
    };
  },
};
