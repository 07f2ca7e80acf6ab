// fix.lr-decay, fix.lower-lr and fix.raise-lr: the learning rate and its schedule.
//
// fix.lr-decay always writes a cosine schedule: the engine evaluates schedules per step, so
// cosine decays smoothly even over one or two epochs, and it has no step size to choose (step
// decay needs one that fits the number of epochs). A warm-up already configured is kept.

import type { TrainConfig } from '../../config/trainConfig';
import type { FixArgs, FixContext, FixDefinition } from './fixDefinition';

export const lrDecayFix: FixDefinition = {
  id: 'fix.lr-decay',
  title(config: TrainConfig) {
    const from = config.training.lrSchedule.type;
    return from === 'constant'
      ? `Set "lrSchedule": {"type": "cosine"}: the learning rate falls from ${rateText(config.training.optimizer.learningRate)} to 0 over the ${config.training.epochs} epochs`
      : `Replace the "${from}" lrSchedule by {"type": "cosine"}`;
  },
  apply({ config, editor }: FixContext) {
    const warmup = config.training.lrSchedule.warmupEpochs;
    editor.set(['training', 'lrSchedule'], warmup > 0 ? { type: 'cosine', warmupEpochs: warmup } : { type: 'cosine' });
  },
};

function rateChange(id: string, verb: string, factor: number): FixDefinition {
  const target = (config: TrainConfig, args: FixArgs) =>
    typeof args.learningRate === 'number' && args.learningRate > 0 ? args.learningRate : roundRate(config.training.optimizer.learningRate * factor);
  return {
    id,
    title(config: TrainConfig, args: FixArgs) {
      return `${verb} "learningRate" from ${rateText(config.training.optimizer.learningRate)} to ${rateText(target(config, args))}`;
    },
    apply({ config, args, editor }: FixContext) {
      editor.set(['training', 'optimizer', 'learningRate'], target(config, args));
    },
  };
}

export const lowerLrFix = rateChange('fix.lower-lr', 'Lower', 0.1);
export const raiseLrFix = rateChange('fix.raise-lr', 'Raise', 10);

/** Rates ×10 or ÷10 pick up binary noise (0.1 × 0.1 = 0.010000000000000002): keep 6 significant digits. */
function roundRate(rate: number): number {
  return Number(rate.toPrecision(6));
}

function rateText(rate: number): string {
  return String(roundRate(rate));
}
