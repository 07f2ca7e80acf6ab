import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, configText, conv, dense, findingsOf, MNIST_IMAGES, mlp, resnet } from './staticTestHelpers';

const rule = 'bn.missing-deep';

describe('bn.missing-deep', () => {
  it('a 9-layer plain MLP without BatchNorm: warning, BatchNorm after the 8 hidden layers', () => {
    const [finding] = findingsOf(analyze(configText({ layers: mlp(8, 64, 'relu', 'heNormal') })), rule);
    assert.equal(finding.severity, 'warning');
    assert.deepEqual(finding.path, ['model', 'layers']);
    assert.deepEqual(finding.fixes[0].args, { layers: [0, 1, 2, 3, 4, 5, 6, 7] });
    assert.equal(finding.fixes[0].preferred, true);
  });

  it('counts conv layers', () => {
    const layers = [...Array.from({ length: 8 }, () => conv(8, 'relu', 'heNormal')), { type: 'flatten' }, dense(10, 'softmax')];
    assert.equal(findingsOf(analyze(configText({ data: MNIST_IMAGES, input: [28, 28, 1], layers })), rule).length, 1);
  });

  it('is quiet for shallow stacks, stacks with any BatchNorm, and residual networks', () => {
    assert.deepEqual(findingsOf(analyze(configText({ layers: mlp(6, 64, 'relu', 'heNormal') })), rule), []);
    const withBn = [...mlp(8, 64, 'relu', 'heNormal')];
    withBn.splice(3, 0, { type: 'batchNormalization' });
    assert.deepEqual(findingsOf(analyze(configText({ layers: withBn })), rule), []);
    assert.deepEqual(findingsOf(analyze(configText({ data: MNIST_IMAGES, input: [28, 28, 1], layers: resnet(6, 'zeros') })), rule), []);
  });

  it('minDepth can be lowered; severity raised', () => {
    const found = findingsOf(analyze(configText({ layers: mlp(3, 64, 'relu', 'heNormal'), rules: { [rule]: { minDepth: 4, severity: 'warning' } } })), rule);
    assert.deepEqual(found.map((f) => f.severity), ['warning']);
  });
});

describe('bn.missing-deep and self-normalizing networks', () => {
  it('a 9-layer SELU MLP with LeCun-normal weights (Klambauer et al.) needs no BatchNorm: quiet; the same with ReLU is reported', () => {
    const selu = configText({ layers: mlp(8, 64, 'selu', 'leCunNormal') });
    assert.deepEqual(findingsOf(analyze(selu), 'bn.missing-deep'), []);
    const relu = configText({ layers: mlp(8, 64, 'relu', 'heNormal') });
    assert.equal(findingsOf(analyze(relu), 'bn.missing-deep').length, 1);
  });
});
