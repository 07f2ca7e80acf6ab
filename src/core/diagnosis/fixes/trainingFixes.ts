// fix.early-stopping and fix.gradient-clipping: options of the training loop.

import type { TrainConfig } from '../../config/trainConfig';
import type { FixArgs, FixContext, FixDefinition } from './fixDefinition';

function earlyStopping(args: FixArgs) {
  return {
    monitor: typeof args.monitor === 'string' ? args.monitor : 'val_loss',
    patience: typeof args.patience === 'number' ? Math.round(args.patience) : 5,
    restoreBestWeights: true,
  };
}

export const earlyStoppingFix: FixDefinition = {
  id: 'fix.early-stopping',
  title(_config: TrainConfig, args: FixArgs) {
    const e = earlyStopping(args);
    return `Set "earlyStopping": stop when ${e.monitor} has not improved for ${e.patience} epochs and restore the best weights`;
  },
  apply({ args, editor }: FixContext) {
    editor.set(['training', 'earlyStopping'], earlyStopping(args));
  },
};

function clipNorm(args: FixArgs): number {
  return typeof args.norm === 'number' && args.norm > 0 ? args.norm : 1;
}

export const gradientClippingFix: FixDefinition = {
  id: 'fix.gradient-clipping',
  title(_config: TrainConfig, args: FixArgs) {
    return `Set "gradientClipping": {"norm": ${clipNorm(args)}} (rescale any step whose gradient norm exceeds ${clipNorm(args)})`;
  },
  apply({ args, editor }: FixContext) {
    editor.set(['training', 'gradientClipping'], { norm: clipNorm(args) });
  },
};
