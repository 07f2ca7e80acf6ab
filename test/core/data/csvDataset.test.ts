import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CsvDatasetConfig, loadCsvExamples } from '../../../src/core/data/csvDataset';
import { problemsOf } from './dataTestHelpers';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'training-doctor-csv-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function csv(name: string, text: string): string {
  fs.writeFileSync(path.join(dir, name), text);
  return name;
}

function config(file: string, overrides: Partial<CsvDatasetConfig> = {}): CsvDatasetConfig {
  return { kind: 'csv', csv: file, label: 'species', task: 'classification', delimiter: ',', ...overrides };
}

/** Rows of the loaded examples keyed by their first feature, so shuffling does not matter. */
function rowsByFirstFeature(x: Float32Array, y: Float32Array, featureSize: number): Map<number, { features: number[]; label: number }> {
  const rows = new Map<number, { features: number[]; label: number }>();
  for (let i = 0; i < y.length; i++) rows.set(x[i * featureSize], { features: Array.from(x.subarray(i * featureSize, (i + 1) * featureSize)), label: y[i] });
  return rows;
}

describe('loadCsvExamples', () => {
  it('loads features and maps string labels to sorted class indices', async () => {
    const file = csv('iris.csv', 'a,species,b\r\n1,versicolor,1.5\r\n2,setosa,-2e1\r\n3,"virginica",3\r\n4,setosa,4\r\n\r\n');
    const loaded = await loadCsvExamples(config(file), dir, 1);
    assert.equal(loaded.task, 'classification');
    assert.deepEqual(loaded.inputShape, [2]);
    assert.equal(loaded.featureSize, 2);
    assert.equal(loaded.numClasses, 3);
    assert.deepEqual(loaded.classNames, ['setosa', 'versicolor', 'virginica']);
    assert.equal(loaded.examples.count, 4);
    const rows = rowsByFirstFeature(loaded.examples.x, loaded.examples.y, 2);
    assert.deepEqual(rows.get(1), { features: [1, 1.5], label: 1 });
    assert.deepEqual(rows.get(2), { features: [2, -20], label: 0 });
    assert.deepEqual(rows.get(3), { features: [3, 3], label: 2 });
    assert.deepEqual(rows.get(4), { features: [4, 4], label: 0 });
    assert.match(loaded.description, /iris\.csv/);
  });

  it('sorts numeric labels numerically and treats 1 and 1.0 as one class', async () => {
    const file = csv('numeric-labels.csv', 'x,species\n1,10\n2,2\n3,1\n4,1.0\n');
    const loaded = await loadCsvExamples(config(file), dir, 1);
    assert.deepEqual(loaded.classNames, ['1', '2', '10']);
    const rows = rowsByFirstFeature(loaded.examples.x, loaded.examples.y, 1);
    assert.deepEqual([1, 2, 3, 4].map((k) => rows.get(k)?.label), [2, 1, 0, 0]);
  });

  it('loads regression targets as numbers with one output', async () => {
    const file = csv('houses.csv', 'rooms;price\n3;250.5\n4;300\n');
    const loaded = await loadCsvExamples(config(file, { label: 'price', task: 'regression', delimiter: ';' }), dir, 1);
    assert.equal(loaded.task, 'regression');
    assert.equal(loaded.numClasses, 1);
    assert.equal(loaded.classNames, undefined);
    const rows = rowsByFirstFeature(loaded.examples.x, loaded.examples.y, 1);
    assert.equal(rows.get(3)?.label, 250.5);
    assert.equal(rows.get(4)?.label, 300);
  });

  it('shuffles by seed, the same way for the same seed', async () => {
    const lines = ['x,species', ...Array.from({ length: 50 }, (_, i) => `${i},${i < 25 ? 'a' : 'b'}`)];
    const file = csv('sorted.csv', lines.join('\n'));
    const a = await loadCsvExamples(config(file), dir, 7);
    const b = await loadCsvExamples(config(file), dir, 7);
    const c = await loadCsvExamples(config(file), dir, 8);
    assert.deepEqual(a.examples, b.examples);
    assert.notDeepEqual(a.examples.x, c.examples.x);
    assert.notDeepEqual(Array.from(a.examples.x), Array.from({ length: 50 }, (_, i) => i));
  });

  it('reports a missing file with its resolved path', async () => {
    const [p] = await problemsOf(loadCsvExamples(config('nope/missing.csv'), dir, 1));
    assert.equal(p.code, 'data.file-not-found');
    assert.deepEqual(p.path, ['data', 'dataset', 'csv']);
    assert.ok(p.message.includes(path.resolve(dir, 'nope/missing.csv')), p.message);
  });

  it('reports an empty file and a header without rows', async () => {
    const [empty] = await problemsOf(loadCsvExamples(config(csv('empty.csv', '\n\n')), dir, 1));
    assert.equal(empty.code, 'data.csv-empty');
    assert.deepEqual(empty.path, ['data', 'dataset', 'csv']);
    const [headerOnly] = await problemsOf(loadCsvExamples(config(csv('header-only.csv', 'x,species\n')), dir, 1));
    assert.equal(headerOnly.code, 'data.csv-empty');
    assert.match(headerOnly.message, /no data rows/);
  });

  it('reports a file with only the label column', async () => {
    const [p] = await problemsOf(loadCsvExamples(config(csv('label-only.csv', 'species\na\n')), dir, 1));
    assert.equal(p.code, 'data.csv-empty');
    assert.match(p.message, /no feature columns/);
  });

  it('reports a missing label column, listing the columns and the closest one', async () => {
    const [p] = await problemsOf(loadCsvExamples(config(csv('typo.csv', 'sepal,petal,Specie\n1,2,a\n')), dir, 1));
    assert.equal(p.code, 'data.csv-label-missing');
    assert.deepEqual(p.path, ['data', 'dataset', 'label']);
    assert.match(p.message, /"sepal", "petal", "Specie"/);
    assert.match(p.message, /Did you mean "Specie"\?/);
  });

  it('reports non-numeric and empty feature cells with file:line, column and value', async () => {
    const file = csv('bad-values.csv', 'a,b,species\n1,2,x\n3,abc,y\n,4,x\n5,Infinity,y\n');
    const problems = await problemsOf(loadCsvExamples(config(file), dir, 1));
    assert.deepEqual(problems.map((p) => p.code), ['data.csv-not-numeric', 'data.csv-not-numeric', 'data.csv-not-numeric']);
    assert.ok(problems.every((p) => p.path.join('.') === 'data.dataset.csv'));
    assert.match(problems[0].message, /bad-values\.csv:3: column "b" has "abc"/);
    assert.match(problems[1].message, /bad-values\.csv:4: column "a" is empty/);
    assert.match(problems[2].message, /bad-values\.csv:5: column "b" has "Infinity"/);
  });

  it('reports ragged rows with their line, counting lines inside quoted cells', async () => {
    const file = csv('ragged.csv', 'a,b,species\n1,2,x\n"two\nlines",2\n3,4,y,extra\n');
    const problems = await problemsOf(loadCsvExamples(config(file), dir, 1));
    assert.deepEqual(problems.map((p) => p.code), ['data.csv-ragged-row', 'data.csv-ragged-row']);
    assert.match(problems[0].message, /ragged\.csv:3: the row has 2 cells but the header has 3/);
    assert.match(problems[1].message, /ragged\.csv:5: the row has 4 cells/);
  });

  it('requires numeric regression targets and non-empty class labels', async () => {
    const regression = await problemsOf(loadCsvExamples(config(csv('bad-target.csv', 'x,price\n1,cheap\n'), { label: 'price', task: 'regression' }), dir, 1));
    assert.equal(regression[0].code, 'data.csv-not-numeric');
    assert.match(regression[0].message, /bad-target\.csv:2: column "price" has "cheap"/);
    const classification = await problemsOf(loadCsvExamples(config(csv('empty-label.csv', 'x,species\n1,\n2,a\n')), dir, 1));
    assert.equal(classification[0].code, 'data.csv-empty-label');
    assert.match(classification[0].message, /empty-label\.csv:2/);
  });

  it('keeps the first ten cell problems and summarizes the rest', async () => {
    const lines = ['x,species', ...Array.from({ length: 25 }, () => 'oops,a')];
    const problems = await problemsOf(loadCsvExamples(config(csv('many-bad.csv', lines.join('\n'))), dir, 1));
    assert.equal(problems.length, 11);
    assert.ok(problems.slice(0, 10).every((p) => p.code === 'data.csv-not-numeric'));
    assert.equal(problems[10].code, 'data.csv-more-errors');
    assert.match(problems[10].message, /15 more problems/);
  });
});
