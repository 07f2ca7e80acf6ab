// Checks on a config's text before it is parsed, for texts no parser should walk: too large, not
// UTF-8 (NUL characters: UTF-16 read as UTF-8, or a binary file), or nested deeper than any
// config needs (jsonc-parser and the validator recurse, so thousands of levels would overflow
// the stack). Each gives one located problem instead of a crash or megabytes of output.

import type { LocatedProblem } from './schemaValidator';

/** Configs are a few kilobytes; 1 MiB leaves room for thousands of layers. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** Brackets open at once: a config needs about 6 levels, plus 2 per nested residual block. */
export const MAX_NESTING_DEPTH = 64;

/** The problem that stops this text from being parsed, if any. */
export function textRefusal(text: string): LocatedProblem | undefined {
  return sizeRefusal(text.length) ?? nulCharacter(text) ?? tooDeep(text);
}

/** A config of `size` bytes (or characters) is refused over MAX_CONFIG_BYTES. */
export function sizeRefusal(size: number): LocatedProblem | undefined {
  if (size <= MAX_CONFIG_BYTES) return undefined;
  return at(0, 0, 'file.too-large', `The file is ${(size / 1024 / 1024).toFixed(1)} MiB; a config may be at most 1 MiB (${MAX_CONFIG_BYTES} bytes). Is this the right file?`);
}

export function utf16Message(detail: string): string {
  return `The file is saved as UTF-16 (${detail}); save it as UTF-8.`;
}

function nulCharacter(text: string): LocatedProblem | undefined {
  const first = text.indexOf('\0');
  if (first < 0) return undefined;
  // UTF-16 text read as UTF-8 has a NUL beside every ASCII character.
  const sample = text.slice(0, 4096);
  const nuls = sample.length - sample.replaceAll('\0', '').length;
  const message = nuls * 4 >= sample.length
    ? utf16Message('a NUL byte beside every character')
    : 'The file contains a NUL character, which has no place in a JSON file: is it a binary file, or not saved as UTF-8?';
  return at(first, 1, 'file.encoding', message);
}

/**
 * The first bracket that opens level MAX_NESTING_DEPTH + 1: one linear pass over the characters
 * that skips strings (which end at a line break, as jsonc-parser's do) and comments.
 */
function tooDeep(text: string): LocatedProblem | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i++;
        else if (d === QUOTE || d === LF || d === CR) break;
      }
    } else if (c === SLASH && text.charCodeAt(i + 1) === SLASH) {
      while (i + 1 < text.length && text.charCodeAt(i + 1) !== LF && text.charCodeAt(i + 1) !== CR) i++;
    } else if (c === SLASH && text.charCodeAt(i + 1) === STAR) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 1;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > MAX_NESTING_DEPTH) {
        return at(i, 1, 'json.too-deep',
          `Nested more than ${MAX_NESTING_DEPTH} levels deep here; a config needs far fewer (each residual block inside another adds 2). Flatten the nesting.`);
      }
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth = Math.max(0, depth - 1);
    }
  }
  return undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SLASH = 0x2f;
const STAR = 0x2a;
const LF = 0x0a;
const CR = 0x0d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function at(offset: number, length: number, code: string, message: string): LocatedProblem {
  return { code, severity: 'error', message, path: [], node: { type: 'null', offset, length, value: null } as LocatedProblem['node'] };
}
