// TFRecord framing, the container of TensorBoard event files: each record is
//   uint64 LE length | uint32 LE masked CRC-32C of those 8 bytes | data | uint32 LE masked CRC-32C of data.
// The scanner works on whatever bytes have arrived so far: a record cut off at the end is
// "pending" (the writer has not finished it; read again from `consumed` later), a record whose
// checksum fails is skipped with an issue, and a length that cannot be right is never allocated.

import { buf as crc32c } from 'crc-32/crc32c';

export const HEADER_BYTES = 12;
export const FOOTER_BYTES = 4;

/**
 * The largest record we accept. TensorFlow's graph_def records can reach tens of MB; anything
 * above this is a corrupt or hostile length field, and allocating it would exhaust memory.
 */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;

const MASK_DELTA = 0xa282ead8;

/** TFRecord's masked CRC: rotate right by 15 bits and add a constant, so that CRCs of CRCs stay distinctive. */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(bytes) >>> 0;
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

/** One record's bytes framed for a TFRecord file. */
export function frameRecord(data: Uint8Array): Buffer {
  const framed = Buffer.allocUnsafe(HEADER_BYTES + data.length + FOOTER_BYTES);
  framed.writeBigUInt64LE(BigInt(data.length), 0);
  framed.writeUInt32LE(maskedCrc32c(framed.subarray(0, 8)), 8);
  framed.set(data, HEADER_BYTES);
  framed.writeUInt32LE(maskedCrc32c(data), HEADER_BYTES + data.length);
  return framed;
}

export interface FramedRecord {
  /** Byte offset of the record's header in the file. */
  offset: number;
  data: Buffer;
}

export type FramingIssue =
  | { type: 'data-crc-mismatch'; offset: number; length: number }
  | { type: 'length-crc-mismatch'; offset: number; resumedAt?: number }
  | { type: 'length-too-large'; offset: number; length: number; resumedAt?: number };

export interface ScanResult {
  records: FramedRecord[];
  issues: FramingIssue[];
  /** Bytes of the buffer fully handled: scanning resumes here when more bytes arrive. */
  consumed: number;
  /** Bytes a record that has started needs in all, when the buffer ends inside it. */
  pendingRecordBytes?: number;
}

/**
 * Scans the complete records of `buffer`, whose first byte sits at `baseOffset` in its file.
 * A damaged header (its checksum fails or its length is absurd) cannot say where the next record
 * starts, so the scanner looks for the next position whose header checks out.
 */
export function scanRecords(buffer: Buffer, baseOffset = 0, maxRecordBytes = MAX_RECORD_BYTES): ScanResult {
  const records: FramedRecord[] = [];
  const issues: FramingIssue[] = [];
  let position = 0;
  while (buffer.length - position >= HEADER_BYTES) {
    const header = checkHeader(buffer, position, maxRecordBytes);
    if (header.type !== 'ok') {
      const resumeAt = findNextHeader(buffer, position + 1, maxRecordBytes);
      const resumedAt = resumeAt === undefined ? undefined : baseOffset + resumeAt;
      issues.push(header.type === 'bad-crc'
        ? { type: 'length-crc-mismatch', offset: baseOffset + position, resumedAt }
        : { type: 'length-too-large', offset: baseOffset + position, length: header.length, resumedAt });
      if (resumeAt === undefined) {
        // Nothing recognisable up to the last possible header start; keep that tail for later bytes.
        position = Math.max(position + 1, buffer.length - HEADER_BYTES + 1);
        continue;
      }
      position = resumeAt;
      continue;
    }
    const total = HEADER_BYTES + header.length + FOOTER_BYTES;
    if (buffer.length - position < total) return { records, issues, consumed: position, pendingRecordBytes: total };
    const data = buffer.subarray(position + HEADER_BYTES, position + HEADER_BYTES + header.length);
    const expected = buffer.readUInt32LE(position + HEADER_BYTES + header.length);
    if (maskedCrc32c(data) === expected) records.push({ offset: baseOffset + position, data });
    else issues.push({ type: 'data-crc-mismatch', offset: baseOffset + position, length: header.length });
    position += total;
  }
  return { records, issues, consumed: position };
}

type HeaderCheck = { type: 'ok'; length: number } | { type: 'bad-crc' } | { type: 'too-large'; length: number };

function checkHeader(buffer: Buffer, position: number, maxRecordBytes: number): HeaderCheck {
  if (maskedCrc32c(buffer.subarray(position, position + 8)) !== buffer.readUInt32LE(position + 8)) return { type: 'bad-crc' };
  const length = buffer.readBigUInt64LE(position);
  if (length > BigInt(maxRecordBytes)) return { type: 'too-large', length: Number(length) };
  return { type: 'ok', length: Number(length) };
}

function findNextHeader(buffer: Buffer, from: number, maxRecordBytes: number): number | undefined {
  for (let position = from; buffer.length - position >= HEADER_BYTES; position++) {
    if (checkHeader(buffer, position, maxRecordBytes).type === 'ok') return position;
  }
  return undefined;
}
