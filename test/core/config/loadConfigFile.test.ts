import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfigFile, type LoadedConfigFile } from '../../../src/core/config/loadConfigFile';
import { assertUnderlines, assertWellFormed, configText } from './configTestHelpers';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'training-doctor-config-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

/** Three classes, two features. */
const IRIS = 'sepal,petal,species\n1,2,setosa\n3,4,versicolor\n5,6,virginica\n7,8,setosa\n';

/** A classifier config for a CSV file; `units` is the size of the last (softmax) layer. */
function csvConfig(dataset: Record<string, unknown>, options: { units?: number; input?: number[] } = {}): string {
  return configText({
    data: { dataset },
    input: options.input ?? [2],
    layers: [{ type: 'dense', units: 8, activation: 'relu' }, { type: 'dense', units: options.units ?? 3, activation: 'softmax' }],
  });
}

async function load(name: string, text: string): Promise<LoadedConfigFile> {
  const loaded = await loadConfigFile(write(name, text));
  assertWellFormed(loaded.problems, loaded.text);
  assert.equal(loaded.text, text);
  return loaded;
}

describe('loadConfigFile', () => {
  it('loads a config whose CSV data fits the model', async () => {
    write('good/iris.csv', IRIS);
    const loaded = await load('good/iris.train.json', csvConfig({ csv: 'iris.csv', label: 'species' }));
    assert.deepEqual(loaded.problems, []);
    assert.ok(loaded.config);
    assert.equal(loaded.config.name, 'iris');
    assert.equal(loaded.filePath, path.join(dir, 'good/iris.train.json'));
    assert.equal(loaded.baseDir, path.join(dir, 'good'));
  });

  it('loads a CSV regression config with a single output', async () => {
    write('houses.csv', 'rooms,area,price\n3,70,2.5\n4,90,3.1\n2,50,1.9\n');
    const text = configText({
      data: { dataset: { csv: 'houses.csv', label: 'price', task: 'regression' } },
      input: [2],
      layers: [{ type: 'dense', units: 8, activation: 'relu' }, { type: 'dense', units: 1 }],
    });
    const loaded = await load('houses.train.json', text);
    assert.deepEqual(loaded.problems, []);
    assert.equal(loaded.config?.training.loss, 'meanSquaredError');
  });

  it('file.unreadable: a config file that does not exist', async () => {
    const missing = path.join(dir, 'nowhere', 'missing.train.json');
    const loaded = await loadConfigFile(missing);
    assert.equal(loaded.config, undefined);
    assert.deepEqual(loaded.problems.map((p) => p.code), ['file.unreadable']);
    assert.match(loaded.problems[0].message, /No such file: .*missing\.train\.json/);
    assertWellFormed(loaded.problems, loaded.text);
  });

  it('reports text problems without touching the data', async () => {
    const loaded = await load('typo.train.json', csvConfig({ csv: 'does-not-exist.csv', label: 'species' }).replace('"softmax"', '"softmaks"'));
    assert.deepEqual(loaded.problems.map((p) => p.code), ['schema.invalid-value']);
  });

  it('data.file-not-found: the CSV file is missing, underlined at the "csv" value', async () => {
    const text = csvConfig({ csv: 'no-such.csv', label: 'species' });
    const loaded = await load('missing-csv.train.json', text);
    assert.equal(loaded.config, undefined);
    assert.deepEqual(loaded.problems.map((p) => p.code), ['data.file-not-found']);
    const p = loaded.problems[0];
    assert.deepEqual(p.path, ['data', 'dataset', 'csv']);
    assert.match(p.message, /"no-such\.csv" does not exist/);
    assert.match(p.message, new RegExp(`looked at ${path.join(dir, 'no-such.csv').replace(/[.\\]/g, '\\$&')}`));
    assertUnderlines(text, p, '"no-such.csv"');
  });

  it('resolves the CSV path relative to the config file, not the working directory', async () => {
    write('nested/data/iris.csv', IRIS);
    const loaded = await load('nested/iris.train.json', csvConfig({ csv: 'data/iris.csv', label: 'species' }));
    assert.deepEqual(loaded.problems, []);
  });

  it('data.csv-label-missing: suggests the nearest column name', async () => {
    write('label/iris.csv', IRIS);
    const text = csvConfig({ csv: 'iris.csv', label: 'specie' });
    const loaded = await load('label/iris.train.json', text);
    assert.deepEqual(loaded.problems.map((p) => p.code), ['data.csv-label-missing']);
    const p = loaded.problems[0];
    assert.deepEqual(p.path, ['data', 'dataset', 'label']);
    assert.match(p.message, /no column "specie"/);
    assert.match(p.message, /Did you mean "species"\?/);
    assertUnderlines(text, p, '"specie"');
  });

  it('data.csv-not-numeric: a feature cell that is not a number', async () => {
    write('text/iris.csv', 'sepal,petal,species\n1,2,setosa\n3,big,versicolor\n');
    const loaded = await load('text/iris.train.json', csvConfig({ csv: 'iris.csv', label: 'species' }, { units: 2 }));
    assert.deepEqual(loaded.problems.map((p) => p.code), ['data.csv-not-numeric']);
    assert.match(loaded.problems[0].message, /iris\.csv:3: column "petal" has "big"/);
    assert.deepEqual(loaded.problems[0].path, ['data', 'dataset', 'csv']);
  });

  it('shape.output-mismatch: the CSV has 3 classes but the last layer has 2 units', async () => {
    write('classes/iris.csv', IRIS);
    const text = csvConfig({ csv: 'iris.csv', label: 'species' }, { units: 2 });
    const loaded = await load('classes/iris.train.json', text);
    assert.equal(loaded.config, undefined);
    assert.deepEqual(loaded.problems.map((p) => p.code), ['shape.output-mismatch']);
    assert.deepEqual(loaded.problems[0].path, ['model', 'layers', 1]);
    assert.match(loaded.problems[0].message, /ends in \[2\] but the data has 3 classes/);
  });

  it('shape.input-mismatch: the CSV has 2 feature columns but model.input is [3]', async () => {
    write('features/iris.csv', IRIS);
    const loaded = await load('features/iris.train.json', csvConfig({ csv: 'iris.csv', label: 'species' }, { input: [3] }));
    assert.deepEqual(loaded.problems.map((p) => p.code), ['shape.input-mismatch']);
    assert.match(loaded.problems[0].message, /model\.input is \[3\] but the data has shape \[2\]/);
  });

  it('data.csv-one-class: a label column with a single value, and no misleading "1 unit" advice', async () => {
    write('one/flat.csv', 'a,b,species\n1,2,setosa\n3,4,setosa\n');
    const text = csvConfig({ csv: 'flat.csv', label: 'species' }, { units: 2 });
    const loaded = await load('one/flat.train.json', text);
    assert.equal(loaded.config, undefined);
    assert.deepEqual(loaded.problems.map((p) => p.code), ['data.csv-one-class']);
    const p = loaded.problems[0];
    assert.deepEqual(p.path, ['data', 'dataset', 'label']);
    assert.match(p.message, /single value/);
    assertUnderlines(text, p, '"species"');
  });

  it('honours the CSV delimiter', async () => {
    write('semi/iris.csv', IRIS.replace(/,/g, ';'));
    const loaded = await load('semi/iris.train.json', csvConfig({ csv: 'iris.csv', label: 'species', delimiter: ';' }));
    assert.deepEqual(loaded.problems, []);
  });

  it('loads an MNIST config, which needs no data file next to it', async () => {
    const loaded = await load('mnist.train.json', configText());
    assert.deepEqual(loaded.problems, []);
    assert.equal(loaded.config?.data.dataset.kind, 'mnist');
  });
});
