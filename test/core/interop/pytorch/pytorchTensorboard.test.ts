import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { runWatch } from '../../../../src/cli/commands/watchCommand';
import { EventFileWriter } from '../../../../src/core/interop/tensorboard/eventFileWriter';
import { classifyTag } from '../../../../src/core/interop/tensorboard/tagMapping';
import { exportToTemp, runPython, skipReason } from './pytorchHarness';

const FAKE = path.join(__dirname, 'fixtures', 'fake-tensorboardX');

type Recorded =
  | { kind: 'scalar'; tag: string; value: number; step: number }
  | { kind: 'histogram'; tag: string; step: number; min: number; max: number; count: number; sum: number; sumSquares: number; buckets: [number, number, number][] };

function realWriterPresent(): boolean {
  return runPython(['-c', 'import torch.utils.tensorboard']).status === 0;
}

describe('exported PyTorch script: --logdir with a TensorBoard writer', { skip: skipReason() }, () => {
  it('logs tags that Training Doctor\'s TensorBoard reader maps, and watch reads them', async (t) => {
    if (realWriterPresent()) {
      t.skip('this Python has the real tensorboard package, which the script prefers to the stand-in');
      return;
    }
    const { script, dir } = exportToTemp('examples/broken/deep-tanh-tiny-init.train.json', (config) => {
      config.data.trainSize = 1600;
      config.data.validationSize = 400;
      config.training.epochs = 1;
    });
    const logdir = path.join(dir, 'runs');
    const run = runPython([script, '--logdir', logdir, '--threads', '1'], { cwd: dir, env: { PYTHONPATH: FAKE } });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /TensorBoard event files/);
    const [folder] = fs.readdirSync(logdir);
    const recorded = fs.readFileSync(path.join(logdir, folder, 'fake-writer.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Recorded);

    const roles = new Map<string, string>();
    for (const entry of recorded) {
      const role = classifyTag(entry.tag, entry.kind, 'train');
      roles.set(entry.tag, role.role === 'ignored' ? 'ignored' : JSON.stringify(role));
    }
    const mapped = (tag: string) => roles.get(tag);
    assert.equal(mapped('train/loss'), JSON.stringify({ role: 'loss', split: 'train' }));
    assert.equal(mapped('train/learning_rate'), JSON.stringify({ role: 'learning-rate' }));
    assert.equal(mapped('train/grad_norm'), JSON.stringify({ role: 'gradient-norm' }));
    assert.equal(mapped('epoch/val_loss'), JSON.stringify({ role: 'loss', split: 'validation', granularity: 'epoch' }));
    assert.equal(mapped('epoch/val_accuracy'), JSON.stringify({ role: 'metric', name: 'accuracy', split: 'validation', granularity: 'epoch' }));
    for (let i = 0; i < 7; i++) {
      // The engine's own group naming (03_dense_1): the reader gives back the layer's name.
      const group = `0${i}_${i}_dense`;
      assert.equal(mapped(`${group}/activations`), JSON.stringify({ role: 'activations', layer: `${i}_dense` }));
      assert.equal(mapped(`${group}/weights`), JSON.stringify({ role: 'weights', layer: `${i}_dense` }));
      assert.equal(mapped(`${group}/gradients`), JSON.stringify({ role: 'gradients', layer: `${i}_dense` }));
    }
    // Only the per-layer scalars (for people reading TensorBoard) are left to the histograms.
    const ignored = [...roles.entries()].filter(([, role]) => role === 'ignored').map(([tag]) => tag);
    assert.ok(ignored.every((tag) => /^\d\d_\d+_\w+\/(activation_mean|activation_std|saturated_fraction|weight_mean|weight_std|grad_norm|update_ratio)$/.test(tag)), ignored.join(', '));

    // The same values as a real event file (written by our own writer), read by watch.
    const events = path.join(dir, 'as-event-file');
    fs.mkdirSync(events);
    const writer = new EventFileWriter(events, 'legacy');
    for (const entry of recorded) {
      if (entry.kind === 'scalar') writer.addScalars(entry.step, { [entry.tag]: entry.value });
      else writer.addHistograms(entry.step, { [entry.tag]: { ...entry, buckets: entry.buckets.map(([left, right, count]) => ({ left, right, count })) } });
    }
    writer.close();
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    await runWatch({ logdir: events, flags: { once: true }, stdout, stderr: new PassThrough() });
    for (let i = 0; i < 7; i++) assert.match(out, new RegExp(`(^|[ ,])${i}_dense \\[weights, gradients, activations;`), out);
    assert.match(out, /train\/loss → loss; train\/learning_rate → learning rate; train\/grad_norm → global gradient norm/);
    assert.match(out, /epoch\/val_loss → validation loss \(epoch\)/);
  });
});
