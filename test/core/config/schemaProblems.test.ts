import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatPath } from '../../../src/core/config/configProblem';
import { assertUnderlines, configText, onlyProblem, parse, underlined } from './configTestHelpers';

describe('parseTrainConfig: JSON syntax', () => {
  it('reports broken JSON as json.syntax at the place it breaks', () => {
    const text = [
      '{',
      '  "data": { "dataset": "mnist" }',
      '  "model": { "input": [784], "layers": [{ "type": "dense", "units": 10 }] },',
      '  "training": { "epochs": 1, "optimizer": { "type": "adam" } }',
      '}',
    ].join('\n');
    const { problems, config, tree } = parse(text);
    assert.equal(config, undefined);
    assert.ok(problems.length >= 1);
    assert.ok(problems.every((p) => p.code === 'json.syntax'));
    assert.match(problems[0].message, /comma expected/);
    // The missing comma is noticed at the next property's key, on line 3.
    assert.deepEqual({ line: problems[0].range?.line, column: problems[0].range?.column }, { line: 3, column: 3 });
    assert.equal(underlined(text, problems[0]), '"model"');
    assert.ok(tree, 'the (partial) tree is handed back for editors');
  });

  it('reports a file that ends too early inside the text', () => {
    const text = '{ "data": { "dataset": "mnist" ';
    const { problems } = parse(text);
    assert.ok(problems.length >= 1);
    assert.ok(problems.every((p) => p.code === 'json.syntax'));
    assert.ok(problems.some((p) => /close brace expected/.test(p.message)), problems.map((p) => p.message).join('; '));
    assert.ok(problems.every((p) => p.range?.offset === text.length), 'located at the end of the text');
  });

  it('reports an empty file as json.empty (VS Code\'s JSON support does not report it)', () => {
    for (const text of ['', '   \n\n', '// nothing here yet\n/* really */\n']) {
      const p = onlyProblem(text, 'json.empty');
      assert.match(p.message, /empty/, JSON.stringify(text));
      assert.deepEqual(p.range, { offset: 0, length: 0, line: 1, column: 1 });
    }
  });

  it('reports a top level that is not an object as schema.wrong-type', () => {
    const p = onlyProblem('[1, 2]', 'schema.wrong-type');
    assert.deepEqual(p.path, []);
    assert.match(p.message, /must be an object, not an array/);
  });
});

describe('parseTrainConfig: schema problems', () => {
  it('schema.wrong-type: "units": "ten"', () => {
    const text = configText({ layers: [{ type: 'dense', units: 'ten' }] });
    const p = onlyProblem(text, 'schema.wrong-type');
    assert.deepEqual(p.path, ['model', 'layers', 0, 'units']);
    assert.match(p.message, /must be an integer, not the string "ten"/);
    assertUnderlines(text, p, '"ten"');
  });

  it('schema.wrong-type: a fractional number where a whole number is needed', () => {
    const text = configText({ layers: [{ type: 'dense', units: 10.5 }] });
    const p = onlyProblem(text, 'schema.wrong-type');
    assert.deepEqual(p.path, ['model', 'layers', 0, 'units']);
    assert.match(p.message, /whole number/);
    assertUnderlines(text, p, '10.5');
  });

  it('schema.wrong-type: a kernelSize that is neither an integer nor an array', () => {
    const text = configText({ input: [28, 28, 1], data: { dataset: 'mnist', shape: 'image' }, layers: [{ type: 'conv2d', filters: 4, kernelSize: '3' }] });
    const p = onlyProblem(text, 'schema.wrong-type');
    assert.deepEqual(p.path, ['model', 'layers', 0, 'kernelSize']);
    assert.match(p.message, /an integer or an array/);
    assertUnderlines(text, p, '"3"');
  });

  it('schema.unknown-property: "unit" suggests "units" (and "units" is then missing)', () => {
    const text = configText({ layers: [{ type: 'dense', unit: 10 }] });
    const { problems } = parse(text);
    assert.deepEqual(problems.map((p) => p.code), ['schema.unknown-property', 'schema.missing-property']);
    const [unknown, missing] = problems;
    assert.deepEqual(unknown.path, ['model', 'layers', 0, 'unit']);
    assert.match(unknown.message, /Unknown property "unit".*Did you mean "units"\?/);
    assertUnderlines(text, unknown, '"unit"');
    assert.deepEqual(missing.path, ['model', 'layers', 0, 'units']);
    // A layer in an array has no key: its opening brace is underlined, not the whole object.
    assertUnderlines(text, missing, '{', 3);
  });

  it('schema.unknown-property: "learningrate" suggests "learningRate" despite the case', () => {
    const text = configText({ training: { epochs: 1, optimizer: { type: 'adam', learningrate: 0.01 } } });
    const p = onlyProblem(text, 'schema.unknown-property');
    assert.deepEqual(p.path, ['training', 'optimizer', 'learningrate']);
    assert.match(p.message, /Did you mean "learningRate"\?/);
    assertUnderlines(text, p, '"learningrate"');
  });

  it('schema.unknown-property without a near name lists the known properties', () => {
    const text = configText({ top: { colour: 'blue' } });
    const p = onlyProblem(text, 'schema.unknown-property');
    assert.deepEqual(p.path, ['colour']);
    assert.doesNotMatch(p.message, /Did you mean/);
    assert.match(p.message, /Known properties: .*data.*model.*training/);
    assertUnderlines(text, p, '"colour"');
  });

  it('schema.missing-property: a dense layer without units', () => {
    const text = configText({ layers: [{ type: 'dense', units: 64 }, { type: 'dense', activation: 'softmax' }] });
    const p = onlyProblem(text, 'schema.missing-property');
    assert.deepEqual(p.path, ['model', 'layers', 1, 'units']);
    assert.match(p.message, /"model\.layers\[1\]" needs "units"/);
    assertUnderlines(text, p, '{', 4);
  });

  it('schema.missing-property: data without dataset points at the "data" key', () => {
    const text = configText({ data: { shape: 'flat' } });
    const p = onlyProblem(text, 'schema.missing-property');
    assert.deepEqual(p.path, ['data', 'dataset']);
    assert.match(p.message, /"data" needs "dataset"/);
    assertUnderlines(text, p, '"data"');
  });

  it('schema.missing-property: a missing top-level section points at the opening brace only', () => {
    const text = '{\n  "data": { "dataset": "mnist" },\n  "model": { "input": [784], "layers": [{ "type": "dense", "units": 10 }] }\n}\n';
    const p = onlyProblem(text, 'schema.missing-property');
    assert.deepEqual(p.path, ['training']);
    assert.match(p.message, /needs "training"/);
    assert.deepEqual(p.range, { offset: 0, length: 1, line: 1, column: 1 });
  });

  it('schema.missing-property: a layer without a type lists the kinds', () => {
    const text = configText({ layers: [{ units: 10 }] });
    const p = onlyProblem(text, 'schema.missing-property');
    assert.deepEqual(p.path, ['model', 'layers', 0]);
    assert.match(p.message, /"type": "dense"/);
    assertUnderlines(text, p, '{', 3);
  });

  it('schema.out-of-range: dropout rate 1.5', () => {
    const text = configText({ layers: [{ type: 'dense', units: 10 }, { type: 'dropout', rate: 1.5 }] });
    const p = onlyProblem(text, 'schema.out-of-range');
    assert.deepEqual(p.path, ['model', 'layers', 1, 'rate']);
    assert.match(p.message, /is 1\.5; it must be less than 1/);
    assertUnderlines(text, p, '1.5');
  });

  it('schema.out-of-range: negative epochs', () => {
    const text = configText({ training: { epochs: -3, optimizer: { type: 'sgd' } } });
    const p = onlyProblem(text, 'schema.out-of-range');
    assert.deepEqual(p.path, ['training', 'epochs']);
    assert.match(p.message, /is -3; it must be at least 1/);
    assertUnderlines(text, p, '-3');
  });

  it('schema.out-of-range: exclusive bounds reject the bound itself (learningRate 0)', () => {
    const text = configText({ training: { epochs: 1, optimizer: { type: 'sgd', learningRate: 0 } } });
    const p = onlyProblem(text, 'schema.out-of-range');
    assert.deepEqual(p.path, ['training', 'optimizer', 'learningRate']);
    assert.match(p.message, /greater than 0/);
  });

  it('schema.invalid-value: activation "relux" suggests "relu"', () => {
    const text = configText({ layers: [{ type: 'dense', units: 10, activation: 'relux' }] });
    const p = onlyProblem(text, 'schema.invalid-value');
    assert.deepEqual(p.path, ['model', 'layers', 0, 'activation']);
    assert.match(p.message, /Did you mean "relu"\?/);
    assert.match(p.message, /expected one of .*"softmax"/);
    assertUnderlines(text, p, '"relux"');
  });

  it('schema.invalid-value: dataset "mnst" suggests "mnist"', () => {
    const text = configText({ data: { dataset: 'mnst' } });
    const p = onlyProblem(text, 'schema.invalid-value');
    assert.deepEqual(p.path, ['data', 'dataset']);
    assert.match(p.message, /Did you mean "mnist"\?/);
    assertUnderlines(text, p, '"mnst"');
  });

  it('schema.invalid-value: a rule severity that does not exist', () => {
    const text = configText({ top: { diagnostics: { rules: { 'grad.exploding': { severity: 'loud' } } } } });
    const p = onlyProblem(text, 'schema.invalid-value');
    assert.deepEqual(p.path, ['diagnostics', 'rules', 'grad.exploding', 'severity']);
    assertUnderlines(text, p, '"loud"');
  });

  it('layer.unknown-type: "dense2d" suggests "dense", on the line of the type string', () => {
    const text = [
      '{',
      '  "data": { "dataset": "mnist" },',
      '  "model": {',
      '    "input": [784],',
      '    "layers": [',
      '      { "type": "dense", "units": 64 },',
      '      { "type": "dense2d", "units": 10 }',
      '    ]',
      '  },',
      '  "training": { "epochs": 1, "optimizer": { "type": "adam" } }',
      '}',
    ].join('\n');
    const p = onlyProblem(text, 'layer.unknown-type');
    assert.deepEqual(p.path, ['model', 'layers', 1, 'type']);
    assert.match(p.message, /Unknown type "dense2d".*Did you mean "dense"\?/);
    assert.deepEqual(p.range, { offset: text.indexOf('"dense2d"'), length: 9, line: 7, column: 17 });
  });

  it('layer.unknown-type: "conv" suggests "conv2d"', () => {
    const text = configText({ layers: [{ type: 'conv', filters: 8, kernelSize: 3 }] });
    const p = onlyProblem(text, 'layer.unknown-type');
    assert.deepEqual(p.path, ['model', 'layers', 0, 'type']);
    assert.match(p.message, /Did you mean "conv2d"\?/);
    assertUnderlines(text, p, '"conv"');
  });

  it('layer.unknown-type inside a residual block carries the nested path', () => {
    const text = configText({
      layers: [
        { type: 'dense', units: 32 },
        { type: 'residual', layers: [{ type: 'dense', units: 32 }, { type: 'dense2d', units: 32 }] },
        { type: 'dense', units: 10 },
      ],
    });
    const p = onlyProblem(text, 'layer.unknown-type');
    assert.deepEqual(p.path, ['model', 'layers', 1, 'layers', 1, 'type']);
    assert.match(p.message, /"model\.layers\[1\]\.layers\[1\]".*Did you mean "dense"\?/);
    assertUnderlines(text, p, '"dense2d"');
  });

  it('layer.unknown-type without a near name gives no suggestion but lists the types', () => {
    const text = configText({ layers: [{ type: 'transformer' }] });
    const p = onlyProblem(text, 'layer.unknown-type');
    assert.doesNotMatch(p.message, /Did you mean/);
    assert.match(p.message, /Expected one of: dense, conv2d, .*residual/);
  });

  it('schema.unknown-variant: optimizer type "adamw" suggests "adam"', () => {
    const text = configText({ training: { epochs: 1, optimizer: { type: 'adamw', learningRate: 0.001 } } });
    const p = onlyProblem(text, 'schema.unknown-variant');
    assert.deepEqual(p.path, ['training', 'optimizer', 'type']);
    assert.match(p.message, /Unknown type "adamw".*Did you mean "adam"\?.*sgd, adam, rmsprop, adagrad/);
    assertUnderlines(text, p, '"adamw"');
  });

  it('schema.unknown-variant: synthetic dataset "gausian" suggests "gaussian"', () => {
    const text = configText({ data: { dataset: { synthetic: 'gausian' } } });
    const p = onlyProblem(text, 'schema.unknown-variant');
    assert.deepEqual(p.path, ['data', 'dataset', 'synthetic']);
    assert.match(p.message, /Did you mean "gaussian"\?/);
  });

  it('schema.duplicate-property: the second key is underlined', () => {
    const text = '{\n  "data": { "dataset": "mnist" },\n  "model": { "input": [784], "layers": [{ "type": "dense", "units": 5, "units": 10 }] },\n  "training": { "epochs": 1, "optimizer": { "type": "sgd" } }\n}';
    const p = onlyProblem(text, 'schema.duplicate-property');
    assert.deepEqual(p.path, ['model', 'layers', 0, 'units']);
    assert.match(p.message, /"units" appears twice/);
    assertUnderlines(text, p, '"units"', 1);
    assert.equal(p.range?.line, 3);
  });

  it('schema.too-few-items: empty layers', () => {
    const text = configText({ layers: [] });
    const p = onlyProblem(text, 'schema.too-few-items');
    assert.deepEqual(p.path, ['model', 'layers']);
    assert.match(p.message, /at least 1 item\b/);
    assertUnderlines(text, p, '[]');
  });

  it('schema.too-few-items / too-many-items: kernelSize pairs and input ranks', () => {
    const few = configText({ data: { dataset: 'mnist', shape: 'image' }, input: [28, 28, 1], layers: [{ type: 'conv2d', filters: 4, kernelSize: [3] }] });
    assert.deepEqual(onlyProblem(few, 'schema.too-few-items').path, ['model', 'layers', 0, 'kernelSize']);
    const many = configText({ input: [1, 28, 28, 1] });
    assert.deepEqual(onlyProblem(many, 'schema.too-many-items').path, ['model', 'input']);
  });
});

describe('parseTrainConfig: several problems in one file', () => {
  it('reports every schema problem at once, each at its own place', () => {
    const text = configText({
      data: { dataset: 'mnist', validationSplit: 2 },
      layers: [
        { type: 'dense', units: 'ten', activation: 'relux' },
        { type: 'dense2d', units: 10 },
        { type: 'dropout', rate: 1.5, seed: 3 },
      ],
      training: { epochs: 0, optimizer: { type: 'adamw' }, batchsize: 32 },
    });
    const { problems, config } = parse(text);
    assert.equal(config, undefined);
    const byCode = problems.map((p) => [p.code, p.path.join('.')]);
    assert.deepEqual(byCode.sort(), [
      ['layer.unknown-type', 'model.layers.1.type'],
      ['schema.invalid-value', 'model.layers.0.activation'],
      ['schema.out-of-range', 'data.validationSplit'],
      ['schema.out-of-range', 'model.layers.2.rate'],
      ['schema.out-of-range', 'training.epochs'],
      ['schema.unknown-property', 'model.layers.2.seed'],
      ['schema.unknown-property', 'training.batchsize'],
      ['schema.unknown-variant', 'training.optimizer.type'],
      ['schema.wrong-type', 'model.layers.0.units'],
    ].sort());
    const lines = new Set(problems.map((p) => p.range?.line));
    assert.equal(lines.size, problems.length, 'each problem is on its own line');
    const batch = problems.find((p) => p.path.includes('batchsize'));
    assert.match(batch?.message ?? '', /Did you mean "batchSize"\?/);
  });

  it('an empty object is missing all three sections, each reported at its opening brace', () => {
    const { problems } = parse('{}');
    assert.deepEqual(problems.map((p) => [p.code, p.path]), [
      ['schema.missing-property', ['data']],
      ['schema.missing-property', ['model']],
      ['schema.missing-property', ['training']],
    ]);
    assert.ok(problems.every((p) => p.range?.offset === 0 && p.range.length === 1));
  });

  it('locates the same mistake made twice at each of its occurrences', () => {
    const text = configText({ layers: [{ type: 'dense', units: 10, activation: 'relux' }, { type: 'dense', units: 10, activation: 'relux' }] });
    const { problems } = parse(text);
    assert.deepEqual(problems.map((p) => p.path), [['model', 'layers', 0, 'activation'], ['model', 'layers', 1, 'activation']]);
    assertUnderlines(text, problems[0], '"relux"', 0);
    assertUnderlines(text, problems[1], '"relux"', 1);
  });
});

describe('formatPath', () => {
  it('writes paths the way a user would type them', () => {
    assert.equal(formatPath(['model', 'layers', 1, 'layers', 0, 'units']), 'model.layers[1].layers[0].units');
    assert.equal(formatPath([]), '');
  });
});
