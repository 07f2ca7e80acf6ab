// How the CLI prints things for people: located problems in the compiler style editors and CI
// logs link (file:line:col), compact numbers, durations.

import * as path from 'node:path';
import type { ConfigProblem, SourceRange } from '../core/config/configProblem';
import type { Finding } from '../core/diagnosis/finding';

export function relativeToCwd(filePath: string): string {
  const relative = path.relative(process.cwd(), filePath);
  return relative && !relative.startsWith('..') ? relative : filePath;
}

export function location(filePath: string, range: SourceRange | undefined): string {
  return range ? `${relativeToCwd(filePath)}:${range.line}:${range.column}` : relativeToCwd(filePath);
}

export function formatProblem(filePath: string, p: ConfigProblem): string {
  return `${location(filePath, p.range)}: ${p.severity} ${p.code}: ${p.message}`;
}

/** A finding for people; with `at` (file:line:col) in the compiler style when it can be located. */
export function formatFinding(f: Finding, at?: string): string {
  const where = at ? `${at}: ` : '';
  const layer = f.layer !== undefined ? ` [layer ${f.layer}]` : '';
  const when = f.step !== undefined ? ` (step ${f.step}${f.epoch !== undefined ? `, epoch ${f.epoch + 1}` : ''})` : '';
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
