import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, checkWithTree, configText, conv, dense, findingsOf, MNIST_IMAGES, mlp } from './staticTestHelpers';

const rule = 'init.activation-mismatch';

describe('init.activation-mismatch', () => {
  it('ReLU layers left at the default glorotUniform in a 4-hidden-layer MLP: info (Keras\'s default trains well this shallow), He preferred', () => {
    const a = analyze(configText({ layers: mlp(4, 128, 'relu') }));
    const [finding, ...rest] = findingsOf(a, rule);
    assert.equal(rest.length, 0);
    assert.equal(finding.severity, 'info');
    assert.equal(finding.layer, 0);
    assert.deepEqual(finding.evidence.layers, [0, 1, 2, 3]);
    assert.match(finding.message, /heNormal/);
    assert.deepEqual(finding.fixes.map((f) => [f.id, f.preferred, f.args]), [['fix.he-init', true, { layers: [0, 1, 2, 3] }]]);
  });

  it('six or more of them compound: a warning', () => {
    const [finding] = findingsOf(analyze(configText({ layers: mlp(6, 128, 'relu') })), rule);
    assert.equal(finding.severity, 'warning');
    assert.deepEqual(finding.evidence.layers, [0, 1, 2, 3, 4, 5]);
  });

  it('LeCun with ReLU in a CNN is a mismatch too', () => {
    const text = configText({ data: MNIST_IMAGES, input: [28, 28, 1], layers: [
      conv(8, 'relu', 'leCunNormal'), conv(8, 'relu', 'leCunNormal'), conv(8, 'relu', 'leCunNormal'), { type: 'flatten' }, dense(10, 'softmax'),
    ] });
    assert.deepEqual(findingsOf(analyze(text), rule).map((f) => f.evidence.layers), [[0, 1, 2]]);
  });

  it('He before tanh/sigmoid: Glorot preferred', () => {
    const found = findingsOf(analyze(configText({ layers: mlp(4, 64, 'tanh', 'heNormal') })), rule);
    assert.deepEqual(found.map((f) => f.fixes[0].id), ['fix.glorot-init']);
    assert.match(found[0].message, /saturated/);
  });

  it('a linear layer followed by a ReLU activation layer counts as ReLU', () => {
    const layers = [];
    for (let i = 0; i < 4; i++) layers.push(dense(64, 'linear', 'glorotNormal'), { type: 'activation', activation: 'relu' });
    layers.push(dense(10, 'softmax'));
    assert.deepEqual(findingsOf(analyze(configText({ layers })), rule).map((f) => f.evidence.layers), [[0, 2, 4, 6]]);
  });

  it('is quiet for shallow stacks, matched pairs and layers followed by BatchNorm', () => {
    assert.deepEqual(findingsOf(analyze(configText({ layers: mlp(2, 128, 'relu') })), rule), [], 'shallow');
    assert.deepEqual(findingsOf(analyze(configText({ layers: mlp(6, 128, 'relu', 'heNormal') })), rule), [], 'He + ReLU');
    assert.deepEqual(findingsOf(analyze(configText({ layers: mlp(6, 128, 'tanh', 'glorotUniform') })), rule), [], 'Glorot + tanh');
    assert.deepEqual(findingsOf(analyze(configText({ layers: mlp(6, 128, 'selu', 'leCunNormal') })), rule), [], 'LeCun + selu');
    const withBn = [];
    for (let i = 0; i < 5; i++) withBn.push(dense(64, 'relu'), { type: 'batchNormalization' });
    withBn.push(dense(10, 'softmax'));
    assert.deepEqual(findingsOf(analyze(configText({ layers: withBn })), rule), [], 'BatchNorm follows');
  });

  it('thresholds: minDepth and minMismatched can be lowered or raised', () => {
    const layers = [dense(64, 'relu', 'heNormal'), dense(64, 'relu'), dense(10, 'softmax')];
    assert.deepEqual(findingsOf(analyze(configText({ layers })), rule), []);
    assert.equal(findingsOf(analyze(configText({ layers, rules: { [rule]: { minDepth: 2, minMismatched: 1 } } })), rule).length, 1);
    assert.deepEqual(findingsOf(analyze(configText({ layers: mlp(4, 64, 'relu'), rules: { [rule]: { minDepth: 10 } } })), rule), []);
  });

  it('with the parse tree, points at the layer type when the initializer is the default', () => {
    const [finding] = checkWithTree(rule, configText({ layers: mlp(4, 32, 'relu') }));
    assert.deepEqual(finding.path, ['model', 'layers', 0, 'type']);
    const [explicit] = checkWithTree(rule, configText({ layers: mlp(4, 32, 'relu', 'glorotNormal') }));
    assert.deepEqual(explicit.path, ['model', 'layers', 0, 'kernelInitializer']);
  });
});
