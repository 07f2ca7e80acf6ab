// Benchmark: start-up of the CLI with and without the data cache (src/core/data/dataCache.ts):
// `lint` of each example, and `train --epochs 1` of the MNIST MLP up to its first step and its
// first epoch line. Runs alternate cold (cache off) and warm (a cache filled by a first run) and
// report medians (min–max) of wall time and of the process' own CPU time, which a loaded machine
// disturbs less. Needs the bundles (npm run build).
//   npm run bench -- startup [--long]
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const rounds = process.argv.includes('--long') || process.env.BENCH_LONG === '1' ? 7 : 3;
const cli = path.join(root, 'bin', 'training-doctor.js');
const lintConfigs = ['examples/mnist-mlp.train.json', 'examples/mnist-cnn.train.json', 'examples/seeds/mlp4096-relu-kaiming.train.json', 'examples/houses-regression.train.json'];
const trainConfig = 'examples/mnist-mlp.train.json';

interface Timing { wallMs: number; cpuMs: number; marks: Record<string, number> }

/** Runs the CLI; `marks`: ms from spawn to the first JSON event of each type on stdout. */
function runCli(args: string[], cache: string): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // The child reports its own CPU time as it exits (a preloaded hook), on stderr's last line.
    const hook = `process.on('exit',()=>{const u=process.cpuUsage();process.stderr.write('\\ncpu-us '+(u.user+u.system)+'\\n')})`;
    const child = spawn(process.execPath, ['--eval', `${hook};process.argv.splice(1,0,${JSON.stringify(cli)});require(${JSON.stringify(cli)})`, '--', ...args], {
      cwd: root, env: { ...process.env, TRAINING_DOCTOR_CACHE: cache },
    });
    const marks: Record<string, number> = {};
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      let newline: number;
      while ((newline = stdout.indexOf('\n')) >= 0) {
        const line = stdout.slice(0, newline);
        stdout = stdout.slice(newline + 1);
        const type = /^\{"type":"([a-z-]+)"/.exec(line)?.[1];
        if (type && marks[type] === undefined) marks[type] = performance.now() - started;
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const cpu = /cpu-us (\d+)\s*$/.exec(stderr);
      if (!cpu) return reject(new Error(`no CPU report from ${args.join(' ')}: ${stderr.slice(-400)}`));
      resolve({ wallMs: performance.now() - started, cpuMs: Number(cpu[1]) / 1000, marks });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cell = (xs: number[]) => `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;

(async () => {
  if (!fs.existsSync(path.join(root, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: npm run build first');
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'td-bench-cache-'));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'td-bench-runs-'));
  try {
    console.log(`${rounds} rounds, cold (cache off) and warm alternating; ms, median (min–max)`);
    console.log(`${'lint'.padEnd(44)}${'cold wall'.padEnd(20)}${'warm wall'.padEnd(20)}${'cold CPU'.padEnd(20)}warm CPU`);
    for (const config of lintConfigs) {
      await runCli(['lint', config], cache); // fills the cache
      const cold: Timing[] = [];
      const warm: Timing[] = [];
      for (let round = 0; round < rounds; round++) {
        cold.push(await runCli(['lint', config], 'off'));
        warm.push(await runCli(['lint', config], cache));
      }
      console.log(`${path.basename(config).padEnd(44)}${cell(cold.map((t) => t.wallMs)).padEnd(20)}${cell(warm.map((t) => t.wallMs)).padEnd(20)}${cell(cold.map((t) => t.cpuMs)).padEnd(20)}${cell(warm.map((t) => t.cpuMs))}`);
    }
    const train = ['train', trainConfig, '--epochs', '1', '--json', '--out', out];
    await runCli(train, cache);
    const cold: Timing[] = [];
    const warm: Timing[] = [];
    for (let round = 0; round < rounds; round++) {
      cold.push(await runCli(train, 'off'));
      warm.push(await runCli(train, cache));
    }
    console.log(`\ntrain ${path.basename(trainConfig)} --epochs 1: ms from start`);
    for (const mark of ['run-started', 'step', 'epoch-end']) {
      console.log(`  first ${mark.padEnd(12)} cold ${cell(cold.map((t) => t.marks[mark])).padEnd(20)} warm ${cell(warm.map((t) => t.marks[mark]))}`);
    }
    console.log(`  whole run, CPU    cold ${cell(cold.map((t) => t.cpuMs)).padEnd(20)} warm ${cell(warm.map((t) => t.cpuMs))}`);
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
    fs.rmSync(out, { recursive: true, force: true });
  }
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
