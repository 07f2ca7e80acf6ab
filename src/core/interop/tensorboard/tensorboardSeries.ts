// Everything a run's event files said, by tag: scalar and histogram series (histograms kept as
// their summaries) keyed by step, where a
// value read later replaces one at the same step (a restarted run that logs a step again, or a
// later event file, wins), each tag with the role the mapping gives it and whether it was used.

import type { DecodedEvent } from './eventDecoding';
import { summarizeHistogram, type HistogramSummary } from './histogramStatistics';
import type { Split } from './logdirScan';
import { roleOf, type TagOverrides, type TagRole, type ValueKind } from './tagMapping';

export interface Point<T> {
  step: number;
  wallTime: number;
  value: T;
}

export interface TagSeries<T> {
  tag: string;
  split: Split;
  kind: ValueKind;
  role: TagRole;
  /** By step; later values at the same step replace earlier ones. */
  points: Map<number, Point<T>>;
  /** Order of first appearance in the run (layers are numbered in this order). */
  order: number;
  /** Values that replaced an earlier one at the same step. */
  replaced: number;
}

export interface SkippedKind {
  kind: string;
  count: number;
}

export class RunSeries {
  readonly scalars = new Map<string, TagSeries<number>>();
  readonly histograms = new Map<string, TagSeries<HistogramSummary>>();
  /** Values and records of kinds Training Doctor does not use (images, graphs, text, ...), counted. */
  readonly skipped = new Map<string, number>();
  private appearance = 0;

  constructor(readonly overrides?: TagOverrides) {}

  ingest(split: Split, event: DecodedEvent): void {
    if (event.type === 'other') {
      this.skipped.set(event.kind, (this.skipped.get(event.kind) ?? 0) + 1);
      return;
    }
    if (event.type === 'session-log' && event.status === 'start') {
      this.purgeFrom(split, event.step);
      return;
    }
    if (event.type !== 'summary') return;
    for (const entry of event.entries) {
      if (entry.type === 'other') {
        this.skipped.set(entry.kind, (this.skipped.get(entry.kind) ?? 0) + 1);
        continue;
      }
      const store: Map<string, TagSeries<unknown>> = entry.type === 'scalar' ? this.scalars : this.histograms;
      const key = `${split}\u0000${entry.tag}`;
      let series = store.get(key);
      if (!series) {
        series = { tag: entry.tag, split, kind: entry.type, role: roleOf(entry.tag, entry.type, split, this.overrides), points: new Map(), order: this.appearance++, replaced: 0 };
        store.set(key, series);
      }
      if (series.points.has(event.step)) series.replaced++;
      // Delete first so that the map's order follows the latest writes (a restart re-logs old steps).
      series.points.delete(event.step);
      series.points.set(event.step, { step: event.step, wallTime: event.wallTime, value: entry.type === 'scalar' ? entry.value : summarizeHistogram(entry.histogram) });
    }
  }

  /**
   * A session restarted at `step` (from a checkpoint, as a SessionLog START says): what the
   * earlier session logged from that step on was undone, as TensorBoard treats it too.
   */
  private purgeFrom(split: Split, step: number): void {
    for (const series of [...this.scalars.values(), ...this.histograms.values()] as TagSeries<unknown>[]) {
      if (series.split !== split) continue;
      for (const logged of [...series.points.keys()]) if (logged >= step) series.points.delete(logged);
    }
  }

  allSeries(): TagSeries<unknown>[] {
    return [...this.scalars.values(), ...this.histograms.values()].sort((a, b) => a.order - b.order);
  }
}

export function sortedPoints<T>(series: TagSeries<T>): Point<T>[] {
  return [...series.points.values()].sort((a, b) => a.step - b.step);
}

/** The value at `step` or the latest before it (a learning rate or epoch counter logged less often). */
export function valueAtOrBefore(points: Point<number>[], step: number): number | undefined {
  let low = 0;
  let high = points.length - 1;
  let found: number | undefined;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (points[mid].step <= step) {
      found = points[mid].value;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}
