import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseTrainConfig } from '../../../src/core/config/parseConfig';
import { compareIndexPaths } from '../../../src/core/diagnosis/fixes/layerTargets';
import { resolveSettings } from '../../../src/core/diagnosis/ruleSettings';
import { findScaleViolations } from '../../../src/core/diagnosis/staticRules/activationScale';
import { initExplodingActivationsRule } from '../../../src/core/diagnosis/staticRules/initExplodingActivations';
import { initVanishingActivationsRule } from '../../../src/core/diagnosis/staticRules/initVanishingActivations';
import { predictVariance } from '../../../src/core/diagnosis/varianceModel';
import { layerHints, formatStd } from '../../../src/extension/editor/layerHintModel';
import { layerScaleFlags } from '../../../src/extension/editor/layerScaleFlags';
import { TextPositions } from '../../../src/extension/editor/textPositions';
import { EXAMPLES, exampleText } from './editorTestHelpers';

function hintsOf(text: string, fileName = 'test.train.json') {
  return layerHints(parseTrainConfig(text, fileName), new TextPositions(text));
}

/** The text right before a hint: where on the line it sits. */
function before(text: string, offset: number, n = 2): string {
  return text.slice(offset - n, offset);
}

describe('layer hints', () => {
  it('N(0, 0.01²) seeds: σ 0.64 → 0.069, the last hidden layers flagged as vanishing, at the end of each layer line', () => {
    const { file, text } = exampleText('seeds/mlp4096-linear-std0.01.train.json');
    const hints = hintsOf(text, file);
    // The softmax of 10 tiny logits (σ 0.097): std σ·√(K − 1)/K^1.5 = 0.0092.
    assert.deepEqual(hints.map((h) => h.label), ['σ≈0.64', 'σ≈0.41', 'σ≈0.26', 'σ≈0.17', '⚠ σ≈0.11', '⚠ σ≈0.069', 'σ≈0.0092']);
    assert.deepEqual(hints.map((h) => h.flag?.direction), [undefined, undefined, undefined, undefined, 'vanishing', 'vanishing', undefined]);
    const lines = text.split('\n');
    const firstLayerLine = lines.findIndex((l) => l.includes('"type": "dense"'));
    hints.forEach((h, i) => {
      assert.equal(h.position.line, firstLayerLine + i);
      // After the layer object (and its comma), at the end of its line.
      assert.equal(h.position.character, lines[h.position.line].trimEnd().length);
      assert.equal(before(text, h.offset), i < 6 ? '},' : ' }');
    });
    assert.match(hints[4].tooltip, /vanishing\*\*: 0\.168× the stack's first layer, below the 0\.25× threshold/);
    assert.match(hints[4].tooltip, /var\(z\) = fan_in·var\(w\)·E\[x²\] = 4096 · 1e-4 · 0\.0281 = 0\.0115/);
    assert.match(hints[5].tooltip, /0\.0687× the stack input, below the 0\.1× threshold \(`init\.vanishing-activations`, `minGain`/);
  });

  it('N(0, 0.02²) seeds: σ 1.3 → 4.4, flagged as exploding from the layer the rule reports on', () => {
    const { file, text } = exampleText('seeds/mlp4096-linear-std0.02.train.json');
    const hints = hintsOf(text, file);
    assert.deepEqual(hints.slice(0, 6).map((h) => h.label), ['σ≈1.3', 'σ≈1.6', 'σ≈2.1', 'σ≈2.7', '⚠ σ≈3.4', '⚠ σ≈4.4']);
    assert.ok(hints.filter((h) => h.flag).every((h) => h.flag!.direction === 'exploding' && h.flag!.rule === 'init.exploding-activations'));
  });

  it('Xavier and He seeds: σ≈1 and σ≈0.82 all the way down, nothing flagged', () => {
    const xavier = exampleText('seeds/mlp4096-linear-xavier.train.json');
    assert.deepEqual(hintsOf(xavier.text, xavier.file).slice(0, 6).map((h) => h.label), Array(6).fill('σ≈1'));
    const he = exampleText('seeds/mlp4096-relu-kaiming.train.json');
    const heHints = hintsOf(he.text, he.file);
    assert.deepEqual(heHints.slice(0, 6).map((h) => h.label), Array(6).fill('σ≈0.83'));
    assert.ok([...hintsOf(xavier.text), ...heHints].every((h) => !h.flag && !h.label.includes('⚠')));
  });

  it('puts a multi-line layer\'s hint after its "type" value, and hints the layers inside residual blocks', () => {
    const { file, text } = exampleText('mnist-resnet.train.json');
    const hints = hintsOf(text, file);
    const block = hints.find((h) => h.indexPath.length === 1 && text.slice(h.offset - 20, h.offset).includes('"residual"'));
    assert.ok(block, 'the residual block has a hint after "type": "residual",');
    assert.equal(before(text, block.offset, 11), '"residual",');
    assert.ok(hints.some((h) => h.indexPath.length === 2), 'branch layers have hints');
    const order = hints.map((h) => h.offset);
    assert.deepEqual(order, [...order].sort((a, b) => a - b), 'in document order');
  });

  it('lets a config raise the thresholds or turn the rule off', () => {
    const { text } = exampleText('seeds/mlp4096-linear-std0.01.train.json');
    const withRules = (rules: string) => text.replace('"every": 4', `"every": 4, "rules": ${rules}`);
    assert.equal(hintsOf(withRules('{ "init.vanishing-activations": { "severity": "off" } }')).filter((h) => h.flag).length, 0);
    assert.deepEqual(hintsOf(withRules('{ "init.vanishing-activations": { "minTrend": 0.5 } }')).filter((h) => h.flag).map((h) => h.indexPath[0]), [2, 3, 4, 5]);
  });

  it('shows nothing while the config has errors', () => {
    assert.deepEqual(hintsOf(exampleText('broken/typos.train.json').text), []);
  });

  it('formats stds with two significant digits', () => {
    assert.deepEqual([0.6403, 0.0687, 4.4, 1.0004, 0, 123.4, 0.00001234, 25000, Infinity].map(formatStd), ['0.64', '0.069', '4.4', '1', '0', '120', '1.2e-5', '2.5e4', '∞']);
  });
});

describe('layer scale flags agree with the init.vanishing/exploding-activations rules', () => {
  const dirs = [EXAMPLES, path.join(EXAMPLES, 'broken'), path.join(EXAMPLES, 'seeds'), path.join(__dirname, '../../diagnosis/cases')];
  const files = dirs.flatMap((dir) => fs.readdirSync(dir).filter((f) => f.endsWith('.train.json')).map((f) => path.join(dir, f)));

  it(`flags first, in each direction, the layer the rules report (${files.length} configs)`, () => {
    let flagged = 0;
    for (const file of files) {
      const parsed = parseTrainConfig(fs.readFileSync(file, 'utf8'), file);
      if (!parsed.config || !parsed.shapes) continue;
      const config = parsed.config;
      const variance = predictVariance(config, parsed.shapes);
      const vanishing = resolveSettings(initVanishingActivationsRule, config).thresholds;
      const exploding = resolveSettings(initExplodingActivationsRule, config).thresholds;
      const rules = findScaleViolations(config, variance.layers, { ...vanishing, ...exploding });
      const flags = [...layerScaleFlags(config, variance.layers).entries()]
        .map(([key, flag]) => ({ indexPath: key.split('.').map(Number), flag }))
        .sort((a, b) => compareIndexPaths(a.indexPath, b.indexPath));
      for (const direction of ['vanishing', 'exploding'] as const) {
        const first = flags.find((f) => f.flag.direction === direction);
        const rule = rules[direction];
        const off = resolveSettings(direction === 'vanishing' ? initVanishingActivationsRule : initExplodingActivationsRule, config).severity === 'off';
        if (off) continue;
        assert.deepEqual(first?.indexPath, rule?.at.indexPath, `${path.basename(file)} ${direction}`);
        if (rule) {
          assert.equal(first!.flag.check, rule.check, `${path.basename(file)} ${direction} check`);
          flagged++;
        }
      }
    }
    assert.ok(flagged >= 5, `${flagged} configs with a flag`);
  });
});
