// Loss and metric functions matching what Keras/tfjs `model.fit` computes for the same names:
// probabilities are clipped to [ε, 1−ε] before the log, and a linear (logit) output uses the
// numerically stable from-logits form instead.

import type { LossName, MetricName, Task } from '../config/trainConfig';
import type { Tf } from './tensorflowRuntime';

type Tensor = ReturnType<Tf['tensor']>;
type Scalar = ReturnType<Tf['scalar']>;

const EPSILON = 1e-7; // Keras' backend epsilon.

export interface TargetEncoding {
  task: Task;
  numClasses: number;
  loss: LossName;
  /** The activation of the output layer: decides probabilities vs logits. */
  outputActivation: string;
}

/** Turns the label column of a batch (class indices or targets) into the tensor the loss needs. */
export function encodeTargets(tf: Tf, labels: Float32Array, encoding: TargetEncoding): Tensor {
  if (encoding.task === 'regression' || encoding.loss === 'binaryCrossentropy') {
    return tf.tensor2d(labels, [labels.length, 1]);
  }
  // One-hot rows built here rather than by tf.oneHot: two kernels fewer per step, same values
  // (an index outside [0, classes) gives a row of zeros, as tf.oneHot's does).
  const classes = encoding.numClasses;
  const oneHot = new Float32Array(labels.length * classes);
  for (let row = 0; row < labels.length; row++) {
    const index = labels[row] | 0; // Int32 conversion, as tf.oneHot's int32 indices had
    if (index >= 0 && index < classes) oneHot[row * classes + index] = 1;
  }
  return tf.tensor2d(oneHot, [labels.length, classes]);
}

export function computeLoss(tf: Tf, targets: Tensor, predictions: Tensor, encoding: TargetEncoding): Scalar {
  return tf.tidy(() => {
    const logits = encoding.outputActivation === 'linear';
    switch (encoding.loss) {
      case 'categoricalCrossentropy':
        if (logits) return tf.losses.softmaxCrossEntropy(targets, predictions) as Scalar;
        return tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.log(tf.clipByValue(predictions, EPSILON, 1 - EPSILON))), -1))) as Scalar;
      case 'binaryCrossentropy': {
        if (logits) return tf.losses.sigmoidCrossEntropy(targets, predictions) as Scalar;
        const p = tf.clipByValue(predictions, EPSILON, 1 - EPSILON);
        const terms = tf.add(tf.mul(targets, tf.log(p)), tf.mul(tf.sub(1, targets), tf.log(tf.sub(1, p))));
        return tf.neg(tf.mean(terms)) as Scalar;
      }
      case 'meanSquaredError': return tf.mean(tf.squaredDifference(predictions, targets)) as Scalar;
      case 'meanAbsoluteError': return tf.mean(tf.abs(tf.sub(predictions, targets))) as Scalar;
      case 'huber': return tf.losses.huberLoss(targets, predictions) as Scalar;
    }
  });
}

/** Sum (not mean) of a metric over the batch, so epoch values can be exact weighted averages. */
export function metricSum(tf: Tf, metric: MetricName, targets: Tensor, predictions: Tensor, encoding: TargetEncoding): Scalar {
  return tf.tidy(() => {
    switch (metric) {
      case 'accuracy': {
        if (encoding.task === 'regression') return tf.scalar(NaN);
        if (encoding.loss === 'binaryCrossentropy') {
          const threshold = encoding.outputActivation === 'linear' ? 0 : 0.5;
          return tf.sum(tf.cast(tf.equal(tf.greater(predictions, threshold), tf.greater(targets, 0.5)), 'float32')) as Scalar;
        }
        return tf.sum(tf.cast(tf.equal(tf.argMax(predictions, -1), tf.argMax(targets, -1)), 'float32')) as Scalar;
      }
      case 'meanAbsoluteError': return tf.div(tf.sum(tf.abs(tf.sub(predictions, targets))), targets.shape[1] ?? 1) as Scalar;
      case 'meanSquaredError': return tf.div(tf.sum(tf.squaredDifference(predictions, targets)), targets.shape[1] ?? 1) as Scalar;
    }
  });
}

/** The short names metrics get in events and files, as Keras logs them. */
export function metricKey(metric: MetricName): string {
  return metric === 'accuracy' ? 'accuracy' : metric === 'meanAbsoluteError' ? 'mae' : 'mse';
}
