// The statistics as tensor ops computed them on the backend (float32) before they moved to
// JavaScript (valueScan.ts): the reference that the new computation must reproduce, bucket for
// bucket and within float32 rounding elsewhere.

import { HISTOGRAM_BUCKETS, HISTOGRAM_ROW } from '../../../src/core/engine/layerHistograms';
import { mainWeights, measuresSaturation, SATURATION_MARGIN, trainableVariables } from '../../../src/core/engine/layerStatistics';
import type { TrackedLayer } from '../../../src/core/engine/modelBuilder';
import type { Tf } from '../../../src/core/engine/tensorflowRuntime';
import type { Tensor } from './engineFixtures';

/** One histogram row (see HISTOGRAM_ROW) per entry, the values of its tensors together; NaN for none. */
export function histogramRowsTensor(tf: Tf, entries: Tensor[][]): Tensor {
  return tf.tidy(() => tf.concat(entries.map((parts) => {
    if (parts.length === 0) return tf.fill([HISTOGRAM_ROW], NaN);
    const flat = tf.concat(parts.map((p) => tf.reshape(p, [-1])));
    const low = tf.min(flat);
    const high = tf.max(flat);
    const scale = tf.div(HISTOGRAM_BUCKETS, tf.maximum(tf.sub(high, low), 1e-30));
    const index = tf.cast(tf.clipByValue(tf.mul(tf.sub(flat, low), scale), 0, HISTOGRAM_BUCKETS - 1), 'int32');
    const counts = tf.bincount(index as never, tf.tensor1d([], 'float32') as never, HISTOGRAM_BUCKETS) as Tensor;
    const head = tf.stack([low, high, tf.scalar(flat.size), tf.sum(flat), tf.sum(tf.square(flat))]);
    return tf.concat([head, counts]);
  })));
}

/** [mean, std, zeroFraction, saturatedFraction, deadFraction] per layer, NaN where not applicable. */
export function activationStatsTensor(tf: Tf, outputs: Tensor[], tracked: Pick<TrackedLayer, 'activation'>[]): Float32Array {
  return tf.tidy(() => tf.concat(tracked.map((layer, i) => {
    const a = outputs[i];
    const { mean, variance } = tf.moments(a);
    const nan = tf.scalar(NaN);
    let [zero, saturated, dead] = [nan, nan, nan];
    if (layer.activation === 'relu' || layer.activation === 'relu6') {
      zero = tf.mean(tf.cast(tf.equal(a, 0), 'float32'));
      dead = tf.mean(tf.cast(tf.equal(tf.max(a, a.shape.slice(0, -1).map((_, axis) => axis)), 0), 'float32'));
    }
    if (measuresSaturation(layer.activation)) {
      saturated = layer.activation === 'tanh'
        ? tf.mean(tf.cast(tf.greater(tf.abs(a), 1 - SATURATION_MARGIN), 'float32'))
        : tf.mean(tf.cast(tf.logicalOr(tf.less(a, SATURATION_MARGIN), tf.greater(a, 1 - SATURATION_MARGIN)), 'float32'));
    }
    return tf.stack([mean, tf.sqrt(variance), zero, saturated, dead]);
  })).dataSync() as Float32Array);
}

/** gradNorm, updateRatio per layer, weight mean and std, then weight and gradient histogram rows (parameterStatistics' layout). */
export function parameterStatsTensor(tf: Tf, tracked: TrackedLayer[], grads: Record<string, Tensor>, previous: Map<string, Tensor>): Float32Array {
  return tf.tidy(() => {
    const gradientParts = tracked.map((layer) => trainableVariables(layer).map((v) => grads[v.name]).filter((g) => g !== undefined));
    const gradNorms = gradientParts.map((parts) => parts.length === 0 ? tf.scalar(NaN) : tf.sqrt(tf.addN(parts.map((g) => tf.sum(tf.square(g))))));
    const ratios = tracked.map((layer) => {
      const vars = trainableVariables(layer);
      if (vars.length === 0) return tf.scalar(NaN);
      const delta = tf.addN(vars.map((v) => tf.sum(tf.square(tf.sub(v, previous.get(v.name)!)))));
      const size = tf.addN(vars.map((v) => tf.sum(tf.square(previous.get(v.name)!))));
      return tf.div(tf.sqrt(delta), tf.add(tf.sqrt(size), 1e-12));
    });
    const weights = tracked.map((layer) => {
      const mains = mainWeights(layer);
      if (mains.length === 0) return tf.tensor1d([NaN, NaN]);
      const { mean, variance } = tf.moments(tf.concat(mains.map((w) => tf.reshape(w, [-1]))));
      return tf.stack([mean, tf.sqrt(variance)]);
    });
    return tf.concat([tf.stack(gradNorms), tf.stack(ratios), ...weights, histogramRowsTensor(tf, tracked.map(mainWeights)), histogramRowsTensor(tf, gradientParts)]).dataSync() as Float32Array;
  });
}
