// A dropout layer whose masks come from the run's seeded random source. tfjs's own Dropout layer
// takes one fixed seed, which would draw the same mask at every step; without a seed it uses
// Math.random, which would make two runs of one config differ. Inverted dropout, as in Keras:
// kept units are scaled by 1/(1-rate) in training, and the layer is the identity at inference.

import type { Tf } from './tensorflowRuntime';

export const SEEDED_DROPOUT_CLASS = 'TrainingDoctorSeededDropout';

type LayerArgs = { rate: number; name?: string };
type SeedSource = () => number;

const classes = new WeakMap<Tf, new (args: LayerArgs, nextSeed?: SeedSource) => InstanceType<Tf['layers']['Layer']>>();

export function seededDropoutClass(tf: Tf) {
  const existing = classes.get(tf);
  if (existing) return existing;

  class SeededDropout extends tf.layers.Layer {
    static readonly className = SEEDED_DROPOUT_CLASS;
    readonly rate: number;
    private readonly nextSeed: SeedSource;

    constructor(args: LayerArgs, nextSeed?: SeedSource) {
      super({ name: args.name });
      this.rate = args.rate;
      let fallback = 1;
      this.nextSeed = nextSeed ?? (() => fallback++);
    }

    override call(inputs: Parameters<InstanceType<Tf['layers']['Layer']>['call']>[0], kwargs: Record<string, unknown>) {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (!kwargs['training'] || this.rate <= 0) return tf.clone(x);
      return tf.dropout(x, this.rate, undefined, this.nextSeed());
    }

    override computeOutputShape(inputShape: Parameters<InstanceType<Tf['layers']['Layer']>['computeOutputShape']>[0]) {
      return inputShape;
    }

    override getConfig() {
      return { ...super.getConfig(), rate: this.rate };
    }

    static override fromConfig<T>(cls: new (args: LayerArgs) => T, config: Record<string, unknown>): T {
      return new cls({ rate: Number(config.rate), name: config.name as string | undefined });
    }
  }
  tf.serialization.registerClass(SeededDropout as never);
  classes.set(tf, SeededDropout);
  return SeededDropout;
}
