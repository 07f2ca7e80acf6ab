import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { looksLikeKerasModel } from '../../../src/extension/importing/kerasModelDetection';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const fixtures = path.join(repoRoot, 'test', 'core', 'interop', 'fixtures');
const modelsDir = path.resolve(repoRoot, '..', 'shared', 'data', 'keras-models');

function jsonFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? jsonFiles(path.join(dir, e.name)) : e.name.endsWith('.json') ? [path.join(dir, e.name)] : []));
}

describe('the Import CodeLens: which JSON files are model definitions', () => {
  it('offers it on our Keras 2, Keras 3 and TF.js fixtures', () => {
    for (const file of jsonFiles(fixtures)) assert.ok(looksLikeKerasModel(file, fs.readFileSync(file, 'utf8')), file);
  });

  it('offers it on every file of ../shared/data/keras-models (import then says what it can do with each)', (t) => {
    if (!fs.existsSync(modelsDir)) return t.skip(`${modelsDir} is absent (the shared data folder beside the repository)`);
    for (const file of jsonFiles(modelsDir)) assert.ok(looksLikeKerasModel(file, fs.readFileSync(file, 'utf8')), file);
  });

  it('does not offer it on configs, package files, TF.js graph models or other JSON', () => {
    assert.equal(looksLikeKerasModel('a.train.json', fs.readFileSync(path.join(repoRoot, 'examples', 'mnist-mlp.train.json'), 'utf8')), false);
    assert.equal(looksLikeKerasModel('package.json', fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')), false);
    assert.equal(looksLikeKerasModel('tsconfig.json', fs.readFileSync(path.join(repoRoot, 'tsconfig.json'), 'utf8')), false);
    assert.equal(looksLikeKerasModel('model.json', '{"format": "graph-model", "modelTopology": {"node": []}}'), false);
    assert.equal(looksLikeKerasModel('x.json', '[{"class_name": "Sequential"}]'), false);
  });
});

describe('the Import CodeLens: when VS Code starts the extension for it', () => {
  it('on opening any JSON file, since a Keras model.to_json() file can have any name (and the workspace no config yet)', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { activationEvents: string[] };
    assert.ok(manifest.activationEvents.includes('onLanguage:json'), `activationEvents: ${JSON.stringify(manifest.activationEvents)}`);
  });
});
