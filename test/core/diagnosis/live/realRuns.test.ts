// The live rules on real (short) runs and probes on the WebAssembly backend: the broken examples
// must raise the findings they were written for, at the right time, and a healthy run none.

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { LiveDiagnosis } from '../../../../src/core/diagnosis/diagnosisRegistry';
import type { Finding } from '../../../../src/core/diagnosis/finding';
import { probeModel } from '../../../../src/core/engine/probe';
import { loadTensorflow, type TensorflowRuntime } from '../../../../src/core/engine/tensorflowRuntime';
import type { RunEndedEvent } from '../../../../src/core/engine/trainingEvents';
import { runTraining } from '../../../../src/core/engine/trainingSession';
import { assertWellFormed, parseFixture, type ParsedFixture } from './liveTestKit';

const examples = path.resolve(__dirname, '../../../../examples');

let runtime: TensorflowRuntime;
before(async () => {
  runtime = await loadTensorflow({ preference: 'wasm' });
});

function example(relative: string, patch: (raw: Record<string, any>) => void = () => undefined): ParsedFixture & { baseDir: string } {
  const file = path.join(examples, relative);
  const raw = parseJsonc(fs.readFileSync(file, 'utf8')) as Record<string, any>;
  patch(raw);
  return { ...parseFixture(raw, path.basename(file)), baseDir: path.dirname(file) };
}

async function train(fixture: ParsedFixture & { baseDir: string }, epochs?: number): Promise<RunEndedEvent> {
  const ended = await runTraining(fixture.config, {
    runtime, baseDir: fixture.baseDir, epochs, saveWeights: false,
    monitors: [new LiveDiagnosis({ config: fixture.config, shapes: fixture.shapes })],
  });
  ended.findings.forEach(assertWellFormed);
  return ended;
}

/** A probe's statistics fed to the live rules as one statistics sample, as `probe` does. */
async function probeFindings(fixture: ParsedFixture & { baseDir: string }): Promise<Finding[]> {
  const { stats } = await probeModel(fixture.config, { runtime, baseDir: fixture.baseDir });
  const gradNorm = Math.sqrt(stats.reduce((sum, s) => sum + (s.gradNorm ?? 0) ** 2, 0));
  const verdict = new LiveDiagnosis({ config: fixture.config, shapes: fixture.shapes }).observe({ type: 'layer-stats', step: 0, epoch: 0, layers: stats, gradNorm });
  const findings = verdict?.findings ?? [];
  findings.forEach(assertWellFormed);
  return findings;
}

const rulesOf = (findings: Finding[]) => [...new Set(findings.map((f) => f.rule))].sort();
const loud = (findings: Finding[]) => findings.filter((f) => f.severity !== 'info');

describe('live rules on real runs (wasm)', () => {
  it('examples/broken/lr-too-high: the loss diverges within the first 40 steps (lr.too-high, error)', async () => {
    const ended = await train(example('broken/lr-too-high.train.json'), 1);
    const finding = ended.findings.find((f) => f.rule === 'lr.too-high' || f.rule === 'grad.nonfinite');
    assert.ok(finding, `findings: ${rulesOf(ended.findings)}`);
    assert.equal(finding.severity, 'error');
    assert.ok((finding.step ?? Infinity) < 60, `seen at step ${finding.step}`);
    assert.equal(finding.fixes.find((f) => f.preferred)?.id, 'fix.lower-lr');
  });

  it('examples/broken/unnormalized-inputs: the gradients overflow, grad.nonfinite reports it and the run fails', async () => {
    const ended = await train(example('broken/unnormalized-inputs.train.json'), 1);
    assert.equal(ended.status, 'failed');
    const finding = ended.findings.find((f) => f.rule === 'grad.nonfinite');
    assert.ok(finding, `findings: ${rulesOf(ended.findings)}`);
    assert.equal(finding.step, ended.steps);
    assert.equal(finding.fixes.find((f) => f.preferred)?.id, 'fix.normalize-inputs', 'the raw house features are the cause');
    assert.ok(ended.findings.some((f) => f.rule === 'init.exploding-activations' && f.layer === 0), 'the first layer is already huge');
  });

  it('examples/broken/overfitting (8 epochs): validation loss turns up while training loss falls', async () => {
    const ended = await train(example('broken/overfitting.train.json'), 8);
    const finding = ended.findings.find((f) => f.rule === 'fit.overfitting');
    assert.ok(finding, `findings: ${rulesOf(ended.findings)}`);
    assert.equal(finding.severity, 'warning');
    assert.ok((finding.epoch ?? 0) >= 3, 'not before patience epochs after the best one');
    assert.equal(finding.epoch! - (finding.evidence.bestEpoch as number), finding.evidence.epochsSinceBest);
    assert.equal(finding.fixes.find((f) => f.preferred)?.id, 'fix.early-stopping');
    assert.deepEqual(loud(ended.findings).map((f) => f.rule), ['fit.overfitting']);
  });

  it('examples/mnist-mlp for 2 epochs: a healthy run raises no warning or error', async () => {
    const ended = await train(example('mnist-mlp.train.json'), 2);
    assert.equal(ended.status, 'completed');
    assert.deepEqual(loud(ended.findings).map((f) => `${f.rule}: ${f.message}`), []);
  });

  it('examples/broken/deep-tanh-tiny-init (1 epoch): tiny activations at the first step, vanishing gradients from step 20', async () => {
    const ended = await train(example('broken/deep-tanh-tiny-init.train.json'), 1);
    const init = ended.findings.find((f) => f.rule === 'init.vanishing-activations');
    assert.equal(init?.step, 0);
    assert.equal(init?.evidence.measured, 'first-step');
    const gradient = ended.findings.find((f) => f.rule === 'grad.vanishing');
    assert.equal(gradient?.step, 20, 'three statistics samples (every 10 steps)');
    assert.equal(gradient?.layer, 0);
  });

  it('examples/broken/exploding-relu-init (1 epoch): exploding activations and a first loss far above ln(5), then no gradient at all once the output saturates', async () => {
    const ended = await train(example('broken/exploding-relu-init.train.json'), 1);
    assert.deepEqual(rulesOf(loud(ended.findings)), ['grad.vanishing', 'init.exploding-activations', 'loss.initial-mismatch']);
    assert.equal(ended.findings.find((f) => f.rule === 'loss.initial-mismatch')!.step, 0);
    assert.match(ended.findings.find((f) => f.rule === 'grad.vanishing')!.message, /No layer gets any gradient/);
  });

  it('examples/spirals-mlp learns after a plateau of a few epochs: no underfitting finding', async () => {
    const ended = await train(example('spirals-mlp.train.json'), 20);
    assert.ok(!ended.findings.some((f) => f.rule === 'fit.underfitting'), `findings: ${rulesOf(ended.findings)}`);
    assert.deepEqual(loud(ended.findings), []);
  });

  it('spirals with a linear model (no hidden layer) cannot separate them: fit.underfitting (warning)', async () => {
    const fixture = example('spirals-mlp.train.json', (raw) => {
      raw.model.layers = raw.model.layers.slice(-1);
      delete raw.training.earlyStopping;
    });
    const ended = await train(fixture, 10);
    const finding = ended.findings.find((f) => f.rule === 'fit.underfitting');
    assert.ok(finding, `findings: ${rulesOf(ended.findings)}`);
    assert.equal(finding.severity, 'warning');
    assert.equal(finding.epoch, 3, 'judged from 30% of the 10 planned epochs, once 100 steps are done (25 an epoch)');
    assert.match(finding.message, /uniform guess/);
    assert.deepEqual(loud(ended.findings).map((f) => f.rule), ['fit.underfitting'], 'nothing else is wrong with it');
  });

  it('a low learning rate (SGD 1e-4 on the MNIST MLP): lr.too-low after 2 epochs, with a raise toward ~1e-3 update ratios', async () => {
    const fixture = example('mnist-mlp.train.json', (raw) => {
      raw.training.optimizer = { type: 'sgd', learningRate: 1e-4 };
      raw.training.lrSchedule = { type: 'constant' };
      raw.data.trainSize = 2000;
    });
    const ended = await train(fixture, 3);
    const finding = ended.findings.find((f) => f.rule === 'lr.too-low');
    assert.ok(finding, `findings: ${rulesOf(ended.findings)}`);
    assert.equal(finding.epoch, 1);
    const raised = finding.fixes.find((f) => f.preferred);
    assert.equal(raised?.id, 'fix.raise-lr');
    assert.ok((raised?.args?.learningRate as number) >= 1e-3, `suggested ${raised?.args?.learningRate}`);
  });
});

/** The seeds' 6-layer 4096-wide MLP scaled to 256 units: stddev ×4 keeps each layer's gain √D·σ. */
function seedsExperiment(name: string): ParsedFixture & { baseDir: string } {
  return example(`seeds/${name}.train.json`, (raw) => {
    raw.data.dataset.features = 256;
    raw.data.dataset.samples = 512;
    raw.data.validationSize = 64;
    raw.model.input = [256];
    for (const layer of raw.model.layers) {
      if (layer.units === 4096) layer.units = 256;
      if (layer.kernelInitializer?.stddev) layer.kernelInitializer.stddev *= 4;
    }
  });
}

describe('live rules on probes (wasm)', () => {
  const expectations: [string, string[]][] = [
    ['mlp4096-linear-std0.01', ['init.vanishing-activations']],
    ['mlp4096-linear-std0.02', ['init.exploding-activations']],
    ['mlp4096-linear-xavier', []],
    ['mlp4096-relu-kaiming', []],
    ['mlp4096-relu-xavier', ['init.vanishing-activations']],
    ['mlp4096-tanh-std0.01', ['init.vanishing-activations']],
  ];
  for (const [name, rules] of expectations) {
    it(`the seeds' ${name} (scaled to 256 wide): ${rules.length > 0 ? rules.join(', ') : 'quiet'}`, async () => {
      assert.deepEqual(rulesOf(await probeFindings(seedsExperiment(name))), rules);
    });
  }

  it('examples/broken/deep-tanh-tiny-init: vanishing activations and gradients at initialization', async () => {
    const findings = await probeFindings(example('broken/deep-tanh-tiny-init.train.json'));
    assert.deepEqual(rulesOf(findings), ['grad.vanishing', 'init.vanishing-activations']);
    const gradient = findings.find((f) => f.rule === 'grad.vanishing')!;
    assert.equal(gradient.layer, 0);
    assert.ok((gradient.evidence.ratio as number) < 1e-3);
    assert.equal(gradient.fixes.find((f) => f.preferred)?.id, 'fix.glorot-init');
  });

  it('examples/broken/exploding-relu-init: exploding activations, He init preferred', async () => {
    const findings = await probeFindings(example('broken/exploding-relu-init.train.json'));
    assert.deepEqual(rulesOf(findings), ['init.exploding-activations']);
    assert.equal(findings[0].fixes.find((f) => f.preferred)?.id, 'fix.he-init');
  });

  it('examples/broken/zero-init: dead ReLU layers and no signal at initialization', async () => {
    const findings = await probeFindings(example('broken/zero-init.train.json'));
    assert.deepEqual(rulesOf(findings), ['act.dead-relu', 'grad.vanishing', 'init.vanishing-activations']);
  });

  it('the healthy examples\' probes are quiet', async () => {
    for (const name of ['mnist-mlp', 'mnist-cnn', 'mnist-resnet', 'houses-regression', 'spirals-mlp']) {
      assert.deepEqual(rulesOf(await probeFindings(example(`${name}.train.json`))), [], name);
    }
  });
});

