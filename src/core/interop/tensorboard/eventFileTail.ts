// Reads one event file from where it was left: call `readNew()` again whenever the file may have
// grown. A record cut off at the end (the writer is still at it) is left for the next call; a
// damaged record is skipped and reported with the file and its byte offset; nothing here throws
// on the file's contents.

import * as fs from 'node:fs/promises';
import { EventDecoder, type DecodedEvent } from './eventDecoding';
import { MAX_RECORD_BYTES, scanRecords, type FramingIssue } from './tfRecordFraming';

/** Bytes read at once: large enough to amortise the system calls, small enough to stay out of the way. */
const CHUNK_BYTES = 8 * 1024 * 1024;

export interface ReadIssue {
  file: string;
  offset: number;
  message: string;
}

export interface TailRead {
  /** The events read, unless they were handed to a callback. */
  events: DecodedEvent[];
  /** How many events were read. */
  count: number;
  issues: ReadIssue[];
  /** The file ends inside a record: more is probably on its way. */
  waitingForMore: boolean;
}

export class EventFileTail {
  /** Where the next unread record starts. */
  offset = 0;

  private readonly decoder: EventDecoder;
  private readonly maxRecordBytes: number;
  private readonly chunkBytes: number;

  /** Share one decoder among the files of a run: TF2 declares a tag's plugin once per run. */
  constructor(readonly filePath: string, options: { decoder?: EventDecoder; maxRecordBytes?: number; chunkBytes?: number } = {}) {
    this.decoder = options.decoder ?? new EventDecoder();
    this.maxRecordBytes = options.maxRecordBytes ?? MAX_RECORD_BYTES;
    this.chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
  }

  /**
   * Reads the records appended since the last call. With `onEvent`, each event goes there as it is
   * decoded (and `events` stays empty), so that a large file need not be held in memory at once.
   */
  async readNew(onEvent?: (event: DecodedEvent) => void): Promise<TailRead> {
    const events: DecodedEvent[] = [];
    let count = 0;
    const deliver = (event: DecodedEvent) => {
      count++;
      if (onEvent) onEvent(event);
      else events.push(event);
    };
    const issues: ReadIssue[] = [];
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(this.filePath, 'r');
    } catch (error) {
      issues.push(this.issue(this.offset, `cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`));
      return { events, count, issues, waitingForMore: false };
    }
    try {
      const size = (await handle.stat()).size;
      if (size < this.offset) {
        issues.push(this.issue(size, `shrank from ${this.offset} to ${size} bytes; reading it again from the start`));
        this.offset = 0;
      }
      let needed = this.chunkBytes;
      while (this.offset < size) {
        const available = size - this.offset;
        const length = Math.min(available, Math.max(this.chunkBytes, needed));
        const buffer = Buffer.allocUnsafe(length);
        const { bytesRead } = await handle.read(buffer, 0, length, this.offset);
        const scan = scanRecords(buffer.subarray(0, bytesRead), this.offset, this.maxRecordBytes);
        for (const framing of scan.issues) issues.push(this.issue(framing.offset, describeFramingIssue(framing, this.maxRecordBytes)));
        for (const record of scan.records) {
          try {
            deliver(this.decoder.decode(record.data));
          } catch (error) {
            issues.push(this.issue(record.offset, `holds a record that is not a TensorBoard Event (${error instanceof Error ? error.message : String(error)}); skipped`));
          }
        }
        this.offset += scan.consumed;
        if (scan.pendingRecordBytes !== undefined && scan.pendingRecordBytes > size - this.offset) {
          return { events, count, issues, waitingForMore: true };
        }
        if (scan.consumed === 0) {
          // Less than a header left, or a record larger than the chunk: read that much next time round.
          if (scan.pendingRecordBytes === undefined) return { events, count, issues, waitingForMore: true };
          needed = scan.pendingRecordBytes;
        }
      }
      return { events, count, issues, waitingForMore: false };
    } catch (error) {
      issues.push(this.issue(this.offset, `could not be read to the end: ${error instanceof Error ? error.message : String(error)}`));
      return { events, count, issues, waitingForMore: false };
    } finally {
      await handle.close();
    }
  }

  private issue(offset: number, message: string): ReadIssue {
    return { file: this.filePath, offset, message: `${this.filePath} at byte ${offset}: ${message}` };
  }
}

export function describeFramingIssue(issue: FramingIssue, maxRecordBytes = MAX_RECORD_BYTES): string {
  const resumed = (at: number | undefined) => at === undefined ? 'no valid record follows in the bytes read so far' : `reading resumes at byte ${at}`;
  switch (issue.type) {
    case 'data-crc-mismatch': return `the checksum of a ${issue.length}-byte record does not match its data (damaged record); skipped`;
    case 'length-crc-mismatch': return `a record header's checksum does not match (damaged or not an event file); ${resumed(issue.resumedAt)}`;
    case 'length-too-large': return `a record header claims ${issue.length} bytes, more than the ${maxRecordBytes}-byte limit; ${resumed(issue.resumedAt)}`;
  }
}
