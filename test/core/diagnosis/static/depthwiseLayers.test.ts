import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseTrainConfig } from '../../../../src/core/config/parseConfig';
import { runStaticRules } from '../../../../src/core/diagnosis/diagnosisRegistry';
import { predictVariance } from '../../../../src/core/diagnosis/varianceModel';

function configText(layers: object[]): string {
  return JSON.stringify({
    name: 'dw', seed: 1,
    data: { dataset: { synthetic: 'placeholder', shape: [16, 16, 3], classes: 10 } },
    model: { input: [16, 16, 3], layers: [...layers, { type: 'globalAveragePooling2d' }, { type: 'dense', units: 10, activation: 'softmax' }] },
    training: { epochs: 1, optimizer: { type: 'adam' } },
  });
}

const conv = (filters: number) => ({ type: 'conv2d', filters, kernelSize: 1, activation: 'relu', kernelInitializer: 'heNormal' });
const depthwise = { type: 'depthwiseConv2d', kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: 'heNormal' };

describe('depthwise convolutions in the variance model and the rules', () => {
  it('use Keras\'s fans for the initializer (kernel area × channels) and the kernel area for the signal: He shrinks the scale by √channels', () => {
    const parsed = parseTrainConfig(configText([conv(64), depthwise]), 'dw.train.json');
    assert.deepEqual(parsed.problems, []);
    const shape = parsed.shapes!.layers[1];
    assert.equal(shape.fanIn, 9);
    assert.deepEqual(shape.initializerFans, { fanIn: 9 * 64, fanOut: 9 });
    assert.equal(shape.params, 9 * 64 + 64);
    const [first, second] = predictVariance(parsed.config!, parsed.shapes!).layers;
    assert.ok(Math.abs(second.gain - 1 / 8) < 0.01, `gain ${second.gain}, expected 1/√64 (first layer ${first.gain})`);
  });

  it('a stack of them without BatchNorm is reported as vanishing, saying why He does not help', () => {
    const parsed = parseTrainConfig(configText([conv(64), depthwise, conv(64), depthwise, conv(64), depthwise]), 'dw.train.json');
    const findings = runStaticRules({ config: parsed.config!, shapes: parsed.shapes! });
    const vanishing = findings.find((f) => f.rule === 'init.vanishing-activations');
    assert.ok(vanishing, findings.map((f) => f.rule).join(', '));
    assert.match(vanishing.message, /Layers 1, 3 and 5 are depthwise convolutions: Keras and TF\.js compute the initializer's fan_in of a depthwise kernel as kernel area × input channels/);
    assert.ok(vanishing.fixes.some((f) => f.id === 'fix.add-batchnorm'));
  });

  it('with BatchNorm after each (as in MobileNet) the stack is quiet, and BatchNorm\'s output is predicted from the units\' own variance', () => {
    const bn = { type: 'batchNormalization' };
    const parsed = parseTrainConfig(configText([conv(64), bn, depthwise, bn, conv(64), bn, depthwise, bn, conv(64), bn, depthwise, bn]), 'dw.train.json');
    const findings = runStaticRules({ config: parsed.config!, shapes: parsed.shapes! });
    assert.deepEqual(findings.filter((f) => f.rule.startsWith('init.')).map((f) => f.rule), []);
    // After a ReLU the per-unit variance is not tracked: BatchNorm's output is var/(var + ε), close to 1.
    const layers = predictVariance(parsed.config!, parsed.shapes!).layers;
    assert.ok(layers.filter((l) => l.type === 'batchNormalization').every((l) => l.std > 0.9 && l.std <= 1), layers.map((l) => l.std).join(', '));
  });

  it('a linear depthwise layer whose units vary below BatchNorm\'s epsilon: BN keeps E[v·c/(v·c + ε)] of the variance, c ~ χ²₉/9', () => {
    const tiny = { type: 'depthwiseConv2d', kernelSize: 3, padding: 'same', kernelInitializer: { type: 'randomNormal', stddev: 0.01 } };
    const parsed = parseTrainConfig(configText([tiny, { type: 'batchNormalization' }]), 'dw.train.json');
    const [dw, bn] = predictVariance(parsed.config!, parsed.shapes!).layers;
    const v = dw.std ** 2;
    assert.ok(Math.abs(v - 9 * 1e-4) < 1e-6, `depthwise variance ${v}`);
    // With c fixed at 1, v/(v + ε) = 0.47; the chi-square spread lowers the mean ratio (Jensen).
    assert.ok(bn.std ** 2 < v / (v + 0.001) - 0.01 && bn.std ** 2 > 0.3, `BN variance ${bn.std ** 2}`);
  });
});

describe('a leakyRelu activation layer with its own slope', () => {
  it('keeps (1 + α²)/2 of a zero-mean Gaussian\'s second moment (α 0.1: 0.505; the default 0.3: 0.545)', () => {
    const config = (alpha?: number) => JSON.stringify({
      name: 'leaky', data: { dataset: { synthetic: 'placeholder', shape: [64], classes: 2 } },
      model: { input: [64], layers: [
        { type: 'dense', units: 64, kernelInitializer: 'leCunNormal', useBias: false },
        { type: 'activation', activation: 'leakyRelu', ...(alpha === undefined ? {} : { alpha }) },
        { type: 'dense', units: 2, activation: 'softmax' },
      ] },
      training: { epochs: 1, optimizer: { type: 'adam' } },
    });
    for (const [alpha, expected] of [[0.1, 0.505], [undefined, 0.545]] as const) {
      const parsed = parseTrainConfig(config(alpha), 'leaky.train.json');
      assert.deepEqual(parsed.problems, []);
      const [dense, leaky] = predictVariance(parsed.config!, parsed.shapes!).layers;
      assert.ok(Math.abs(leaky.secondMoment / dense.secondMoment - expected) < 1e-3, `α ${alpha}: ${leaky.secondMoment / dense.secondMoment}`);
    }
  });
});
