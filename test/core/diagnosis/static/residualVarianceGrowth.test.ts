import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, checkWithTree, configText, dense, findingsOf, MNIST_IMAGES, resnet } from './staticTestHelpers';

const rule = 'residual.variance-growth';

function denseBlock(last: unknown): unknown {
  return { type: 'residual', layers: [dense(32, 'relu', 'heNormal'), dense(32, 'linear', last)] };
}

describe('residual.variance-growth', () => {
  it('reports ResNet blocks whose final BatchNorm starts at gamma 1, pointing at the first block, as info (BatchNorm keeps the growth mild: ×1.3)', () => {
    const a = analyze(configText({ data: MNIST_IMAGES, input: [28, 28, 1], layers: resnet(4, 'ones') }));
    const [finding] = findingsOf(a, rule);
    assert.equal(finding.severity, 'info', 'standard ResNets (He et al.) start like this and train well');
    assert.ok((finding.evidence.growth as number) < 2);
    assert.deepEqual(finding.evidence.blocks, [3, 5, 7, 9]);
    assert.equal(finding.layer, 3);
    assert.deepEqual(finding.path, ['model', 'layers', 3, 'layers', 4, 'gammaInitializer']);
    assert.deepEqual(finding.fixes.map((f) => [f.id, f.preferred, f.args]), [['fix.zero-init-residual', true, { blocks: [3, 5, 7, 9] }]]);
    assert.match(finding.message, /Var\(x \+ F\(x\)\) = Var\(x\) \+ Var\(F\(x\)\)/);
  });

  it('the predicted std grows from block to block', () => {
    const [finding] = findingsOf(analyze(configText({ layers: [dense(32, 'relu', 'heNormal'), ...Array.from({ length: 4 }, () => denseBlock('heNormal')), dense(10, 'softmax')] })), rule);
    const stds = finding.evidence.predictedStd as number[];
    for (let i = 1; i < stds.length; i++) assert.ok(stds[i] > stds[i - 1], `${stds}`);
    assert.equal(finding.severity, 'warning', `without BatchNorm in the branches the scale compounds: ×${finding.evidence.growth}`);
  });

  it('dense residual MLP without BatchNorm: the fix target is the last kernel', () => {
    const [finding] = findingsOf(analyze(configText({ layers: [dense(32, 'relu', 'heNormal'), denseBlock('heNormal'), denseBlock('heNormal'), denseBlock('heNormal'), dense(10, 'softmax')] })), rule);
    assert.deepEqual(finding.path, ['model', 'layers', 1, 'layers', 1, 'kernelInitializer']);
    assert.equal(finding.fixes[0].title, 'Set "kernelInitializer": "zeros" on the last dense/conv layer of the branch of residual blocks 1, 2 and 3, so each block starts as the identity');
  });

  it('is quiet when blocks start as the identity (zero gamma or zero last kernel), or there are few blocks', () => {
    assert.deepEqual(findingsOf(analyze(configText({ data: MNIST_IMAGES, input: [28, 28, 1], layers: resnet(6, 'zeros') })), rule), []);
    assert.deepEqual(findingsOf(analyze(configText({ layers: [dense(32, 'relu'), denseBlock('zeros'), denseBlock('zeros'), denseBlock('zeros'), dense(10, 'softmax')] })), rule), []);
    assert.deepEqual(findingsOf(analyze(configText({ data: MNIST_IMAGES, input: [28, 28, 1], layers: resnet(2, 'ones') })), rule), []);
  });

  it('minBlocks and severity can be set', () => {
    const layers = resnet(2, 'ones');
    assert.equal(findingsOf(analyze(configText({ data: MNIST_IMAGES, input: [28, 28, 1], layers, rules: { [rule]: { minBlocks: 2 } } })), rule).length, 1);
    assert.deepEqual(findingsOf(analyze(configText({ data: MNIST_IMAGES, input: [28, 28, 1], layers: resnet(5, 'ones'), rules: { [rule]: { severity: 'off' } } })), rule), []);
  });

  it('with the parse tree, points at the final BatchNorm\'s type when gammaInitializer is not written', () => {
    const [finding] = checkWithTree(rule, configText({ data: MNIST_IMAGES, input: [28, 28, 1], layers: resnet(3, 'ones') }));
    assert.deepEqual(finding.path, ['model', 'layers', 3, 'layers', 4, 'type']);
  });
});
