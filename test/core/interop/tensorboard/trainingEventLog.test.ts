// Our runs as TensorBoard event files: the training events written by TrainingEventLog, walked
// record by record (framing and checksums) and read back by our reader and watcher.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TrainingEvent } from '../../../../src/core/engine/trainingEvents';
import { EventFileTail } from '../../../../src/core/interop/tensorboard/eventFileTail';
import { TensorboardWatcher } from '../../../../src/core/interop/tensorboard/tensorboardWatcher';
import { layerGroup, TrainingEventLog } from '../../../../src/core/interop/tensorboard/trainingEventLog';
import { maskedCrc32c } from '../../../../src/core/interop/tensorboard/tfRecordFraming';
import { tempLogdir } from './tensorboardFixtures';

const root = tempLogdir('tblog');
after(root.cleanup);

function runEvents(runDir: string): TrainingEvent[] {
  const events: TrainingEvent[] = [{
    type: 'run-started', runId: 'r1', runDir, configName: 'demo', backend: 'cpu', backendDetail: 'cpu', dataset: 'blobs',
    trainExamples: 100, validationExamples: 20, epochs: 2, stepsPerEpoch: 3, batchSize: 32, statsEvery: 3, layers: [],
    inputStats: { mean: 0, std: 1, min: -1, max: 1, featureMeanAbsMax: 0, featureStdMin: 1, featureStdMax: 1 }, startedAt: new Date(0).toISOString(),
  }];
  for (let step = 0; step < 6; step++) {
    const epoch = Math.floor(step / 3);
    events.push({ type: 'step', step, epoch, loss: 1 / (step + 1), gradNorm: 0.5, learningRate: 0.01, metrics: { accuracy: step / 10 } });
    if (step % 3 === 0) {
      events.push({
        type: 'layer-stats', step, epoch, gradNorm: 0.5, layers: [
          { index: 0, name: 'dense', type: 'dense', activation: { mean: 0.3, std: 0.5, zeroFraction: 0.4 }, weights: { mean: 0, std: 0.1 }, gradNorm: 0.4, updateRatio: 1e-3 },
          { index: 1, name: 'dense_1', type: 'dense', activation: { mean: 0.1, std: 0.2 }, weights: { mean: 0, std: 0.2 }, gradNorm: 0.3 },
        ],
      });
    }
    if (step % 3 === 2) {
      events.push({ type: 'epoch-end', epoch, step, loss: 1 / (step + 1), metrics: { accuracy: 0.5 }, valLoss: 2 / (step + 1), valMetrics: { accuracy: 0.4 }, learningRate: 0.01, durationMs: 10 });
    }
  }
  events.push({ type: 'run-ended', status: 'completed', epochsCompleted: 2, steps: 6, durationMs: 100, final: { metrics: {}, valMetrics: {} }, findings: [] });
  return events;
}

describe('TrainingEventLog', () => {
  it('writes a run as an event file whose every record frames and checks out', async () => {
    const runDir = path.join(root.dir, 'run-a');
    fs.mkdirSync(runDir);
    const log = new TrainingEventLog(() => 1_700_000_000_000);
    for (const event of runEvents(runDir)) assert.equal(log.append(event), undefined);
    const [file] = fs.readdirSync(runDir);
    assert.match(file, /^events\.out\.tfevents\.1700000000\./);
    // Walk the framing by hand: length, masked CRC of the length, data, masked CRC of the data.
    const bytes = fs.readFileSync(path.join(runDir, file));
    let offset = 0;
    let records = 0;
    while (offset < bytes.length) {
      const length = Number(bytes.readBigUInt64LE(offset));
      assert.equal(bytes.readUInt32LE(offset + 8), maskedCrc32c(bytes.subarray(offset, offset + 8)), `length CRC of record ${records}`);
      assert.equal(bytes.readUInt32LE(offset + 12 + length), maskedCrc32c(bytes.subarray(offset + 12, offset + 12 + length)), `data CRC of record ${records}`);
      offset += 16 + length;
      records++;
    }
    assert.equal(offset, bytes.length);
    // Header + 6 steps + 2 statistics samples + 2 epochs.
    assert.equal(records, 11);

    const read = await new EventFileTail(path.join(runDir, file)).readNew();
    const tags = new Map<string, [number, number][]>();
    for (const e of read.events) {
      if (e.type !== 'summary') continue;
      for (const entry of e.entries) if (entry.type === 'scalar') tags.set(entry.tag, [...(tags.get(entry.tag) ?? []), [e.step, entry.value]]);
    }
    assert.deepEqual(tags.get('train/loss')?.map(([s]) => s), [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(tags.get('epoch/val_loss'), [[0, Math.fround(2 / 3)], [1, Math.fround(2 / 6)]]);
    assert.deepEqual(tags.get('00_dense/zero_fraction'), [[0, Math.fround(0.4)], [3, Math.fround(0.4)]]);
    assert.equal(tags.get('01_dense_1/zero_fraction'), undefined, 'not measured, not written');
    assert.equal(layerGroup(12, '3:conv2d/relu'), '12_3_conv2d_relu');
    assert.ok(tags.has('train/grad_norm') && tags.has('train/learning_rate') && tags.has('train/accuracy') && tags.has('epoch/val_accuracy'));
  });

  it('reads back through the watcher as the run it was: steps, gradient norms, epochs with validation', async () => {
    const runDir = path.join(root.dir, 'run-b');
    fs.mkdirSync(runDir);
    const log = new TrainingEventLog(() => 1_700_000_000_000);
    for (const event of runEvents(runDir)) log.append(event);
    const watcher = new TensorboardWatcher(runDir);
    const result = await watcher.poll(true);
    const events = result.updates.flatMap((u) => u.events);
    const steps = events.filter((e) => e.type === 'step');
    assert.deepEqual(steps.map((s) => s.type === 'step' && [s.step, s.gradNorm, s.learningRate]), [0, 1, 2, 3, 4, 5].map((s) => [s, 0.5, Math.fround(0.01)]));
    const epochs = events.filter((e) => e.type === 'epoch-end');
    assert.deepEqual(epochs.map((e) => e.type === 'epoch-end' && [e.epoch, e.valLoss]), [[0, Math.fround(2 / 3)], [1, Math.fround(2 / 6)]]);
  });

  it('a write that fails is reported once and the log switches off', () => {
    const blocked = path.join(root.dir, 'not-a-folder');
    fs.writeFileSync(blocked, 'a file where the run folder should be');
    const log = new TrainingEventLog();
    const [started, step] = runEvents(blocked);
    assert.match(log.append(started) ?? '', /could not be written.*the run goes on without it/);
    assert.equal(log.append(step), undefined);
  });
});
