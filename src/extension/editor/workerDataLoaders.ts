// DataLoaders that do the loading in a worker thread (dataWorker.ts), so the extension host's
// thread only waits for a message. A job gets a time limit it cannot outlive: past it the worker
// is terminated and the wait ends in a located problem; each job has its own worker, so the next
// request starts afresh.

import { Worker } from 'node:worker_threads';
import { ConfigProblemError, problem } from '../../core/config/configProblem';
import { readCachedStatistics } from '../../core/data/statisticsCache';
import type { DataLoaders } from './dataChecks';
import { DATA_LOAD_TIMEOUT, fileSystemDataLoaders } from './dataChecks';
import type { DataWorkerJob, DataWorkerReply } from './dataWorker';

/** MNIST loads in about 0.3 s and a CSV at its size limit in a few seconds; far beyond that something is wrong. */
export const DATA_WORKER_TIMEOUT_MS = 30_000;

export interface WorkerOptions {
  timeoutMs?: number;
}

function runInWorker<T>(script: string, job: DataWorkerJob, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: job });
    let settled = false;
    let timedOut: ConfigProblemError | undefined;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      finish();
    };
    let timer: NodeJS.Timeout | undefined;
    // The limit is on the job: a thread slow to start on a busy machine does not use it up.
    worker.once('online', () => (timer = setTimeout(() => {
      timedOut = new ConfigProblemError([problem(DATA_LOAD_TIMEOUT, ['data', 'dataset'],
        `Loading the data took longer than ${timeoutMs / 1000} s, so it was stopped. Is the data on a slow or remote drive? Saving the file tries again.`)]);
      // Answered at its exit (below): nothing of this job outlives the answer.
      void worker.terminate();
    }, timeoutMs)));
    worker.once('message', (reply: DataWorkerReply) => {
      if (timedOut) return;
      void worker.terminate();
      settle(() => {
        if (reply.ok) resolve(reply.value as T);
        else reject(reply.problems ? new ConfigProblemError(reply.problems) : new Error(reply.message));
      });
    });
    worker.once('error', (error) => settle(() => reject(error)));
    worker.once('exit', (code) => settle(() => reject(timedOut ?? new Error(`the data worker exited with code ${code}`))));
  });
}

export function workerDataLoaders(script: string, options: WorkerOptions = {}): DataLoaders {
  const timeoutMs = options.timeoutMs ?? DATA_WORKER_TIMEOUT_MS;
  return {
    // A cached entry (a small JSON file, see dataCache.ts) is read here: no worker to start.
    inputStatistics: async (data, seed, baseDir, access, dataBudgetBytes) => readCachedStatistics(data, seed)?.rawInputStats
      ?? runInWorker(script, { kind: 'stats', data, seed, baseDir, access, dataBudgetBytes }, timeoutMs),
    // The tree is a cyclic structure (parent links) that cannot cross threads; the check does not need it.
    checkDataSource: (parsed, baseDir, access) => runInWorker(script, {
      kind: 'check', parsed: { config: parsed.config, shapes: parsed.shapes, problems: parsed.problems, text: parsed.text }, baseDir, access,
    }, timeoutMs),
    modifiedTime: fileSystemDataLoaders.modifiedTime,
  };
}
