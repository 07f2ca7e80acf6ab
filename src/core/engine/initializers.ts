// Maps config initializers onto tfjs initializers, each seeded so that the same run seed gives
// the same initial weights.

import type { InitializerConfig } from '../config/trainConfig';
import type { Tf } from './tensorflowRuntime';

type Initializer = ReturnType<Tf['initializers']['zeros']>;

/**
 * tfjs draws glorotNormal/heNormal/leCunNormal from a normal truncated at ±2σ without widening
 * σ, so their std comes out 0.88× the documented √(scale / fan) (a deep He-initialized ReLU net
 * then loses ~12% of its activation scale per layer). Keras divides σ by this constant, the std
 * of a unit normal truncated at ±2; we do the same through varianceScaling.
 */
const TRUNCATED_UNIT_STD = 0.87962566103423978;

export function makeInitializer(tf: Tf, config: InitializerConfig, seed: number): Initializer {
  const init = tf.initializers;
  switch (config.type) {
    case 'zeros': return init.zeros();
    case 'ones': return init.ones();
    case 'constant': return init.constant({ value: config.value });
    case 'glorotNormal': return init.varianceScaling({ scale: 1 / TRUNCATED_UNIT_STD ** 2, mode: 'fanAvg', distribution: 'normal', seed });
    case 'glorotUniform': return init.glorotUniform({ seed });
    case 'heNormal': return init.varianceScaling({ scale: 2 / TRUNCATED_UNIT_STD ** 2, mode: 'fanIn', distribution: 'normal', seed });
    case 'heUniform': return init.heUniform({ seed });
    case 'leCunNormal': return init.varianceScaling({ scale: 1 / TRUNCATED_UNIT_STD ** 2, mode: 'fanIn', distribution: 'normal', seed });
    case 'leCunUniform': return init.leCunUniform({ seed });
    case 'orthogonal': return init.orthogonal({ gain: config.gain, seed });
    case 'randomNormal': return init.randomNormal({ mean: config.mean, stddev: config.stddev, seed });
    case 'randomUniform': return init.randomUniform({ minval: config.minval, maxval: config.maxval, seed });
    case 'truncatedNormal': return init.truncatedNormal({ mean: config.mean, stddev: config.stddev, seed });
  }
}
