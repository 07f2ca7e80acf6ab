import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { ConfigProblemError } from '../../../src/core/config/configProblem';
import { parseTrainConfig } from '../../../src/core/config/parseConfig';
import { DATA_LOAD_TIMEOUT } from '../../../src/extension/editor/dataChecks';
import { editorDataAccess } from '../../../src/extension/editor/editorDataAccess';
import { workerDataLoaders } from '../../../src/extension/editor/workerDataLoaders';

// Drives the bundled worker (npm test builds dist/ first).
const script = path.resolve(__dirname, '../../../dist/dataWorker.js');

describe('data loading in a worker thread', () => {
  const loaders = workerDataLoaders(script);

  const mnistData = { dataset: { kind: 'mnist', shape: 'flat' }, trainSize: 2000, validationSize: 500, validationSplit: 0.2,
    preprocess: { normalize: 'none', per: 'feature' }, augment: { translate: 0, flipHorizontal: false, noise: 0 } } as const;

  /** Runs `body` with the data cache in `folder` ("off": none); the worker threads inherit it. */
  async function withCache<T>(folder: string, body: () => Promise<T>): Promise<T> {
    const previous = process.env.TRAINING_DOCTOR_CACHE;
    process.env.TRAINING_DOCTOR_CACHE = folder;
    try {
      return await body();
    } finally {
      if (previous === undefined) delete process.env.TRAINING_DOCTOR_CACHE;
      else process.env.TRAINING_DOCTOR_CACHE = previous;
    }
  }

  it('measures the raw training split of MNIST without blocking this thread', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const stats = await withCache('off', () => loaders.inputStatistics(mnistData, 1, process.cwd()));
    clearInterval(timer);
    assert.ok(stats.mean > 0.1 && stats.mean < 0.16, `MNIST pixel mean ${stats.mean}`);
    assert.ok(stats.max <= 1 && stats.min >= 0);
    assert.ok(ticks > 3, 'the event loop kept running while the data loaded');
  });

  it('answers from the disk cache without starting a worker once the statistics are cached', async () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'td-worker-cache-'));
    try {
      // Generated data: its key names no file (MNIST's names the digit files, which differ between
      // the bundle the worker runs and the sources this test runs).
      const gaussian = { ...mnistData, dataset: { kind: 'gaussian', features: 4, samples: 3000, classes: 2, mean: 0, std: 1, labelNoise: 0 } } as const;
      await withCache(cache, async () => {
        const measured = await loaders.inputStatistics(gaussian, 1, process.cwd());
        // A worker script that does not exist fails any job that reaches it.
        const noWorker = workerDataLoaders(path.join(cache, 'missing-worker.js'));
        assert.deepEqual(await noWorker.inputStatistics(gaussian, 1, process.cwd()), measured);
        await assert.rejects(noWorker.inputStatistics({ ...gaussian, trainSize: 1999 }, 1, process.cwd()));
      });
    } finally {
      fs.rmSync(cache, { recursive: true, force: true });
    }
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

describe('the data worker and untrusted data', () => {
  const loaders = workerDataLoaders(script);
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'td-worker-safety-')));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const parsedFor = (csv: string) => parseTrainConfig(JSON.stringify({
    data: { dataset: { csv, label: 'y' } },
    model: { input: [2], layers: [{ type: 'dense', units: 2, activation: 'softmax' }] },
    training: { epochs: 1, optimizer: { type: 'adam' } },
  }), path.join(dir, 'a.train.json'));

  it('applies the data access it is given (Restricted Mode: only inside the workspace folders)', async () => {
    const workspace = path.join(dir, 'workspace');
    fs.mkdirSync(workspace);
    const parsed = parsedFor('../outside.csv');
    const problems = await loaders.checkDataSource(parsed, workspace, editorDataAccess(false, [workspace]));
    assert.deepEqual(problems.map((p) => p.code), ['data.outside-workspace']);
  });

  it('returns at once for a FIFO as the CSV path, and the next job still runs', { skip: process.platform === 'win32' }, async (t) => {
    const fifo = path.join(dir, 'pipe.csv');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      return t.skip('mkfifo is not available');
    }
    try {
      const problems = await loaders.checkDataSource(parsedFor('pipe.csv'), dir);
      assert.deepEqual(problems.map((p) => p.code), ['data.not-a-regular-file']);
    } finally {
      // Unblocks a reader stuck on it, if the defect were back.
      try {
        fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
      } catch {
        // nobody reads it
      }
    }
  });

  it('stops a job that outlives its time limit, reports it as a located problem, and serves the next request', async () => {
    // A worker that never answers the job it is told to hang on (what a blocked read looks like),
    // beating in a file while it lives.
    const hanging = path.join(dir, 'hangingWorker.js');
    const heartbeat = path.join(dir, 'heartbeat');
    fs.writeFileSync(hanging, `
      const fs = require('node:fs');
      const { parentPort, workerData } = require('node:worker_threads');
      let beats = 0;
      if (workerData.baseDir === 'hang') setInterval(() => fs.writeFileSync(${JSON.stringify(heartbeat)}, String(++beats)), 10);
      else parentPort.postMessage({ ok: true, value: [] });
    `);
    const limited = workerDataLoaders(hanging, { timeoutMs: 1000 });
    const parsed = parsedFor('t.csv');
    await assert.rejects(limited.checkDataSource(parsed, 'hang'), (error: unknown) => {
      assert.ok(error instanceof ConfigProblemError, String(error));
      assert.deepEqual(error.problems.map((p) => [p.code, p.path.join('.')]), [[DATA_LOAD_TIMEOUT, 'data.dataset']]);
      assert.match(error.problems[0].message, /longer than 1 s/);
      return true;
    });
    // The rejection comes once the worker has exited: its heartbeat has stopped for good.
    const beatsAtRejection = fs.existsSync(heartbeat) ? fs.readFileSync(heartbeat, 'utf8') : '';
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(fs.existsSync(heartbeat) ? fs.readFileSync(heartbeat, 'utf8') : '', beatsAtRejection, 'the hanging worker was terminated');
    assert.deepEqual(await limited.checkDataSource(parsed, dir), []);
  });
});

