// Builds the `Event` messages Training Doctor writes: the file-version header, scalars and
// histograms, either in TF2's form (tensors tagged with the `scalars` / `histograms` plugin, what
// current TensorBoard reads natively) or in the legacy form (`simple_value`, `HistogramProto`)
// that TF1 and PyTorch write. Tests use both forms to exercise the reader.

import { DATA_TYPE, encodeEventMessage, type EventMessage, type SummaryValueMessage } from './eventProto';
import type { HistogramBucket, HistogramData } from './eventDecoding';

export type SummaryForm = 'tensor' | 'legacy';

export const FILE_VERSION = 'brain.Event:2';
const DATA_CLASS_SCALAR = 1;
const DATA_CLASS_TENSOR = 2;

export function fileVersionEvent(wallTime: number): Uint8Array {
  return encodeEventMessage({ wall_time: wallTime, step: 0, file_version: FILE_VERSION });
}

export interface ScalarOptions {
  form: SummaryForm;
  /** TF2 writers declare a tag's plugin on its first value only; pass false for the later ones. */
  withMetadata?: boolean;
  /** Tensor form: list the value in float_val/double_val instead of packing it in tensor_content. */
  listed?: boolean;
  dtype?: 'float' | 'double';
}

export function scalarValue(tag: string, value: number, options: ScalarOptions): SummaryValueMessage {
  if (options.form === 'legacy') return { tag, simple_value: value };
  const double = options.dtype === 'double';
  const tensor = {
    dtype: double ? DATA_TYPE.DT_DOUBLE : DATA_TYPE.DT_FLOAT,
    tensor_shape: {},
    ...(options.listed
      ? (double ? { double_val: [value] } : { float_val: [value] })
      : { tensor_content: packed([value], double ? 8 : 4) }),
  };
  return {
    tag,
    tensor,
    ...(options.withMetadata === false ? {} : { metadata: { plugin_data: { plugin_name: 'scalars' }, data_class: DATA_CLASS_SCALAR } }),
  };
}

export function histogramValue(tag: string, histogram: HistogramData, options: { form: SummaryForm; withMetadata?: boolean }): SummaryValueMessage {
  if (options.form === 'legacy') {
    // HistogramProto lists right edges; each bucket starts where the one before it ends (the
    // first at the minimum), so an empty bucket closes every gap between non-empty ones.
    const limits: number[] = [];
    const counts: number[] = [];
    histogram.buckets.forEach((b, i) => {
      if (b.left > (i === 0 ? histogram.min : histogram.buckets[i - 1].right)) {
        limits.push(b.left);
        counts.push(0);
      }
      limits.push(b.right);
      counts.push(b.count);
    });
    return {
      tag,
      histo: {
        min: histogram.min, max: histogram.max, num: histogram.count,
        sum: histogram.sum ?? 0, sum_squares: histogram.sumSquares ?? 0,
        bucket_limit: limits,
        bucket: counts,
      },
    };
  }
  const rows = histogram.buckets.flatMap((b) => [b.left, b.right, b.count]);
  return {
    tag,
    tensor: { dtype: DATA_TYPE.DT_DOUBLE, tensor_shape: { dim: [{ size: histogram.buckets.length }, { size: 3 }] }, tensor_content: packed(rows, 8) },
    ...(options.withMetadata === false ? {} : { metadata: { plugin_data: { plugin_name: 'histograms' }, data_class: DATA_CLASS_TENSOR } }),
  };
}

export function summaryEvent(step: number, wallTime: number, values: SummaryValueMessage[]): Uint8Array {
  const event: EventMessage = { wall_time: wallTime, step, summary: { value: values } };
  return encodeEventMessage(event);
}

function packed(values: number[], width: 4 | 8): Uint8Array {
  const bytes = new Uint8Array(values.length * width);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => (width === 4 ? view.setFloat32(i * width, v, true) : view.setFloat64(i * width, v, true)));
  return bytes;
}

/**
 * A histogram of `values` with `bucketCount` equal-width buckets between their min and max (what
 * TF2's `tf.summary.histogram` does), with sum and sum of squares so the mean and std are exact.
 */
export function histogramOf(values: ArrayLike<number>, bucketCount = 30): HistogramData {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sumSquares = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    sumSquares += v * v;
    count++;
  }
  if (count === 0) return { min: 0, max: 0, count: 0, sum: 0, sumSquares: 0, buckets: [] };
  if (min === max) return { min, max, count, sum, sumSquares, buckets: [{ left: min, right: max, count }] };
  const width = (max - min) / bucketCount;
  const counts = new Array<number>(bucketCount).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) counts[Math.min(bucketCount - 1, Math.floor((v - min) / width))]++;
  }
  return { min, max, count, sum, sumSquares, buckets: equalWidthBuckets(min, max, counts) };
}

/** The non-empty ones of equal-width buckets from min to max with these counts (the last ends at max exactly). */
export function equalWidthBuckets(min: number, max: number, counts: number[]): HistogramBucket[] {
  const width = (max - min) / counts.length;
  return counts
    .map((c, i) => ({ left: min + i * width, right: i === counts.length - 1 ? max : min + (i + 1) * width, count: c }))
    .filter((b) => b.count > 0);
}
