// Every run with a run folder also writes a TensorBoard event file there; reading it back gives
// the run's losses, statistics and epochs.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EventFileTail } from '../../../src/core/interop/tensorboard/eventFileTail';
import { layerGroup } from '../../../src/core/interop/tensorboard/trainingEventLog';
import { configFrom, gaussianConfig, tempDir, train } from './engineFixtures';

const root = tempDir('tbevents-run');
after(root.cleanup);

describe('the event file of a training run', () => {
  it('sits in the run folder and holds every step, the statistics samples and the epochs', async () => {
    let runDir = '';
    const result = await train(configFrom(gaussianConfig()), {
      workspaceDir: root.dir,
      onEvent: (event) => {
        if (event.type === 'run-started') runDir = event.runDir!;
      },
    });
    assert.equal(result.ended.status, 'completed', result.ended.reason);
    const files = fs.readdirSync(runDir).filter((f) => f.startsWith('events.out.tfevents.'));
    assert.equal(files.length, 1);
    const read = await new EventFileTail(path.join(runDir, files[0])).readNew();
    assert.deepEqual(read.issues, []);
    const byTag = new Map<string, number[]>();
    for (const e of read.events) {
      if (e.type !== 'summary') continue;
      for (const entry of e.entries) if (entry.type === 'scalar') byTag.set(entry.tag, [...(byTag.get(entry.tag) ?? []), e.step]);
    }
    assert.deepEqual(byTag.get('train/loss'), result.steps.map((s) => s.step));
    // Per-layer tags are grouped under the layer: `<index>_<name>/<statistic>`.
    const first = result.layerStats[0].layers[0];
    assert.deepEqual(byTag.get(`${layerGroup(first.index, first.name)}/grad_norm`), result.layerStats.map((s) => s.step));
    assert.match(layerGroup(first.index, first.name), /^\d\d_[A-Za-z0-9_.-]+$/);
    assert.deepEqual(byTag.get('epoch/val_loss'), [0, 1]);
    // Histograms of every layer's activations, weights and gradients on the statistics steps.
    const histogramSteps = new Map<string, number[]>();
    for (const e of read.events) {
      if (e.type !== 'summary') continue;
      for (const entry of e.entries) if (entry.type === 'histogram') histogramSteps.set(entry.tag, [...(histogramSteps.get(entry.tag) ?? []), e.step]);
    }
    const sampleSteps = result.layerStats.map((s) => s.step);
    for (const layer of result.layerStats[0].layers) {
      for (const kind of ['activations', 'weights', 'gradients']) assert.deepEqual(histogramSteps.get(`${layerGroup(layer.index, layer.name)}/${kind}`), sampleSteps, `${layer.name} ${kind}`);
    }
    const losses = read.events.flatMap((e) => (e.type === 'summary' ? e.entries.filter((x) => x.tag === 'train/loss') : []));
    assert.deepEqual(losses.map((x) => x.type === 'scalar' && x.value), result.steps.map((s) => Math.fround(s.loss)));
  });
});
