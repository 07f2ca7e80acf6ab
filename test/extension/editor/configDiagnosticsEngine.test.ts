import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { InputStatistics } from '../../../src/core/data/dataset';
import type { Finding } from '../../../src/core/diagnosis/finding';
import { ConfigDiagnosticsEngine, type ConfigDocument, type PublishedDiagnostics } from '../../../src/extension/editor/configDiagnosticsEngine';
import { DataCheckCache, type DataLoaders } from '../../../src/extension/editor/dataChecks';
import { editorDataAccess } from '../../../src/extension/editor/editorDataAccess';
import { FakeClock, settle } from './editorTestHelpers';

const MEASURED: InputStatistics = { mean: 0.13, std: 0.31, min: 0, max: 1, featureMeanAbsMax: 0.55, featureStdMin: 0.001, featureStdMax: 0.45 };

/** Raw MNIST pixels: data.unnormalized (info) says whether it judged measured or typical statistics. */
function config(trainSize = 1000, learningRate = 0.1): string {
  return `{
  "data": { "dataset": "mnist", "trainSize": ${trainSize}, "validationSize": 200, "preprocess": { "normalize": "none" } },
  "model": { "input": [784], "layers": [{ "type": "dense", "units": 10, "activation": "softmax" }] },
  "training": { "epochs": 1, "optimizer": { "type": "adam", "learningRate": ${learningRate} } }
}`;
}

/** A data loader the test resolves by hand. */
function manualLoaders() {
  const waiting: ((stats: InputStatistics) => void)[] = [];
  const loaders: DataLoaders = {
    inputStatistics: () => new Promise<InputStatistics>((resolve) => waiting.push(resolve)),
    checkDataSource: async () => [],
    modifiedTime: () => undefined,
  };
  return { loaders, waiting, resolveAll: (stats = MEASURED) => waiting.splice(0).forEach((resolve) => resolve(stats)) };
}

function setup(options: { editorReportsSyntax?: () => boolean } = {}) {
  const clock = new FakeClock();
  const docs = new Map<string, { version: number; text: string }>();
  const published: { key: string; at: number; p: PublishedDiagnostics }[] = [];
  const cleared: string[] = [];
  const dataReady: string[] = [];
  const data = manualLoaders();
  const engine = new ConfigDiagnosticsEngine({
    documentFor(key): ConfigDocument | undefined {
      const d = docs.get(key);
      return d && { key, version: d.version, text: d.text, fileName: `${key}.train.json`, baseDir: '/work' };
    },
    publish: (key, p) => published.push({ key, at: clock.now, p }),
    clear: (key) => cleared.push(key),
    onDataReady: (key) => dataReady.push(key),
    editorReportsSyntax: options.editorReportsSyntax,
    clock,
    dataChecks: new DataCheckCache(data.loaders),
  });
  const open = (key: string, text: string) => {
    docs.set(key, { version: 1, text });
    engine.opened(key);
  };
  const edit = (key: string, text: string) => {
    const d = docs.get(key)!;
    docs.set(key, { version: d.version + 1, text });
    engine.changed(key);
  };
  const close = (key: string) => {
    docs.delete(key);
    engine.closed(key);
  };
  return { clock, docs, published, cleared, dataReady, data, engine, open, edit, close };
}

const messages = (p: PublishedDiagnostics) => p.diagnostics.map((d) => `${d.code}: ${d.message}`);
const unnormalized = (p: PublishedDiagnostics) => p.diagnostics.find((d) => d.code === 'data.unnormalized')?.message ?? '';

describe('diagnostics engine', () => {
  it('diagnoses a document as soon as it opens, then publishes again once its data is measured', async () => {
    const t = setup();
    t.open('a', config());
    assert.equal(t.published.length, 1, 'at once, before any timer');
    assert.match(unnormalized(t.published[0].p), /typical MNIST pixel statistics/);

    t.clock.advance(0);
    assert.equal(t.data.waiting.length, 1, 'the data pass has started');
    t.data.resolveAll();
    await settle();
    assert.equal(t.published.length, 2);
    assert.equal(t.published[1].p.version, 1);
    assert.match(unnormalized(t.published[1].p), /measured on the training split/);
    assert.deepEqual(t.dataReady, ['a']);
  });

  it('waits for a pause in typing: one pass 150 ms after the last change', () => {
    const t = setup();
    t.open('a', config());
    t.edit('a', config(1001));
    t.clock.advance(100);
    t.edit('a', config(1002));
    t.clock.advance(100);
    t.edit('a', config(1003));
    t.clock.advance(149);
    assert.equal(t.published.length, 1, 'only the pass on open so far');
    t.clock.advance(1);
    assert.equal(t.published.length, 2);
    assert.deepEqual([t.published[1].at, t.published[1].p.version], [350, 4]);
  });

  it('loads data that is not cached only after a longer pause, so typing a number does not load MNIST per digit', () => {
    const t = setup();
    t.open('a', config());
    t.clock.advance(0);
    t.data.resolveAll();
    t.edit('a', config(2));
    t.clock.advance(150);
    t.edit('a', config(20));
    t.clock.advance(150);
    t.edit('a', config(200));
    t.clock.advance(150);
    assert.equal(t.data.waiting.length, 0, 'no load while the digits come in');
    t.clock.advance(400);
    assert.equal(t.data.waiting.length, 1, 'one load for trainSize 200');
  });

  it('drops data that arrives after the document changed; the newer version gets it from the cache', async () => {
    const t = setup();
    t.open('a', config());
    t.clock.advance(0);
    t.edit('a', config(1000, 0.01)); // the learning rate: same data
    t.data.resolveAll();
    await settle();
    assert.equal(t.published.length, 1, 'nothing published for version 1 after it went stale');
    t.clock.advance(150);
    assert.equal(t.published.length, 2);
    assert.equal(t.published[1].p.version, 2);
    assert.match(unnormalized(t.published[1].p), /measured/, 'the fast pass used the cached statistics');
    t.clock.advance(1000);
    assert.equal(t.data.waiting.length, 0, 'and loaded nothing again');
  });

  it('shares cached statistics between documents', async () => {
    const t = setup();
    t.open('a', config());
    t.clock.advance(0);
    t.data.resolveAll();
    await settle();
    t.open('b', config());
    const b = t.published.filter((x) => x.key === 'b');
    assert.equal(b.length, 1);
    assert.match(unnormalized(b[0].p), /measured/);
    t.clock.advance(1000);
    assert.equal(t.data.waiting.length, 0);
  });

  it('merges the last probe and run findings until the next probe or run, even across close and reopen', () => {
    const t = setup();
    const finding = (message: string): Finding => ({ rule: 'act.dead-relu', severity: 'warning', message, layer: 0, evidence: {}, fixes: [] });
    t.open('a', config());
    t.engine.setExternalFindings('a', 'probe', [finding('probe 1')]);
    t.engine.setExternalFindings('a', 'run', [finding('run 1')]);
    const last = () => messages(t.published[t.published.length - 1].p).filter((m) => m.startsWith('act.'));
    assert.deepEqual(last(), ['act.dead-relu: probe 1 (from the last probe)', 'act.dead-relu: run 1 (from the last run)']);
    t.engine.setExternalFindings('a', 'probe', [finding('probe 2')]);
    assert.deepEqual(last(), ['act.dead-relu: probe 2 (from the last probe)', 'act.dead-relu: run 1 (from the last run)']);

    t.close('a');
    assert.deepEqual(t.cleared, ['a']);
    assert.equal(t.engine.publishedFor('a'), undefined);
    const count = t.published.length;
    t.engine.setExternalFindings('a', 'run', [finding('run 2')]);
    assert.equal(t.published.length, count, 'nothing is published for a closed document');
    t.open('a', config());
    assert.deepEqual(last(), ['act.dead-relu: probe 2 (from the last probe)', 'act.dead-relu: run 2 (from the last run)']);
  });

  it('stops all work for a closed document', async () => {
    const t = setup();
    t.open('a', config());
    t.edit('a', config(1001));
    t.close('a');
    t.clock.advance(1000);
    t.data.resolveAll();
    await settle();
    assert.equal(t.published.length, 1);
    assert.equal(t.clock.pending, 0);
  });

  it('answers hints and lenses from the analysis of the published version, without parsing again', () => {
    const t = setup();
    t.open('a', config());
    const doc = { key: 'a', version: 1, text: config(), fileName: 'a.train.json' };
    assert.equal(t.engine.analysisFor(doc), t.engine.analysisFor(doc));
    const newer = t.engine.analysisFor({ ...doc, version: 2, text: config(5) });
    assert.notEqual(newer, t.engine.analysisFor(doc));
  });

  it('publishes validation problems while the config is broken, and never loads data for it', () => {
    const t = setup();
    t.open('a', '{ "data": { "dataset": "mnist" }, "model": { "input": [784], "layers": [ { "type": "dense", "unit": 10 } ] }, "training": { "epochs": 1 } }');
    t.clock.advance(1000);
    const codes = t.published[0].p.diagnostics.map((d) => d.code);
    assert.ok(codes.includes('schema.unknown-property') && codes.includes('schema.missing-property'), codes.join());
    assert.ok(t.published[0].p.diagnostics.every((d) => d.severity === 'error' && d.origin === 'config'));
    assert.equal(t.data.waiting.length, 0);
  });

  it('leaves JSON syntax errors to VS Code while its JSON validation is on, and reports them when it is off', () => {
    let vscodeValidates = true;
    const t = setup({ editorReportsSyntax: () => vscodeValidates });
    const broken = '{ "data": { "dataset": "mnist" }, "model": { "input": [784] "layers": [] } }';
    t.open('a', broken);
    assert.deepEqual(messages(t.published.at(-1)!.p), []);
    vscodeValidates = false;
    t.edit('a', `${broken} `);
    t.clock.advance(1000);
    const codes = t.published.at(-1)!.p.diagnostics.map((d) => d.code);
    assert.ok(codes.length > 0 && codes.every((c) => c === 'json.syntax'), codes.join());
    // An empty file is reported either way: VS Code's JSON support says nothing about it.
    vscodeValidates = true;
    t.edit('a', '// nothing yet\n');
    t.clock.advance(1000);
    assert.deepEqual(t.published.at(-1)!.p.diagnostics.map((d) => d.code), ['json.empty']);
  });

  it('a document of noise: at most 100 syntax errors and one "N more", which goes with them when VS Code reports syntax', () => {
    let vscodeValidates = false;
    const t = setup({ editorReportsSyntax: () => vscodeValidates });
    const noise = `{"name": [${'1 '.repeat(5000)}]}`;
    t.open('a', noise);
    const codes = t.published.at(-1)!.p.diagnostics.map((d) => d.code);
    assert.equal(codes.length, 101);
    assert.equal(codes.at(-1), 'problems.truncated');
    vscodeValidates = true;
    t.edit('a', `${noise} `);
    t.clock.advance(1000);
    assert.deepEqual(t.published.at(-1)!.p.diagnostics.map((d) => d.code), []);
  });

  it('a UTF-16 document read as UTF-8 and one nested thousands deep: one diagnostic each, whoever reports syntax', () => {
    const t = setup({ editorReportsSyntax: () => true });
    t.open('a', Buffer.from('{"data": {"dataset": "mnist"}}', 'utf16le').toString('utf8'));
    assert.deepEqual(t.published.at(-1)!.p.diagnostics.map((d) => d.code), ['file.encoding']);
    t.open('b', `{"name": ${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
    assert.deepEqual(t.published.at(-1)!.p.diagnostics.map((d) => d.code), ['json.too-deep']);
  });
});

describe('diagnostics engine and workspace trust', () => {
  it('looks the data up again with the new access when trust is granted (refreshAll), without an edit', async () => {
    const clock = new FakeClock();
    let trusted = false;
    const accesses: string[] = [];
    const loaders: DataLoaders = {
      inputStatistics: async () => MEASURED,
      async checkDataSource(_parsed, _baseDir, access) {
        accesses.push(access?.type ?? 'default');
        return access?.type === 'anywhere' ? [] : [{ code: 'data.outside-workspace', severity: 'error', message: 'outside', path: ['data', 'dataset', 'csv'] }];
      },
      modifiedTime: () => 1,
    };
    const published: PublishedDiagnostics[] = [];
    const text = `{
  "data": { "dataset": { "csv": "/elsewhere/t.csv", "label": "y", "task": "regression" } },
  "model": { "input": [2], "layers": [{ "type": "dense", "units": 1 }] },
  "training": { "epochs": 1, "loss": "meanSquaredError", "optimizer": { "type": "adam" } }
}`;
    const engine = new ConfigDiagnosticsEngine({
      documentFor: (key) => ({ key, version: 1, text, fileName: 't.train.json', baseDir: '/work', dataAccess: editorDataAccess(trusted, ['/work']) }),
      publish: (_key, p) => published.push(p),
      clear: () => {},
      clock,
      dataChecks: new DataCheckCache(loaders),
    });
    const codes = () => published.at(-1)!.diagnostics.map((d) => d.code).filter((code) => code === 'data.outside-workspace');
    engine.opened('a');
    clock.advance(0);
    await settle();
    assert.deepEqual(codes(), ['data.outside-workspace']);
    trusted = true;
    engine.refreshAll();
    clock.advance(1000);
    await settle();
    assert.deepEqual(accesses, ['inside', 'anywhere']);
    assert.deepEqual(codes(), []);
  });
});
