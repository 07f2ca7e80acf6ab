// Seeded mutations of config texts for the fuzz tests: the damage real files suffer (truncation,
// stray characters, a deleted quote) and the inputs an attacker picks (prototype keys, deep
// nesting, huge numbers, paths to devices and secrets, odd encodings). The same seed gives the
// same mutants, so a failure is reproduced by its seed and index alone.

import { SeededRandom } from '../../src/core/random';

/** Values an attacker or an unlucky user puts where a config expects something sensible. */
const HOSTILE_VALUES = [
  '1e9', '1e308', '-1', '0', '-0', '1e-320', '3.5', '2147483648', '9007199254740993', 'null', 'true', '[]', '{}',
  '"__proto__"', '"constructor"', '"toString"', '"hasOwnProperty"', '""', '"\\u0000"', '"\\ud800"',
  '"/dev/zero"', '"/dev/urandom"', '"/etc/passwd"', '"../../../../etc/passwd"', '"/proc/self/environ"', '"."',
  '"<img src=x onerror=alert(1)>"', '"' + 'x'.repeat(5000) + '"', '[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]',
  '{"__proto__": {"loss": "notALoss"}}', '{"constructor": {"prototype": {"polluted": 1}}}',
  '{"synthetic": "gaussian", "samples": 1000000000, "classes": 10000}', '{"csv": "/dev/zero", "label": "y"}',
  '{"type": "dense", "units": 1000000}', '{"type": "conv2d", "filters": 4, "kernelSize": 3, "strides": 1000}',
];

/** Keys that must never be taken for a config property. */
const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '', 'type', 'layers'];

const STRAY_TEXT = ['{', '}', '[', ']', '"', ',', ':', '//', '/*', '*/', '\\', '\u0000', '\ufeff', '\u2028', 'é', '💥', 'NaN', 'Infinity', '-', 'e'];

type Mutation = (text: string, random: SeededRandom) => string;

function pick<T>(items: readonly T[], random: SeededRandom): T {
  return items[Math.floor(random.next() * items.length)];
}

function position(text: string, random: SeededRandom): number {
  return Math.floor(random.next() * (text.length + 1));
}

/** Offsets of the tokens a mutation may replace: numbers, strings and property names. */
function tokens(text: string, pattern: RegExp): { start: number; end: number }[] {
  return [...text.matchAll(pattern)].map((m) => ({ start: m.index ?? 0, end: (m.index ?? 0) + m[0].length }));
}

function replaceToken(pattern: RegExp, values: readonly string[]): Mutation {
  return (text, random) => {
    const found = tokens(text, pattern);
    if (found.length === 0) return text;
    const { start, end } = pick(found, random);
    return text.slice(0, start) + pick(values, random) + text.slice(end);
  };
}

const MUTATIONS: Mutation[] = [
  // Damage: what an editor, a merge or a disk does to a file.
  (text, random) => text.slice(0, position(text, random)),
  (text, random) => {
    const at = position(text, random);
    return text.slice(0, at) + text.slice(at + 1 + Math.floor(random.next() * 20));
  },
  (text, random) => {
    const at = position(text, random);
    return text.slice(0, at) + pick(STRAY_TEXT, random) + text.slice(at);
  },
  (text, random) => {
    const from = position(text, random);
    const to = Math.min(text.length, from + Math.floor(random.next() * 200));
    const at = position(text, random);
    return text.slice(0, at) + text.slice(from, to) + text.slice(at);
  },
  // Values: numbers and strings swapped for hostile ones.
  replaceToken(/-?\d+(\.\d+)?([eE][-+]?\d+)?/g, HOSTILE_VALUES),
  replaceToken(/"(?:[^"\\\n]|\\.)*"(?!\s*:)/g, HOSTILE_VALUES),
  replaceToken(/"(?:[^"\\\n]|\\.)*"(?=\s*:)/g, HOSTILE_KEYS.map((k) => JSON.stringify(k))),
  // Structure: a property added to some object, deep nesting, a different encoding.
  (text, random) => {
    const braces = tokens(text, /\{/g);
    if (braces.length === 0) return text;
    const { end } = pick(braces, random);
    return `${text.slice(0, end)} ${JSON.stringify(pick(HOSTILE_KEYS, random))}: ${pick(HOSTILE_VALUES, random)},${text.slice(end)}`;
  },
  (text, random) => {
    const depth = 100 + Math.floor(random.next() * 20_000);
    const at = position(text, random);
    return text.slice(0, at) + '['.repeat(depth) + ']'.repeat(random.next() < 0.5 ? depth : 0) + text.slice(at);
  },
  (text, random) => {
    const layers = tokens(text, /\{\s*"type"\s*:\s*"dense"[^{}]*\}/g);
    if (layers.length === 0) return text;
    const { start, end } = pick(layers, random);
    const depth = 50 + Math.floor(random.next() * 1000);
    const nested = '{"type": "residual", "layers": ['.repeat(depth) + text.slice(start, end) + ']}'.repeat(depth);
    return text.slice(0, start) + nested + text.slice(end);
  },
];

/** `count` mutants of `text`, each one to four mutations deep, the same for the same seed. */
export function* mutants(text: string, seed: number, count: number): Generator<string> {
  const random = new SeededRandom(seed);
  for (let i = 0; i < count; i++) {
    let mutant = text;
    const rounds = 1 + Math.floor(random.next() * 4);
    for (let r = 0; r < rounds; r++) mutant = pick(MUTATIONS, random)(mutant, random);
    yield mutant;
  }
}

/** The text as a UTF-16LE file with a byte-order mark: what some Windows editors save. */
export function asUtf16le(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}
