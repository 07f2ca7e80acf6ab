import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseTrainConfig, type ParsedConfig } from '../../../src/core/config/parseConfig';
import type { InputStatistics } from '../../../src/core/data/dataset';
import { ConfigProblemError, problem } from '../../../src/core/config/configProblem';
import { DATA_LOAD_TIMEOUT, DataCheckCache, fileSystemDataLoaders, type DataLoaders } from '../../../src/extension/editor/dataChecks';
import { editorDataAccess } from '../../../src/extension/editor/editorDataAccess';

const STATS: InputStatistics = { mean: 0.13, std: 0.31, min: 0, max: 1, featureMeanAbsMax: 0.55, featureStdMin: 0.001, featureStdMax: 0.45 };

function mnistConfig(parts: { trainSize?: number; normalize?: string; lr?: number } = {}): ParsedConfig {
  const text = JSON.stringify({
    data: { dataset: 'mnist', trainSize: parts.trainSize ?? 1000, validationSize: 200, preprocess: { normalize: parts.normalize ?? 'none' } },
    model: { input: [784], layers: [{ type: 'dense', units: 10, activation: 'softmax' }] },
    training: { epochs: 1, optimizer: { type: 'sgd', learningRate: parts.lr ?? 0.1 } },
  });
  const parsed = parseTrainConfig(text, 'mnist.train.json');
  assert.ok(parsed.config);
  return parsed;
}

function csvConfig(csv: string, hidden = false): ParsedConfig {
  const text = JSON.stringify({
    data: { dataset: { csv, label: 'y', task: 'regression' } },
    model: { input: [2], layers: [...(hidden ? [{ type: 'dense', units: 4, activation: 'relu' }] : []), { type: 'dense', units: 1 }] },
    training: { epochs: 1, loss: 'meanSquaredError', optimizer: { type: 'adam' } },
  });
  const parsed = parseTrainConfig(text, 'table.train.json');
  assert.ok(parsed.config, JSON.stringify(parsed.problems));
  return parsed;
}

/** Loaders that count their calls; `mtimes` plays the file system. */
function countingLoaders(mtimes: Record<string, number> = {}) {
  const calls = { stats: 0, checks: 0 };
  const loaders: DataLoaders = {
    async inputStatistics() {
      calls.stats++;
      return STATS;
    },
    async checkDataSource() {
      calls.checks++;
      return [];
    },
    modifiedTime: (file) => mtimes[file],
  };
  return { loaders, calls, mtimes };
}

describe('data checks cache', () => {
  it('loads nothing for placeholder data (N(0, 1) by definition, random labels: as in lint, no statistics for the rules)', async () => {
    const { loaders, calls } = countingLoaders();
    const cache = new DataCheckCache(loaders);
    const parsed = parseTrainConfig(JSON.stringify({
      data: { dataset: { synthetic: 'placeholder', shape: [28, 28, 1], classes: 10 } },
      model: { input: [28, 28, 1], layers: [{ type: 'flatten' }, { type: 'dense', units: 10, activation: 'softmax' }] },
      training: { epochs: 1, optimizer: { type: 'adam' } },
    }), 'imported.train.json');
    assert.ok(parsed.config, JSON.stringify(parsed.problems));
    assert.deepEqual(cache.peek(parsed, '/work'), { problems: [] });
    assert.deepEqual(await cache.compute(parsed, '/work'), { problems: [] });
    assert.equal(calls.stats, 0);
  });

  it('loads a data config once, shares a load in flight, and serves it from the cache afterwards', async () => {
    const { loaders, calls } = countingLoaders();
    const cache = new DataCheckCache(loaders);
    const parsed = mnistConfig();
    assert.equal(cache.peek(parsed, '/work'), undefined);
    const [a, b] = await Promise.all([cache.compute(parsed, '/work'), cache.compute(parsed, '/work')]);
    assert.equal(calls.stats, 1);
    assert.deepEqual(a, { inputStats: STATS, problems: [] });
    assert.equal(a.inputStats, b.inputStats);
    assert.deepEqual(cache.peek(parsed, '/elsewhere'), { inputStats: STATS, problems: [] }, 'MNIST does not depend on the folder');
  });

  it('keeps the statistics when only preprocessing or training changes, and reloads when the split changes', async () => {
    const { loaders, calls } = countingLoaders();
    const cache = new DataCheckCache(loaders);
    await cache.compute(mnistConfig(), '/work');
    assert.ok(cache.peek(mnistConfig({ normalize: 'standardize' }), '/work'), 'the normalize quick fix does not reload MNIST');
    assert.ok(cache.peek(mnistConfig({ lr: 0.01 }), '/work'));
    assert.equal(cache.peek(mnistConfig({ trainSize: 2000 }), '/work'), undefined);
    await cache.compute(mnistConfig({ trainSize: 2000 }), '/work');
    assert.equal(calls.stats, 2);
  });

  it('reloads a CSV when its modification time changes, and re-checks it when the model changes', async () => {
    const { loaders, calls, mtimes } = countingLoaders({ '/work/t.csv': 1 });
    const cache = new DataCheckCache(loaders);
    await cache.compute(csvConfig('t.csv'), '/work');
    assert.deepEqual(calls, { stats: 1, checks: 1 });
    assert.ok(cache.peek(csvConfig('t.csv'), '/work'));
    assert.equal(cache.peek(csvConfig('t.csv', true), '/work'), undefined, 'the checks compare the data with the model');
    mtimes['/work/t.csv'] = 2;
    assert.equal(cache.peek(csvConfig('t.csv'), '/work'), undefined);
    await cache.compute(csvConfig('t.csv'), '/work');
    assert.deepEqual(calls, { stats: 2, checks: 2 });
  });

  it('checks nothing for a CSV relative to an untitled document (no folder to resolve it against)', async () => {
    const { loaders, calls } = countingLoaders();
    const cache = new DataCheckCache(loaders);
    assert.deepEqual(cache.peek(csvConfig('t.csv'), undefined), { problems: [] });
    assert.deepEqual(await cache.compute(csvConfig('t.csv'), undefined), { problems: [] });
    assert.deepEqual(calls, { stats: 0, checks: 0 });
  });

  it('reports a missing CSV once (from the checks and the loader alike), and measures it once it exists', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'td-editor-'));
    try {
      const cache = new DataCheckCache(fileSystemDataLoaders);
      const missing = await cache.compute(csvConfig('t.csv'), dir);
      assert.deepEqual(missing.problems.map((p) => [p.code, p.path.join('.')]), [['data.file-not-found', 'data.dataset.csv']]);
      assert.equal(missing.inputStats, undefined);

      fs.writeFileSync(path.join(dir, 't.csv'), 'a,b,y\n1,10,1\n2,20,2\n3,30,3\n4,40,4\n5,50,5\n');
      const found = await cache.compute(csvConfig('t.csv'), dir);
      assert.deepEqual(found.problems, []);
      assert.ok(found.inputStats && found.inputStats.max === 50);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('data checks and workspace trust', () => {
  it('in Restricted Mode refuses a CSV outside the workspace folders (once, located at "csv"), and reads it once trusted', async () => {
    const top = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'td-editor-trust-')));
    try {
      const workspace = path.join(top, 'workspace');
      fs.mkdirSync(workspace);
      const outside = path.join(top, 'outside.csv');
      fs.writeFileSync(outside, 'a,b,y\n1,10,1\n2,20,2\n3,30,3\n4,40,4\n5,50,5\n');
      fs.symlinkSync(outside, path.join(workspace, 'link.csv'));
      const cache = new DataCheckCache(fileSystemDataLoaders);
      for (const csv of [outside, '../outside.csv', 'link.csv']) {
        const untrusted = await cache.compute(csvConfig(csv), workspace, editorDataAccess(false, [workspace]));
        assert.deepEqual(untrusted.problems.map((p) => [p.code, p.path.join('.')]), [['data.outside-workspace', 'data.dataset.csv']], csv);
        assert.match(untrusted.problems[0].message, /Restricted Mode/);
        assert.equal(untrusted.inputStats, undefined);
      }
      const trusted = await cache.compute(csvConfig(outside), workspace, editorDataAccess(true, [workspace]));
      assert.deepEqual(trusted.problems, []);
      assert.equal(trusted.inputStats?.max, 50);
    } finally {
      fs.rmSync(top, { recursive: true, force: true });
    }
  });

  it('does not keep a timed-out load: the next request loads again', async () => {
    const { loaders, calls } = countingLoaders();
    let timeOut = true;
    loaders.inputStatistics = async () => {
      calls.stats++;
      if (timeOut) throw new ConfigProblemError([problem(DATA_LOAD_TIMEOUT, ['data', 'dataset'], 'took too long')]);
      return STATS;
    };
    const cache = new DataCheckCache(loaders);
    const first = await cache.compute(mnistConfig(), '/work');
    assert.deepEqual(first.problems.map((p) => p.code), [DATA_LOAD_TIMEOUT]);
    timeOut = false;
    const second = await cache.compute(mnistConfig(), '/work');
    assert.deepEqual(second, { inputStats: STATS, problems: [] });
    assert.equal(calls.stats, 2);
  });
});
