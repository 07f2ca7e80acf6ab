// One finding per rule and cause: per-layer findings of a live rule merge into one that lists its
// layers (and grows, under the same id, when more layers join), and a rule can withdraw what a
// later sample proves wrong.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { currentFindings } from '../../../../src/core/diagnosis/finding';
import { layer, layerStats, mlpConfig, parseFixture, Replay, runStarted } from './liveTestKit';

const relu = { type: 'dense', units: 64, activation: 'relu', kernelInitializer: 'heNormal' };
const fixture = () => parseFixture(mlpConfig({ hidden: [relu, relu, relu, relu, relu] }));

/** A statistics sample in which the listed layers' ReLUs are dead. */
function sample(step: number, dead: number[]) {
  const layers = [0, 1, 2, 3, 4].map((i) => layer(i, 'dense', { mean: 0.4, std: 0.7, zeroFraction: dead.includes(i) ? 0.97 : 0.5, deadFraction: dead.includes(i) ? 0.9 : 0.02 }, { gradNorm: 0.5, updateRatio: 3e-3 }));
  return layerStats(step, [...layers, layer(5, 'dense', { mean: 0.1, std: 0.2 }, { gradNorm: 0.5 })]);
}

describe('grouped live findings', () => {
  it('dead ReLUs in three layers for the same reason are one finding listing them, with one fix for all', () => {
    const replay = new Replay(fixture());
    replay.feed(runStarted(), sample(0, [1, 2, 3]), sample(10, [1, 2, 3]), sample(20, [1, 2, 3]));
    const found = replay.of('act.dead-relu');
    assert.equal(found.length, 1);
    const [finding] = found;
    assert.deepEqual(finding.layers, [1, 2, 3]);
    assert.equal(finding.layer, 1);
    assert.equal(finding.related?.length, 3);
    assert.match(finding.message, /The same holds for 2 more layers: 2, 3\./);
    assert.ok(finding.id, 'an id readers can replace by');
  });

  it('a layer that dies later joins the finding under the same id; readers keep the latest version', () => {
    const replay = new Replay(fixture());
    replay.feed(runStarted(), sample(0, [1]), sample(10, [1]), sample(20, [1]));
    replay.feed(sample(30, [1, 4]), sample(40, [1, 4]), sample(50, [1, 4]));
    const versions = replay.of('act.dead-relu');
    assert.equal(versions.length, 2, 'first version, then the grown one');
    assert.equal(versions[0].id, versions[1].id);
    const current = currentFindings(replay.findings).filter((f) => f.rule === 'act.dead-relu');
    assert.equal(current.length, 1);
    assert.deepEqual(current[0].layers, [1, 4]);
  });

  it('24 dead layers make one finding, not a wall', () => {
    const hidden = Array.from({ length: 24 }, () => relu);
    const replay = new Replay(parseFixture(mlpConfig({ hidden })));
    const all = Array.from({ length: 24 }, (_, i) => i);
    const stats = (step: number) => layerStats(step, [
      ...all.map((i) => layer(i, 'dense', { mean: 0, std: 0.1, zeroFraction: 0.99, deadFraction: 0.95 }, { gradNorm: 0.5, updateRatio: 3e-3 })),
      layer(24, 'dense', { mean: 0.1, std: 0.2 }, { gradNorm: 0.5 }),
    ]);
    replay.feed(runStarted(), stats(0), stats(10), stats(20));
    const current = currentFindings(replay.findings).filter((f) => f.rule === 'act.dead-relu');
    assert.equal(current.length, 1);
    assert.equal(current[0].layers?.length, 24);
    assert.match(current[0].message, /23 more layers: 1, 2, 3, 4, 5, 6, 7, 8 and 15 more\./);
  });
});
