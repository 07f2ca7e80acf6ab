import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unifiedDiff } from '../../src/cli/lineDiff';
import { applyUnifiedDiff } from './cliTestHelpers';

/** "line 1\nline 2\n...\nline n\n" */
function numbered(n: number): string[] {
  return Array.from({ length: n }, (_, k) => `line ${k + 1}`);
}
const text = (lines: string[]) => lines.join('\n') + '\n';

function hunkHeaders(diff: string): string[] {
  return diff.split('\n').filter((l) => l.startsWith('@@'));
}

describe('unifiedDiff', () => {
  it('is the empty string for identical texts', () => {
    assert.equal(unifiedDiff('', '', 'x'), '');
    assert.equal(unifiedDiff('a\nb\n', 'a\nb\n', 'x'), '');
    assert.equal(unifiedDiff(text(numbered(30)), text(numbered(30)), 'x.json'), '');
  });

  it('labels the two sides and ends with a newline', () => {
    const diff = unifiedDiff('a\nb\n', 'a\nc\n', 'conf/x.train.json');
    const lines = diff.split('\n');
    assert.equal(lines[0], '--- conf/x.train.json');
    assert.equal(lines[1], '+++ conf/x.train.json (fixed)');
    assert.ok(diff.endsWith('\n'));
  });

  it('numbers a replacement in the middle: 2 lines of context each side, the removed line before the added one', () => {
    const before = numbered(10);
    const after = [...before];
    after[4] = 'line 5 (changed)';
    const diff = unifiedDiff(text(before), text(after), 'f');
    assert.deepEqual(diff.split('\n').slice(2, -1), ['@@ -3,5 +3,5 @@', ' line 3', ' line 4', '-line 5', '+line 5 (changed)', ' line 6', ' line 7']);
  });

  it('numbers an insertion', () => {
    const before = numbered(10);
    const after = [...before.slice(0, 5), 'new', ...before.slice(5)];
    const diff = unifiedDiff(text(before), text(after), 'f');
    assert.deepEqual(diff.split('\n').slice(2, -1), ['@@ -4,4 +4,5 @@', ' line 4', ' line 5', '+new', ' line 6', ' line 7']);
  });

  it('numbers a deletion', () => {
    const before = numbered(10);
    const after = before.filter((_, k) => k !== 5);
    const diff = unifiedDiff(text(before), text(after), 'f');
    assert.deepEqual(diff.split('\n').slice(2, -1), ['@@ -4,5 +4,4 @@', ' line 4', ' line 5', '-line 6', ' line 7', ' line 8']);
  });

  it('numbers changes at the very start and the very end, without a phantom line after the final newline', () => {
    const before = numbered(8);
    assert.deepEqual(hunkHeaders(unifiedDiff(text(before), text(['first', ...before]), 'f')), ['@@ -1,2 +1,3 @@']);
    assert.deepEqual(hunkHeaders(unifiedDiff(text(before), text(before.slice(1)), 'f')), ['@@ -1,3 +1,2 @@']);
    // Last line replaced: the hunk covers lines 6-8 of an 8-line file, not a line 9.
    const lastChanged = unifiedDiff(text(before), text([...before.slice(0, 7), 'last']), 'f');
    assert.deepEqual(lastChanged.split('\n').slice(2, -1), ['@@ -6,3 +6,3 @@', ' line 6', ' line 7', '-line 8', '+last']);
    assert.deepEqual(hunkHeaders(unifiedDiff(text(before), text([...before, 'appended']), 'f')), ['@@ -7,2 +7,3 @@']);
    // Without final newlines the last line is a line like any other.
    assert.deepEqual(hunkHeaders(unifiedDiff(before.join('\n'), [...before.slice(0, 7), 'last'].join('\n'), 'f')), ['@@ -6,3 +6,3 @@']);
  });

  it('attributes a change among identical lines to the line that changed', () => {
    // Two identical layer lines, the first one fixed: the diff must not claim the second one went.
    const before = ['{', '  "layers": [', '    { "init": "zeros" },', '    { "init": "zeros" },', '    { "out": 1 }', '  ]', '}'];
    const after = [...before];
    after[2] = '    { "init": "heNormal" },';
    const body = unifiedDiff(text(before), text(after), 'f').split('\n').slice(2, -1);
    assert.deepEqual(body, ['@@ -1,5 +1,5 @@', ' {', '   "layers": [', '-    { "init": "zeros" },', '+    { "init": "heNormal" },', '     { "init": "zeros" },', '     { "out": 1 }']);
  });

  it('makes separate hunks for distant changes (the second one numbered after the first) and merges close ones', () => {
    const before = numbered(30);
    const after = [...before];
    after[2] = 'three';
    after.splice(24, 0, 'inserted'); // before line 25
    const diff = unifiedDiff(text(before), text(after), 'f');
    assert.deepEqual(hunkHeaders(diff), ['@@ -1,5 +1,5 @@', '@@ -23,4 +23,5 @@']);

    const close = [...before];
    close[9] = 'ten';
    close[13] = 'fourteen'; // 3 unchanged lines apart: contexts of 2 touch, one hunk
    assert.deepEqual(hunkHeaders(unifiedDiff(text(before), text(close), 'f')), ['@@ -8,9 +8,9 @@']);
  });

  it('honours the context parameter', () => {
    const before = numbered(10);
    const after = [...before];
    after[4] = 'five';
    assert.deepEqual(hunkHeaders(unifiedDiff(text(before), text(after), 'f', 1)), ['@@ -4,3 +4,3 @@']);
    assert.deepEqual(hunkHeaders(unifiedDiff(text(before), text(after), 'f', 4)), ['@@ -1,9 +1,9 @@']);
  });

  it('is a correct patch: random edits of a file are reproduced by applying the diff at its hunk headers', () => {
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let trial = 0; trial < 200; trial++) {
      // Few distinct lines, so the diff must choose among many equal lines.
      const before = Array.from({ length: 1 + Math.floor(random() * 25) }, () => `v${Math.floor(random() * 4)}`);
      const after = [...before];
      const edits = 1 + Math.floor(random() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(random() * (after.length + 1));
        const op = random();
        if (op < 0.33 && after.length > 1) after.splice(Math.min(at, after.length - 1), 1);
        else if (op < 0.66) after.splice(at, 0, `new${e}`);
        else if (after.length > 0) after[Math.min(at, after.length - 1)] = `changed${e}`;
      }
      const finalNewline = trial % 2 === 0;
      const a = before.join('\n') + (finalNewline ? '\n' : '');
      const b = after.join('\n') + (finalNewline ? '\n' : '');
      const diff = unifiedDiff(a, b, 'f');
      if (a === b) {
        assert.equal(diff, '');
        continue;
      }
      assert.equal(applyUnifiedDiff(a, diff), b, `trial ${trial}:\n${a}\n=>\n${b}\ndiff:\n${diff}`);
    }
  });
});
