import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigProblemError } from '../../../src/core/config/configProblem';
import { parseTrainConfig } from '../../../src/core/config/parseConfig';
import { workerDataLoaders } from '../../../src/extension/editor/workerDataLoaders';

// Drives the bundled worker (npm test builds dist/ first).
const script = path.resolve(__dirname, '../../../dist/dataWorker.js');

describe('data loading in a worker thread', () => {
  const loaders = workerDataLoaders(script);

  it('measures the raw training split of MNIST without blocking this thread', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const stats = await loaders.inputStatistics(
      { dataset: { kind: 'mnist', shape: 'flat' }, trainSize: 2000, validationSize: 500, validationSplit: 0.2,
        preprocess: { normalize: 'none', per: 'feature' }, augment: { translate: 0, flipHorizontal: false, noise: 0 } },
      1, process.cwd());
    clearInterval(timer);
    assert.ok(stats.mean > 0.1 && stats.mean < 0.16, `MNIST pixel mean ${stats.mean}`);
    assert.ok(stats.max <= 1 && stats.min >= 0);
    assert.ok(ticks > 3, 'the event loop kept running while the data loaded');
  });

  it('returns the CSV checks as located problems, and data errors as ConfigProblemError', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'td-worker-'));
    try {
      const text = JSON.stringify({
        data: { dataset: { csv: 'missing.csv', label: 'y' } },
        model: { input: [2], layers: [{ type: 'dense', units: 2, activation: 'softmax' }] },
        training: { epochs: 1, optimizer: { type: 'adam' } },
      });
      const parsed = parseTrainConfig(text, path.join(dir, 'a.train.json'));
      const problems = await loaders.checkDataSource(parsed, dir);
      assert.equal(problems[0].code, 'data.file-not-found');
      await assert.rejects(
        loaders.inputStatistics(parsed.config!.data, 0, dir),
        (error: unknown) => error instanceof ConfigProblemError && error.problems[0].code === 'data.file-not-found',
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
