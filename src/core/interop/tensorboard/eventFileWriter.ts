// Writes a TensorBoard event file: the file-version header first, then one framed record per
// event. Records are appended in batches (`flush`) so that a reader tailing the file sees whole
// records, and a crash loses at most the unflushed batch.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SummaryValueMessage } from './eventProto';
import { fileVersionEvent, histogramValue, scalarValue, summaryEvent, type SummaryForm } from './eventEncoding';
import type { HistogramData } from './eventDecoding';
import { frameRecord } from './tfRecordFraming';

/** `events.out.tfevents.<seconds>.<host>.<pid>.<n>`: the name TensorBoard looks for, ordered by start time. */
export function eventFileName(startSeconds: number, host = os.hostname(), pid = process.pid, serial = 0): string {
  return `events.out.tfevents.${Math.floor(startSeconds)}.${host}.${pid}.${serial}`;
}

export class EventFileWriter {
  readonly filePath: string;
  private pending: Buffer[] = [];
  private readonly declaredTags = new Set<string>();

  constructor(dir: string, private readonly form: SummaryForm = 'tensor', private readonly now: () => number = Date.now, fileName?: string) {
    fs.mkdirSync(dir, { recursive: true });
    this.filePath = path.join(dir, fileName ?? eventFileName(now() / 1000));
    fs.writeFileSync(this.filePath, frameRecord(fileVersionEvent(now() / 1000)));
  }

  addScalars(step: number, scalars: Record<string, number>): void {
    const values = Object.entries(scalars).map(([tag, value]) => scalarValue(tag, value, { form: this.form, withMetadata: this.declare(tag) }));
    this.add(step, values);
  }

  /** `form` overrides the writer's: HistogramProto keeps the exact sum and sum of squares, TF2's tensors do not. */
  addHistograms(step: number, histograms: Record<string, HistogramData>, form: SummaryForm = this.form): void {
    const values = Object.entries(histograms).map(([tag, histogram]) => histogramValue(tag, histogram, { form, withMetadata: this.declare(tag) }));
    this.add(step, values);
  }

  flush(): void {
    if (this.pending.length === 0) return;
    fs.appendFileSync(this.filePath, Buffer.concat(this.pending));
    this.pending = [];
  }

  close(): void {
    this.flush();
  }

  private add(step: number, values: SummaryValueMessage[]): void {
    if (values.length > 0) this.pending.push(frameRecord(summaryEvent(step, this.now() / 1000, values)));
  }

  /** True the first time a tag is written: TF2 writers put the plugin metadata on that value only. */
  private declare(tag: string): boolean {
    if (this.declaredTags.has(tag)) return false;
    this.declaredTags.add(tag);
    return true;
  }
}
