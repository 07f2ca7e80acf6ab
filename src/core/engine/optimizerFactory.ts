// Builds the tfjs optimizer for a config and lets the schedule change its learning rate between
// steps. tfjs optimizers read `learningRate` at every update (SGD and momentum cache it as a
// scalar, refreshed by setLearningRate), so setting it per step is exact and cheap.

import type { OptimizerConfig } from '../config/trainConfig';
import type { Tf } from './tensorflowRuntime';

export type Optimizer = InstanceType<Tf['Optimizer']>;

export function makeOptimizer(tf: Tf, config: OptimizerConfig): Optimizer {
  switch (config.type) {
    case 'sgd':
      return config.momentum > 0
        ? tf.train.momentum(config.learningRate, config.momentum, config.nesterov)
        : tf.train.sgd(config.learningRate);
    case 'adam': return tf.train.adam(config.learningRate, config.beta1, config.beta2, config.epsilon);
    case 'rmsprop': return tf.train.rmsprop(config.learningRate, config.decay, config.momentum, config.epsilon);
    case 'adagrad': return tf.train.adagrad(config.learningRate, config.initialAccumulatorValue);
  }
}

/**
 * Frees an optimizer's tensors. tfjs 4.22's MomentumOptimizer overrides SGD's dispose() without
 * freeing the learning-rate scalar it inherits (`c`), which leaked one tensor per run.
 */
export function disposeOptimizer(optimizer: Optimizer): void {
  optimizer.dispose();
  const rate = (optimizer as unknown as { c?: { isDisposed: boolean; dispose(): void } }).c;
  if (rate && !rate.isDisposed) rate.dispose();
}

export function setLearningRate(optimizer: Optimizer, rate: number): void {
  const target = optimizer as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  if (target.learningRate === rate) return;
  if (typeof target.setLearningRate === 'function') target.setLearningRate(rate);
  else target.learningRate = rate;
}
