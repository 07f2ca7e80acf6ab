// A TensorBoard run reaches the dashboard through the same validated messages as our own runs.
// Its events have shapes our engine never produces: no learning rate logged (NaN), no gradient
// histograms (no gradient norm), a layer with weight histograms only (no activation statistics).
// None of it may cost the run its curves or its layers, whether the message arrives as objects
// or, as VS Code passes it to a webview, through JSON.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { readHostMessage } from '../../../src/core/dashboard/dashboardValidation';
import { PayloadIssues } from '../../../src/core/dashboard/payloadReader';
import { runDataFromEvents } from '../../../src/core/dashboard/runData';
import { histogramOf } from '../../../src/core/interop/tensorboard/eventEncoding';
import { TensorboardWatcher } from '../../../src/core/interop/tensorboard/tensorboardWatcher';
import type { TrainingEvent } from '../../../src/core/engine/trainingEvents';
import { spread, tempLogdir, writerAt } from '../interop/tensorboard/tensorboardFixtures';

const logs = tempLogdir('tb-payload');
after(logs.cleanup);

/** A PyTorch-style run that logs a loss and fc1's weights only: no lr, no gradients, no activations. */
async function sparseRunEvents(): Promise<TrainingEvent[]> {
  const writer = writerAt(logs.dir, 1_700_000_000);
  for (let step = 0; step < 12; step++) {
    writer.addScalars(step, { 'Loss/train': 1 / (step + 1) });
    writer.addHistograms(step, { 'fc1.weight': histogramOf(spread(256, 0, 0.1)) });
  }
  writer.close();
  const result = await new TensorboardWatcher(logs.dir).poll(true);
  return result.updates.flatMap((u) => u.events);
}

const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

test('the events of a TensorBoard run without learning rate, gradients or activations have the shapes in question', async () => {
  const events = await sparseRunEvents();
  const step = events.find((e) => e.type === 'step');
  const stats = events.find((e) => e.type === 'layer-stats');
  assert.ok(step && step.type === 'step' && Number.isNaN(step.learningRate) && step.gradNorm === undefined);
  assert.ok(stats && stats.type === 'layer-stats');
  assert.deepEqual(stats.layers[0].activation, {});
});

for (const [how, pass] of [['as objects', (v: unknown) => v], ['through JSON', viaJson]] as const) {
  test(`a snapshot of such a run keeps every step and every layer (${how})`, async () => {
    const events = await sparseRunEvents();
    const data = runDataFromEvents('tb-run', events);
    const issues = new PayloadIssues();
    const message = readHostMessage(pass({ type: 'snapshot', kind: 'panel', history: [], run: data }), issues);
    assert.deepEqual(issues.notes, []);
    assert.ok(message?.type === 'snapshot' && message.run);
    assert.equal(message.run.steps.step.length, data.steps.step.length);
    assert.ok(message.run.steps.step.length > 0);
    assert.equal(message.run.layerStats.length, data.layerStats.length);
    assert.ok(message.run.layerStats.length > 0);
    assert.deepEqual(message.run.layerStats.map((s) => s.layers.map((l) => l.name)), data.layerStats.map((s) => s.layers.map((l) => l.name)));
    // Not measured stays not measured: no made-up numbers, and not NaN, which says a run blew up.
    const layer = message.run.layerStats[0].layers[0];
    assert.deepEqual(layer.activation, {});
    assert.ok(layer.weights && Number.isFinite(layer.weights.std));
  });

  test(`appended events of such a run all arrive (${how})`, async () => {
    const events = await sparseRunEvents();
    const issues = new PayloadIssues();
    const message = readHostMessage(pass({ type: 'append', runId: 'tb-run', events }), issues);
    assert.deepEqual(issues.notes, []);
    assert.ok(message?.type === 'append');
    assert.deepEqual(message.events.map((e) => e.type), events.map((e) => e.type));
  });
}

test('a step without its loss is still refused: only what a framework may leave unlogged is optional', () => {
  const issues = new PayloadIssues();
  const message = readHostMessage({ type: 'append', runId: 'r', events: [{ type: 'step', step: 1, epoch: 0, gradNorm: 1, learningRate: 0.1, metrics: {} }] }, issues);
  assert.ok(message?.type === 'append');
  assert.equal(message.events.length, 0);
  assert.match(issues.notes.join(' '), /append\.events\[0\]\.loss/);
});

test('a history line with the status "unknown" (a TensorBoard run found, not read yet) passes without a note', () => {
  const issues = new PayloadIssues();
  const entry = { runId: 'tensorboard:/logs/exp1', configName: 'logs/exp1', status: 'unknown', startedAt: '2023-11-14T22:13:20.000Z', epochsCompleted: 0, findingCount: 0 };
  const message = readHostMessage({ type: 'history', history: [entry] }, issues);
  assert.deepEqual(issues.notes, []);
  assert.ok(message?.type === 'history');
  assert.equal(message.history[0].status, 'unknown');
});
