import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { diagnoseProbe } from '../../../../src/core/diagnosis/runDiagnosis';
import type { OverfitBatchResult } from '../../../../src/core/engine/overfitBatch';
import { assertWellFormed, healthyLayers, mlpConfig, parseFixture, preferredFix, withRuleSettings } from './liveTestKit';

const rule = 'probe.cannot-overfit-batch';

function result(initialLoss: number, finalLoss: number, extra: Partial<OverfitBatchResult> = {}): OverfitBatchResult {
  return {
    examples: 32, steps: 100, initialLoss, finalLoss, minLoss: finalLoss, fraction: finalLoss / initialLoss,
    curve: [[0, initialLoss], [99, finalLoss]], durationMs: 10, ...extra,
  };
}

function judged(raw: Record<string, unknown>, overfit?: OverfitBatchResult) {
  const { config, shapes } = parseFixture(raw);
  const findings = diagnoseProbe(config, shapes, { stats: healthyLayers(), loss: 2.3, overfitBatch: overfit }).filter((f) => f.rule === rule);
  findings.forEach(assertWellFormed);
  return findings;
}

describe('probe.cannot-overfit-batch', () => {
  it('warns when training on one batch leaves the loss above half of where it started', () => {
    const [finding] = judged(mlpConfig(), result(2.3, 1.5));
    assert.equal(finding.severity, 'warning');
    assert.match(finding.message, /Trained alone on 32 examples for 100 steps, the loss went from 2\.3 to 1\.5 \(lowest 1\.5, 65% of the initial loss\)/);
    assert.deepEqual(finding.evidence.curve, [[0, 2.3], [99, 1.5]]);
  });

  it('a loss that falls, but stays above 10%, is info (a zero-gamma ResNet memorizes slowly)', () => {
    const [finding] = judged(mlpConfig(), result(2.28, 0.96));
    assert.equal(finding.severity, 'info');
    assert.match(finding.message, /learns, but slowly/);
  });

  it('is quiet when the batch is memorized, and when the check did not run', () => {
    assert.deepEqual(judged(mlpConfig(), result(2.3, 0.01)), []);
    assert.deepEqual(judged(mlpConfig()), []);
    assert.equal(judged(mlpConfig(), result(2.3, 0.24)).length, 1, 'just above 10%');
  });

  it('names a far too small learning rate and offers to raise it', () => {
    const [finding] = judged(mlpConfig({ training: { optimizer: { type: 'sgd', learningRate: 1e-5 } } }), result(2.3, 2.25));
    assert.deepEqual(preferredFix(finding).args, { learningRate: 0.01 });
    assert.match(finding.message, /far below sgd's usual 0\.01/);
  });

  it('names a softmax over a single unit (a regression head that always outputs 1)', () => {
    const raw = {
      ...mlpConfig(),
      data: { dataset: { csv: 'prices.csv', label: 'price', task: 'regression' }, preprocess: { normalize: 'standardize' } },
      model: { input: [32], layers: [{ type: 'dense', units: 16, activation: 'relu' }, { type: 'dense', units: 1, activation: 'softmax' }] },
      training: { epochs: 5, batchSize: 32, loss: 'meanSquaredError', optimizer: { type: 'adam', learningRate: 0.001 } },
    };
    const [finding] = judged(raw, result(9, 9));
    assert.match(finding.message, /a softmax over a single output unit always outputs 1/);
    assert.deepEqual(finding.path, ['model', 'layers', 1, 'activation']);
  });

  it('a loss that rises or blows up on one batch is info and asks for a lower learning rate (momentum SGD at 0.1 on one batch)', () => {
    for (const diverged of [result(3.05, 10.58, { minLoss: 3.05 }), result(2.3, NaN, { nonFiniteAt: 7, fraction: NaN, minLoss: 2.3 })]) {
      const [finding] = judged(mlpConfig(), diverged);
      assert.equal(finding.severity, 'info');
      assert.equal(preferredFix(finding).id, 'fix.lower-lr');
      assert.match(finding.message, /overshoot/);
    }
  });

  it('judges the lowest loss: a batch fitted once and then bounced away from was memorized', () => {
    assert.deepEqual(judged(mlpConfig(), result(2.3, 1.2, { minLoss: 0.01 })), []);
    assert.equal(judged(mlpConfig(), result(2.3, 1.2, { minLoss: 1.2 })).length, 1);
  });

  it('takes maxLossFraction from diagnostics.rules, and can be switched off', () => {
    assert.deepEqual(judged(withRuleSettings(mlpConfig(), { [rule]: { maxLossFraction: 0.7 } }), result(2.3, 1.5)).map((f) => f.severity), ['info']);
    assert.deepEqual(judged(withRuleSettings(mlpConfig(), { [rule]: { severity: 'off' } }), result(2.3, 2.3)), []);
  });
});
