// Benchmark: what the per-layer statistics cost. Trains a few configs for a fixed number of
// steps with statistics every step, every 10 steps (the default) and never, and prints the
// throughput ratios. A script that prints ratios, not a timed test.
//   npm run bench -- statsOverhead      or      npx tsx scripts/bench/statsOverhead.ts [steps]
import * as path from 'node:path';
import { loadConfigFile } from '../../src/core/config/loadConfigFile';
import { loadDataset } from '../../src/core/data/loadDataset';
import { loadTensorflow } from '../../src/core/engine/tensorflowRuntime';
import { runTraining } from '../../src/core/engine/trainingSession';

const root = path.resolve(__dirname, '..', '..');
const steps = Number(process.argv[2] ?? 60);
const configs = ['examples/mnist-mlp.train.json', 'examples/mnist-cnn.train.json', 'examples/mnist-resnet.train.json'];

async function stepsPerSecond(file: string, every: number): Promise<number> {
  const loaded = await loadConfigFile(path.join(root, file));
  if (!loaded.config) throw new Error(`${file} is invalid`);
  const runtime = await loadTensorflow({ preference: 'auto', searchDirs: [root] });
  const config = { ...loaded.config, diagnostics: { ...loaded.config.diagnostics, every } };
  const data = await loadDataset(config.data, config.seed, loaded.baseDir);
  const abort = new AbortController();
  let started = 0;
  let counted = 0;
  await runTraining(config, {
    runtime, baseDir: loaded.baseDir, data, signal: abort.signal, epochs: 1000,
    onEvent: (event) => {
      if (event.type !== 'step') return;
      // The first steps include one-off set-up (kernel compilation, allocation): skip them.
      if (event.step === 5) started = performance.now();
      if (event.step > 5) counted++;
      if (counted >= steps) abort.abort();
    },
  });
  return counted / ((performance.now() - started) / 1000);
}

(async () => {
  const runtime = await loadTensorflow({ preference: 'auto', searchDirs: [root] });
  console.log(`backend: ${runtime.backend} (${runtime.detail}); ${steps} timed steps per measurement`);
  console.log('config                              no stats   every 10   every 1   overhead@10  overhead@1');
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const file of configs) {
    // Interleaved rounds and medians, so drift in machine load does not favour one setting.
    const samples: Record<'never' | 'ten' | 'one', number[]> = { never: [], ten: [], one: [] };
    for (let round = 0; round < 3; round++) {
      samples.never.push(await stepsPerSecond(file, 1e9));
      samples.ten.push(await stepsPerSecond(file, 10));
      samples.one.push(await stepsPerSecond(file, 1));
    }
    const [never, ten, one] = [median(samples.never), median(samples.ten), median(samples.one)];
    const pct = (x: number) => `${((never / x - 1) * 100).toFixed(1)}%`;
    console.log(`${path.basename(file).padEnd(36)}${never.toFixed(1).padStart(8)}/s ${ten.toFixed(1).padStart(8)}/s ${one.toFixed(1).padStart(7)}/s ${pct(ten).padStart(12)} ${pct(one).padStart(11)}`);
  }
})();
