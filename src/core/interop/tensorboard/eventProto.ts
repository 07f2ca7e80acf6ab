// The `Event` message of TensorBoard event files, encoded and decoded by protobufjs from the
// official definitions (tensorboardProtoSchema.ts), parsed once at first use.

import * as protobuf from 'protobufjs';
import { TENSORBOARD_PROTO } from './tensorboardProtoSchema';

/** A protobuf int64 as protobufjs hands it over: a number, or a Long-like object when `long` is installed. */
export type Int64 = number | { toNumber(): number };

export interface HistogramMessage {
  min?: number;
  max?: number;
  num?: number;
  sum?: number;
  sum_squares?: number;
  bucket_limit?: number[];
  bucket?: number[];
}

export interface TensorMessage {
  dtype?: number;
  tensor_shape?: { dim?: { size?: Int64 }[]; unknown_rank?: boolean };
  tensor_content?: Uint8Array;
  float_val?: number[];
  double_val?: number[];
  half_val?: number[];
  int_val?: number[];
  string_val?: Uint8Array[];
}

export interface SummaryValueMessage {
  tag?: string;
  metadata?: { plugin_data?: { plugin_name?: string; content?: Uint8Array }; display_name?: string; data_class?: number };
  simple_value?: number;
  obsolete_old_style_histogram?: Uint8Array;
  image?: object;
  histo?: HistogramMessage;
  audio?: object;
  tensor?: TensorMessage;
  /** Which member of the `value` oneof is set. */
  value?: string;
}

export interface EventMessage {
  wall_time?: number;
  step?: Int64;
  file_version?: string;
  graph_def?: Uint8Array;
  summary?: { value?: SummaryValueMessage[] };
  log_message?: object;
  session_log?: { status?: number; checkpoint_path?: string; msg?: string };
  tagged_run_metadata?: object;
  meta_graph_def?: Uint8Array;
  source_metadata?: { writer?: string };
  /** Which member of the `what` oneof is set. */
  what?: string;
}

export const DATA_TYPE = { DT_FLOAT: 1, DT_DOUBLE: 2, DT_INT32: 3, DT_STRING: 7, DT_INT64: 9, DT_HALF: 19 } as const;
export const SESSION_STATUS = { START: 1, STOP: 2, CHECKPOINT: 3 } as const;

let eventType: protobuf.Type | undefined;

function eventMessageType(): protobuf.Type {
  if (!eventType) {
    // Steps and tensor dimensions fit in a double: plain numbers spare a Long object per int64 read
    // (the only other user of protobufjs here, tfjs-converter, needs it at build time only).
    protobuf.util.Long = undefined as unknown as typeof protobuf.util.Long;
    protobuf.configure();
    eventType = protobuf.parse(TENSORBOARD_PROTO, { keepCase: true }).root.lookupType('tensorboard.Event');
  }
  return eventType;
}

/** Decodes one record; throws (protobufjs' error) on bytes that are not an Event. */
export function decodeEventMessage(bytes: Uint8Array): EventMessage {
  return eventMessageType().decode(bytes) as unknown as EventMessage;
}

export function encodeEventMessage(event: EventMessage): Uint8Array {
  const type = eventMessageType();
  return type.encode(type.fromObject(event as Record<string, unknown>)).finish();
}

export function int64ToNumber(value: Int64 | undefined): number {
  if (value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}
