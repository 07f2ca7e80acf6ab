// The gradient of FusedBatchNorm as tfjs 4.22 defines it, minus one needless cost: it tiles
// 1/sqrt(variance) to the full size of the input before multiplying, which materializes a
// batch×height×width×channels tensor; on the WebAssembly backend that tile alone took a quarter
// of a ResNet step. Broadcasting gives the same numbers without the copy.

import type { Tf } from './tensorflowRuntime';

type Tensor = ReturnType<Tf['tensor']>;

const registered = new WeakSet<object>();

export function registerBatchNormGradient(tf: Tf): void {
  if (registered.has(tf)) return;
  tf.registerGradient({
    kernelName: 'FusedBatchNorm',
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dy, saved, attrs) => {
      const epsilon = (attrs as { varianceEpsilon: number }).varianceEpsilon;
      const [x, mean, variance, scale] = saved as Tensor[];
      const dyTensor = dy as Tensor;
      const scaleValue = scale ?? tf.scalar(1);
      // Axes to sum over to bring a full-size tensor back to the statistics' shape.
      const reductionAxes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
      const reduce = (t: Tensor) => tf.reshape(reductionAxes.length > 0 ? tf.sum(t, reductionAxes) : t, mean.shape);
      const xMinusMean = tf.sub(x, mean);
      const dyTimesScale = tf.mul(dyTensor, scaleValue);
      const inverseStd = tf.rsqrt(tf.add(variance, tf.scalar(epsilon)));
      const minusHalfInverseCube = tf.mul(tf.mul(tf.mul(inverseStd, inverseStd), inverseStd), tf.scalar(-0.5));
      return {
        x: () => tf.reshape(tf.mul(tf.mul(dyTensor, inverseStd), scaleValue), x.shape),
        mean: () => reduce(tf.mul(tf.mul(inverseStd, tf.scalar(-1)), dyTimesScale)),
        variance: () => reduce(tf.mul(tf.mul(minusHalfInverseCube, xMinusMean), dyTimesScale)),
        scale: () => reduce(tf.mul(dyTensor, tf.mul(xMinusMean, inverseStd))),
        offset: () => reduce(dyTensor),
      };
    },
  });
  registered.add(tf);
}
