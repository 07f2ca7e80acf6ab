// Shared helpers for the config tests: building config texts, parsing them with every problem
// checked for well-formedness, and locating tokens in the text independently of the parser.

import assert from 'node:assert/strict';
import type { ConfigProblem } from '../../../src/core/config/configProblem';
import { parseTrainConfig, type ParsedConfig } from '../../../src/core/config/parseConfig';

export interface ConfigParts {
  data?: unknown;
  input?: number[];
  layers?: unknown[];
  training?: Record<string, unknown>;
  /** Extra top-level properties (name, seed, diagnostics, ...). */
  top?: Record<string, unknown>;
}

/** A small, valid MNIST MLP; tests override the part they are about. */
export const MLP_LAYERS = [
  { type: 'dense', units: 256, activation: 'relu' },
  { type: 'dense', units: 10, activation: 'softmax' },
];

export const IMAGE_MNIST = { dataset: 'mnist', shape: 'image' };

/** Pretty-printed JSON, so every value sits on its own line and line numbers are meaningful. */
export function configText(parts: ConfigParts = {}): string {
  return JSON.stringify({
    ...parts.top,
    data: parts.data ?? { dataset: 'mnist' },
    model: { input: parts.input ?? [784], layers: parts.layers ?? MLP_LAYERS },
    training: parts.training ?? { epochs: 1, optimizer: { type: 'adam' } },
  }, null, 2);
}

const CODE = /^[a-z]+(\.[a-z-]+)+$/;

/** Every problem must be actionable and locatable: a message, a stable code, a range inside the text. */
export function assertWellFormed(problems: ConfigProblem[], text: string): void {
  for (const p of problems) {
    const where = `${p.code} at ${JSON.stringify(p.path)}`;
    assert.match(p.code, CODE, `code of ${where}`);
    assert.ok(p.message.trim().length > 0, `message of ${where}`);
    assert.ok(p.severity === 'error' || p.severity === 'warning', `severity of ${where}`);
    assert.ok(p.range, `range of ${where}`);
    const { offset, length, line, column } = p.range;
    assert.ok(offset >= 0 && length >= 0 && offset + length <= text.length, `range ${offset}+${length} of ${where} within ${text.length} chars`);
    const expected = position(text, offset);
    assert.deepEqual({ line, column }, expected, `line/column of ${where}`);
  }
}

/** Parses with parseTrainConfig and checks every problem's shape before handing the result back. */
export function parse(text: string, fileName = 'test.train.json'): ParsedConfig {
  const parsed = parseTrainConfig(text, fileName);
  assertWellFormed(parsed.problems, text);
  return parsed;
}

/** Parses text that must be valid and returns its config. */
export function parseValid(text: string) {
  const parsed = parse(text);
  assert.deepEqual(parsed.problems, [], 'a valid config has no problems');
  assert.ok(parsed.config, 'a valid config yields a TrainConfig');
  return parsed.config;
}

/** The one problem the text has, which must carry `code`. */
export function onlyProblem(text: string, code: string): ConfigProblem {
  const { problems, config } = parse(text);
  assert.deepEqual(problems.map((p) => p.code), [code]);
  assert.equal(config, undefined, 'a config with errors is not handed out');
  return problems[0];
}

/** 1-based line and column of an offset, computed the slow, obvious way. */
export function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** The text a problem underlines. */
export function underlined(text: string, p: ConfigProblem): string {
  assert.ok(p.range, `${p.code} has a range`);
  return text.slice(p.range.offset, p.range.offset + p.range.length);
}

/** Asserts the problem underlines exactly `token`, the `occurrence`-th (0-based) of it in the text. */
export function assertUnderlines(text: string, p: ConfigProblem, token: string, occurrence = 0): void {
  let offset = -1;
  for (let i = 0; i <= occurrence; i++) {
    offset = text.indexOf(token, offset + 1);
    assert.ok(offset >= 0, `test setup: ${token} occurs ${occurrence + 1} times`);
  }
  assert.equal(underlined(text, p), token);
  assert.equal(p.range?.offset, offset, `${p.code} points at occurrence ${occurrence} of ${token}`);
  assert.deepEqual({ line: p.range?.line, column: p.range?.column }, position(text, offset));
}
