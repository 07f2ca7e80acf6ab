// `training-doctor probe`: the documented JSON report (one entry per config layer) and the table.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, EXAMPLES, removeDir, runCli, show, tempDir, writeSpiralsConfig } from './cliTestHelpers';

// One of each kind of layer whose statistics differ: ReLU (zero fraction), tanh (saturated
// fraction), dropout (no weights, no gradient), a residual block (reports its output), softmax.
const LAYERS = [
  { type: 'dense', units: 16, activation: 'relu', kernelInitializer: 'heNormal' },
  { type: 'dense', units: 16, activation: 'tanh' },
  { type: 'dropout', rate: 0.1 },
  { type: 'residual', layers: [{ type: 'dense', units: 16, activation: 'relu' }, { type: 'dense', units: 16 }] },
  { type: 'dense', units: 2, activation: 'softmax' },
];
const TYPES = ['dense', 'dense', 'dropout', 'residual', 'dense'];

const isNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const isFraction = (v: unknown) => isNumber(v) && (v as number) >= 0 && (v as number) <= 1;

describe('training-doctor probe', () => {
  let dir: string;
  let config: string;
  before(() => {
    assertBuilt();
    dir = tempDir('probe');
    config = writeSpiralsConfig(dir, 'probe.train.json', { name: 'cli-probe', layers: LAYERS });
  });
  after(() => removeDir(dir));

  it('--json: the documented report, one entry per config layer, null where a statistic does not apply', async () => {
    const result = await runCli(['probe', config, '--json', '--backend', 'wasm'], { cwd: dir });
    assert.equal(result.code, 0, show(result));
    const report = JSON.parse(result.stdout);
    assert.equal(report.backend, 'wasm');
    assert.equal(report.batchSize, 256, 'the default batch');
    assert.ok(Array.isArray(report.findings));
    assert.ok(Array.isArray(report.layers));
    assert.equal(report.layers.length, LAYERS.length, 'one entry per layer of the config');

    report.layers.forEach((layer: Record<string, any>, k: number) => {
      const at = `layer ${k}`;
      assert.equal(layer.index, k, at);
      assert.equal(typeof layer.name, 'string', at);
      assert.equal(layer.type, TYPES[k], at);
      assert.ok(Array.isArray(layer.outputShape) && layer.outputShape.every(Number.isInteger), at);
      for (const key of ['mean', 'std', 'zeroFraction', 'saturatedFraction']) assert.ok(key in layer.activation, `${at}: activation.${key} present`);
      assert.ok(isNumber(layer.activation.mean) && isNumber(layer.activation.std) && layer.activation.std >= 0, `${at}: activation mean/std`);
      assert.ok('weights' in layer && 'gradNorm' in layer, `${at}: weights and gradNorm present (null when n/a)`);
    });
    const [relu, tanh, dropout, residual, softmax] = report.layers;
    assert.deepEqual(relu.outputShape, [16]);
    assert.deepEqual(residual.outputShape, [16]);
    assert.deepEqual(softmax.outputShape, [2]);
    // Zero fraction after ReLU, saturation after tanh, null elsewhere.
    assert.ok(isFraction(relu.activation.zeroFraction) && relu.activation.zeroFraction > 0, 'ReLU zeros');
    assert.equal(relu.activation.saturatedFraction, null);
    assert.ok(isFraction(tanh.activation.saturatedFraction), 'tanh saturation');
    assert.equal(tanh.activation.zeroFraction, null);
    assert.equal(softmax.activation.zeroFraction, null);
    assert.equal(softmax.activation.saturatedFraction, null);
    // The softmax outputs of 2 classes average exactly 1/2.
    assert.ok(Math.abs(softmax.activation.mean - 0.5) < 1e-5, `softmax mean ${softmax.activation.mean}`);
    // Weights and gradients where there are parameters, null for dropout.
    for (const layer of [relu, tanh, residual, softmax]) {
      assert.ok(isNumber(layer.weights?.mean) && isNumber(layer.weights?.std) && layer.weights.std > 0, `layer ${layer.index} weights`);
      assert.ok(isNumber(layer.gradNorm) && layer.gradNorm > 0, `layer ${layer.index} gradNorm`);
    }
    assert.equal(dropout.weights, null);
    assert.equal(dropout.gradNorm, null);
  });

  it('--batch 16 is the batch pushed through the model', async () => {
    const result = await runCli(['probe', config, '--json', '--batch', '16'], { cwd: dir });
    assert.equal(result.code, 0, show(result));
    const report = JSON.parse(result.stdout);
    assert.equal(report.batchSize, 16);
    assert.equal(report.layers.length, LAYERS.length);
  });

  it('the table: a header, then one row per layer with its index, type and output shape; findings after it', async () => {
    const result = await runCli(['probe', config], { cwd: dir });
    assert.equal(result.code, 0, show(result));
    const lines = result.stdout.split('\n');
    assert.match(lines[0], /^Probe of "cli-probe" at initialization on \w+/);
    const header = lines.findIndex((l) => /^#\s+layer\s+output\s+act mean\s+act std\s+zeros\s+saturated\s+weight std\s+grad norm$/.test(l));
    assert.ok(header > 0, `a table header:\n${result.stdout}`);
    assert.match(lines[header + 1], /^-[ -]+$/);
    const end = lines.indexOf('', header);
    const rows = lines.slice(header + 2, end);
    assert.equal(rows.length, LAYERS.length, `one row per layer:\n${result.stdout}`);
    rows.forEach((row, k) => {
      const cells = row.trim().split(/\s+/);
      assert.equal(cells[0], String(k));
      assert.equal(cells[1], TYPES[k]);
      assert.equal(cells[2], k === LAYERS.length - 1 ? '[2]' : '[16]');
    });
    assert.match(rows[0], /\d+\.\d%/, 'the ReLU row shows its zero fraction as a percentage');
    assert.match(lines.slice(end).join('\n'), /^\nFindings/);
  });

  it('an invalid config: exit 2, the problems located on stderr', async () => {
    const file = path.join(EXAMPLES, 'broken', 'dense-after-conv.train.json');
    const result = await runCli(['probe', file], { cwd: dir });
    assert.equal(result.code, 2, show(result));
    assert.match(result.stderr, /dense-after-conv\.train\.json:\d+:\d+: error shape\.dense-needs-flat: /);
  });

  it('--overfit-steps N: trains a copy on one batch and reports the check, with its loss curve, in the JSON and the table', async () => {
    const json = await runCli(['probe', config, '--json', '--backend', 'wasm', '--overfit-steps', '20'], { cwd: dir });
    assert.equal(json.code, 0, show(json));
    const check = JSON.parse(json.stdout).overfitBatch;
    assert.equal(check.steps, 20);
    assert.equal(check.examples, 32);
    for (const key of ['initialLoss', 'finalLoss', 'minLoss', 'fraction', 'durationMs']) assert.ok(isNumber(check[key]), key);
    assert.ok(check.curve.length >= 2 && check.curve.every((p: unknown[]) => p.length === 2 && p.every(isNumber)));
    const text = await runCli(['probe', config, '--backend', 'wasm', '--overfit-batch'], { cwd: dir });
    assert.equal(text.code, 0, show(text));
    assert.match(text.stdout, /One-batch overfit check: 32 examples, 100 steps, loss [\d.]+ → [\d.e-]+/);
    const plain = await runCli(['probe', config, '--json', '--backend', 'wasm'], { cwd: dir });
    assert.equal(JSON.parse(plain.stdout).overfitBatch, undefined, 'opt-in');
  });
});
