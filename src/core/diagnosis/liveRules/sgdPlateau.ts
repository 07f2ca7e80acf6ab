// lr.no-decay, live half: the evidence that turns the static advice into a warning. Plain or
// momentum SGD at a constant rate whose training loss has stopped improving for `patience` epochs
// while it is still well above zero and still bouncing from epoch to epoch: the weights circle
// the minimum at a step size the mini-batch noise keeps large. A decaying rate is what settles them.
// A run whose loss levels off near zero, or falls steadily, is fine at a constant rate: quiet. So is
// full-batch gradient descent (one batch holds the whole training split): without mini-batch noise
// there is nothing for a decay to average out, and a bouncing loss there is a step too large for
// the curvature, which a decay only hides.

import type { EpochEndEvent } from '../../engine/trainingEvents';
import type { FindingDraft, LiveRule } from '../rule';
import { learningRateDecay } from './liveFixes';
import { epochText, num, percent } from './numberText';
import { ReportLedger } from './reportLedger';
import { ProgressTracker } from './trainingProgress';

export const sgdPlateau: LiveRule = {
  id: 'lr.no-decay',
  kind: 'live',
  defaultSeverity: 'warning',
  thresholds: { patience: 5, minImprovement: 0.01, minRemainingLoss: 0.1, minBounce: 0.02 },
  docs: {
    title: 'SGD at a constant learning rate has stalled',
    description:
      'Live evidence for lr.no-decay: SGD at a constant learning rate whose epoch training loss has not beaten its best ' +
      'by `minImprovement` (relative) for `patience` epochs, while it is still above `minRemainingLoss` of the initial ' +
      'loss and moves up and down from epoch to epoch by at least `minBounce` of its level. The weights are circling ' +
      'the minimum at a step size that the mini-batch noise keeps large; a decaying rate lets them settle. Full-batch ' +
      'gradient descent has no such noise and is not judged.',
  },
  fixes: ['fix.lr-decay'],

  start(context, settings) {
    const { config } = context;
    const t = settings.thresholds;
    const ledger = new ReportLedger(settings);
    const progress = new ProgressTracker();
    const { optimizer, lrSchedule } = config.training;
    let applies = optimizer.type === 'sgd' && lrSchedule.type === 'constant';
    const losses: number[] = [];

    const judge = (event: EpochEndEvent): FindingDraft | undefined => {
      if (!Number.isFinite(event.loss)) return undefined;
      losses.push(event.loss);
      if (losses.length <= t.patience || ledger.has('run')) return undefined;
      const recent = losses.slice(-t.patience);
      const before = Math.min(...losses.slice(0, -t.patience));
      const bestRecent = Math.min(...recent);
      const improvement = before > 0 ? (before - bestRecent) / before : 0;
      const seen = progress.snapshot(event);
      if (!seen || improvement >= t.minImprovement) return undefined;
      const remaining = event.loss / seen.initialLoss;
      const level = recent.reduce((sum, v) => sum + v, 0) / recent.length;
      const bounce = level > 0 ? (Math.max(...recent) - bestRecent) / level : 0;
      if (remaining < t.minRemainingLoss || bounce < t.minBounce || !ledger.claim('run')) return undefined;
      const momentum = optimizer.type === 'sgd' ? optimizer.momentum : 0;
      const kind = momentum > 0 ? `SGD with momentum ${num(momentum)}` : 'SGD';
      return {
        message:
          `${kind} at a constant learning rate of ${num(optimizer.learningRate)} has stalled: over the last ${t.patience} epochs ` +
          `the training loss has not beaten ${num(before)} (best now ${num(bestRecent)}) and moves up and down by ${percent(bounce)} ` +
          `while still at ${percent(remaining)} of its initial level. The weights are circling the minimum at a step size the ` +
          'mini-batch noise keeps large; decay the rate (e.g. "lrSchedule": {"type": "cosine"}) so they settle.',
        path: ['training', 'lrSchedule'],
        epoch: event.epoch,
        step: event.step,
        evidence: { bestBefore: before, bestRecent, improvement, bounce, remainingFraction: remaining, patience: t.patience, until: epochText(event.epoch) },
        fixes: [learningRateDecay(config, true)],
      };
    };

    return {
      observe(event) {
        if (event.type === 'run-started' && event.batchSize >= event.trainExamples) applies = false;
        if (!applies) return;
        progress.observe(event);
        if (event.type !== 'epoch-end') return;
        const finding = judge(event);
        return finding ? { findings: [finding] } : undefined;
      },
    };
  },
};
