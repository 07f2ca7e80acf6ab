// Benchmark: the editor's first diagnostics of a config, as at the extension's activation: in a
// fresh process (cold JIT), the CPU time of loading the editor's diagnostics modules, of the first
// pass (`ConfigDiagnosticsEngine.opened`: parse, validate, static rules, located diagnostics,
// published synchronously), and of the data pass that follows on the extension host's thread when
// the data statistics are in the data cache (read from disk, no worker). The issue's goal: the
// first diagnostics ≤ 50 ms of CPU. Figures, not pass/fail; a temporary data cache is filled first.
// The import figure includes tsx compiling the TypeScript sources, which the extension's bundle does not.
//   npm run bench -- firstDiagnostics      or      npx tsx scripts/bench/firstDiagnostics.ts
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const CONFIGS = ['examples/mnist-mlp.train.json', 'examples/mnist-cnn.train.json', 'examples/mnist-resnet.train.json',
  'examples/seeds/mlp4096-relu-kaiming.train.json', 'examples/houses-regression.train.json', 'examples/broken/typos.train.json'];
const ROUNDS = 3;

/** `dataPass`: its CPU ms, or why there is no figure (no data pass: an invalid config; or the data work of a worker thread). */
interface Measured { importMs: number; firstPassMs: number; dataPass: number | 'none' | 'worker'; diagnostics: number; withData?: number }

const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/** In the child: one config's first diagnostics, printed as JSON. */
async function measureOne(file: string): Promise<void> {
  const started = cpuMs();
  const { ConfigDiagnosticsEngine } = await import('../../src/extension/editor/configDiagnosticsEngine');
  const { DataCheckCache } = await import('../../src/extension/editor/dataChecks');
  const { workerDataLoaders } = await import('../../src/extension/editor/workerDataLoaders');
  const imported = cpuMs();
  const { readCachedStatistics } = await import('../../src/core/data/statisticsCache');
  const text = fs.readFileSync(file, 'utf8');
  // What a worker thread would do (a CSV or image folder's checks, statistics not cached) is not
  // the extension host's CPU, and the process's CPU time would count it: such a data pass is not timed.
  let needsWorker = false;
  const inWorker = workerDataLoaders(path.join(root, 'dist', 'dataWorker.js'));
  const loaders: typeof inWorker = {
    ...inWorker,
    inputStatistics: (data, seed, ...rest) => {
      if (!readCachedStatistics(data, seed)) needsWorker = true;
      return inWorker.inputStatistics(data, seed, ...rest);
    },
    checkDataSource: (...args) => {
      needsWorker = true;
      return inWorker.checkDataSource(...args);
    },
  };
  const published: { at: number; count: number }[] = [];
  let dataPublished: () => void = () => undefined;
  const dataDone = new Promise<void>((resolve) => (dataPublished = resolve));
  const engine = new ConfigDiagnosticsEngine({
    documentFor: () => ({ key: 'doc', version: 1, text, fileName: file, baseDir: path.dirname(file) }),
    publish: (_key, p) => {
      published.push({ at: cpuMs(), count: p.diagnostics.length });
      if (published.length === 2) dataPublished();
    },
    clear: () => undefined,
    dataChecks: new DataCheckCache(loaders),
  });
  const before = cpuMs();
  engine.opened('doc');
  const firstPassMs = cpuMs() - before;
  const dataStarted = cpuMs();
  await Promise.race([dataDone, new Promise((resolve) => setTimeout(resolve, 3000))]);
  engine.dispose();
  const result: Measured = {
    importMs: imported - started, firstPassMs, diagnostics: published[0]?.count ?? -1,
    dataPass: needsWorker ? 'worker' : published.length < 2 ? 'none' : published[1].at - dataStarted,
    ...(published.length >= 2 ? { withData: published[1].count } : {}),
  };
  console.log(JSON.stringify(result));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = (xs: number[]) => xs.length === 0 ? '—' : `${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`;

async function main(): Promise<void> {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'td-first-diagnostics-'));
  try {
    const env = { ...process.env, TRAINING_DOCTOR_CACHE: cache };
    process.env.TRAINING_DOCTOR_CACHE = cache;
    const { loadConfigFile } = await import('../../src/core/config/loadConfigFile');
    const { loadInputStatistics } = await import('../../src/core/data/loadDataset');
    for (const file of CONFIGS) {
      const loaded = await loadConfigFile(path.join(root, file));
      if (loaded.config) await loadInputStatistics(loaded.config.data, loaded.config.seed, loaded.baseDir).catch(() => undefined);
    }
    console.log(`${ROUNDS} fresh processes per config, data statistics cached; CPU ms, median (min–max); load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    console.log(`${'config'.padEnd(48)}${'import (tsx)'.padStart(20)}${'first pass'.padStart(20)}${'data pass'.padStart(20)}  diagnostics`);
    for (const file of CONFIGS) {
      const runs: Measured[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const child = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--one', path.join(root, file)], { cwd: root, env, encoding: 'utf8' });
        if (child.status !== 0) throw new Error(`${file}: ${child.stderr}`);
        runs.push(JSON.parse(child.stdout.trim().split('\n').pop() as string) as Measured);
      }
      const data = runs.map((r) => r.dataPass).filter((d): d is number => typeof d === 'number');
      const counts = `${runs[0].diagnostics}${runs[0].withData !== undefined ? ` → ${runs[0].withData}` : ''}`;
      const dataCell = data.length > 0 ? range(data) : runs[0].dataPass === 'worker' ? 'in a worker' : 'none';
      console.log(`${file.padEnd(48)}${range(runs.map((r) => r.importMs)).padStart(20)}${range(runs.map((r) => r.firstPassMs)).padStart(20)}${dataCell.padStart(20)}  ${counts}`);
    }
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
}

const one = process.argv.indexOf('--one');
(one >= 0 ? measureOne(process.argv[one + 1]) : main()).catch((error) => {
  console.error(error);
  process.exit(1);
});
