// Statistics of parameter-sized tensors (weights, gradients, a step's update) in plain JavaScript
// over the backend's own memory: one pass gives the count, sum, sum of squares, min and max that
// the weight moments, the histograms and the norms all need, where the tensor ops took a kernel
// and a full-size temporary for each (square, subtract, ...). On a 4096×4096 kernel one fused pass
// reads 67 MB once; sums are accumulated in double precision.

import type { Tf } from './tensorflowRuntime';

type Tensor = ReturnType<Tf['tensor']>;

export interface ValueSums {
  count: number;
  sum: number;
  sumSquares: number;
}

export interface ValueScan extends ValueSums {
  /** NaN when any value is NaN. */
  min: number;
  max: number;
}

export interface UpdateScan {
  /** The values after the update. */
  after: ValueScan;
  /** Σ (after − before)². */
  deltaSquares: number;
  /** Σ before². */
  beforeSquares: number;
}

interface WasmBackend {
  typedArrayFromHeap(t: { dataId: object; shape: number[]; dtype: string }): Float32Array;
}

/**
 * A float32 tensor's values without a copy where the backend allows it: a view of the wasm heap,
 * the cpu backend's own array. Valid until the next tensor is allocated (the heap may grow):
 * read it at once, never write it.
 */
export function hostValues(tf: Tf, tensor: Tensor): Float32Array {
  if (tf.getBackend() === 'wasm') return (tf.backend() as unknown as WasmBackend).typedArrayFromHeap(tensor);
  return tensor.dataSync() as Float32Array;
}

export const EMPTY_SCAN: ValueScan = { count: 0, sum: 0, sumSquares: 0, min: Infinity, max: -Infinity };

/** count, sum, sum of squares, min and max of `values` in one pass. */
export function scanValues(values: Float32Array): ValueScan {
  // Four independent accumulators: one chain of dependent additions runs at a third of the speed.
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
  let min = Infinity, max = -Infinity;
  const n = values.length;
  const body = n - (n % 4);
  for (let i = 0; i < body; i += 4) {
    const a = values[i], b = values[i + 1], c = values[i + 2], d = values[i + 3];
    s0 += a; s1 += b; s2 += c; s3 += d;
    q0 += a * a; q1 += b * b; q2 += c * c; q3 += d * d;
    // Math.min/max propagate NaN, as the NaN checks downstream expect.
    min = Math.min(min, a, b, c, d);
    max = Math.max(max, a, b, c, d);
  }
  for (let i = body; i < n; i++) {
    const a = values[i];
    s0 += a;
    q0 += a * a;
    min = Math.min(min, a);
    max = Math.max(max, a);
  }
  return { count: n, sum: s0 + s1 + s2 + s3, sumSquares: q0 + q1 + q2 + q3, min, max };
}

/**
 * count, sum and sum of squares only: what the moments need. Without the min and max, which cost
 * more than the sums on values with many zeros (ReLU outputs: Math.min/max tell −0 from +0).
 */
export function sumValues(values: Float32Array): ValueSums {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
  const n = values.length;
  const body = n - (n % 4);
  for (let i = 0; i < body; i += 4) {
    const a = values[i], b = values[i + 1], c = values[i + 2], d = values[i + 3];
    s0 += a; s1 += b; s2 += c; s3 += d;
    q0 += a * a; q1 += b * b; q2 += c * c; q3 += d * d;
  }
  for (let i = body; i < n; i++) {
    s0 += values[i];
    q0 += values[i] * values[i];
  }
  return { count: n, sum: s0 + s1 + s2 + s3, sumSquares: q0 + q1 + q2 + q3 };
}

/** The scan of `after` together with Σ (after − before)² and Σ before², in one pass over both. */
export function scanUpdate(after: Float32Array, before: Float32Array): UpdateScan {
  if (after.length !== before.length) throw new Error(`scanUpdate: ${after.length} values after, ${before.length} before`);
  let s0 = 0, s1 = 0, q0 = 0, q1 = 0, d0 = 0, d1 = 0, b0 = 0, b1 = 0;
  let min = Infinity, max = -Infinity;
  const n = after.length;
  const body = n - (n % 2);
  for (let i = 0; i < body; i += 2) {
    const a = after[i], b = after[i + 1], pa = before[i], pb = before[i + 1];
    s0 += a; s1 += b;
    q0 += a * a; q1 += b * b;
    const da = a - pa, db = b - pb;
    d0 += da * da; d1 += db * db;
    b0 += pa * pa; b1 += pb * pb;
    min = Math.min(min, a, b);
    max = Math.max(max, a, b);
  }
  if (body < n) {
    const a = after[body], pa = before[body];
    s0 += a;
    q0 += a * a;
    d0 += (a - pa) * (a - pa);
    b0 += pa * pa;
    min = Math.min(min, a);
    max = Math.max(max, a);
  }
  return {
    after: { count: n, sum: s0 + s1, sumSquares: q0 + q1, min, max },
    deltaSquares: d0 + d1,
    beforeSquares: b0 + b1,
  };
}

/** The scan of several tensors' values taken together. */
export function combineScans(scans: ValueScan[]): ValueScan {
  return scans.reduce((a, b) => ({
    count: a.count + b.count, sum: a.sum + b.sum, sumSquares: a.sumSquares + b.sumSquares,
    min: Math.min(a.min, b.min), max: Math.max(a.max, b.max),
  }), EMPTY_SCAN);
}

/** Mean and standard deviation (population) from a scan; NaN std when a value is not finite. */
export function scanMoments(scan: ValueSums): { mean: number; std: number } {
  const mean = scan.sum / scan.count;
  // Double-precision sums of float32 values: the cancellation in E[x²] − E[x]² costs about
  // 1e-16·mean²/variance relative, far below float32's own rounding unless |mean| > 1e4·std.
  const variance = scan.sumSquares / scan.count - mean * mean;
  // Inf or NaN among the values: Inf − Inf, as the two-pass moments on the backend gave.
  if (!Number.isFinite(variance)) return { mean, std: NaN };
  return { mean, std: Math.sqrt(Math.max(0, variance)) };
}
