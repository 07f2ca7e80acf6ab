// Python source text from TypeScript values: literals that Python reads back exactly, and the
// indentation that Python's blocks need.

/** A Python literal for a JSON-like value (numbers keep their shortest exact form; NaN/∞ become float()). */
export function pyValue(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return pyNumber(value);
  // A JSON string literal is a valid Python string literal (same escapes).
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pyValue).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${pyValue(v)}`).join(', ')}}`;
}

export function pyNumber(value: number): string {
  if (Number.isNaN(value)) return 'float("nan")';
  if (!Number.isFinite(value)) return value > 0 ? 'float("inf")' : '-float("inf")';
  return String(value);
}

/** A float literal even for whole numbers (1 → 1.0), where the reader should see a float. */
export function pyFloat(value: number): string {
  const text = pyNumber(value);
  return /^-?\d+$/.test(text) ? `${text}.0` : text;
}

/** Indents every non-empty line by `levels` × 4 spaces. */
export function indent(text: string, levels = 1): string {
  const pad = '    '.repeat(levels);
  return text.split('\n').map((line) => (line.length > 0 ? pad + line : line)).join('\n');
}

/** `train_<name>.py`, the name exported scripts get by default (a valid Python module name). */
export function trainingScriptName(configName: string): string {
  return `train_${configName.replace(/[^A-Za-z0-9_]+/g, '_')}.py`;
}
