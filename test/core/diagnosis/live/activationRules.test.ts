// act.dead-relu and act.saturated on hand-built statistics: dead units (all-zero for every
// example) and saturated tanh/sigmoid outputs, with persistence, probe behaviour and the cause
// (initialization vs training) reflected in the preferred fix.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  epochEnd, healthyLayers, layer, layerStats, mlpConfig, parseFixture, preferredFix, Replay, runStarted, samples, step, withRuleSettings,
} from './liveTestKit';

const smallInitRelu = mlpConfig({
  hidden: [
    { type: 'dense', units: 64, activation: 'relu', kernelInitializer: { type: 'randomNormal', stddev: 0.01 } },
    { type: 'dense', units: 64, activation: 'relu', kernelInitializer: 'heNormal' },
  ],
});

const dead = (fraction: number) => () => healthyLayers({ 0: { activation: { mean: 0.01, std: 0.05, zeroFraction: 0.95, deadFraction: fraction } } });

describe('act.dead-relu', () => {
  it('reports a layer with more than 70% dead units for 3 samples, and He init first when it was dead from the start', () => {
    const replay = new Replay(parseFixture(smallInitRelu));
    replay.feed(runStarted(), ...samples(2, dead(0.85)));
    assert.equal(replay.of('act.dead-relu').length, 0);
    replay.feed(layerStats(20, dead(0.85)()));
    const [finding] = replay.of('act.dead-relu');
    assert.ok(finding);
    assert.equal(finding.layer, 0);
    assert.equal(finding.step, 20);
    assert.equal(finding.evidence.deadFraction, 0.85);
    assert.equal(finding.evidence.deadFromStart, true);
    assert.deepEqual(finding.path, ['model', 'layers', 0, 'kernelInitializer']);
    assert.deepEqual(preferredFix(finding), { id: 'fix.he-init', title: preferredFix(finding).title, preferred: true, args: { layers: [0], initializer: 'heNormal' } });
    assert.match(finding.message, /85% of its units are zero for every example/);
    assert.match(finding.message, /leakyRelu/);
  });

  it('prefers a lower learning rate when the units died during training', () => {
    const replay = new Replay(parseFixture(mlpConfig()));
    replay.feed(runStarted(), layerStats(0, healthyLayers()), ...samples(3, dead(0.9), 10));
    const [finding] = replay.of('act.dead-relu');
    assert.ok(finding);
    assert.equal(finding.evidence.deadFromStart, false);
    assert.equal(preferredFix(finding).id, 'fix.lower-lr');
    assert.match(finding.message, /died during training/);
    assert.ok(!finding.fixes.some((f) => f.id === 'fix.he-init'), 'the layer already uses He initialization');
  });

  it('stays quiet below the threshold, which the config can move', () => {
    const quiet = new Replay(parseFixture(mlpConfig()));
    quiet.feed(runStarted(), ...samples(5, dead(0.6)));
    assert.equal(quiet.of('act.dead-relu').length, 0, 'DeepDiagnosis\' 70% is not reached');
    const strict = new Replay(parseFixture(withRuleSettings(mlpConfig(), { 'act.dead-relu': { maxDeadFraction: 0.5 } })));
    strict.feed(runStarted(), ...samples(3, dead(0.6)));
    assert.equal(strict.of('act.dead-relu').length, 1);
  });

  it('falls back to the fraction of zero outputs when the dead-unit statistic is missing', () => {
    const zeros = (fraction: number) => () => [layer(0, 'dense', { mean: 0.01, std: 0.05, zeroFraction: fraction }, { gradNorm: 0.1 }), layer(2, 'dense', {}, { gradNorm: 0.5 })];
    const mostly = new Replay(parseFixture(mlpConfig()));
    mostly.feed(runStarted(), ...samples(3, zeros(0.9)));
    assert.equal(mostly.of('act.dead-relu').length, 0, '90% zeros is within what healthy ReLU layers show');
    const all = new Replay(parseFixture(mlpConfig()));
    all.feed(runStarted(), ...samples(3, zeros(0.98)));
    assert.equal(all.of('act.dead-relu')[0]?.evidence.zeroFraction, 0.98);
  });

  it('fires on a probe\'s single sample and reports each layer once', () => {
    const replay = new Replay(parseFixture(smallInitRelu));
    const both = () => healthyLayers({ 0: { activation: { deadFraction: 1 } }, 1: { activation: { deadFraction: 1 } } });
    replay.feed(layerStats(0, both()));
    assert.deepEqual(replay.of('act.dead-relu').map((f) => f.layer), [0, 1]);
    assert.match(replay.of('act.dead-relu')[0].message, /at initialization/);
  });

  it('is silent when switched off', () => {
    const replay = new Replay(parseFixture(withRuleSettings(mlpConfig(), { 'act.dead-relu': { severity: 'off' } })));
    replay.feed(runStarted(), ...samples(4, dead(1)));
    assert.equal(replay.of('act.dead-relu').length, 0);
  });
});

const bigInitTanh = mlpConfig({
  hidden: [
    { type: 'dense', units: 64, activation: 'tanh', kernelInitializer: { type: 'randomNormal', stddev: 1 } },
    { type: 'dense', units: 64, activation: 'tanh', kernelInitializer: 'glorotUniform' },
  ],
});

const tanhLayers = (saturated: number) => [
  layer(0, 'dense', { std: 0.95, saturatedFraction: saturated }, { gradNorm: 0.1 }),
  layer(1, 'dense', { std: 0.5, saturatedFraction: 0.01 }, { gradNorm: 0.3 }),
  layer(2, 'dense', { mean: 0.1, std: 0.3, saturatedFraction: 0.9 }, { gradNorm: 0.5 }),
];

describe('act.saturated', () => {
  it('reports a tanh layer with most outputs at its limits for 3 samples, with Glorot init preferred', () => {
    const replay = new Replay(parseFixture(bigInitTanh));
    replay.feed(runStarted(), ...samples(3, () => tanhLayers(0.8)));
    const findings = replay.of('act.saturated');
    assert.deepEqual(findings.map((f) => f.layer), [0], 'the output layer is not judged');
    assert.equal(findings[0].evidence.saturatedFraction, 0.8);
    assert.deepEqual(findings[0].path, ['model', 'layers', 0, 'kernelInitializer']);
    assert.equal(preferredFix(findings[0]).id, 'fix.glorot-init');
    assert.deepEqual(preferredFix(findings[0]).args, { layers: [0], initializer: 'glorotUniform' });
  });

  it('stays quiet at moderate saturation and needs persistence', () => {
    const moderate = new Replay(parseFixture(bigInitTanh));
    moderate.feed(runStarted(), ...samples(5, () => tanhLayers(0.3)));
    assert.equal(moderate.of('act.saturated').length, 0);
    const brief = new Replay(parseFixture(bigInitTanh));
    brief.feed(runStarted(), ...samples(2, () => tanhLayers(0.8)), layerStats(20, tanhLayers(0.2)));
    assert.equal(brief.of('act.saturated').length, 0);
  });

  it('prefers standardizing when the raw inputs are on a large scale', () => {
    const raw = mlpConfig({ preprocess: { normalize: 'none' }, hidden: [{ type: 'dense', units: 64, activation: 'tanh' }, { type: 'dense', units: 64, activation: 'tanh' }] });
    const replay = new Replay(parseFixture(raw));
    const wide = { mean: 50, std: 80, min: 0, max: 400, featureMeanAbsMax: 120, featureStdMin: 1, featureStdMax: 90 };
    replay.feed(runStarted(wide), ...samples(3, () => tanhLayers(0.9)));
    assert.equal(preferredFix(replay.of('act.saturated')[0]).id, 'fix.normalize-inputs');
  });

  describe('a run that learns despite the saturation (issue 10: Nielsen\'s N(0, 1) sigmoid net, a working recipe)', () => {
    const epochWith = (epoch: number, loss: number, accuracy: number) => ({ ...epochEnd(epoch, loss, loss, { step: (epoch + 1) * 16 }), valMetrics: { accuracy } });
    const saturatedRun = () => {
      const replay = new Replay(parseFixture(bigInitTanh));
      replay.feed(runStarted(), step(0, 2.3), step(1, 2.3), ...samples(3, () => tanhLayers(0.8)));
      assert.equal(replay.of('act.saturated').length, 1);
      return replay;
    };

    it('is withdrawn once a classifier\'s accuracy has covered half the way from chance to perfect', () => {
      const replay = saturatedRun();
      replay.feed(epochWith(0, 1.5, 0.45));
      assert.equal(replay.of('act.saturated').length, 1, '0.45 is less than half the way from 0.1 to 1');
      replay.feed(epochWith(1, 0.9, 0.62));
      const [open, resolved] = replay.of('act.saturated');
      assert.equal(resolved?.id, open.id);
      assert.equal(resolved.state, 'resolved');
      assert.match(resolved.resolution ?? '', /validation accuracy is 0\.62.*chance 0\.1/);
    });

    it('stays open while the accuracy is near chance, whatever the loss did (an MSE net learning the class prior)', () => {
      const replay = saturatedRun();
      replay.feed(epochWith(0, 0.2, 0.19), epochWith(1, 0.1, 0.19));
      assert.deepEqual(replay.of('act.saturated').map((f) => f.state), [undefined]);
    });
  });

  it('obeys a threshold override', () => {
    const replay = new Replay(parseFixture(withRuleSettings(bigInitTanh, { 'act.saturated': { maxSaturatedFraction: 0.9 } })));
    replay.feed(runStarted(), ...samples(4, () => tanhLayers(0.8)));
    assert.equal(replay.of('act.saturated').length, 0);
  });
});
