// Our runs as TensorBoard event files: the training events written by TrainingEventLog, walked
// record by record (framing and checksums) and read back by our reader and watcher.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TrainingEvent } from '../../../../src/core/engine/trainingEvents';
import { EventFileTail } from '../../../../src/core/interop/tensorboard/eventFileTail';
import { TensorboardWatcher } from '../../../../src/core/interop/tensorboard/tensorboardWatcher';
import { histogramData, layerGroup, TrainingEventLog } from '../../../../src/core/interop/tensorboard/trainingEventLog';
import type { LayerHistogram } from '../../../../src/core/engine/layerHistograms';
import type { LayerStatsEvent } from '../../../../src/core/engine/trainingEvents';
import { maskedCrc32c } from '../../../../src/core/interop/tensorboard/tfRecordFraming';
import { tempLogdir } from './tensorboardFixtures';

const root = tempLogdir('tblog');
after(root.cleanup);

/** A layer histogram of these values over 30 equal buckets, as the engine reads it back. */
function layerHistogram(values: number[]): LayerHistogram {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const counts = new Array(30).fill(0);
  for (const v of values) counts[Math.min(29, Math.floor(((v - min) / (max - min)) * 30))]++;
  return { min, max, count: values.length, sum: values.reduce((a, b) => a + b, 0), sumSquares: values.reduce((a, b) => a + b * b, 0), counts };
}

const spread = (n: number, center: number, width: number, shift = 0) => Array.from({ length: n }, (_, i) => center + width * Math.sin(i * 1.7 + shift));

/** Statistics samples as the engine emits them, histograms included, with moments that match the histograms. */
function sampleWithHistograms(step: number): LayerStatsEvent {
  const relu = spread(320, 0.2, 0.6, step).map((v) => Math.max(0, v));
  const tanh = spread(96, 0, 0.999, step);
  const kernel = spread(128, 0, 0.1, step);
  const gradients = spread(144, 0, 0.01 * (step + 1), step);
  const moments = (h: LayerHistogram) => ({ mean: h.sum / h.count, std: Math.sqrt(h.sumSquares / h.count - (h.sum / h.count) ** 2) });
  const layer = (index: number, name: string, activation: number[], extra: object) => {
    // The activation histogram counts the first examples of the batch only; the moments are the whole batch's.
    const histograms = { activation: layerHistogram(activation.slice(0, activation.length / 2)), weights: layerHistogram(kernel), gradients: layerHistogram(gradients) };
    return {
      index, name, type: 'dense', activation: { ...moments(layerHistogram(activation)), ...extra },
      weights: moments(histograms.weights), gradNorm: Math.sqrt(histograms.gradients.sumSquares), updateRatio: 1e-3 * (step + 1), histograms,
    };
  };
  return {
    type: 'layer-stats', step, epoch: 0, gradNorm: 1,
    layers: [
      layer(0, '0:dense', relu, { zeroFraction: relu.filter((v) => v === 0).length / relu.length, deadFraction: 0.125 }),
      layer(1, '1:dense', tanh, { saturatedFraction: tanh.filter((v) => Math.abs(v) > 0.99).length / tanh.length }),
    ],
  };
}

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

  it('writes per-layer histograms as HistogramProto under the layer\'s group, read back bucket for bucket', async () => {
    const runDir = path.join(root.dir, 'run-h');
    fs.mkdirSync(runDir);
    const log = new TrainingEventLog(() => 1_700_000_000_000);
    const events = runEvents(runDir).map((e) => (e.type === 'layer-stats' ? sampleWithHistograms(e.step) : e));
    for (const event of events) assert.equal(log.append(event), undefined);
    const [file] = fs.readdirSync(runDir);
    const read = await new EventFileTail(path.join(runDir, file)).readNew();
    const histograms = new Map<string, unknown[]>();
    for (const e of read.events) {
      if (e.type !== 'summary') continue;
      for (const entry of e.entries) if (entry.type === 'histogram') histograms.set(entry.tag, [...(histograms.get(entry.tag) ?? []), [e.step, entry.histogram]]);
    }
    assert.deepEqual([...histograms.keys()], ['00_0_dense/activations', '00_0_dense/weights', '00_0_dense/gradients', '01_1_dense/activations', '01_1_dense/weights', '01_1_dense/gradients']);
    const samples = events.filter((e): e is LayerStatsEvent => e.type === 'layer-stats');
    assert.deepEqual(histograms.get('01_1_dense/gradients'), samples.map((s) => [s.step, histogramData(s.layers[1].histograms!.gradients!)]));
    assert.deepEqual(histograms.get('00_0_dense/activations'), samples.map((s) => [s.step, histogramData(s.layers[0].histograms!.activation!)]));
  });

  it('reads back through the watcher with the same per-layer statistics as the run measured', async () => {
    const runDir = path.join(root.dir, 'run-s');
    fs.mkdirSync(runDir);
    const log = new TrainingEventLog(() => 1_700_000_000_000);
    const events = runEvents(runDir).map((e) => (e.type === 'layer-stats' ? sampleWithHistograms(e.step) : e));
    for (const event of events) log.append(event);
    const watcher = new TensorboardWatcher(runDir);
    const result = await watcher.poll(true);
    const read = result.updates.flatMap((u) => u.events).filter((e): e is LayerStatsEvent => e.type === 'layer-stats');
    const written = events.filter((e): e is LayerStatsEvent => e.type === 'layer-stats');
    assert.deepEqual(read.map((e) => e.step), written.map((e) => e.step));
    const close = (a: number | undefined, b: number | undefined, what: string) =>
      assert.ok(a !== undefined && b !== undefined && Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)), `${what}: read ${a}, written ${b}`);
    read.forEach((sample, s) => sample.layers.forEach((layer, i) => {
      const original = written[s].layers[i];
      const at = `step ${sample.step} layer ${i}`;
      assert.equal(layer.name, ['0_dense', '1_dense'][i], at);
      close(layer.activation.mean, original.activation.mean, `${at} activation mean`);
      close(layer.activation.std, original.activation.std, `${at} activation std`);
      close(layer.weights?.mean, original.weights!.mean, `${at} weight mean`);
      close(layer.weights?.std, original.weights!.std, `${at} weight std`);
      close(layer.gradNorm, original.gradNorm, `${at} gradient norm`);
      close(layer.updateRatio, original.updateRatio, `${at} update ratio`);
      // Fractions come back exactly from their scalars, not as bounds from the buckets.
      for (const key of ['zeroFraction', 'deadFraction', 'saturatedFraction'] as const) {
        if (original.activation[key] === undefined) assert.equal(layer.activation[key], undefined, `${at} ${key}`);
        else close(layer.activation[key], original.activation[key], `${at} ${key}`);
      }
    }));
    // Update ratios come back too, so the rules that need them can judge our runs.
    const cannot = watcher.watchedRuns()[0].rulesWithoutData.map((r) => r.rule);
    assert.ok(!cannot.includes('lr.too-low') && !cannot.includes('train.frozen-layer'), cannot.join(', '));
    // A layer's own gradient norm is never taken for the run's global one.
    const tags = watcher.watchedRuns()[0].mapped!.tags;
    assert.deepEqual(tags.filter((t) => t.role === 'global gradient norm').map((t) => t.tag), ['train/grad_norm']);
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
