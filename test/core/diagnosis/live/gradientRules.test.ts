// grad.vanishing, grad.exploding and grad.nonfinite on hand-built event sequences: what fires,
// when (persistence over statistics samples, immediately for a probe), what it points at, and
// that config severities and thresholds are obeyed.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  healthyLayers, layer, layerStats, mlpConfig, parseFixture, preferredFix, Replay, runStarted, samples, step, withRuleSettings,
} from './liveTestKit';

const tanhConfig = mlpConfig({
  hidden: [
    { type: 'dense', units: 64, activation: 'tanh', kernelInitializer: { type: 'randomNormal', stddev: 0.01 } },
    { type: 'dense', units: 64, activation: 'tanh', kernelInitializer: { type: 'randomNormal', stddev: 0.01 } },
  ],
});

/** First layer's gradient 1e-4 of the last one's, and below AUTOTRAINER's 1e-4 floor. */
const vanishing = () => healthyLayers({ 0: { gradNorm: 5e-5 }, 1: { gradNorm: 2e-3 }, 2: { gradNorm: 0.5 } });

describe('grad.vanishing', () => {
  it('reports a first/last gradient ratio below 1e-3 once it held for 3 samples, pointing at the first layer\'s initializer', () => {
    const replay = new Replay(parseFixture(tanhConfig));
    replay.feed(runStarted());
    assert.equal(replay.feed(...samples(2, vanishing)).length, 0, 'two samples are not enough');
    replay.feed(layerStats(20, vanishing()));
    const [finding] = replay.of('grad.vanishing');
    assert.ok(finding, 'reported at the third sample');
    assert.equal(finding.severity, 'warning');
    assert.equal(finding.layer, 0);
    assert.equal(finding.step, 20);
    assert.deepEqual(finding.path, ['model', 'layers', 0, 'kernelInitializer']);
    assert.ok(Math.abs((finding.evidence.ratio as number) - 1e-4) < 1e-9);
    assert.match(finding.message, /1e-4 times/);
    const fix = preferredFix(finding);
    assert.equal(fix.id, 'fix.glorot-init');
    assert.deepEqual(fix.args, { layers: [0, 1], initializer: 'glorotUniform' });
    assert.ok(finding.fixes.some((f) => f.id === 'fix.add-batchnorm'));
    replay.feed(...samples(5, vanishing, 30));
    assert.equal(replay.of('grad.vanishing').length, 1, 'reported once per run');
  });

  it('needs consecutive samples: one healthy sample in between resets the count', () => {
    const replay = new Replay(parseFixture(tanhConfig));
    replay.feed(runStarted(), ...samples(2, vanishing), layerStats(20, healthyLayers()), ...samples(2, vanishing, 30));
    assert.equal(replay.of('grad.vanishing').length, 0);
  });

  it('fires on a probe\'s single sample (no run around it)', () => {
    const replay = new Replay(parseFixture(tanhConfig));
    const [finding] = replay.feed(layerStats(0, vanishing())).filter((f) => f.rule === 'grad.vanishing');
    assert.ok(finding);
    assert.equal(finding.step, undefined, 'a probe has no training step');
    assert.match(finding.message, /at initialization/);
  });

  it('stays quiet when the first layer\'s gradient is small but not below the floor (AUTOTRAINER needs both)', () => {
    const replay = new Replay(parseFixture(tanhConfig));
    replay.feed(runStarted(), ...samples(5, () => healthyLayers({ 0: { gradNorm: 2e-4 }, 2: { gradNorm: 0.5 } })));
    assert.equal(replay.of('grad.vanishing').length, 0);
  });

  it('reports when no layer gets any gradient, unless the loss has diverged (then lr.too-high explains it)', () => {
    const silent = () => healthyLayers({ 0: { gradNorm: 0 }, 1: { gradNorm: 0 }, 2: { gradNorm: 0 } });
    const stalled = new Replay(parseFixture(mlpConfig()));
    stalled.feed(runStarted(), step(0, 2.3), ...samples(3, silent));
    const [finding] = stalled.of('grad.vanishing');
    assert.ok(finding);
    assert.match(finding.message, /No layer gets any gradient/);

    const diverged = new Replay(parseFixture(mlpConfig()));
    diverged.feed(runStarted(), step(0, 2.3), ...Array.from({ length: 10 }, (_, i) => step(i + 1, 14)), ...samples(3, silent, 20));
    assert.equal(diverged.of('grad.vanishing').length, 0);
  });

  it('obeys "off" and threshold overrides from diagnostics.rules', () => {
    const off = new Replay(parseFixture(withRuleSettings(tanhConfig, { 'grad.vanishing': { severity: 'off' } })));
    off.feed(runStarted(), ...samples(4, vanishing));
    assert.equal(off.of('grad.vanishing').length, 0);

    const stricter = new Replay(parseFixture(withRuleSettings(tanhConfig, { 'grad.vanishing': { minRatio: 1e-5 } })));
    stricter.feed(runStarted(), ...samples(4, vanishing));
    assert.equal(stricter.of('grad.vanishing').length, 0);

    const patient = new Replay(parseFixture(withRuleSettings(tanhConfig, { 'grad.vanishing': { samples: 5, severity: 'info' } })));
    patient.feed(runStarted(), ...samples(4, vanishing));
    assert.equal(patient.of('grad.vanishing').length, 0);
    patient.feed(layerStats(40, vanishing()));
    assert.equal(patient.of('grad.vanishing')[0]?.severity, 'info');
  });
});

describe('grad.exploding', () => {
  const calmSteps = (count: number) => Array.from({ length: count }, (_, i) => step(i, 2.3, { gradNorm: 1 + 0.1 * (i % 3) }));

  it('is an error when the gradient norm stays over 100× its starting level for 3 steps', () => {
    const replay = new Replay(parseFixture(mlpConfig()));
    replay.feed(runStarted(), ...calmSteps(10), step(10, 2.3, { gradNorm: 500 }), step(11, 2.4, { gradNorm: 800 }));
    assert.equal(replay.of('grad.exploding').length, 0, 'two steps are not enough');
    replay.feed(step(12, 2.6, { gradNorm: 2000 }));
    const [finding] = replay.of('grad.exploding');
    assert.ok(finding);
    assert.equal(finding.severity, 'error');
    assert.equal(finding.step, 12);
    assert.equal(finding.evidence.baselineGradNorm, 1.1);
    assert.equal(preferredFix(finding).id, 'fix.gradient-clipping');
    assert.deepEqual(preferredFix(finding).args, { norm: 1 });
    assert.ok(finding.fixes.some((f) => f.id === 'fix.lower-lr' && (f.args?.learningRate as number) === 0.001));
  });

  it('ignores a single spike', () => {
    const replay = new Replay(parseFixture(mlpConfig()));
    replay.feed(runStarted(), ...calmSteps(10), step(10, 2.3, { gradNorm: 500 }), ...calmSteps(10).map((s) => ({ ...s, step: s.step + 11 })));
    assert.equal(replay.of('grad.exploding').length, 0);
  });

  it('warns when the first layer\'s gradient is over 70× the last one\'s for 3 samples', () => {
    const growing = () => healthyLayers({ 0: { gradNorm: 90 }, 1: { gradNorm: 9 }, 2: { gradNorm: 1 } });
    const replay = new Replay(parseFixture(mlpConfig()));
    replay.feed(runStarted(), ...samples(3, growing));
    const finding = replay.of('grad.exploding').find((f) => f.evidence.ratio !== undefined);
    assert.ok(finding);
    assert.equal(finding.severity, 'warning');
    assert.equal(finding.layer, 0);
  });

  it('judges absolute norms against the initial error for squared-error losses', () => {
    const huge = () => healthyLayers({ 0: { gradNorm: 5e3 }, 1: { gradNorm: 4e3 }, 2: { gradNorm: 3e3 } });
    const classifier = new Replay(parseFixture(mlpConfig()));
    classifier.feed(runStarted(), step(0, 2.3), ...samples(3, huge));
    assert.equal(classifier.of('grad.exploding')[0]?.layer, 0, 'a cross-entropy gradient of 5e3 is huge');

    const regression = new Replay(parseFixture(mlpConfig({ training: { loss: 'meanSquaredError' } })));
    regression.feed(runStarted(), step(0, 1e6), ...samples(3, huge));
    assert.equal(regression.of('grad.exploding').length, 0, 'an initial RMS error of 1000 scales the limit to 1e6');
  });

  it('prefers lowering the learning rate when clipping is already on', () => {
    const replay = new Replay(parseFixture(mlpConfig({ training: { gradientClipping: { norm: 5 } } })));
    replay.feed(runStarted(), ...calmSteps(10), ...[10, 11, 12].map((i) => step(i, 3, { gradNorm: 1e3 })));
    const [finding] = replay.of('grad.exploding');
    assert.ok(finding);
    assert.equal(preferredFix(finding).id, 'fix.lower-lr');
    assert.ok(!finding.fixes.some((f) => f.id === 'fix.gradient-clipping'));
    assert.match(finding.message, /Clipping is on/);
  });

  it('can be lowered to a warning from the config', () => {
    const replay = new Replay(parseFixture(withRuleSettings(mlpConfig(), { 'grad.exploding': { severity: 'warning', growthFactor: 1000 } })));
    replay.feed(runStarted(), ...calmSteps(10), ...[10, 11, 12].map((i) => step(i, 3, { gradNorm: 500 })));
    assert.equal(replay.of('grad.exploding').length, 0, 'growthFactor 1000 tolerates 500×');
    replay.feed(...[13, 14, 15].map((i) => step(i, 3, { gradNorm: 5000 })));
    assert.equal(replay.of('grad.exploding')[0]?.severity, 'warning');
  });
});

describe('grad.nonfinite', () => {
  it('reports a NaN loss as an error and asks the run to stop as failed', () => {
    const replay = new Replay(parseFixture(mlpConfig()));
    replay.feed(runStarted(), step(0, 2.3), step(1, NaN, { gradNorm: NaN }));
    const [finding] = replay.of('grad.nonfinite');
    assert.ok(finding);
    assert.equal(finding.severity, 'error');
    assert.equal(finding.step, 1);
    assert.deepEqual(finding.path, ['training', 'optimizer', 'learningRate']);
    assert.match(finding.message, /The loss became NaN at step 1/);
    assert.equal(preferredFix(finding).id, 'fix.lower-lr');
    assert.deepEqual(replay.stops.map((s) => s.status), ['failed']);
    assert.match(replay.stops[0].reason, /^grad\.nonfinite: /);
    replay.feed(step(2, NaN));
    assert.equal(replay.of('grad.nonfinite').length, 1, 'reported once');
  });

  it('reports an infinite gradient norm with a finite loss', () => {
    const replay = new Replay(parseFixture(mlpConfig()));
    replay.feed(runStarted(), step(0, 2.3, { gradNorm: Infinity }));
    assert.match(replay.of('grad.nonfinite')[0]?.message ?? '', /gradient norm became Infinity/);
  });

  it('names the first layer whose statistics are not finite', () => {
    const replay = new Replay(parseFixture(mlpConfig()));
    replay.feed(runStarted(), layerStats(0, healthyLayers({ 1: { gradNorm: NaN } })));
    const [finding] = replay.of('grad.nonfinite');
    assert.equal(finding?.layer, 1);
    assert.deepEqual(finding?.path, ['model', 'layers', 1]);
  });

  it('prefers standardizing when raw inputs on a large scale are the likely cause', () => {
    const replay = new Replay(parseFixture(mlpConfig({ preprocess: { normalize: 'none' } })));
    const wide = { mean: 300, std: 500, min: 0, max: 2000, featureMeanAbsMax: 900, featureStdMin: 0.5, featureStdMax: 400 };
    replay.feed(runStarted(wide), step(0, 1e4), step(1, Infinity));
    assert.equal(preferredFix(replay.of('grad.nonfinite')[0]).id, 'fix.normalize-inputs');
  });

  it('stays quiet on finite values and when switched off', () => {
    const quiet = new Replay(parseFixture(mlpConfig()));
    quiet.feed(runStarted(), step(0, 2.3), layerStats(0, healthyLayers()), step(1, 2.2));
    assert.equal(quiet.findings.length, 0);
    const off = new Replay(parseFixture(withRuleSettings(mlpConfig(), { 'grad.nonfinite': { severity: 'off' } })));
    off.feed(runStarted(), step(0, NaN));
    assert.equal(off.of('grad.nonfinite').length, 0);
    assert.equal(off.stops.length, 0);
  });
});

describe('layer helpers', () => {
  it('build statistics whose global norm is the layers\' combined norm', () => {
    const event = layerStats(0, [layer(0, 'dense', {}, { gradNorm: 3 }), layer(1, 'dense', {}, { gradNorm: 4 })]);
    assert.equal(event.gradNorm, 5);
  });
});
