// The editor's copy of the schema (scripts/editorSchema.mjs), checked with the JSON language
// service VS Code itself runs (vscode-json-languageservice): it must report nothing (the extension
// reports those problems, with codes) while completion and hover still work.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { getLanguageService, TextDocument, type JSONSchema } from 'vscode-json-languageservice';
import { editorSchema } from '../../../scripts/editorSchema.mjs';

const root = path.resolve(__dirname, '..', '..', '..');
// Fresh objects each time: the language service resolves $refs in place (cycles afterwards).
const readFullSchema = () => JSON.parse(fs.readFileSync(path.join(root, 'schemas', 'train.schema.json'), 'utf8')) as JSONSchema;
const relaxedSchema = () => editorSchema(readFullSchema()) as JSONSchema & Record<string, unknown>;

function service(schema: JSONSchema) {
  const ls = getLanguageService({});
  ls.configure({ validate: true, allowComments: true, schemas: [{ uri: 'td://train.schema.json', fileMatch: ['*.train.json'], schema }] });
  return ls;
}
const relaxedService = service(relaxedSchema());
const fullService = service(readFullSchema());

function documentOf(text: string, name = 'test.train.json') {
  const doc = TextDocument.create(`file:///w/${name}`, 'jsonc', 1, text);
  return doc;
}

async function problems(ls: ReturnType<typeof service>, text: string) {
  const doc = documentOf(text);
  // As VS Code configures it for JSON with Comments: the schema's allowTrailingCommas decides.
  return ls.doValidation(doc, ls.parseJSONDocument(doc), { comments: 'ignore', trailingCommas: 'error' });
}

/** Completion labels at the "|" in the text. */
async function completionsAt(textWithCursor: string): Promise<string[]> {
  const offset = textWithCursor.indexOf('|');
  const text = textWithCursor.slice(0, offset) + textWithCursor.slice(offset + 1);
  const doc = documentOf(text);
  const list = await relaxedService.doComplete(doc, doc.positionAt(offset), relaxedService.parseJSONDocument(doc));
  return (list?.items ?? []).map((i) => i.label.replace(/^"|"$/g, ''));
}

const wrap = (layers: string, extra = '') => `{
  "name": "t",
  "data": { "dataset": "mnist", "trainSize": 100, "validationSize": 20 },
  "model": { "input": [784], "layers": [${layers}] },
  "training": { "epochs": 1, "optimizer": { "type": "sgd", "learningRate": 0.1 }${extra} }
}`;

// Mistakes of every kind the full schema rejects: unknown and missing properties, misspelled
// layer types and enum values, wrong types, out-of-range numbers, trailing commas and comments.
const MISTAKES: Record<string, string> = {
  typos: fs.readFileSync(path.join(root, 'test', 'e2e', 'fixtures', 'workspace', 'broken', 'typos.train.json'), 'utf8'),
  'missing units': wrap('{ "type": "dense", "activation": "relu" }'),
  'unknown layer type': wrap('{ "type": "dense2", "units": 10 }'),
  'unknown activation': wrap('{ "type": "dense", "units": 10, "activation": "sofmax" }'),
  'string for a number': wrap('{ "type": "dense", "units": "10" }'),
  'negative units': wrap('{ "type": "dense", "units": -3 }'),
  'dropout rate above 1': wrap('{ "type": "dropout", "rate": 1.5 }, { "type": "dense", "units": 10 }'),
  'unknown initializer': wrap('{ "type": "dense", "units": 10, "kernelInitializer": "kaiming" }'),
  'initializer object with unknown type': wrap('{ "type": "dense", "units": 10, "kernelInitializer": { "type": "he", "stddev": 0.1 } }'),
  'unknown optimizer': wrap('{ "type": "dense", "units": 10 }').replace('"sgd"', '"adamw"'),
  'wrong kernel size shape': wrap('{ "type": "conv2d", "filters": 4, "kernelSize": [3, 3, 3] }'),
  'unknown top-level property': wrap('{ "type": "dense", "units": 10 }').replace('"name": "t",', '"name": "t", "seed2": 1,'),
  'trailing commas and comments': `// a comment
{
  "name": "t", /* inline */
  "data": { "dataset": "mnist", },
  "model": { "input": [784], "layers": [ { "type": "dense", "units": 10, }, ], },
  "training": { "epochs": 1, },
}`,
};

describe('editor schema: no diagnostics from VS Code\'s JSON service', () => {
  for (const [name, text] of Object.entries(MISTAKES)) {
    it(`${name}: the full schema reports it, the editor schema does not`, async () => {
      const full = await problems(fullService, text);
      const editor = await problems(relaxedService, text);
      assert.deepEqual(editor.map((d) => d.message), [], `the editor schema reported: ${editor.map((d) => d.message).join('; ')}`);
      if (name !== 'trailing commas and comments') assert.ok(full.length > 0, `control: the full schema should report ${name}`);
    });
  }

  it('every example and evaluation config is free of JSON-service diagnostics', async () => {
    const files = [
      ...fs.readdirSync(path.join(root, 'examples')).filter((f) => f.endsWith('.train.json')).map((f) => path.join(root, 'examples', f)),
      ...fs.readdirSync(path.join(root, 'test', 'diagnosis', 'cases')).filter((f) => f.endsWith('.train.json')).map((f) => path.join(root, 'test', 'diagnosis', 'cases', f)),
    ];
    assert.ok(files.length > 20, `expected many configs, found ${files.length}`);
    for (const file of files) {
      const found = await problems(relaxedService, fs.readFileSync(file, 'utf8'));
      assert.deepEqual(found.map((d) => d.message), [], path.relative(root, file));
    }
  });

  it('declares comments and trailing commas allowed (VS Code reads both from the schema)', () => {
    assert.equal(relaxedSchema().allowComments, true);
    assert.equal(relaxedSchema().allowTrailingCommas, true);
  });

  it('keeps no validation keyword except the discriminators\' const and the catch-all branch\'s not', () => {
    const offending: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}/${i}`));
      if (!node || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (['type', 'required', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minItems', 'maxItems', 'minLength', 'pattern', 'enum', 'oneOf'].includes(key) && !at.includes('/not')) {
          // "type" is also a property *name* (layers, optimizers): only flag it as a keyword.
          if (!(key === 'type' && at.endsWith('/properties'))) offending.push(`${at}/${key}`);
        }
        if (key === 'additionalProperties' && value === false) offending.push(`${at}/${key}`);
        walk(value, `${at}/${key}`);
      }
    };
    walk(relaxedSchema(), '#');
    assert.deepEqual(offending, []);
  });
});

describe('editor schema: completion and hover still work', () => {
  it('offers a dense layer\'s properties inside {"type": "dense"}, not a conv layer\'s', async () => {
    const labels = await completionsAt(wrap('{ "type": "dense", | }'));
    for (const expected of ['units', 'activation', 'kernelInitializer', 'useBias']) assert.ok(labels.includes(expected), `missing ${expected} in ${labels.join(', ')}`);
    assert.ok(!labels.includes('filters'), `a dense layer should not be offered "filters": ${labels.join(', ')}`);
  });

  it('offers a conv layer\'s properties inside {"type": "conv2d"}', async () => {
    const labels = await completionsAt(wrap('{ "type": "conv2d", | }'));
    for (const expected of ['filters', 'kernelSize', 'strides', 'padding']) assert.ok(labels.includes(expected), `missing ${expected} in ${labels.join(', ')}`);
  });

  it('offers the layer types as values of a layer\'s "type", also after a misspelling', async () => {
    for (const value of ['"|"', '"dens|"']) {
      const labels = await completionsAt(wrap(`{ "type": ${value} }`));
      for (const expected of ['dense', 'conv2d', 'batchNormalization', 'dropout', 'residual']) assert.ok(labels.includes(expected), `${value}: missing ${expected} in ${labels.join(', ')}`);
    }
  });

  it('offers activation and initializer names as values', async () => {
    const activations = await completionsAt(wrap('{ "type": "dense", "units": 10, "activation": "|" }'));
    for (const expected of ['relu', 'tanh', 'softmax', 'linear']) assert.ok(activations.includes(expected), `missing ${expected} in ${activations.join(', ')}`);
    const initializers = await completionsAt(wrap('{ "type": "dense", "units": 10, "kernelInitializer": "|" }'));
    for (const expected of ['heNormal', 'glorotUniform', 'zeros']) assert.ok(initializers.includes(expected), `missing ${expected} in ${initializers.join(', ')}`);
  });

  it('offers the optimizer\'s own options inside {"type": "adam"}', async () => {
    const labels = await completionsAt(wrap('{ "type": "dense", "units": 10 }').replace('{ "type": "sgd", "learningRate": 0.1 }', '{ "type": "adam", | }'));
    for (const expected of ['learningRate', 'beta1', 'beta2']) assert.ok(labels.includes(expected), `missing ${expected} in ${labels.join(', ')}`);
    assert.ok(!labels.includes('momentum'), `adam should not be offered sgd's momentum: ${labels.join(', ')}`);
  });

  it('offers true and false for a boolean', async () => {
    const labels = await completionsAt(wrap('{ "type": "dense", "units": 10, "useBias": | }'));
    assert.ok(labels.includes('true') && labels.includes('false'), labels.join(', '));
  });

  it('offers the top-level sections in an empty config', async () => {
    const labels = await completionsAt('{ | }');
    for (const expected of ['name', 'data', 'model', 'training', 'diagnostics']) assert.ok(labels.includes(expected), `missing ${expected} in ${labels.join(', ')}`);
  });

  it('shows the property\'s description on hover', async () => {
    const text = wrap('{ "type": "dense", "units": 10 }');
    const doc = documentOf(text);
    const hover = await relaxedService.doHover(doc, doc.positionAt(text.indexOf('"units"') + 2), relaxedService.parseJSONDocument(doc));
    const contents = JSON.stringify(hover?.contents ?? '');
    assert.match(contents, /output units/i);
  });
});
