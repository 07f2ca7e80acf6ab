// DataLoaders that do the loading in a worker thread (dataWorker.ts), so the extension host's
// thread only waits for a message.

import { Worker } from 'node:worker_threads';
import { ConfigProblemError } from '../../core/config/configProblem';
import type { DataLoaders } from './dataChecks';
import { fileSystemDataLoaders } from './dataChecks';
import type { DataWorkerJob, DataWorkerReply } from './dataWorker';

function runInWorker<T>(script: string, job: DataWorkerJob): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: job });
    worker.once('message', (reply: DataWorkerReply) => {
      void worker.terminate();
      if (reply.ok) resolve(reply.value as T);
      else reject(reply.problems ? new ConfigProblemError(reply.problems) : new Error(reply.message));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the data worker exited with code ${code}`));
    });
  });
}

export function workerDataLoaders(script: string): DataLoaders {
  return {
    inputStatistics: (data, seed, baseDir) => runInWorker(script, { kind: 'stats', data, seed, baseDir }),
    // The tree is a cyclic structure (parent links) that cannot cross threads; the check does not need it.
    checkDataSource: (parsed, baseDir) =>
      runInWorker(script, { kind: 'check', parsed: { config: parsed.config, shapes: parsed.shapes, problems: parsed.problems, text: parsed.text }, baseDir }),
    modifiedTime: fileSystemDataLoaders.modifiedTime,
  };
}
