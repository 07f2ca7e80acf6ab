import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { diagnoseProbe } from '../../../../src/core/diagnosis/runDiagnosis';
import { calmInputs, healthyLayers, mlpConfig, parseFixture, preferredFix, Replay, runStarted, step, withRuleSettings } from './liveTestKit';

const rule = 'loss.initial-mismatch';
const LN10 = Math.log(10);

function firstStep(raw: Record<string, unknown>, loss: number, inputStats = calmInputs): Replay {
  const replay = new Replay(parseFixture(raw));
  replay.feed(runStarted(inputStats), step(0, loss), step(1, loss * 0.9), step(2, loss * 0.8));
  return replay;
}

describe('loss.initial-mismatch', () => {
  it('warns when the first loss is far above ln(classes): large initial logits', () => {
    const replay = firstStep(mlpConfig(), 12);
    const [finding] = replay.of(rule);
    assert.equal(finding.severity, 'warning');
    assert.match(finding.message, /is 12, 9\.7 nats above the 2\.3/);
    assert.equal(finding.step, 0);
    assert.ok(Math.abs((finding.evidence.expectedLoss as number) - LN10) < 1e-9);
  });

  it('stays quiet for the excess healthy He-initialized nets start with (2.3 nats for the MNIST CNN example, 4.1 for a 4-conv He CNN)', () => {
    assert.deepEqual(firstStep(mlpConfig(), LN10 + 2.3).of(rule), []);
    assert.deepEqual(firstStep(mlpConfig(), 6.42).of(rule), []);
    assert.deepEqual(firstStep(mlpConfig(), LN10).of(rule), []);
    assert.equal(firstStep(mlpConfig(), LN10 + 5.1).of(rule).length, 1, 'just above maxExcess');
  });

  it('judges only the first step: a loss that rises later is another rule\'s business', () => {
    const replay = new Replay(parseFixture(mlpConfig()));
    replay.feed(runStarted(), step(0, 2.3), step(1, 14), step(2, 15));
    assert.deepEqual(replay.of(rule), []);
    assert.equal(firstStep(mlpConfig(), 14).of(rule).length, 1, 'the same loss at step 0 is reported');
  });

  it('offers Glorot for a badly scaled output layer, preferred', () => {
    const raw = mlpConfig();
    const layers = (raw.model as { layers: Record<string, unknown>[] }).layers;
    layers[2] = { ...layers[2], kernelInitializer: { type: 'randomNormal', stddev: 1 } };
    const [finding] = firstStep(raw, 14).of(rule);
    assert.deepEqual(preferredFix(finding).args, { layers: [2], initializer: 'glorotUniform' });
    assert.equal(finding.layer, 2);
    assert.deepEqual(finding.path, ['model', 'layers', 2, 'kernelInitializer']);
  });

  it('prefers standardizing raw inputs far from unit scale', () => {
    const raw = mlpConfig({ preprocess: { normalize: 'none' } });
    const [finding] = firstStep(raw, 14, { ...calmInputs, mean: 40, featureMeanAbsMax: 40, featureStdMax: 30 }).of(rule);
    assert.equal(preferredFix(finding).id, 'fix.normalize-inputs');
  });

  it('warns when the untrained model already scores far below a constant guess (labels leak)', () => {
    const [finding] = firstStep(mlpConfig(), 0.05).of(rule);
    assert.match(finding.message, /leak/);
    assert.deepEqual(finding.fixes, []);
  });

  it('measures the low side against the best constant guess when classes are imbalanced', () => {
    // 97% of one class: the constant guess scores 0.17 nats, so 0.1 is no sign of leaking labels.
    const skewed = { ...calmInputs, labelCounts: [970, 10, 10, 10, 0, 0, 0, 0, 0, 0] };
    assert.deepEqual(firstStep(mlpConfig(), 0.1, skewed).of(rule), []);
    assert.equal(firstStep(mlpConfig(), 0.01, skewed).of(rule).length, 1);
  });

  it('does not judge the high side of a model with weight penalties (its loss includes them), nor regressions', () => {
    const penalized = mlpConfig({ hidden: [{ type: 'dense', units: 64, activation: 'relu', kernelInitializer: 'heNormal', kernelRegularizer: { l2: 0.1 } }] });
    assert.deepEqual(firstStep(penalized, 140).of(rule), []);
    assert.equal(firstStep(penalized, 0.01).of(rule).length, 1, 'the low side is still judged');
    const regression = {
      ...mlpConfig(),
      data: { dataset: { synthetic: 'gaussian', features: 32, samples: 600, classes: 10 }, validationSize: 100, preprocess: { normalize: 'standardize' } },
      training: { epochs: 5, batchSize: 32, loss: 'meanSquaredError', optimizer: { type: 'sgd', learningRate: 0.01 } },
    };
    assert.deepEqual(firstStep(regression, 1e6).of(rule), []);
  });

  it('takes maxExcess from diagnostics.rules', () => {
    assert.deepEqual(firstStep(withRuleSettings(mlpConfig(), { [rule]: { maxExcess: 12 } }), 12).of(rule), []);
    assert.equal(firstStep(withRuleSettings(mlpConfig(), { [rule]: { maxExcess: 1 } }), 4).of(rule).length, 1);
  });

  it('reads the probe\'s loss too', () => {
    const { config, shapes } = parseFixture(mlpConfig());
    const findings = diagnoseProbe(config, shapes, { stats: healthyLayers(), loss: 13, inputStats: calmInputs });
    assert.deepEqual(findings.filter((f) => f.rule === rule).map((f) => f.severity), ['warning']);
  });
});
