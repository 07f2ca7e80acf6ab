// BatchNormalization whose training step costs a handful of full-size kernels. tfjs 4.22's layer
// computes the batch statistics with `moments` (mean, squaredDifference, mean) on the tape, so its
// gradient runs back through FusedBatchNorm's gradient AND through every op of the moments: on the
// WebAssembly backend a ResNet step spent about a quarter of its time in those element-wise kernels.
// Here the training forward is one custom-gradient op with the analytic gradient
//   x̂ = (x − μ)·r, r = 1/√(σ² + ε), N = elements per channel,
//   dβ = Σ dy,  dγ = Σ dy·x̂,  dx = γ·r·(dy − dβ/N − x̂·dγ/N),
// and the moving averages are updated exactly as tfjs does (same order, same arithmetic, biased
// variance). Inference, and any axis other than the last, stay the stock layer's. The class keeps
// tfjs's class name and is not registered, so saving, model.json and Keras export see the stock layer.

import type { Tf } from './tensorflowRuntime';

type Tensor = ReturnType<Tf['tensor']>;
type Layer = InstanceType<Tf['layers']['Layer']>;
type BatchNormArgs = Parameters<Tf['layers']['batchNormalization']>[0];
/** The stock layer's fields this class reads (tfjs declares them protected or private). */
interface BatchNormFields {
  axis: number; momentum: number; epsilon: number;
  gamma: { read(): Tensor } | null; beta: { read(): Tensor } | null;
  movingMean: { read(): Tensor; write(value: Tensor): void };
  movingVariance: { read(): Tensor; write(value: Tensor): void };
}

const classes = new WeakMap<Tf, new (args?: BatchNormArgs) => Layer>();

export function batchNormTrainingClass(tf: Tf): new (args?: BatchNormArgs) => Layer {
  const existing = classes.get(tf);
  if (existing) return existing;
  const Stock = Object.getPrototypeOf(tf.layers.batchNormalization({})).constructor as new (args?: BatchNormArgs) => Layer;

  class FusedTrainingBatchNormalization extends Stock {
    static readonly className = 'BatchNormalization';

    override call(inputs: Tensor | Tensor[], kwargs: Record<string, unknown>): Tensor | Tensor[] {
      const fields = this as unknown as BatchNormFields;
      const input = Array.isArray(inputs) ? inputs[0] : inputs;
      const rank = input.rank;
      const axis = fields.axis >= 0 ? fields.axis : fields.axis + rank;
      const common = kwargs['training'] === true && rank >= 2 && axis === rank - 1 && fields.gamma != null && fields.beta != null;
      if (!common || (Array.isArray(inputs) && inputs.length !== 1)) return super.call(inputs, kwargs);
      return tf.tidy(() => {
        const { output, mean, variance } = normalizeInTraining(tf, input, fields.gamma!.read(), fields.beta!.read(), fields.epsilon);
        // tfjs's doMovingAverage: v ← v − (v − value)·(1 − momentum), mean first.
        for (const [variable, value] of [[fields.movingMean, mean], [fields.movingVariance, variance]] as const) {
          tf.tidy(() => {
            const original = variable.read();
            variable.write(tf.sub(original, tf.mul(tf.sub(original, value), 1 - fields.momentum)));
          });
        }
        tf.dispose([mean, variance]);
        return output;
      });
    }
  }
  classes.set(tf, FusedTrainingBatchNormalization);
  return FusedTrainingBatchNormalization;
}

/**
 * The batch-normalized output over every axis but the last, with the analytic gradient for x,
 * gamma and beta, and the batch mean and (biased) variance, which the caller disposes.
 */
export function normalizeInTraining(tf: Tf, x: Tensor, gamma: Tensor, beta: Tensor, epsilon: number) {
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const channels = x.shape[x.rank - 1];
  const perChannel = x.size / channels;
  let statistics: { mean: Tensor; variance: Tensor } | undefined;
  const normalize = tf.customGrad(((x: Tensor, gamma: Tensor, beta: Tensor, save: (tensors: Tensor[]) => void) => {
    // tf.moments' arithmetic (its squaredDifference is this sub then square), so the moving
    // averages get the stock layer's numbers. The wasm backend's FusedBatchNorm and its broadcasting
    // element-wise kernels are slow (about 40× a same-shape multiply), so x̂ is computed once, here,
    // and kept for the gradient.
    const mean = tf.mean(x, axes);
    const centered = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centered), axes);
    statistics = { mean: tf.keep(mean), variance: tf.keep(variance) };
    const inverseStd = tf.rsqrt(tf.add(variance, epsilon));
    const normalized = tf.mul(centered, inverseStd);
    save([normalized, inverseStd, gamma]);
    return {
      value: tf.add(tf.mul(normalized, gamma), beta),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [normalized, inverseStd, gamma] = saved;
        const dBeta = tf.sum(dy, axes);
        const dGamma = tf.sum(tf.mul(dy, normalized), axes);
        // dx = γr·(dy − dβ/N − x̂·dγ/N)
        const centeredDy = tf.sub(dy, tf.add(tf.mul(normalized, tf.div(dGamma, perChannel)), tf.div(dBeta, perChannel)));
        const dx = tf.mul(centeredDy, tf.mul(gamma, inverseStd));
        return [dx, dGamma, dBeta];
      },
    };
  }) as never) as (x: Tensor, gamma: Tensor, beta: Tensor) => Tensor;
  const output = normalize(x, gamma, beta);
  return { output, mean: statistics!.mean, variance: statistics!.variance };
}
