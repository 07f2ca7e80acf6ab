// Resource bombs through the built command: lint refuses them with located errors in moments, and
// a probe on a backend that cannot hold the model (wasm for "auto") is refused before allocating.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, removeDir, runCli, show, tempDir } from './cliTestHelpers';

const LOCATED = /^(.+):(\d+):(\d+): error (memory\.[a-z-]+): (.+)$/m;

function writeConfig(dir: string, name: string, config: object): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

describe('training-doctor and the memory budget', () => {
  let dir: string;
  before(() => {
    assertBuilt();
    dir = tempDir('memory');
  });
  after(() => removeDir(dir));

  it('lint: "samples": 1e9 is memory.data-over-budget at its line, exit 1', async () => {
    const file = writeConfig(dir, 'billion.train.json', {
      data: { dataset: { synthetic: 'spirals', samples: 1e9 } },
      model: { input: [2], layers: [{ type: 'dense', units: 2, activation: 'softmax' }] },
      training: { epochs: 1, optimizer: { type: 'adam' } },
    });
    const result = await runCli(['lint', file], { cwd: dir });
    assert.equal(result.code, 1, show(result));
    const m = LOCATED.exec(result.stdout);
    assert.ok(m, show(result));
    assert.equal(m[4], 'memory.data-over-budget');
    assert.match(fs.readFileSync(file, 'utf8').split('\n')[Number(m[2]) - 1], /"samples": 1000000000/);
  });

  /** An MNIST CNN with 1,024 filters per conv layer: fine natively at batch 128, too big for wasm. */
  const wideConv = () => writeConfig(dir, 'wide-conv.train.json', {
    data: { dataset: 'mnist', shape: 'image' },
    model: { input: [28, 28, 1], layers: [
      { type: 'conv2d', filters: 1024, kernelSize: 3, activation: 'relu' },
      { type: 'conv2d', filters: 1024, kernelSize: 3, activation: 'relu' },
      { type: 'flatten' }, { type: 'dense', units: 10, activation: 'softmax' },
    ] },
    training: { epochs: 1, batchSize: 128, optimizer: { type: 'adam' } },
  });

  it('probe --backend wasm: 1,024-filter convolutions are refused before allocating (exit 2, located, no stack trace)', async () => {
    const file = wideConv();
    const lint = await runCli(['lint', file], { cwd: dir });
    assert.doesNotMatch(lint.stdout, /memory\./, 'the config passes lint: its own backend ("auto") may be native');
    const result = await runCli(['probe', file, '--backend', 'wasm', '--batch', '256'], { cwd: dir, timeoutMs: 60_000 });
    assert.equal(result.code, 2, show(result));
    const m = LOCATED.exec(result.stderr);
    assert.ok(m, show(result));
    assert.equal(m[4], 'memory.model-over-budget');
    assert.match(m[5], /for a probe of 256 examples/);
    assert.match(m[5], /on the WebAssembly backend/);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  });

  it('train --backend wasm: refused the same way, located, before a run folder is made', async () => {
    const file = wideConv();
    const out = path.join(dir, 'runs');
    const result = await runCli(['train', file, '--backend', 'wasm', '--out', out], { cwd: dir, timeoutMs: 60_000 });
    assert.equal(result.code, 2, show(result));
    const m = LOCATED.exec(result.stderr);
    assert.ok(m, show(result));
    assert.equal(m[4], 'memory.model-over-budget');
    assert.match(m[5], /to train at batch size 128/);
    assert.ok(!fs.existsSync(out) || fs.readdirSync(out).length === 0, 'no run folder');
  });
});
