import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, checkWithTree, configText, conv, dense, findingsOf, MNIST_IMAGES, resnet } from './staticTestHelpers';

const rule = 'init.symmetry';

describe('init.symmetry', () => {
  it('reports zero-initialized hidden layers as errors that point at the initializer', () => {
    const a = analyze(configText({ layers: [dense(128, 'relu', 'zeros'), dense(128, 'relu', 'zeros'), dense(10, 'softmax')] }));
    const found = findingsOf(a, rule);
    assert.deepEqual(found.map((f) => [f.layer, f.layers, f.severity]), [[0, [0, 1], 'error']], 'one finding for both layers');
    assert.deepEqual(found[0].path, ['model', 'layers', 0, 'kernelInitializer']);
    assert.deepEqual(found[0].related?.map((r) => r.path), [['model', 'layers', 0, 'kernelInitializer'], ['model', 'layers', 1, 'kernelInitializer']]);
    assert.match(found[0].message, /128 units all compute the same output/);
    assert.match(found[0].message, /The same holds for 1 more layer: 1\./);
    assert.deepEqual(found[0].fixes.map((f) => [f.id, f.preferred ?? false]), [['fix.he-init', true], ['fix.glorot-init', false]]);
    assert.deepEqual(found[0].fixes[0].args, { layers: [0, 1] });
  });

  it('prefers Glorot for tanh layers', () => {
    const found = findingsOf(analyze(configText({ layers: [dense(32, 'tanh', 'ones'), dense(32, 'tanh', 'ones'), dense(10, 'softmax')] })), rule);
    assert.deepEqual(found.map((f) => [f.layer, f.severity]), [[0, 'error'], [1, 'warning']], 'different severities are different causes');
    assert.deepEqual(found[0].fixes.find((f) => f.preferred)?.id, 'fix.glorot-init');
  });

  it('a constant layer before a random one only starts symmetric: a warning, not an error', () => {
    const found = findingsOf(analyze(configText({ layers: [dense(32, 'tanh', 'ones'), dense(32, 'tanh', 'glorotUniform'), dense(10, 'softmax')] })), rule);
    assert.deepEqual(found.map((f) => f.severity), ['warning']);
    assert.match(found[0].message, /separate slowly/);
  });

  it('zero kernel under ReLU is stuck even before a random layer: ReLU passes no gradient at 0', () => {
    const found = findingsOf(analyze(configText({ layers: [dense(32, 'relu', 'zeros'), dense(32, 'relu', 'heNormal'), dense(10, 'softmax')] })), rule);
    assert.deepEqual(found.map((f) => f.severity), ['error']);
    assert.match(found[0].message, /zero slope/);
  });

  it('covers conv layers and constant and zero-spread random initializers', () => {
    const text = configText({ data: MNIST_IMAGES, input: [28, 28, 1], layers: [
      conv(8, 'relu', { type: 'constant', value: 0.1 }), conv(8, 'relu', { type: 'randomUniform', minval: 0.1, maxval: 0.1 }),
      { type: 'flatten' }, dense(10, 'softmax'),
    ] });
    assert.deepEqual(findingsOf(analyze(text), rule).map((f) => f.layer), [0, 1]);
  });

  it('is quiet for the output layer, single-unit layers and random initializers', () => {
    assert.deepEqual(findingsOf(analyze(configText({ layers: [dense(64, 'relu', 'heNormal'), dense(10, 'softmax', 'zeros')] })), rule), []);
    assert.deepEqual(findingsOf(analyze(configText({ layers: [dense(1, 'linear', 'zeros'), dense(10, 'softmax')] })), rule), []);
    assert.deepEqual(findingsOf(analyze(configText({ layers: [dense(64, 'relu'), dense(64, 'tanh', 'orthogonal'), dense(10, 'softmax')] })), rule), []);
  });

  it('allows the zero-init trick on the last layer of a residual branch, and zero BatchNorm gamma', () => {
    const layers = [dense(32, 'relu', 'heNormal'), { type: 'residual', layers: [dense(32, 'relu', 'heNormal'), dense(32, 'linear', 'zeros')] }, dense(10, 'softmax')];
    assert.deepEqual(findingsOf(analyze(configText({ layers })), rule), []);
    assert.deepEqual(findingsOf(analyze(configText({ data: MNIST_IMAGES, input: [28, 28, 1], layers: resnet(2, 'zeros') })), rule), []);
  });

  it('but not on the first layer of a branch, nor a nonzero constant on its last', () => {
    const layers = [dense(32, 'relu', 'heNormal'), { type: 'residual', layers: [dense(32, 'relu', 'zeros'), dense(32, 'linear', 'ones')] }, dense(10, 'softmax')];
    const found = findingsOf(analyze(configText({ layers })), rule);
    assert.deepEqual(found.map((f) => f.path), [['model', 'layers', 1, 'layers', 0, 'kernelInitializer'], ['model', 'layers', 1, 'layers', 1, 'kernelInitializer']]);
    assert.deepEqual(found[0].fixes[0].args, { layers: [[1, 0]] });
  });

  it('"severity": "off" silences it; "warning" caps it', () => {
    const layers = [dense(128, 'relu', 'zeros'), dense(10, 'softmax')];
    assert.deepEqual(findingsOf(analyze(configText({ layers, rules: { [rule]: { severity: 'off' } } })), rule), []);
    assert.deepEqual(findingsOf(analyze(configText({ layers, rules: { [rule]: { severity: 'warning' } } })), rule).map((f) => f.severity), ['warning']);
  });

  it('with the parse tree, points at the written kernelInitializer', () => {
    const [finding] = checkWithTree(rule, configText({ layers: [dense(16, 'relu', 'zeros'), dense(10, 'softmax')] }));
    assert.deepEqual(finding.path, ['model', 'layers', 0, 'kernelInitializer']);
  });
});
