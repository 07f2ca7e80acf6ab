// Numbers as the dashboard prints them: three significant digits, exponent notation for the very
// small and very large (activation std of 2.5e-5 must not read as 0), NaN and Infinity by name.

export function formatNumber(value: number | undefined | null, digits = 3): string {
  if (value === undefined || value === null) return '–';
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e5 || abs < 1e-3) return value.toExponential(Math.max(0, digits - 1)).replace('e+', 'e').replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(digits)));
}
