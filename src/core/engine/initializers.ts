// Maps config initializers onto tfjs initializers, each seeded so that the same run seed gives
// the same initial weights.

import type { InitializerConfig } from '../config/trainConfig';
import type { Tf } from './tensorflowRuntime';

type Initializer = ReturnType<Tf['initializers']['zeros']>;

export function makeInitializer(tf: Tf, config: InitializerConfig, seed: number): Initializer {
  const init = tf.initializers;
  switch (config.type) {
    case 'zeros': return init.zeros();
    case 'ones': return init.ones();
    case 'constant': return init.constant({ value: config.value });
    case 'glorotNormal': return init.glorotNormal({ seed });
    case 'glorotUniform': return init.glorotUniform({ seed });
    case 'heNormal': return init.heNormal({ seed });
    case 'heUniform': return init.heUniform({ seed });
    case 'leCunNormal': return init.leCunNormal({ seed });
    case 'leCunUniform': return init.leCunUniform({ seed });
    case 'orthogonal': return init.orthogonal({ gain: config.gain, seed });
    case 'randomNormal': return init.randomNormal({ mean: config.mean, stddev: config.stddev, seed });
    case 'randomUniform': return init.randomUniform({ minval: config.minval, maxval: config.maxval, seed });
    case 'truncatedNormal': return init.truncatedNormal({ mean: config.mean, stddev: config.stddev, seed });
  }
}
