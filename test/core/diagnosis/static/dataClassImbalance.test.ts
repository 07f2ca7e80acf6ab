import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { countLabels } from '../../../../src/core/data/preprocess';
import { analyze, configText, dense, findingsOf, stats, withLabels } from './staticTestHelpers';

const rule = 'data.class-imbalance';
const text = (rules?: Record<string, unknown>) => configText({ data: { dataset: { synthetic: 'gaussian', features: 64, classes: 4 } }, layers: [dense(32, 'relu', 'heNormal'), dense(4, 'softmax')], rules });

describe('data.class-imbalance', () => {
  it('warns when the largest class has 10× the examples of the smallest', () => {
    const [finding] = findingsOf(analyze(text(), withLabels(stats(0, 1), [600, 300, 200, 50])), rule);
    assert.equal(finding.severity, 'warning');
    assert.match(finding.message, /class 0 has 600 of the 1150 examples while class 3 has 50 \(12× fewer\)/);
    assert.match(finding.message, /always predicts class 0 already scores 52\.2% accuracy/);
    assert.deepEqual(finding.path, ['data', 'dataset']);
    assert.deepEqual(finding.evidence.labelCounts, [600, 300, 200, 50]);
  });

  it('warns when a class has no training example at all', () => {
    const [finding] = findingsOf(analyze(text(), withLabels(stats(0, 1), [300, 300, 300, 0])), rule);
    assert.equal(finding.severity, 'warning');
    assert.match(finding.message, /class 3 has no training example at all/);
  });

  it('a milder imbalance (3× to 10×) is info; a balanced split (MNIST\'s 1.3×) is quiet', () => {
    assert.deepEqual(findingsOf(analyze(text(), withLabels(stats(0, 1), [400, 300, 200, 100])), rule).map((f) => f.severity), ['info']);
    assert.deepEqual(findingsOf(analyze(text(), withLabels(stats(0, 1), [795, 899, 792, 703])), rule), []);
  });

  it('says nothing without label counts (regression, or data not loaded) or on a tiny split', () => {
    assert.deepEqual(findingsOf(analyze(text(), stats(0, 1)), rule), []);
    assert.deepEqual(findingsOf(analyze(text()), rule), []);
    assert.deepEqual(findingsOf(analyze(text(), withLabels(stats(0, 1), [15, 1, 1, 1])), rule), []);
    assert.equal(findingsOf(analyze(text(), withLabels(stats(0, 1), [150, 10, 10, 10])), rule).length, 1, 'the same balance on a larger split');
  });

  it('takes its thresholds from diagnostics.rules', () => {
    const counts = withLabels(stats(0, 1), [600, 300, 200, 50]);
    assert.deepEqual(findingsOf(analyze(text({ [rule]: { maxRatio: 20 } }), counts), rule).map((f) => f.severity), ['info']);
    assert.deepEqual(findingsOf(analyze(text({ [rule]: { infoRatio: 20, maxRatio: 20 } }), counts), rule), []);
  });
});

describe('label counts measured at load', () => {
  it('counts the training labels per class, and not for too many classes or regression', () => {
    assert.deepEqual(countLabels(Float32Array.from([0, 2, 2, 1, 2]), 3), [1, 1, 3]);
    assert.equal(countLabels(Float32Array.from([0.5, 3.2]), 1), undefined);
    assert.equal(countLabels(new Float32Array(10), 5000), undefined);
  });
});
