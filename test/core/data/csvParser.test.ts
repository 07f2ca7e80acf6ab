import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv } from '../../../src/core/data/csvParser';

describe('parseCsv', () => {
  it('splits cells and remembers each record\'s line', () => {
    assert.deepEqual(parseCsv('a,b\n1,2\n3,4\n', ','), [
      { cells: ['a', 'b'], line: 1 },
      { cells: ['1', '2'], line: 2 },
      { cells: ['3', '4'], line: 3 },
    ]);
  });

  it('handles quoted delimiters, doubled quotes and line breaks inside quotes', () => {
    const records = parseCsv('name,note\n"a,b","say ""hi"""\n"multi\nline",x\nlast,y', ',');
    assert.deepEqual(records.map((r) => r.cells), [['name', 'note'], ['a,b', 'say "hi"'], ['multi\nline', 'x'], ['last', 'y']]);
    assert.deepEqual(records.map((r) => r.line), [1, 2, 3, 5]);
  });

  it('accepts CRLF and lone CR, a BOM, and drops blank lines', () => {
    const records = parseCsv('\ufeffa;b\r\n1;2\r\n\r\n3;4\r5;6\r\n\r\n  \r\n', ';');
    assert.deepEqual(records.map((r) => r.cells), [['a', 'b'], ['1', '2'], ['3', '4'], ['5', '6']]);
    assert.deepEqual(records.map((r) => r.line), [1, 2, 4, 5]);
  });

  it('keeps empty cells and an empty quoted cell', () => {
    assert.deepEqual(parseCsv('a,,c\n"",x,\n', ',').map((r) => r.cells), [['a', '', 'c'], ['', 'x', '']]);
  });

  it('supports a tab delimiter', () => {
    assert.deepEqual(parseCsv('a\tb\n1\t2', '\t').map((r) => r.cells), [['a', 'b'], ['1', '2']]);
  });
});
