// The live rules as a set: the fixed ids, documentation and declared fixes every rule carries,
// thresholds a config can override, and a config that switches every rule off.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allRules, ruleCatalog } from '../../../../src/core/diagnosis/diagnosisRegistry';
import { fixById } from '../../../../src/core/diagnosis/fixes/allFixes';
import { allLiveRules } from '../../../../src/core/diagnosis/liveRules/allLiveRules';
import { resolveSettings, unknownThresholds } from '../../../../src/core/diagnosis/ruleSettings';
import { healthyLayers, layerStats, mlpConfig, parseFixture, Replay, runStarted, samples, step, withRuleSettings } from './liveTestKit';

const LIVE_IDS = [
  'grad.vanishing', 'grad.exploding', 'grad.nonfinite', 'act.dead-relu', 'act.saturated',
  'init.vanishing-activations', 'init.exploding-activations', 'fit.overfitting', 'fit.underfitting', 'lr.too-low', 'lr.too-high', 'lr.no-decay',
  'loss.initial-mismatch', 'train.frozen-layer', 'probe.cannot-overfit-batch',
];

describe('the live rule set', () => {
  it('has exactly the agreed ids, each once', () => {
    assert.deepEqual(allLiveRules.map((r) => r.id).sort(), [...LIVE_IDS].sort());
  });

  it('documents every rule and declares fixes that exist', () => {
    for (const rule of allLiveRules) {
      assert.equal(rule.kind, 'live');
      assert.ok(['info', 'warning', 'error'].includes(rule.defaultSeverity), rule.id);
      assert.ok(rule.docs.title.length > 10, `${rule.id} has a title`);
      assert.ok(rule.docs.description.length > 150, `${rule.id} explains itself`);
      assert.ok(rule.fixes.length > 0, `${rule.id} offers fixes`);
      for (const id of rule.fixes) assert.ok(fixById(id), `${rule.id}: ${id} is a known fix`);
      for (const [name, value] of Object.entries(rule.thresholds)) assert.ok(Number.isFinite(value), `${rule.id}.${name}`);
    }
  });

  it('shows up in the catalog next to the static rules', () => {
    const ids = ruleCatalog().map((r) => r.id);
    for (const id of LIVE_IDS) assert.ok(ids.includes(id), id);
  });

  it('takes threshold overrides and flags unknown threshold names', () => {
    const { config } = parseFixture(withRuleSettings(mlpConfig(), { 'fit.overfitting': { patience: 7, patiense: 2 }, 'init.vanishing-activations': { measuredMinStd: 0.1 } }));
    const overfitting = allLiveRules.find((r) => r.id === 'fit.overfitting')!;
    assert.equal(resolveSettings(overfitting, config).thresholds.patience, 7);
    const vanishing = allLiveRules.find((r) => r.id === 'init.vanishing-activations')!;
    assert.equal(resolveSettings(vanishing, config).thresholds.measuredMinStd, 0.1);
    assert.deepEqual(unknownThresholds(allRules(), config), [{ rule: 'fit.overfitting', name: 'patiense' }]);
  });

  it('reports nothing when every rule is off, however bad the run', () => {
    const off = Object.fromEntries(LIVE_IDS.map((id) => [id, { severity: 'off' }]));
    const replay = new Replay(parseFixture(withRuleSettings(mlpConfig(), off)));
    replay.feed(
      runStarted(),
      ...samples(4, () => healthyLayers({ 0: { gradNorm: 0, activation: { deadFraction: 1, std: 0 } }, 1: { gradNorm: 0, activation: { deadFraction: 1, std: 0 } } })),
      step(0, 2.3), step(1, NaN),
    );
    assert.equal(replay.findings.length, 0);
    assert.equal(replay.stops.length, 0);
  });

  it('is quiet on a healthy sequence of events', () => {
    const replay = new Replay(parseFixture(mlpConfig()));
    replay.feed(runStarted());
    for (let i = 0; i < 200; i++) {
      replay.feed(step(i, 2.3 * Math.exp(-i / 80) * (1 + 0.1 * Math.sin(i)), { gradNorm: 1 + 0.2 * Math.cos(i) }));
      if (i % 10 === 0) replay.feed(layerStats(i, healthyLayers()));
    }
    assert.deepEqual(replay.findings.map((f) => f.rule), []);
  });
});
