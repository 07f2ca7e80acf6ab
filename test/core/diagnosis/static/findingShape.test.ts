import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nodeForPath } from '../../../../src/core/config/parseConfig';
import { allFixes } from '../../../../src/core/diagnosis/fixes/allFixes';
import { allStaticRules } from '../../../../src/core/diagnosis/staticRules/allStaticRules';
import { analyze, configText, conv, dense, MNIST_IMAGES, mlp, resnet, stats, withLabels, type Analysis } from './staticTestHelpers';

const ROOT = path.join(__dirname, '../../../..');
const DOCS = fs.readFileSync(path.join(ROOT, 'docs/rules.md'), 'utf8');

/** Configs that together trigger every static rule. */
function corpus(): Analysis[] {
  const files = ['broken/bias-regularized', 'broken/deep-tanh-tiny-init', 'broken/exploding-relu-init', 'broken/lr-too-high', 'broken/zero-init', 'broken/unnormalized-inputs', 'seeds/mlp4096-relu-xavier']
    .map((f) => fs.readFileSync(path.join(ROOT, 'examples', `${f}.train.json`), 'utf8'));
  return [
    ...files.map((text) => analyze(text, text.includes('houses.csv') ? stats(28, 39, { featureMeanAbsMax: 94, featureStdMin: 0.5, featureStdMax: 33 }) : undefined)),
    analyze(configText({ layers: mlp(9, 32, 'relu'), training: { epochs: 30, optimizer: { type: 'sgd' } } })),
    analyze(configText({ data: MNIST_IMAGES, input: [28, 28, 1], layers: resnet(4, 'ones') })),
    analyze(configText({ data: { dataset: 'mnist', shape: 'image' }, input: [28, 28, 1], layers: [conv(8, 'relu', 'ones'), conv(8, 'relu', 'ones'), { type: 'flatten' }, dense(10, 'softmax')] })),
    analyze(configText({ layers: [dense(32, 'relu', 'heNormal'), { type: 'dropout', rate: 0.8 }, dense(10, 'softmax')] }), withLabels(stats(0, 1), [900, 50, 40, 30, 20, 20, 20, 20, 20, 10])),
  ];
}

describe('static findings are well-formed', () => {
  const analyses = corpus();
  const all = analyses.flatMap((a) => a.findings.map((f) => ({ finding: f, analysis: a })));

  it('the corpus triggers every static rule', () => {
    assert.deepEqual([...new Set(all.map((x) => x.finding.rule))].sort(), allStaticRules.map((r) => r.id).sort());
  });

  it('every finding has a message, numbers as evidence, and a path that locates text in its file', () => {
    for (const { finding, analysis } of all) {
      const where = `${finding.rule}: ${finding.message.slice(0, 60)}`;
      assert.ok(finding.message.length > 80 && /\.$/.test(finding.message.trim()), where);
      assert.ok(Object.keys(finding.evidence).length > 0, where);
      assert.ok(finding.path && finding.path.length > 0, where);
      const node = nodeForPath(analysis.tree, finding.path);
      assert.ok(node && node.offset > 0, where);
      if (finding.layer !== undefined) assert.deepEqual(finding.path.slice(0, 3), ['model', 'layers', finding.layer], where);
    }
  });

  it('every fix is registered, listed by its rule, titled, and at most one is preferred', () => {
    const fixIds = new Set(allFixes.map((f) => f.id));
    for (const { finding } of all) {
      const rule = allStaticRules.find((r) => r.id === finding.rule);
      // A rule that declares no fix (no config edit helps: data.class-imbalance, reg.dropout-high) offers none.
      assert.ok(finding.fixes.length > 0 || rule?.fixes.length === 0, finding.rule);
      for (const fix of finding.fixes) {
        assert.ok(fixIds.has(fix.id), fix.id);
        assert.ok(rule?.fixes.includes(fix.id), `${finding.rule} lists ${fix.id}`);
        assert.ok(fix.title.length > 10, fix.id);
      }
      assert.ok(finding.fixes.filter((f) => f.preferred).length <= 1, finding.rule);
    }
  });
});

describe('rules and fixes are documented', () => {
  it('rule ids are unique and follow the area.name pattern; docs have a title and a description', () => {
    const ids = allStaticRules.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const rule of allStaticRules) {
      assert.match(rule.id, /^[a-z]+\.[a-z-]+$/);
      assert.equal(rule.kind, 'static');
      assert.ok(rule.docs.title.length > 5 && rule.docs.description.length > 100, rule.id);
    }
  });

  it('docs/rules.md has an anchored section per rule, with its severity and every threshold and default', () => {
    for (const rule of allStaticRules) {
      const start = DOCS.indexOf(`<a id="${rule.id}"></a>`);
      assert.ok(start >= 0, `anchor for ${rule.id}`);
      const end = DOCS.indexOf('<a id=', start + 1);
      const section = DOCS.slice(start, end < 0 ? undefined : end);
      assert.match(section, new RegExp(`### ${rule.id.replace('.', '\\.')}`));
      assert.match(section, new RegExp(`\\*\\*Default severity\\*\\* ${rule.defaultSeverity}`), rule.id);
      for (const [name, value] of Object.entries(rule.thresholds)) {
        assert.ok(section.includes(`\`${name}\` ${value}`) || section.includes(`\`${name}\` ${value.toExponential().replace('e-', 'e-')}`), `${rule.id}: ${name} ${value}`);
      }
      for (const fix of rule.fixes) assert.ok(section.includes(fix), `${rule.id} mentions ${fix}`);
    }
  });

  it('docs/rules.md has an anchored section per fix and keeps the live rules heading', () => {
    for (const fix of allFixes) assert.ok(DOCS.includes(`<a id="${fix.id}"></a>\n### ${fix.id}`), fix.id);
    assert.match(DOCS, /^## Live rules$/m);
  });
});
