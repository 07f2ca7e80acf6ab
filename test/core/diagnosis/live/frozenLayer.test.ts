import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { diagnoseProbe } from '../../../../src/core/diagnosis/runDiagnosis';
import { healthyLayers, mlpConfig, parseFixture, Replay, runStarted, samples, withRuleSettings, type LayerOverride } from './liveTestKit';

const rule = 'train.frozen-layer';

function run(count: number, overrides: Partial<Record<number, LayerOverride>>, raw = mlpConfig()): Replay {
  const replay = new Replay(parseFixture(raw));
  replay.feed(runStarted(), ...samples(count, () => healthyLayers(overrides)));
  return replay;
}

describe('train.frozen-layer', () => {
  it('reports a layer with no gradient that has not changed for 3 samples while the others move', () => {
    const frozen = { 0: { gradNorm: 0, updateRatio: 0 } };
    assert.deepEqual(run(2, frozen).of(rule), [], 'two samples are not enough');
    const [finding] = run(3, frozen).of(rule);
    assert.equal(finding.severity, 'warning');
    assert.equal(finding.layer, 0);
    assert.match(finding.message, /Layer 0 \(dense\) has not changed at all for 3 statistics samples/);
    assert.match(finding.message, /no gradient at all/);
    assert.equal(finding.evidence.movingLayer, 1);
  });

  it('tells an update lost to float32 rounding (a gradient, huge weights) from a missing gradient', () => {
    const [finding] = run(3, { 1: { gradNorm: 0.2, updateRatio: 0, weights: { mean: 0, std: 3000 } } }).of(rule);
    assert.match(finding.message, /gets a gradient \(norm 0\.2\).*lost to rounding/);
    assert.deepEqual(finding.path, ['model', 'layers', 1, 'kernelInitializer']);
  });

  it('leaves tiny but real updates to grad.vanishing and lr.too-low', () => {
    assert.deepEqual(run(5, { 0: { gradNorm: 1e-7, updateRatio: 1e-7 } }).of(rule), []);
    assert.equal(run(5, { 0: { gradNorm: 1e-7, updateRatio: 1e-9 } }).of(rule).length, 1, 'below maxUpdateRatio it is frozen');
  });

  it('leaves layers behind an entirely dead ReLU layer to act.dead-relu', () => {
    const dead = { 0: { gradNorm: 0, updateRatio: 0 }, 1: { gradNorm: 0, updateRatio: 0, activation: { deadFraction: 1, zeroFraction: 1 } } };
    assert.deepEqual(run(5, dead).of(rule), []);
    assert.equal(run(5, { 0: dead[0], 1: { activation: { deadFraction: 0.9, zeroFraction: 0.95 } } }).of(rule).length, 1, 'a mostly dead layer still passes a gradient');
  });

  it('says nothing when no layer moves at all (lr.too-low\'s case), nor in a probe', () => {
    assert.deepEqual(run(5, { 0: { updateRatio: 0 }, 1: { updateRatio: 0 }, 2: { updateRatio: 0 } }).of(rule), []);
    assert.equal(run(5, { 0: { updateRatio: 0 }, 1: { updateRatio: 0 } }).of(rule).length, 1, 'one layer moving is enough to judge');
    const { config, shapes } = parseFixture(mlpConfig());
    assert.deepEqual(diagnoseProbe(config, shapes, { stats: healthyLayers({ 0: { gradNorm: 0, updateRatio: 0 } }), loss: 2.3 }).filter((f) => f.rule === rule), []);
  });

  it('takes samples from diagnostics.rules', () => {
    assert.equal(run(2, { 0: { gradNorm: 0, updateRatio: 0 } }, withRuleSettings(mlpConfig(), { [rule]: { samples: 2 } })).of(rule).length, 1);
  });
});
