// Validation: the prediction model in inference mode (dropout off, BatchNorm on its moving
// statistics) over a split in batches. The loss includes the regularization penalty, as Keras'
// val_loss does, so it is comparable with the training loss.

import type { MetricName } from '../config/trainConfig';
import type { Split } from '../data/dataset';
import { computeLoss, encodeTargets, metricKey, metricSum, type TargetEncoding } from './lossAndMetrics';
import type { BuiltModel } from './modelBuilder';
import type { Tf } from './tensorflowRuntime';

type Tensor = ReturnType<Tf['tensor']>;

export interface Evaluation {
  loss: number;
  metrics: Record<string, number>;
}

export async function evaluateSplit(
  tf: Tf, built: BuiltModel, split: Split, featureSize: number, inputShape: number[],
  encoding: TargetEncoding, metrics: MetricName[], batchSize: number,
): Promise<Evaluation | undefined> {
  if (split.count === 0) return undefined;
  let lossSum = 0;
  const sums = new Float64Array(metrics.length);
  for (let start = 0; start < split.count; start += batchSize) {
    const end = Math.min(split.count, start + batchSize);
    const count = end - start;
    const packed = tf.tidy(() => {
      const xs = tf.tensor(split.x.subarray(start * featureSize, end * featureSize), [count, ...inputShape]);
      const targets = encodeTargets(tf, split.y.subarray(start, end), encoding);
      const predictions = built.predictor.apply(xs, { training: false }) as Tensor;
      const loss = tf.mul(computeLoss(tf, targets, predictions, encoding), count);
      return tf.stack([loss, ...metrics.map((m) => metricSum(tf, m, targets, predictions, encoding))]);
    });
    const values = await packed.data();
    packed.dispose();
    lossSum += values[0];
    metrics.forEach((_, i) => (sums[i] += values[i + 1]));
  }
  const penalty = tf.tidy(() => {
    const losses = built.model.calculateLosses();
    return losses.length > 0 ? tf.addN(losses) : tf.scalar(0);
  });
  const penaltyValue = (await penalty.data())[0];
  penalty.dispose();
  const result: Evaluation = { loss: lossSum / split.count + penaltyValue, metrics: {} };
  metrics.forEach((m, i) => (result.metrics[metricKey(m)] = sums[i] / split.count));
  return result;
}
