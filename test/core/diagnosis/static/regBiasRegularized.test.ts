import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, configText, conv, dense, findingsOf, MNIST_IMAGES } from './staticTestHelpers';

const rule = 'reg.bias-regularized';

describe('reg.bias-regularized', () => {
  it('reports the broken example at its biasRegularizer, with the removal as preferred fix', () => {
    const text = fs.readFileSync(path.join(__dirname, '../../../../examples/broken/bias-regularized.train.json'), 'utf8');
    const [finding, ...rest] = findingsOf(analyze(text), rule);
    assert.equal(rest.length, 0);
    assert.equal(finding.severity, 'warning');
    assert.deepEqual(finding.path, ['model', 'layers', 0, 'biasRegularizer']);
    assert.match(finding.message, /l2 0\.01/);
    assert.deepEqual(finding.fixes.map((f) => [f.id, f.preferred, f.title]), [['fix.unregularize-bias', true, 'Remove "biasRegularizer" from layer 0']]);
  });

  it('one finding for every such layer, conv and residual branches included (related locations); L1 counts too', () => {
    const text = configText({ data: MNIST_IMAGES, input: [28, 28, 1], layers: [
      conv(8, 'relu', 'heNormal', { biasRegularizer: { l1: 0.001 } }),
      { type: 'residual', layers: [conv(8, 'relu', 'heNormal', { biasRegularizer: { l2: 0.01 } }), conv(8, 'linear', 'zeros')] },
      { type: 'flatten' }, dense(10, 'softmax', undefined, { biasRegularizer: { l2: 0.1 } }),
    ] });
    const [finding, ...more] = findingsOf(analyze(text), rule);
    assert.equal(more.length, 0, 'one finding per rule and cause');
    assert.deepEqual(finding.path, ['model', 'layers', 0, 'biasRegularizer']);
    assert.deepEqual(finding.related?.map((r) => r.path), [
      ['model', 'layers', 0, 'biasRegularizer'], ['model', 'layers', 1, 'layers', 0, 'biasRegularizer'], ['model', 'layers', 3, 'biasRegularizer'],
    ]);
    assert.match(finding.message, /The same holds for 2 more/);
    assert.deepEqual(finding.fixes[0].args?.layers, [0, [1, 0], 3], 'one fix for all three');
  });

  it('is quiet for kernel-only penalties, zero coefficients and layers without bias', () => {
    const layers = [
      dense(32, 'relu', 'heNormal', { kernelRegularizer: { l2: 0.001 } }),
      dense(32, 'relu', 'heNormal', { biasRegularizer: { l1: 0, l2: 0 } }),
      dense(32, 'relu', 'heNormal', { useBias: false, biasRegularizer: { l2: 0.01 } }),
      dense(10, 'softmax'),
    ];
    assert.deepEqual(findingsOf(analyze(configText({ layers })), rule), []);
  });

  it('"severity": "error" raises it; "off" silences it', () => {
    const layers = [dense(32, 'relu', 'heNormal', { biasRegularizer: { l2: 0.01 } }), dense(10, 'softmax')];
    assert.deepEqual(findingsOf(analyze(configText({ layers, rules: { [rule]: { severity: 'error' } } })), rule).map((f) => f.severity), ['error']);
    assert.deepEqual(findingsOf(analyze(configText({ layers, rules: { [rule]: { severity: 'off' } } })), rule), []);
  });
});
