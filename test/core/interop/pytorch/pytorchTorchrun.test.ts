import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { runWatch } from '../../../../src/cli/commands/watchCommand';
import type { TrainConfig } from '../../../../src/core/config/trainConfig';
import { readRun } from '../../../../src/core/engine/runFolderReader';
import { train } from '../../engine/engineFixtures';
import { exportToTemp, loadExample, runPython, skipReason } from './pytorchHarness';

const BROKEN = 'examples/broken/deep-tanh-tiny-init.train.json';
const smaller = (config: TrainConfig) => {
  config.data.trainSize = 1600;
  config.data.validationSize = 400;
  config.training.epochs = 1;
};

/** `training-doctor watch <dir> --once --json`: the findings it reports, as "rule@layer" (the latest version of each). */
async function watchedFindings(dir: string): Promise<string[]> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  stderr.resume();
  const code = await runWatch({ logdir: dir, flags: { once: true, json: true }, stdout, stderr });
  assert.ok(code === 0 || code === 1, `watch exit ${code}`);
  const latest = new Map<string, string>();
  for (const line of out.split('\n').filter((l) => l.length > 0)) {
    const event = JSON.parse(line) as { type: string; finding?: { id?: string; rule: string; layer?: number; state?: string } };
    if (event.type === 'finding' && event.finding) latest.set(event.finding.id ?? event.finding.rule, `${event.finding.rule}@${event.finding.layer ?? '-'}${event.finding.state === 'resolved' ? ' (resolved)' : ''}`);
  }
  return [...latest.values()].sort();
}

describe('exported PyTorch script under torchrun', { skip: skipReason() }, () => {
  it('trains on 2 processes (gloo) into a run folder whose watch shows the findings of our own engine\'s run', async () => {
    const { script, dir } = exportToTemp(BROKEN, smaller);
    const logdir = path.join(dir, 'runs');
    const started = Date.now();
    // --redirects 2 --tee 2: Debian's torch 1.13 on Python 3.11 cannot parse the default "0" (an
    // IntFlag change); this keeps stdout as it is and shows stderr prefixed by rank.
    const run = runPython(['-m', 'torch.distributed.run', '--standalone', '--nproc_per_node', '2', '--redirects', '2', '--tee', '2',
      script, '--logdir', logdir, '--threads', '1'], { cwd: dir });
    const seconds = (Date.now() - started) / 1000;
    assert.equal(run.status, 0, run.stderr.slice(-3000));
    const [folder] = fs.readdirSync(logdir);
    const stored = readRun(path.join(logdir, folder));
    assert.equal(stored.record?.status, 'completed');
    assert.deepEqual(stored.issues, []);
    const started0 = stored.events[0];
    assert.ok(started0.type === 'run-started' && /2 processes, .*\(DistributedDataParallel, gloo\)/.test(started0.backendDetail), JSON.stringify(started0).slice(0, 300));
    assert.equal(stored.events.filter((e) => e.type === 'epoch-end').length, 1, 'rank 0 alone logs');

    const ours = path.join(dir, 'engine-runs');
    const { config } = loadExample(BROKEN);
    smaller(config);
    await train(config, { runsDir: ours, configText: fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', BROKEN), 'utf8') });

    const fromTorch = await watchedFindings(logdir);
    const fromEngine = await watchedFindings(ours);
    console.log(`torchrun --nproc_per_node 2: ${seconds.toFixed(1)} s; findings: PyTorch ${fromTorch.join(', ')}; engine ${fromEngine.join(', ')}`);
    assert.ok(fromEngine.some((f) => f.startsWith('grad.vanishing')) && fromEngine.some((f) => f.startsWith('init.vanishing-activations')), fromEngine.join(', '));
    assert.deepEqual(fromTorch, fromEngine);
  });
});
