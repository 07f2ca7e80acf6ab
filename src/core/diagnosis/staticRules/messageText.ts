// Numbers and lists as findings show them: few digits, plain words.

import { describeIndices } from '../fixes/layerTargets';

/** 3 significant digits, no exponent for everyday magnitudes: 0.0691, 4.4, 1e-7. */
export function num(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-4 && magnitude < 1e6) return String(Number(value.toPrecision(3)));
  return value.toExponential(2).replace(/\.?0+e/, 'e');
}

/** "a, b and c". */
export function listText(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** A list cut short for messages: "1, 2, 3, 4, 5, 6, …, 97 (97 in all)". */
export function shortList(items: string[]): string {
  return describeIndices(items);
}
