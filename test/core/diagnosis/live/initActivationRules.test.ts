// The live halves of init.vanishing-activations and init.exploding-activations on hand-built
// first samples: a shrinking or growing activation std through depth (the seeds' experiment),
// a collapse, all-zero outputs, and large activations that come from the inputs.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LayerStats } from '../../../../src/core/engine/layerStatistics';
import { layer, layerStats, mlpConfig, parseFixture, preferredFix, Replay, runStarted, withRuleSettings } from './liveTestKit';

/** A 6-hidden-layer linear MLP (like the seeds' 4096-wide one), its output, and measured stds. */
function linearMlp(stddev: number) {
  return mlpConfig({
    hidden: Array.from({ length: 6 }, () => ({ type: 'dense', units: 64, kernelInitializer: { type: 'randomNormal', stddev } })),
  });
}

function profile(stds: number[], type = 'dense'): LayerStats[] {
  return [...stds.map((std, i) => layer(i, type, { std }, { gradNorm: 0.5 })), layer(stds.length, 'dense', { mean: 0.1, std: 0.05 }, { gradNorm: 0.5 })];
}

const geometric = (first: number, factor: number, count = 6) => Array.from({ length: count }, (_, i) => first * factor ** i);

describe('init.vanishing-activations (measured)', () => {
  it('confirms the seeds\' N(0, 0.01²) case: std 0.64 → 0.069, ×0.64 per layer', () => {
    const replay = new Replay(parseFixture(linearMlp(0.01)));
    const [finding] = replay.feed(layerStats(0, profile(geometric(0.64, 0.64)))).filter((f) => f.rule === 'init.vanishing-activations');
    assert.ok(finding);
    assert.equal(finding.severity, 'warning');
    assert.equal(finding.layer, 3, 'the first layer below 0.2');
    assert.deepEqual(finding.path, ['model', 'layers', 3, 'kernelInitializer']);
    assert.equal(finding.step, undefined);
    assert.ok(Math.abs((finding.evidence.factorPerLayer as number) - 0.64) < 1e-6);
    assert.equal(finding.evidence.measured, 'probe');
    assert.match(finding.message, /shrink with depth: std 0\.64 \(layer 0\) → 0\.41 \(layer 1\)/);
    assert.deepEqual(preferredFix(finding).args, { layers: [0, 1, 2, 3, 4, 5], initializer: 'glorotUniform' });
  });

  it('confirms the milder ReLU + N(0, 1/D) case (0.58 → 0.10) with He init preferred', () => {
    const relu = mlpConfig({ hidden: Array.from({ length: 6 }, () => ({ type: 'dense', units: 64, activation: 'relu', kernelInitializer: { type: 'randomNormal', stddev: 0.125 } })) });
    const replay = new Replay(parseFixture(relu));
    const [finding] = replay.feed(layerStats(0, profile(geometric(0.58, 0.705)))).filter((f) => f.rule === 'init.vanishing-activations');
    assert.ok(finding);
    assert.equal(preferredFix(finding).id, 'fix.he-init');
  });

  it('stays quiet for Xavier/Kaiming-like profiles and for shallow nets with a modest std', () => {
    for (const stds of [geometric(1, 1), geometric(0.82, 1.01), [0.3, 0.25]]) {
      const replay = new Replay(parseFixture(stds.length === 6 ? linearMlp(0.125) : mlpConfig()));
      replay.feed(layerStats(0, profile(stds)));
      assert.equal(replay.findings.filter((f) => f.rule.startsWith('init.')).length, 0, `profile ${stds.join(', ')}`);
    }
  });

  it('reports a collapse below 0.01 in a shallow net as info only (workable, issue 10), and all-zero outputs as no signal at all', () => {
    const collapsed = new Replay(parseFixture(mlpConfig()));
    collapsed.feed(runStarted(), layerStats(0, profile([0.5, 0.004])));
    const [finding] = collapsed.of('init.vanishing-activations');
    assert.equal(finding?.layer, 1);
    assert.equal(finding?.step, 0);
    assert.equal(finding?.evidence.measured, 'first-step');
    assert.equal(finding?.severity, 'info', 'two measured layers');
    assert.match(finding.message, /With 2 measured layers this is workable/);
    const deep = new Replay(parseFixture(mlpConfig({ hidden: [1, 2, 3].map(() => ({ type: 'dense', units: 64, activation: 'relu', kernelInitializer: 'heNormal' })) })));
    deep.feed(runStarted(), layerStats(0, profile([0.5, 0.3, 0.004])));
    assert.equal(deep.of('init.vanishing-activations')[0]?.severity, 'warning', 'three measured layers');

    const zero = new Replay(parseFixture(mlpConfig({ hidden: [{ type: 'dense', units: 64, activation: 'relu', kernelInitializer: 'zeros' }, { type: 'dense', units: 64, activation: 'relu', kernelInitializer: 'zeros' }] })));
    zero.feed(layerStats(0, profile([0, 0])));
    assert.match(zero.of('init.vanishing-activations')[0]?.message ?? '', /same value for every example/);
    assert.equal(preferredFix(zero.of('init.vanishing-activations')[0]).id, 'fix.he-init');
  });

  it('judges only the first sample: later ones show training, not the initialization', () => {
    const replay = new Replay(parseFixture(linearMlp(0.01)));
    replay.feed(runStarted(), layerStats(0, profile(geometric(1, 1))), layerStats(10, profile(geometric(0.64, 0.64))));
    assert.equal(replay.of('init.vanishing-activations').length, 0);
  });

  it('ignores dropout, flatten and pooling layers and the output layer', () => {
    const withDropout = mlpConfig({
      hidden: [
        { type: 'dense', units: 64, activation: 'relu', kernelInitializer: 'heNormal' },
        { type: 'dropout', rate: 0.5 },
        { type: 'dense', units: 64, activation: 'relu', kernelInitializer: 'heNormal' },
      ],
    });
    const replay = new Replay(parseFixture(withDropout));
    replay.feed(layerStats(0, [layer(0, 'dense', { std: 0.8 }), layer(1, 'dropout', { std: 0.001 }), layer(2, 'dense', { std: 0.8 }), layer(3, 'dense', { std: 0.001 })]));
    assert.equal(replay.of('init.vanishing-activations').length, 0);
  });

  it('obeys "off" and its thresholds (named measured… to keep them apart from the static half\'s)', () => {
    const off = new Replay(parseFixture(withRuleSettings(linearMlp(0.01), { 'init.vanishing-activations': { severity: 'off' } })));
    off.feed(layerStats(0, profile(geometric(0.64, 0.64))));
    assert.equal(off.of('init.vanishing-activations').length, 0);
    const lenient = new Replay(parseFixture(withRuleSettings(linearMlp(0.01), { 'init.vanishing-activations': { measuredDecayPerLayer: 0.5 } })));
    lenient.feed(layerStats(0, profile(geometric(0.64, 0.64))));
    assert.equal(lenient.of('init.vanishing-activations').length, 0);
  });
});

describe('init.exploding-activations (measured)', () => {
  it('confirms the seeds\' N(0, 0.02²) case: std 1.28 → 4.4, pointing at the first layer above 3', () => {
    const replay = new Replay(parseFixture(linearMlp(0.02)));
    replay.feed(layerStats(0, profile(geometric(1.28, 1.28))));
    const [finding] = replay.of('init.exploding-activations');
    assert.ok(finding);
    assert.equal(finding.layer, 4);
    assert.ok(Math.abs((finding.evidence.maxStd as number) - 1.28 ** 6) < 1e-9);
    assert.match(finding.message, /grow with depth/);
    assert.equal(preferredFix(finding).id, 'fix.glorot-init');
    assert.equal(replay.of('init.vanishing-activations').length, 0);
  });

  it('blames unnormalized inputs when the first layer is already large and the std does not grow', () => {
    const raw = mlpConfig({ preprocess: { normalize: 'none' } });
    const replay = new Replay(parseFixture(raw));
    replay.feed(runStarted(), layerStats(0, profile([30, 29])));
    const [finding] = replay.of('init.exploding-activations');
    assert.ok(finding);
    assert.match(finding.message, /large from the first layer on/);
    assert.equal(preferredFix(finding).id, 'fix.normalize-inputs');
    assert.ok(!finding.fixes.some((f) => f.id === 'fix.he-init'), 'the layers already use He initialization');
  });

  it('obeys a threshold override', () => {
    const replay = new Replay(parseFixture(withRuleSettings(linearMlp(0.02), { 'init.exploding-activations': { measuredMaxStd: 5 } })));
    replay.feed(layerStats(0, profile(geometric(1.28, 1.28))));
    assert.equal(replay.of('init.exploding-activations').length, 0);
  });
});
