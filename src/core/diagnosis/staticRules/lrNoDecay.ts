// lr.no-decay: plain or momentum SGD for many epochs at a constant learning rate. SGD's steps
// carry the noise of the mini-batch; at a fixed rate the weights keep bouncing around the minimum
// instead of settling into it. Lowering the rate over the run (step, cosine, plateau...) lets the
// early epochs move fast and the late ones refine. Adaptive optimizers shrink their steps on their
// own, so they are not reported. It is advice, not a fault: SGD at a constant rate often converges
// well (issue 10's independent set: it warned on converging runs). So the static half is info; the
// live half (sgdPlateau.ts) warns when a run shows the plateau a schedule would fix.

import { fixReference } from '../fixes/fixReference';
import type { FindingDraft, RuleSettings, StaticContext, StaticRule } from '../rule';
import { firstWrittenPath } from './findingLocation';
import { num } from './messageText';

export const lrNoDecayRule: StaticRule = {
  id: 'lr.no-decay',
  kind: 'static',
  defaultSeverity: 'info',
  thresholds: { minEpochs: 20 },
  docs: {
    title: 'SGD without learning-rate decay',
    description:
      'With SGD every step carries the noise of its mini-batch. At a constant learning rate the weights keep bouncing ' +
      'around the minimum instead of settling into it; decaying the rate over the run (step, exponential, cosine or ' +
      'reduce-on-plateau) keeps the early epochs fast and lets the late ones refine. Reported for SGD (with or without ' +
      'momentum) running at least minEpochs epochs with a constant schedule, as info: many such runs converge well. ' +
      'A run shows whether it matters (the live half warns when the loss stalls while still bouncing).',
  },
  fixes: ['fix.lr-decay'],
  check(context: StaticContext, settings: RuleSettings): FindingDraft[] {
    const { config } = context;
    const { optimizer, lrSchedule, epochs } = config.training;
    if (optimizer.type !== 'sgd' || lrSchedule.type !== 'constant' || epochs < settings.thresholds.minEpochs) return [];
    const kind = optimizer.momentum > 0 ? `SGD with momentum ${num(optimizer.momentum)}` : 'SGD';
    return [{
      message:
        `${kind} runs ${epochs} epochs at a constant learning rate of ${num(optimizer.learningRate)}. Each SGD step carries ` +
        'the noise of its mini-batch, so at a fixed rate the weights keep bouncing around the minimum instead of settling ' +
        'in. Decay the rate over the run, e.g. "lrSchedule": {"type": "cosine"}.',
      path: firstWrittenPath(context, [['training', 'lrSchedule'], ['training', 'optimizer', 'type'], ['training', 'optimizer']]),
      evidence: { optimizer: optimizer.type, learningRate: optimizer.learningRate, momentum: optimizer.momentum, epochs, schedule: lrSchedule.type },
      fixes: [fixReference('fix.lr-decay', config, undefined, true)],
    }];
  },
};
