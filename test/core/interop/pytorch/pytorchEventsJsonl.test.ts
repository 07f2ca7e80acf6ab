import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PayloadIssues } from '../../../../src/core/dashboard/payloadReader';
import { readTrainingEvents } from '../../../../src/core/dashboard/trainingEventValidation';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { loadDataset } from '../../../../src/core/data/loadDataset';
import type { RunStartedEvent, TrainingEvent } from '../../../../src/core/engine/trainingEvents';
import { exportToTemp, jsonLines, loadExample, runPython, skipReason, torchPython } from './pytorchHarness';

describe('exported PyTorch script: --events-jsonl', { skip: skipReason() }, () => {
  it('prints only training events on stdout, each one valid, in the engine\'s order', () => {
    const { script, dir } = exportToTemp('examples/mnist-mlp.train.json', (config) => {
      config.data.trainSize = 640;
      config.data.validationSize = 200;
    });
    const run = runPython([script, '--events-jsonl', '--epochs', '2', '--threads', '1'], { cwd: dir });
    assert.equal(run.status, 0, run.stderr);
    const lines = jsonLines(run.stdout);
    const issues = new PayloadIssues();
    const events: TrainingEvent[] = readTrainingEvents(lines, 'stdout', issues);
    assert.equal(issues.count, 0, JSON.stringify(issues.notes));
    assert.equal(events.length, lines.length);
    assert.deepEqual(events.map((e) => e), lines, 'validation changes nothing');

    const started = events[0];
    assert.ok(started.type === 'run-started');
    assert.equal(started.trainExamples, 640);
    assert.equal(started.validationExamples, 200);
    assert.equal(started.stepsPerEpoch, 10);
    assert.equal(started.statsEvery, 10);
    assert.deepEqual(started.layers.map((l) => [l.name, l.activation, l.params]), [['0:dense', 'relu', 200960], ['1:dropout', 'none', 0], ['2:dense', 'softmax', 2570]]);
    const ended = events[events.length - 1];
    assert.ok(ended.type === 'run-ended');
    assert.equal(ended.status, 'completed');
    assert.equal(ended.steps, 20);
    assert.deepEqual(ended.findings, []);

    const steps = events.filter((e) => e.type === 'step');
    assert.deepEqual(steps.map((e) => e.step), Array.from({ length: 20 }, (_, i) => i));
    const samples = events.filter((e) => e.type === 'layer-stats');
    assert.deepEqual(samples.map((e) => e.step), [0, 10]);
    const dense = samples[0].type === 'layer-stats' ? samples[0].layers[0] : undefined;
    assert.ok(dense?.activation.zeroFraction !== undefined && dense.activation.deadFraction !== undefined, 'relu layers report zero and dead fractions');
    assert.ok(dense?.weights && dense.gradNorm! > 0 && dense.updateRatio! > 0);
    const epochs = events.filter((e) => e.type === 'epoch-end');
    assert.equal(epochs.length, 2);
    assert.ok(epochs.every((e) => e.type === 'epoch-end' && e.valLoss !== undefined && e.valMetrics.accuracy !== undefined));
    assert.match(run.stderr, /epoch 2\/2/, 'people read stderr');
  });
});

describe('exported PyTorch script: a log folder that cannot be made', { skip: skipReason() }, () => {
  it('ends the run as failed on stdout, saying why, without a stack trace', () => {
    const { script, dir } = exportToTemp('examples/spirals-mlp.train.json');
    const run = runPython([script, '--events-jsonl', '--logdir', '/dev/null/runs'], { cwd: dir });
    assert.equal(run.status, 1);
    const events = readTrainingEvents(jsonLines(run.stdout), 'stdout', new PayloadIssues());
    assert.deepEqual(events.map((e) => e.type), ['log', 'run-ended']);
    const ended = events[1];
    assert.ok(ended.type === 'run-ended' && ended.status === 'failed');
    assert.match(ended.reason ?? '', /cannot make the log folder \/dev\/null\/runs \(Not a directory\)/);
    assert.doesNotMatch(run.stderr, /Traceback/);
  });
});

describe('exported PyTorch script: the data', { skip: skipReason() }, () => {
  for (const example of ['examples/mnist-mlp.train.json', 'examples/houses-regression.train.json', 'examples/spirals-mlp.train.json']) {
    it(`splits and measures ${example.split('/').pop()} as the engine does (same examples, same raw input statistics)`, async () => {
      const { script, dir, config } = exportToTemp(example);
      const run = runPython([script, '--events-jsonl', '--epochs', '0'], { cwd: dir });
      assert.equal(run.status, 0, run.stderr);
      const started = jsonLines(run.stdout)[0] as RunStartedEvent;
      const ours = await loadDataset(config.data, config.seed, path.dirname(loadExample(example).file));
      assert.equal(started.dataset, ours.source);
      assert.equal(started.trainExamples, ours.train.count);
      assert.equal(started.validationExamples, ours.validation.count);
      const { labelCounts, nearConstantFeatures, ...measured } = started.inputStats;
      assert.deepEqual(labelCounts, ours.rawInputStats.labelCounts, 'the same examples in the training split');
      assert.equal(nearConstantFeatures, ours.rawInputStats.nearConstantFeatures);
      for (const [key, value] of Object.entries(measured)) {
        const expected = ours.rawInputStats[key as keyof typeof measured];
        assert.ok(typeof value === 'number' && typeof expected === 'number', `${key}: script ${JSON.stringify(value)}, engine ${JSON.stringify(expected)}`);
        assert.ok(Math.abs(value - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${key}: script ${value}, engine ${expected}`);
      }
    });
  }
});

/** Whether the torch Python multiplies matrices with OpenBLAS (Debian's python3-torch does). */
function usesOpenblas(): boolean {
  const probe = 'import torch; torch.mm(torch.ones(8, 8), torch.ones(8, 8)); print(any("openblas" in l.lower() for l in open("/proc/self/maps")))';
  return spawnSync(torchPython()!, ['-c', probe], { encoding: 'utf8' }).stdout.trim() === 'True';
}

describe('exported PyTorch script: threads', { skip: skipReason() }, () => {
  const backendDetail = (args: string[]): string => {
    const { script, dir } = exportToTemp('examples/spirals-mlp.train.json', (config) => { config.training.epochs = 1; });
    // OpenBLAS starts with the thread count of its environment, whatever torch.set_num_threads says.
    const run = runPython([script, '--events-jsonl', ...args], { cwd: dir, env: { OPENBLAS_NUM_THREADS: '2' } });
    assert.equal(run.status, 0, run.stderr);
    const started = jsonLines(run.stdout)[0] as RunStartedEvent;
    return started.backendDetail ?? '';
  };

  it('--threads N caps OpenBLAS too, and the backend detail says when OpenBLAS runs more threads than torch', { skip: process.platform !== 'linux' && 'OpenBLAS is found through /proc/self/maps' }, (t) => {
    assert.match(backendDetail(['--threads', '1']), /, 1 thread$/);
    if (!usesOpenblas()) return t.skip('this torch does not use OpenBLAS');
    assert.match(backendDetail([]), /, 1 thread \(OpenBLAS 2\)$/);
  });
});
