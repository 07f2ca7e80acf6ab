// Numbers as findings show them: three significant figures, exponents only when they help.

export function num(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) return value.toExponential(1).replace('.0e', 'e').replace('e+', 'e');
  return String(Number(value.toPrecision(3)));
}

export function percent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

/** Epochs are 0-based in events and 1-based for people. */
export function epochText(epoch: number): string {
  return `epoch ${epoch + 1}`;
}
