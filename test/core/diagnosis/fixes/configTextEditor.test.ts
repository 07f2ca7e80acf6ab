import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigTextEditor } from '../../../../src/core/diagnosis/fixes/configTextEditor';
import { detectStyle, inlineJson } from '../../../../src/core/diagnosis/fixes/jsonTextStyle';

const LAYERS = [
  '{',
  '  // the model',
  '  "model": {',
  '    "input": [4],',
  '    "layers": [',
  '      { "type": "dense", "units": 8, "activation": "relu" }, // hidden',
  '      { "type": "dense", "units": 2 }',
  '    ]',
  '  }',
  '}',
].join('\n');

function edited(text: string, change: (editor: ConfigTextEditor) => void): string {
  const editor = new ConfigTextEditor(text);
  change(editor);
  return editor.text;
}

describe('jsonTextStyle', () => {
  it('detects indentation, line ends and brace spacing', () => {
    assert.deepEqual(detectStyle(LAYERS), { eol: '\n', insertSpaces: true, tabSize: 2, indentUnit: '  ', padBraces: true });
    const tabbed = detectStyle('{\r\n\t"a": {"b": 1}\r\n}');
    assert.deepEqual(tabbed, { eol: '\r\n', insertSpaces: false, tabSize: 2, indentUnit: '\t', padBraces: false });
    assert.equal(detectStyle('{\n    "a": 1\n}').indentUnit, '    ');
  });

  it('writes values on one line in the file\'s style', () => {
    assert.equal(inlineJson({ l2: 0.0001 }, detectStyle(LAYERS)), '{ "l2": 0.0001 }');
    assert.equal(inlineJson({ type: 'cosine', n: [1, 2] }, detectStyle('{"a": 1}')), '{"type": "cosine", "n": [1, 2]}');
  });
});

describe('ConfigTextEditor', () => {
  it('replaces a value in place', () => {
    const text = edited(LAYERS, (e) => e.set(['model', 'layers', 1, 'units'], 3));
    assert.equal(text, LAYERS.replace('"units": 2 }', '"units": 3 }'));
  });

  it('adds a property to a one-line layer on that same line', () => {
    const text = edited(LAYERS, (e) => e.set(['model', 'layers', 0, 'kernelInitializer'], 'heNormal'));
    assert.equal(text, LAYERS.replace('"activation": "relu" }, // hidden', '"activation": "relu", "kernelInitializer": "heNormal" }, // hidden'));
  });

  it('adds a property to a multi-line object on its own line, after the last one', () => {
    const text = edited(LAYERS, (e) => e.set(['model', 'name'], 'x'));
    assert.equal(text, LAYERS.replace('    ]\n  }', '    ],\n    "name": "x"\n  }'));
  });

  it('creates missing parent objects', () => {
    const text = edited('{\n  "data": { "dataset": "mnist" }\n}', (e) => e.set(['data', 'preprocess', 'normalize'], 'standardize'));
    assert.equal(text, '{\n  "data": { "dataset": "mnist", "preprocess": { "normalize": "standardize" } }\n}');
  });

  it('inserts an array item on its own line with the same indentation; the trailing comment stays where it was', () => {
    const after0 = edited(LAYERS, (e) => e.insertAfter(['model', 'layers'], 0, { type: 'batchNormalization' }));
    assert.equal(after0, LAYERS.replace('// hidden\n', '// hidden\n      { "type": "batchNormalization" },\n'));
    const afterLast = edited(LAYERS, (e) => e.insertAfter(['model', 'layers'], 1, { type: 'dropout', rate: 0.3 }));
    assert.equal(afterLast, LAYERS.replace('"units": 2 }\n', '"units": 2 },\n      { "type": "dropout", "rate": 0.3 }\n'));
  });

  it('keeps a trailing comment on the last item with that item', () => {
    const text = '{ "a": [\n  1, // one\n  2 // two\n] }';
    assert.equal(edited(text, (e) => e.insertAfter(['a'], 1, 3)), '{ "a": [\n  1, // one\n  2, // two\n  3\n] }');
  });

  it('inserts into a one-line array inline', () => {
    assert.equal(edited('{ "a": [1, 2] }', (e) => e.insertAfter(['a'], 0, 9)), '{ "a": [1, 9, 2] }');
    assert.equal(edited('{ "a": [1, 2] }', (e) => e.insertAfter(['a'], 1, 9)), '{ "a": [1, 2, 9] }');
  });

  it('removes a property inline: middle, first, last and only', () => {
    const one = '{ "x": { "a": 1, "b": 2, "c": 3 } }';
    assert.equal(edited(one, (e) => e.remove(['x', 'b'])), '{ "x": { "a": 1, "c": 3 } }');
    assert.equal(edited(one, (e) => e.remove(['x', 'a'])), '{ "x": { "b": 2, "c": 3 } }');
    assert.equal(edited(one, (e) => e.remove(['x', 'c'])), '{ "x": { "a": 1, "b": 2 } }');
    assert.equal(edited('{ "x": { "a": 1 } }', (e) => e.remove(['x', 'a'])), '{ "x": {} }');
    assert.equal(edited(one, (e) => e.remove(['x', 'zzz'])), one);
  });

  it('removes a property that has a line of its own with that line', () => {
    const text = '{\n  "a": 1, // keep me\n  "b": 2, // and b\n  "c": 3\n}';
    assert.equal(edited(text, (e) => e.remove(['b'])), '{\n  "a": 1, // keep me\n  "c": 3\n}');
    assert.equal(edited(text, (e) => e.remove(['c'])), '{\n  "a": 1, // keep me\n  "b": 2 // and b\n}');
  });

  it('keeps tabs and CRLF line ends', () => {
    const text = '{\r\n\t"layers": [\r\n\t\t{"type": "dense", "units": 2}\r\n\t]\r\n}';
    const result = edited(text, (e) => {
      e.insertAfter(['layers'], 0, { type: 'dropout', rate: 0.3 });
      e.set(['layers', 0, 'useBias'], false);
    });
    assert.equal(result, '{\r\n\t"layers": [\r\n\t\t{"type": "dense", "units": 2, "useBias": false},\r\n\t\t{"type": "dropout", "rate": 0.3}\r\n\t]\r\n}');
  });

  it('fills an empty object', () => {
    assert.equal(edited('{ "a": {} }', (e) => e.set(['a', 'b'], 1)), '{ "a": { "b": 1 } }');
    assert.equal(edited('{\n  "a": {\n  }\n}', (e) => e.set(['a', 'b'], 1)), '{\n  "a": {\n    "b": 1\n  }\n}');
  });

  it('reports its changes as minimal edits of the original text', () => {
    const editor = new ConfigTextEditor(LAYERS);
    editor.set(['model', 'layers', 0, 'kernelInitializer'], 'heNormal');
    editor.set(['model', 'layers', 1, 'units'], 3);
    assert.deepEqual(editor.edits().map((e) => [LAYERS.slice(e.offset, e.offset + e.length), e.content]), [
      ['', ', "kernelInitializer": "heNormal"'],
      ['2', '3'],
    ]);
  });
});
