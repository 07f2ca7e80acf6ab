import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, configText, conv, dense, findingsOf, MNIST_FLAT, MNIST_IMAGES, mlp, resnet } from './staticTestHelpers';

const vanishing = 'init.vanishing-activations';
const exploding = 'init.exploding-activations';
const EXAMPLES = path.join(__dirname, '../../../../examples');
const example = (file: string) => analyze(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'));

describe('init.vanishing-activations / init.exploding-activations on the seeds\' experiments', () => {
  it('N(0, 0.01²) linear: vanishing, Glorot preferred for all six layers', () => {
    const a = example('seeds/mlp4096-linear-std0.01.train.json');
    assert.deepEqual(findingsOf(a, exploding), []);
    const [finding] = findingsOf(a, vanishing);
    assert.equal(finding.severity, 'warning');
    assert.match(finding.message, /0\.64, 0\.41, 0\.262, 0\.168, 0\.107, 0\.0687/);
    const preferred = finding.fixes.find((f) => f.preferred);
    assert.deepEqual([preferred?.id, preferred?.args], ['fix.glorot-init', { layers: [0, 1, 2, 3, 4, 5] }]);
    assert.ok(finding.fixes.some((f) => f.id === 'fix.add-batchnorm'));
    assert.equal((finding.evidence.predictedStd as number[]).length, 7);
  });

  it('N(0, 0.02²) linear: exploding, pointing at the first layer beyond 3× the input scale', () => {
    const a = example('seeds/mlp4096-linear-std0.02.train.json');
    assert.deepEqual(findingsOf(a, vanishing), []);
    const [finding] = findingsOf(a, exploding);
    assert.equal(finding.layer, 4);
    assert.deepEqual(finding.path, ['model', 'layers', 4, 'kernelInitializer']);
    assert.equal(finding.evidence.check, 'level');
  });

  it('ReLU with N(0, 1/D): the steady halving of E[x²] is caught by the trend check, He preferred', () => {
    const [finding] = findingsOf(example('seeds/mlp4096-relu-xavier.train.json'), vanishing);
    assert.equal(finding.evidence.check, 'trend');
    assert.equal(finding.fixes.find((f) => f.preferred)?.id, 'fix.he-init');
  });

  it('tanh with N(0, 0.01²) vanishes too', () => {
    assert.equal(findingsOf(example('seeds/mlp4096-tanh-std0.01.train.json'), vanishing).length, 1);
  });

  it('Xavier (linear) and Kaiming (ReLU) keep the scale: quiet', () => {
    for (const file of ['seeds/mlp4096-linear-xavier.train.json', 'seeds/mlp4096-relu-kaiming.train.json']) {
      const a = example(file);
      assert.deepEqual([...findingsOf(a, vanishing), ...findingsOf(a, exploding)], [], file);
    }
  });
});

describe('init.vanishing-activations / init.exploding-activations on other architectures', () => {
  it('deep CNN with tiny random kernels vanishes; the finding sits on a conv layer', () => {
    const layers = [...Array.from({ length: 5 }, () => conv(16, 'relu', { type: 'randomNormal', stddev: 0.01 })), { type: 'flatten' }, dense(10, 'softmax')];
    const [finding] = findingsOf(analyze(configText({ data: MNIST_IMAGES, input: [28, 28, 1], layers })), vanishing);
    assert.ok(finding);
    assert.equal(finding.path?.[3], 'kernelInitializer');
  });

  it('a shallow but badly scaled layer explodes at once (level check)', () => {
    const [finding] = findingsOf(analyze(configText({ input: [512], layers: [dense(512, 'relu', { type: 'randomNormal', stddev: 0.5 }), dense(10, 'softmax')] })), exploding);
    assert.equal(finding.layer, 0);
    assert.deepEqual(finding.fixes.find((f) => f.preferred)?.args, { layers: [0] });
  });

  it('BatchNorm right after each layer divides the scale away: quiet', () => {
    const layers: unknown[] = [];
    for (let i = 0; i < 6; i++) layers.push(dense(256, 'relu', { type: 'randomNormal', stddev: 0.5 }), { type: 'batchNormalization' });
    layers.push(dense(10, 'softmax'));
    const a = analyze(configText({ input: [256], layers }));
    assert.deepEqual([...findingsOf(a, vanishing), ...findingsOf(a, exploding)], []);
  });

  it('a Glorot tanh layer widening 2 inputs to 64 units is a one-off change of scale, not a trend', () => {
    const a = analyze(configText({ input: [2], data: { dataset: { synthetic: 'spirals' } }, layers: [dense(64, 'tanh', 'glorotUniform'), dense(64, 'tanh', 'glorotUniform'), dense(64, 'tanh', 'glorotUniform'), dense(2, 'softmax')] }));
    assert.deepEqual([...findingsOf(a, vanishing), ...findingsOf(a, exploding)], []);
  });

  it('residual blocks: the sum is another rule\'s business, but a badly initialized branch is checked on its own', () => {
    const quiet = analyze(configText({ data: MNIST_IMAGES, input: [28, 28, 1], layers: resnet(12, 'ones') }));
    assert.deepEqual([...findingsOf(quiet, vanishing), ...findingsOf(quiet, exploding)], []);
    const branch = [dense(64, 'relu', { type: 'randomNormal', stddev: 1 }), dense(64, 'relu', { type: 'randomNormal', stddev: 1 }), dense(64, 'linear', 'zeros')];
    const [finding] = findingsOf(analyze(configText({ layers: [dense(64, 'relu', 'heNormal'), { type: 'residual', layers: branch }, dense(10, 'softmax')] })), exploding);
    assert.deepEqual(finding.path, ['model', 'layers', 1, 'layers', 0, 'kernelInitializer']);
    assert.deepEqual(finding.fixes.find((f) => f.preferred)?.args, { layers: [[1, 0], [1, 1]] });
  });

  it('a zero-initialized kernel is init.symmetry\'s finding, not vanishing', () => {
    assert.deepEqual(findingsOf(analyze(configText({ layers: mlp(3, 64, 'relu', 'zeros') })), vanishing), []);
  });

  it('thresholds override: a stricter minTrend catches the 4-layer default-Glorot ReLU stack; severity off silences', () => {
    const layers = mlp(4, 256, 'relu');
    assert.deepEqual(findingsOf(analyze(configText({ layers })), vanishing), []);
    assert.equal(findingsOf(analyze(configText({ layers, rules: { [vanishing]: { minTrend: 0.5 } } })), vanishing).length, 1);
    const seeds = fs.readFileSync(path.join(EXAMPLES, 'seeds/mlp4096-linear-std0.02.train.json'), 'utf8')
      .replace('"every": 4', `"every": 4, "rules": { "${exploding}": { "severity": "off" } }`);
    assert.deepEqual(findingsOf(analyze(seeds), exploding), []);
    const lenient = fs.readFileSync(path.join(EXAMPLES, 'seeds/mlp4096-linear-std0.02.train.json'), 'utf8')
      .replace('"every": 4', `"every": 4, "rules": { "${exploding}": { "maxGain": 10, "maxTrend": 10 } }`);
    assert.deepEqual(findingsOf(analyze(lenient), exploding), []);
  });
});

describe('init.vanishing-activations is depth-aware (issue 10: shallow nets with small init trained to 83–100%)', () => {
  const tiny = { type: 'randomNormal', stddev: 0.01 };
  const mnist = { dataset: 'mnist', shape: 'flat' };

  it('a 2-hidden-layer MLP with N(0, 0.01²) weights: info only, saying what reaches the ends', () => {
    const [finding] = findingsOf(analyze(configText({ data: mnist, input: [784], layers: mlp(2, 128, 'tanh', tiny) })), vanishing);
    assert.ok(finding, 'still said, as advice');
    assert.equal(finding.severity, 'info');
    assert.equal(finding.evidence.depth, 2);
    assert.ok((finding.evidence.signalAtLastHidden as number) < 0.1);
    assert.match(finding.message, /With 2 hidden weighted layers this is workable/);
  });

  it('the same weights over 5 hidden layers: a warning, with the signal and gradient reach as evidence', () => {
    const [finding] = findingsOf(analyze(configText({ data: mnist, input: [784], layers: mlp(5, 128, 'tanh', tiny) })), vanishing);
    assert.equal(finding?.severity, 'warning');
    assert.equal(finding.evidence.depth, 5);
    assert.ok((finding.evidence.gradientToFirst as number) < 1e-3, 'four layers of ×0.11 on the way back');
  });

  it('a mild decay in a stack shallower than 6 (Keras\'s default Glorot before ReLU, 4 hidden layers): info', () => {
    const [finding] = findingsOf(analyze(configText({ data: mnist, input: [784], layers: mlp(4, 256, 'relu') })), vanishing);
    if (finding) {
      assert.equal(finding.severity, 'info');
      assert.ok((finding.evidence.signalAtLastHidden as number) >= 0.05);
    }
    const [deep] = findingsOf(analyze(configText({ data: mnist, input: [784], layers: mlp(6, 256, 'relu') })), vanishing);
    assert.equal(deep?.severity, 'warning', 'six such layers: the seeds\' ReLU-with-Xavier case');
  });

  it('minDepth can be set', () => {
    const text = configText({ data: mnist, input: [784], layers: mlp(2, 128, 'tanh', tiny), rules: { [vanishing]: { minDepth: 2 } } });
    assert.equal(findingsOf(analyze(text), vanishing)[0]?.severity, 'warning');
  });
});

describe('init.exploding-activations at a linear output (issue 10: TheDeepChecker\'s baseCNN with N(0, 0.1²) kernels)', () => {
  const normal01 = { type: 'randomNormal', stddev: 0.1 };
  const rawPixels = { dataset: 'mnist', shape: 'image', preprocess: { normalize: 'none' } };
  // Gains 0.35 (a 5×5 conv on 1 channel), 1.2, 4 (dense on 3136 inputs): the hidden scale stays near 1, the logits reach RMS 2.4.
  const baseCnn = (head: unknown[]) => configText({
    data: rawPixels, input: [28, 28, 1],
    layers: [
      { ...conv(32, 'relu', normal01), kernelSize: 5 }, { type: 'maxPooling2d', poolSize: 2 },
      conv(64, 'relu', normal01), { type: 'maxPooling2d', poolSize: 2 }, { type: 'flatten' },
      dense(512, 'relu', normal01), ...head,
    ],
    training: { epochs: 2, optimizer: { type: 'sgd', learningRate: 0.1 } },
  });

  it('reports logits that the compounded gains make 3.8× the scale entering the stack', () => {
    const [finding] = findingsOf(analyze(baseCnn([dense(10, 'linear', normal01)])), exploding);
    assert.ok(finding, 'reported');
    assert.equal(finding.layer, 6);
    assert.match(finding.message, /0\.354, 1\.2, 3\.96, 2\.26/);
  });

  it('never reports a linear output for being small (a zero-initialized head is deliberate)', () => {
    const text = configText({ data: MNIST_FLAT, input: [784], layers: [dense(128, 'relu', 'heNormal'), dense(10, 'linear', { type: 'randomNormal', stddev: 0.001 })] });
    assert.deepEqual(findingsOf(analyze(text), vanishing), []);
  });
});
