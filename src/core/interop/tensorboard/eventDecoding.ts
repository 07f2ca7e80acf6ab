// From raw `Event` messages to what Training Doctor reads in them: scalars and histograms by tag,
// whatever form the writer used (TF1/PyTorch `simple_value` and `HistogramProto`, or TF2 tensors
// tagged with the `scalars` / `histograms` plugin), and a kind name for everything else (graphs,
// images, text, pr-curves, run metadata), which callers skip. TF2 writers put a tag's plugin
// metadata on its first value only, so a decoder remembers the plugin of each tag it has seen:
// use one decoder per run.

import { DATA_TYPE, decodeEventMessage, int64ToNumber, SESSION_STATUS, type EventMessage, type HistogramMessage, type SummaryValueMessage, type TensorMessage } from './eventProto';

export interface HistogramBucket {
  left: number;
  right: number;
  count: number;
}

export interface HistogramData {
  min: number;
  max: number;
  count: number;
  /** Sum and sum of squares, when the writer recorded them (HistogramProto does; TF2 tensors do not). */
  sum?: number;
  sumSquares?: number;
  /** Non-empty buckets, in increasing order. */
  buckets: HistogramBucket[];
}

export type SummaryEntry =
  | { type: 'scalar'; tag: string; value: number }
  | { type: 'histogram'; tag: string; histogram: HistogramData }
  | { type: 'other'; tag: string; kind: string };

interface EventBase {
  wallTime: number;
  step: number;
}

export type DecodedEvent =
  | (EventBase & { type: 'file-version'; version: string })
  | (EventBase & { type: 'summary'; entries: SummaryEntry[] })
  | (EventBase & { type: 'session-log'; status: 'start' | 'stop' | 'checkpoint' | 'unspecified' })
  | (EventBase & { type: 'other'; kind: string });

export class EventDecoder {
  /** The plugin each tag was declared with (TF2 declares it on the first value only). */
  private readonly plugins = new Map<string, string>();

  /** Throws when the bytes are not an Event message. */
  decode(bytes: Uint8Array): DecodedEvent {
    return this.interpret(decodeEventMessage(bytes));
  }

  interpret(message: EventMessage): DecodedEvent {
    const base = { wallTime: message.wall_time ?? 0, step: int64ToNumber(message.step) };
    switch (message.what) {
      case 'file_version': return { ...base, type: 'file-version', version: message.file_version ?? '' };
      case 'summary': return { ...base, type: 'summary', entries: (message.summary?.value ?? []).map((value) => this.entry(value)) };
      case 'session_log': return { ...base, type: 'session-log', status: sessionStatus(message.session_log?.status) };
      default: return { ...base, type: 'other', kind: message.what ?? 'empty' };
    }
  }

  private entry(value: SummaryValueMessage): SummaryEntry {
    const tag = value.tag ?? '';
    const declared = value.metadata?.plugin_data?.plugin_name;
    if (declared) this.plugins.set(tag, declared);
    const plugin = this.plugins.get(tag);
    switch (value.value) {
      case 'simple_value': return { type: 'scalar', tag, value: value.simple_value ?? 0 };
      case 'histo': return { type: 'histogram', tag, histogram: fromHistogramProto(value.histo ?? {}) };
      case 'tensor': return tensorEntry(tag, plugin, value.tensor ?? {});
      default: return { type: 'other', tag, kind: value.value ?? 'empty' };
    }
  }
}

function sessionStatus(status: number | undefined): 'start' | 'stop' | 'checkpoint' | 'unspecified' {
  if (status === SESSION_STATUS.START) return 'start';
  if (status === SESSION_STATUS.STOP) return 'stop';
  if (status === SESSION_STATUS.CHECKPOINT) return 'checkpoint';
  return 'unspecified';
}

function tensorEntry(tag: string, plugin: string | undefined, tensor: TensorMessage): SummaryEntry {
  const kind = `tensor:${plugin ?? 'no-plugin'}`;
  const shape = (tensor.tensor_shape?.dim ?? []).map((d) => int64ToNumber(d.size));
  // A rank-0 float without a plugin is a scalar too (some writers leave the metadata out).
  if (plugin === 'scalars' || (plugin === undefined && shape.length === 0)) {
    const values = floatValues(tensor, 1);
    if (values && values.length >= 1 && shape.length === 0) return { type: 'scalar', tag, value: values[0] };
  }
  if (plugin === 'histograms' && shape.length === 2 && shape[1] === 3 && shape[0] >= 0 && shape[0] <= MAX_HISTOGRAM_BUCKETS) {
    const values = floatValues(tensor, shape[0] * 3);
    if (values && values.length === shape[0] * 3) return { type: 'histogram', tag, histogram: fromHistogramTensor(values) };
  }
  return { type: 'other', tag, kind };
}

/** More buckets than any writer uses (TF2: 30, TF1: ~1,500 at most): such a tensor is not a histogram. */
const MAX_HISTOGRAM_BUCKETS = 100_000;

/**
 * Up to `limit` values of a DT_FLOAT or DT_DOUBLE tensor, packed (tensor_content, little-endian)
 * or listed. The limit keeps a hostile tensor from making us convert more than we use.
 */
function floatValues(tensor: TensorMessage, limit: number): ArrayLike<number> | undefined {
  const content = tensor.tensor_content;
  if (tensor.dtype === DATA_TYPE.DT_FLOAT) {
    if (content && content.length > 0) return littleEndianValues(content, 4, limit);
    return tensor.float_val ?? [];
  }
  if (tensor.dtype === DATA_TYPE.DT_DOUBLE) {
    if (content && content.length > 0) return littleEndianValues(content, 8, limit);
    return tensor.double_val ?? [];
  }
  return undefined;
}

function littleEndianValues(content: Uint8Array, width: 4 | 8, limit: number): Float64Array {
  const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
  const values = new Float64Array(Math.min(limit, Math.floor(content.byteLength / width)));
  for (let i = 0; i < values.length; i++) values[i] = width === 4 ? view.getFloat32(i * 4, true) : view.getFloat64(i * 8, true);
  return values;
}

/**
 * HistogramProto's buckets are given by their right edges; the first reaches down to -DBL_MAX and
 * the last up to DBL_MAX, so the edges are clamped to the recorded min and max.
 */
function fromHistogramProto(histo: HistogramMessage): HistogramData {
  const min = histo.min ?? 0;
  const max = histo.max ?? 0;
  const limits = histo.bucket_limit ?? [];
  const counts = histo.bucket ?? [];
  const buckets: HistogramBucket[] = [];
  for (let i = 0; i < Math.min(limits.length, counts.length); i++) {
    if (!(counts[i] > 0)) continue;
    const left = Math.max(i === 0 ? min : limits[i - 1], min);
    const right = Math.min(limits[i], max);
    buckets.push({ left: Math.min(left, right), right, count: counts[i] });
  }
  return { min, max, count: histo.num ?? 0, sum: histo.sum, sumSquares: histo.sum_squares, buckets };
}

/** TF2's histogram tensors: one [left, right, count] row per bucket. */
function fromHistogramTensor(values: ArrayLike<number>): HistogramData {
  const buckets: HistogramBucket[] = [];
  for (let i = 0; i + 2 < values.length; i += 3) {
    if (values[i + 2] > 0) buckets.push({ left: values[i], right: values[i + 1], count: values[i + 2] });
  }
  const count = buckets.reduce((sum, b) => sum + b.count, 0);
  const min = buckets.length > 0 ? buckets[0].left : 0;
  const max = buckets.length > 0 ? buckets[buckets.length - 1].right : 0;
  return { min, max, count, buckets };
}
