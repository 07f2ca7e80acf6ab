// How a config file is written (line ends, indentation, spacing inside braces), so that text a
// fix inserts looks like the text around it.

import type { FormattingOptions } from 'jsonc-parser';

export interface JsonTextStyle extends FormattingOptions {
  eol: string;
  /** One indentation level as it appears in the file: "  ", "    " or "\t". */
  indentUnit: string;
  /** `{ "a": 1 }` rather than `{"a": 1}`. */
  padBraces: boolean;
}

export function detectStyle(text: string): JsonTextStyle {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indents = text.split(/\r?\n/).map((line) => /^[ \t]*/.exec(line)?.[0] ?? '').filter((w) => w.length > 0);
  const usesTabs = indents.some((w) => w.startsWith('\t'));
  // The smallest positive indentation is one level (files indent their top-level keys once).
  const spaceIndents = indents.filter((w) => !w.includes('\t')).map((w) => w.length);
  const tabSize = spaceIndents.length > 0 ? Math.min(...spaceIndents) : 2;
  const padded = (text.match(/\{ "/g) ?? []).length;
  const tight = (text.match(/\{"/g) ?? []).length;
  return {
    eol,
    insertSpaces: !usesTabs,
    tabSize,
    indentUnit: usesTabs ? '\t' : ' '.repeat(tabSize),
    padBraces: padded >= tight,
  };
}

/** A value written on one line in the file's style: `{ "type": "cosine" }`, `[1, 2]`. */
export function inlineJson(value: unknown, style: JsonTextStyle): string {
  if (Array.isArray(value)) return `[${value.map((v) => inlineJson(v, style)).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const body = entries.map(([k, v]) => `${JSON.stringify(k)}: ${inlineJson(v, style)}`).join(', ');
    return style.padBraces ? `{ ${body} }` : `{${body}}`;
  }
  return JSON.stringify(value);
}
