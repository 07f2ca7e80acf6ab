// Plain-text renderings shared by the CLI and the extension's output channel: compact numbers,
// durations, tables, findings, epoch lines, probe tables and learning-rate summaries.

import type { Finding } from '../diagnosis/finding';
import type { RangeTestResult } from '../engine/learningRateFinder';
import type { ProbeReport } from '../engine/probe';
import type { EpochEndEvent } from '../engine/trainingEvents';

/** A finding for people; with `at` (file:line:col) in the compiler style when it can be located. */
export function formatFinding(f: Finding, at?: string): string {
  const where = at ? `${at}: ` : '';
  const layer = f.layers && f.layers.length > 1 ? ` [layers ${f.layers.join(', ')}]` : f.layer !== undefined ? ` [layer ${f.layer}]` : '';
  const when = f.step !== undefined ? ` (step ${f.step}${f.epoch !== undefined ? `, epoch ${f.epoch + 1}` : ''})` : '';
  if (f.state === 'resolved') return `${where}resolved ${f.rule}${layer}${when}: ${f.resolution ?? 'withdrawn by its rule.'}\n    (was: ${f.message})`;
  const fixes = f.fixes.length > 0 ? `\n    fixes: ${f.fixes.map((x) => `${x.id} (${x.title})`).join('; ')}` : '';
  return `${where}${f.severity} ${f.rule}${layer}${when}: ${f.message}${fixes}`;
}

/** 4 significant digits, switching to exponent notation for very small or large values. */
export function num(value: number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  return abs >= 1e5 || abs < 1e-3 ? value.toExponential(2) : Number(value.toPrecision(4)).toString();
}

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Left-aligned text table (no dependencies, works in any terminal and log). */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function formatEpochLine(event: EpochEndEvent, epochs: number | undefined): string {
  const train = [`loss ${num(event.loss)}`, ...Object.entries(event.metrics).map(([k, v]) => `${k} ${num(v)}`)];
  const val = event.valLoss === undefined ? [] : [`val_loss ${num(event.valLoss)}`, ...Object.entries(event.valMetrics).map(([k, v]) => `val_${k} ${num(v)}`)];
  return `epoch ${event.epoch + 1}/${epochs ?? '?'}  ${[...train, ...val].join('  ')}  lr ${num(event.learningRate)}  ${duration(event.durationMs)}`;
}

/** The probe's per-layer statistics as a table (what `training-doctor probe` prints). */
export function formatProbeTable(report: ProbeReport): string {
  const rows = report.layers.map((l) => [
    String(l.index), l.type, `[${l.outputShape.join(',')}]`, num(l.activation.mean), num(l.activation.std),
    l.activation.zeroFraction === null ? '' : `${(l.activation.zeroFraction * 100).toFixed(1)}%`,
    l.activation.saturatedFraction === null ? '' : `${(l.activation.saturatedFraction * 100).toFixed(1)}%`,
    l.weights ? num(l.weights.std) : '', num(l.gradNorm),
  ]);
  return table(['#', 'layer', 'output', 'act mean', 'act std', 'zeros', 'saturated', 'weight std', 'grad norm'], rows);
}

/** The range test's verdict in a few lines (the first line says it all). */
export function formatRangeTest(result: RangeTestResult): string {
  const s = result.suggestion;
  if (!s) return 'Not enough finite points to suggest a rate (the loss diverged almost at once: check the data and the model).';
  const judgement = result.configuredRate > s.minLossRate
    ? ' (above the loss minimum of the sweep: may be too high)'
    : result.configuredRate < s.low / 10 ? ' (far below the useful range: may be too low)' : '';
  return [
    `Suggested learning rate: ${num(s.suggested)} (loss falls fastest; plausible range ${num(s.low)} to ${num(s.high)}).`,
    `Loss minimum at ${num(s.minLossRate)}; a tenth of it, ${num(s.minLossRate / 10)}, is the other common choice.`,
    `Configured: ${num(result.configuredRate)}${judgement}.`,
  ].join('\n');
}
