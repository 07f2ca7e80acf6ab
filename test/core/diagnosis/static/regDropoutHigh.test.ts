import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, configText, dense, findingsOf } from './staticTestHelpers';

const rule = 'reg.dropout-high';
const withDropout = (rate: number, rules?: Record<string, unknown>) => configText({
  layers: [dense(64, 'relu', 'heNormal'), { type: 'dropout', rate }, dense(10, 'softmax')], rules,
});

describe('reg.dropout-high', () => {
  it('reports dropout above 0.5 as info, on the rate, and reads 0.8 as a likely keep probability', () => {
    const [finding] = findingsOf(analyze(withDropout(0.8)), rule);
    assert.equal(finding.severity, 'info');
    assert.equal(finding.layer, 1);
    assert.deepEqual(finding.path, ['model', 'layers', 1, 'rate']);
    assert.match(finding.message, /drops 80% of its inputs/);
    assert.match(finding.message, /keep_prob\), the rate is 0\.2/);
    assert.doesNotMatch(findingsOf(analyze(withDropout(0.6)), rule)[0].message, /keep_prob/);
  });

  it('is quiet at the classic 0.5 and below, and takes maxRate from diagnostics.rules', () => {
    assert.deepEqual(findingsOf(analyze(withDropout(0.5)), rule), []);
    assert.deepEqual(findingsOf(analyze(withDropout(0.6, { [rule]: { maxRate: 0.7 } })), rule), []);
    assert.equal(findingsOf(analyze(withDropout(0.4, { [rule]: { maxRate: 0.3 } })), rule).length, 1);
  });

  it('finds dropout inside residual blocks too', () => {
    const text = configText({ layers: [dense(16, 'relu', 'heNormal'), { type: 'residual', layers: [dense(16, 'relu', 'heNormal'), { type: 'dropout', rate: 0.9 }] }, dense(10, 'softmax')] });
    const [finding] = findingsOf(analyze(text), rule);
    assert.deepEqual(finding.path, ['model', 'layers', 1, 'layers', 1, 'rate']);
  });
});
