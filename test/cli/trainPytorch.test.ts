// `training-doctor train --backend pytorch`: the exported script run under a Python with torch
// (Debian's python3-torch here; these tests skip, saying why, where there is none), recorded and
// diagnosed like our own engine's runs; cancel keeps the events; no Python is one clear message.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { readRun } from '../../src/core/engine/runFolderReader';
import type { RunEndedEvent, RunStartedEvent } from '../../src/core/engine/trainingEvents';
import { noTorchReason } from '../core/pytorchBackend/torchAvailability';
import { EXAMPLES, jsonLines, runCli, runFolders, show, suiteWorkspaces } from './cliTestHelpers';

const skipWithoutTorch = noTorchReason();

describe('training-doctor train --backend pytorch', () => {
  const workspace = suiteWorkspaces('train-pytorch');

  it('a Python that cannot import torch: exit 1, one message naming it and the fixes, no stack trace, no run', async () => {
    const cwd = workspace('no-python');
    const missing = path.join(cwd, 'no-such-python');
    const result = await runCli(['train', path.join(EXAMPLES, 'spirals-mlp.train.json'), '--backend', 'pytorch', '--python', missing], { cwd });
    assert.equal(result.code, 1, show(result));
    assert.match(result.stderr, new RegExp(`^training-doctor: The pytorch backend needs a Python that can import torch; the one named by --python cannot: ${missing.replace(/[/.]/g, '\\$&')}: not found\\. `));
    assert.match(result.stderr, /-m pip install torch.*trainingDoctor\.pythonPath.*TRAINING_DOCTOR_PYTHON/);
    assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
    assert.deepEqual(runFolders(path.join(cwd, '.training-doctor', 'runs')), [], 'no run folder');
  });

  it('an unknown backend is a usage error that lists pytorch', async () => {
    const result = await runCli(['train', path.join(EXAMPLES, 'spirals-mlp.train.json'), '--backend', 'jax'], { cwd: workspace('bad-backend') });
    assert.equal(result.code, 2, show(result));
    assert.match(result.stderr, /--backend must be auto, tensorflow, wasm, cpu or pytorch, not "jax"/);
  });

  it('the MNIST MLP for one epoch: completes, its run folder reads like any other, the script that ran is in it', { skip: skipWithoutTorch }, async () => {
    const cwd = workspace('mnist');
    const result = await runCli(['train', path.join(EXAMPLES, 'mnist-mlp.train.json'), '--backend', 'pytorch', '--epochs', '1'], { cwd, timeoutMs: 300_000 });
    assert.equal(result.code, 0, show(result));
    assert.match(result.stdout, /^Training "mnist-mlp" on pytorch \(PyTorch \d\S* on (cpu|cuda), 1 process, \d+ threads?( \(OpenBLAS \d+\))?; \S*python\S*\)$/m, 'the torch version, device, threads (and OpenBLAS\'s where they differ) and the Python');
    const [folder] = runFolders(path.join(cwd, '.training-doctor', 'runs'));
    const stored = readRun(folder);
    assert.deepEqual(stored.issues, []);
    assert.equal(stored.record?.status, 'completed');
    assert.equal(stored.record?.backend, 'pytorch');
    assert.equal(stored.record?.steps, 125);
    const started = stored.events.find((e): e is RunStartedEvent => e.type === 'run-started');
    assert.equal(started?.backend, 'pytorch');
    assert.equal(stored.events.filter((e) => e.type === 'step').length, 125);
    assert.ok(stored.events.some((e) => e.type === 'layer-stats'), 'per-layer statistics were streamed');
    const ended = stored.events.at(-1) as RunEndedEvent;
    assert.equal(ended.type, 'run-ended');
    assert.ok((ended.final.valMetrics.accuracy ?? 0) > 0.8, `validation accuracy after one epoch: ${ended.final.valMetrics.accuracy}`);
    assert.ok(fs.existsSync(path.join(folder, 'train_mnist_mlp.py')), 'the script is in the run folder');
    const watched = await runCli(['watch', folder, '--once'], { cwd });
    assert.equal(watched.code, 0, show(watched));
    assert.match(watched.stdout, /^Run \S+ \(Training Doctor run folder, completed\): \d+ events$/m, 'watch reads the run as it reads our own runs');
  });

  it('a broken example gives the same findings as on our own engine', { skip: skipWithoutTorch }, async () => {
    const config = path.join(EXAMPLES, 'broken', 'deep-tanh-tiny-init.train.json');
    const findingIds = async (backend: string) => {
      const result = await runCli(['train', config, '--backend', backend, '--epochs', '1', '--json'], { cwd: workspace(`broken-${backend}`), timeoutMs: 300_000 });
      assert.equal(result.code, 0, show(result));
      const ended = (jsonLines(result.stdout) as Array<{ type: string }>).find((e): e is RunEndedEvent => e.type === 'run-ended');
      assert.ok(ended, show(result));
      return ended.findings.map((f) => `${f.id} ${f.state ?? 'open'}`).sort();
    };
    const pytorch = await findingIds('pytorch');
    assert.ok(pytorch.includes('grad.vanishing#1 open'), `the vanishing gradients are found: ${pytorch.join(', ')}`);
    assert.deepEqual(pytorch, await findingIds('wasm'));
  });

  it('Ctrl+C mid-run: the script stops after its step, exit 130, the run cancelled with its events kept', { skip: skipWithoutTorch }, async () => {
    const cwd = workspace('cancel');
    let signalled = false;
    const result = await runCli(['train', path.join(EXAMPLES, 'mnist-mlp.train.json'), '--backend', 'pytorch', '--json'], {
      cwd,
      timeoutMs: 300_000,
      onStdout: (soFar, child) => {
        if (!signalled && /"type":"step","step":20,/.test(soFar)) {
          signalled = true;
          child.kill('SIGINT');
        }
      },
    });
    assert.ok(signalled, show(result));
    assert.equal(result.code, 130, show(result));
    const [folder] = runFolders(path.join(cwd, '.training-doctor', 'runs'));
    const stored = readRun(folder);
    assert.equal(stored.record?.status, 'cancelled');
    const steps = stored.events.filter((e) => e.type === 'step').length;
    assert.ok(steps >= 21 && steps < 1250, `steps kept: ${steps}`);
    const ended = stored.events.at(-1) as RunEndedEvent;
    assert.equal(ended.status, 'cancelled');
    assert.equal(ended.reason, 'Cancelled by the user.');
  });
});
