import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineIndex } from '../../../src/core/config/parseConfig';

describe('LineIndex', () => {
  it('counts \\n, \\r\\n and a lone \\r as line breaks, as editors do', () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const text = ['{', '  "a": 1,', '  "b": 2', '}'].join(eol);
      const offset = text.indexOf('"b"');
      assert.deepEqual(new LineIndex(text).range(offset, 3), { offset, length: 3, line: 3, column: 3 }, JSON.stringify(eol));
      assert.deepEqual(new LineIndex(text).position(offset), { line: 2, character: 2 }, JSON.stringify(eol));
    }
  });

  it('puts an offset at the start of a line on that line, and the end of the text on the last line', () => {
    const text = 'ab\ncd';
    const lines = new LineIndex(text);
    assert.deepEqual(lines.position(3), { line: 1, character: 0 });
    assert.deepEqual(lines.position(text.length), { line: 1, character: 2 });
    assert.deepEqual(lines.position(0), { line: 0, character: 0 });
  });
});
