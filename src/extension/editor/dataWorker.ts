// A worker thread that loads a config's data for the editor's diagnostics (its statistics, and
// the CSV and image-folder checks): decoding MNIST, a large CSV or a folder of images takes the better part of a second, which must
// not freeze the extension host. Bundled as dist/dataWorker.js; one job per worker.

import { parentPort, workerData } from 'node:worker_threads';
import { ConfigProblemError } from '../../core/config/configProblem';
import { checkDataSource } from '../../core/config/loadConfigFile';
import type { ParsedConfig } from '../../core/config/parseConfig';
import type { DataConfig } from '../../core/config/trainConfig';
import type { DataAccess } from '../../core/data/dataAccessPolicy';
import { loadInputStatistics } from '../../core/data/loadDataset';

export type DataWorkerJob =
  | { kind: 'stats'; data: DataConfig; seed: number; baseDir: string; access?: DataAccess; dataBudgetBytes?: number }
  | { kind: 'check'; parsed: Pick<ParsedConfig, 'config' | 'shapes' | 'problems' | 'text'>; baseDir: string; access?: DataAccess };

export type DataWorkerReply =
  | { ok: true; value: unknown }
  | { ok: false; problems?: ConfigProblemError['problems']; message: string };

async function run(job: DataWorkerJob): Promise<unknown> {
  if (job.kind === 'stats') return loadInputStatistics(job.data, job.seed, job.baseDir, job.access, job.dataBudgetBytes);
  return checkDataSource(job.parsed as ParsedConfig, job.baseDir, job.access);
}

if (parentPort) {
  run(workerData as DataWorkerJob)
    .then((value) => parentPort!.postMessage({ ok: true, value } satisfies DataWorkerReply))
    .catch((error: unknown) => parentPort!.postMessage({
      ok: false,
      problems: error instanceof ConfigProblemError ? error.problems : undefined,
      message: error instanceof Error ? error.message : String(error),
    } satisfies DataWorkerReply));
}
