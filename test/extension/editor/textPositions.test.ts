import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TextPositions } from '../../../src/extension/editor/textPositions';

describe('text positions', () => {
  it('counts lines and UTF-16 characters the way VS Code does, for \\n, \\r\\n and a lone \\r', () => {
    const positions = new TextPositions('ab\ncd\r\nef\rσ≈1');
    assert.deepEqual([0, 2, 3, 5, 7, 10, 11, 13].map((o) => positions.positionAt(o)), [
      { line: 0, character: 0 }, { line: 0, character: 2 }, { line: 1, character: 0 }, { line: 1, character: 2 },
      { line: 2, character: 0 }, { line: 3, character: 0 }, { line: 3, character: 1 }, { line: 3, character: 3 },
    ]);
  });

  it('clamps spans to the text', () => {
    const positions = new TextPositions('{}');
    assert.deepEqual(positions.span(1, 10), { offset: 1, length: 1, start: { line: 0, character: 1 }, end: { line: 0, character: 2 } });
    assert.deepEqual(positions.span(5, 1).length, 0);
  });
});
