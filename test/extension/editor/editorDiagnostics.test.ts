import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../../../src/core/diagnosis/finding';
import { allRules } from '../../../src/core/diagnosis/diagnosisRegistry';
import { analyzeConfig } from '../../../src/extension/editor/configAnalysis';
import { buildDiagnostics, docsAnchorFor, editorDiagnosticKey, type EditorDiagnostic, type ExternalFindings } from '../../../src/extension/editor/editorDiagnostics';
import { coveredText, exampleText, positionOf } from './editorTestHelpers';

function diagnose(text: string, fileName = 'test.train.json', external?: ExternalFindings): EditorDiagnostic[] {
  const analysis = analyzeConfig(text, fileName);
  return buildDiagnostics({ positions: analysis.positions, tree: analysis.parsed.tree, problems: analysis.parsed.problems, findings: analysis.findings, external });
}

/** What a user sees: severity, code, the underlined text and where it starts. */
function shown(text: string, list: EditorDiagnostic[]) {
  return list.map((d) => ({ severity: d.severity, code: d.code, underlined: coveredText(text, d.span), start: d.span.start }));
}

const RULES_DOC = fs.readFileSync(path.join(__dirname, '../../../docs/rules.md'), 'utf8');

describe('editor diagnostics', () => {
  it('underlines every misspelling of examples/broken/typos.train.json exactly, as errors without a docs link', () => {
    const { file, text } = exampleText('broken/typos.train.json');
    const list = diagnose(text, file);
    assert.deepEqual(shown(text, list), [
      { severity: 'error', code: 'schema.unknown-property', underlined: '"unit"', start: positionOf(text, '"unit"') },
      // The layer that lacks "units": its first character, not the whole object.
      { severity: 'error', code: 'schema.missing-property', underlined: '{', start: positionOf(text, '{ "type": "dense", "unit"') },
      { severity: 'error', code: 'layer.unknown-type', underlined: '"dropuot"', start: positionOf(text, '"dropuot"') },
      { severity: 'error', code: 'schema.invalid-value', underlined: '"sofmax"', start: positionOf(text, '"sofmax"') },
      { severity: 'error', code: 'schema.unknown-property', underlined: '"learningrate"', start: positionOf(text, '"learningrate"') },
    ]);
    assert.ok(list.every((d) => d.origin === 'config' && d.docsAnchor === undefined && !d.finding));
    assert.match(list[0].message, /Did you mean "units"\?/);
  });

  it('puts the one init.symmetry finding of examples/broken/zero-init.train.json on its first "zeros", the second as related information', () => {
    const { file, text } = exampleText('broken/zero-init.train.json');
    const list = diagnose(text, file);
    assert.deepEqual(shown(text, list), [
      { severity: 'error', code: 'init.symmetry', underlined: '"zeros"', start: positionOf(text, '"zeros"', 0) },
    ]);
    assert.deepEqual(list.map((d) => [d.origin, d.docsAnchor, d.finding?.layer, d.finding?.layers]), [['static', 'init.symmetry', 0, [0, 1]]]);
    assert.deepEqual(list[0].related?.map((r) => [coveredText(text, r.span), r.span.start]), [
      ['"zeros"', positionOf(text, '"zeros"', 0)], ['"zeros"', positionOf(text, '"zeros"', 1)],
    ]);
    assert.ok(list[0].finding?.fixes.some((f) => f.id === 'fix.he-init' && f.preferred && JSON.stringify(f.args?.layers) === '[0,1]'));
  });

  it('shows a finding its rule withdrew during the run as information, saying why, with no fixes', () => {
    const { file, text } = exampleText('mnist-mlp.train.json');
    const withdrawn: Finding = {
      id: 'fit.underfitting#1', state: 'resolved', resolution: 'By epoch 5 the training loss fell to 0.2.', rule: 'fit.underfitting',
      severity: 'warning', message: 'After 3 epochs the training loss is 2.2.', path: ['model', 'layers'], evidence: {}, fixes: [{ id: 'fix.raise-lr', title: 'x', preferred: true }],
    };
    const [shownRun] = diagnose(text, file, { run: [withdrawn] }).filter((d) => d.origin === 'run');
    assert.equal(shownRun.severity, 'info');
    assert.match(shownRun.message, /^Resolved during the run: By epoch 5 the training loss fell to 0\.2\. \(It said: After 3 epochs/);
    assert.deepEqual(shownRun.finding?.fixes, []);
  });

  it('maps warnings and infos to their severities (seeds: a vanishing warning on the kernelInitializer key; raw MNIST pixels: info)', () => {
    const seeds = exampleText('seeds/mlp4096-linear-std0.01.train.json');
    const warning = diagnose(seeds.text, seeds.file);
    assert.deepEqual(shown(seeds.text, warning).map((d) => [d.severity, d.code, d.underlined]), [['warning', 'init.vanishing-activations', '"kernelInitializer"']]);
    // Layer 4: the finding points at the property whose value is an object, so only its key is underlined.
    assert.deepEqual(warning[0].span.start, positionOf(seeds.text, '"kernelInitializer"', 4));

    const raw = '{ "data": { "dataset": "mnist", "preprocess": { "normalize": "none" } }, "model": { "input": [784], "layers": [{ "type": "dense", "units": 10, "activation": "softmax" }] }, "training": { "epochs": 1, "optimizer": { "type": "adam" } } }';
    const info = diagnose(raw);
    assert.deepEqual(shown(raw, info).map((d) => [d.severity, d.code, d.underlined]), [['info', 'data.unnormalized', '"none"']]);
  });

  it('links every rule to a section of docs/rules.md (live halves of the init rules to their -live sections)', () => {
    const anchors = new Set([...RULES_DOC.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]));
    for (const rule of allRules()) {
      const origins = rule.kind === 'static' ? (['static'] as const) : (['probe', 'run'] as const);
      for (const origin of origins) {
        const anchor = docsAnchorFor(rule.id, origin);
        assert.ok(anchor && anchors.has(anchor), `${rule.id} (${origin}) → #${anchor}`);
      }
    }
    assert.equal(docsAnchorFor('init.vanishing-activations', 'probe'), 'init.vanishing-activations-live');
    assert.equal(docsAnchorFor('init.vanishing-activations', 'static'), 'init.vanishing-activations');
    assert.equal(docsAnchorFor('grad.exploding', 'run'), 'grad.exploding');
    assert.equal(docsAnchorFor('schema.unknown-property', 'config'), undefined);
  });

  it('merges the last probe and run findings, marked as such, without repeating a finding', () => {
    const { file, text } = exampleText('mnist-mlp.train.json');
    const dead: Finding = { rule: 'act.dead-relu', severity: 'warning', message: 'Layer 0: 80% of its units never fire.', layer: 0, path: ['model', 'layers', 0, 'activation'], evidence: {}, fixes: [{ id: 'fix.lower-lr', title: 'Lower the learning rate', preferred: true }] };
    const overfit: Finding = { rule: 'fit.overfitting', severity: 'info', message: 'Validation loss rose.', epoch: 5, evidence: {}, fixes: [] };
    const list = diagnose(text, file, { probe: [dead, dead], run: [dead, overfit] });
    assert.deepEqual(list.map((d) => [d.origin, d.code, d.message]), [
      ['probe', 'act.dead-relu', 'Layer 0: 80% of its units never fire. (from the last probe)'],
      ['run', 'fit.overfitting', 'Validation loss rose. (from the last run)'],
    ]);
    assert.equal(coveredText(text, list[0].span), '"relu"');
    // No path and no layer: the first character of the root object.
    assert.equal(coveredText(text, list[1].span), '{');
    assert.equal(list[0].docsAnchor, 'act.dead-relu');
  });

  it('locates a run finding in the current text even when its path no longer exists there', () => {
    const text = '{ "model": { "input": [4], "layers": [ { "type": "dense", "units": 2 } ] } }';
    const gone: Finding = { rule: 'grad.vanishing', severity: 'warning', message: 'm', layer: 7, path: ['model', 'layers', 7, 'kernelInitializer'], evidence: {}, fixes: [] };
    const [d] = diagnose(text, 'x.train.json', { run: [gone] }).filter((x) => x.origin === 'run');
    assert.equal(coveredText(text, d.span), '"layers"');
  });

  it('keys diagnostics by range, code and message, as VS Code hands them back', () => {
    const { file, text } = exampleText('broken/zero-init.train.json');
    const [key] = diagnose(text, file).map(editorDiagnosticKey);
    assert.match(key, /^10:82-10:89\|init\.symmetry\|Layer 0/);
    const typos = exampleText('broken/typos.train.json');
    const keys = diagnose(typos.text, typos.file).map(editorDiagnosticKey);
    assert.equal(new Set(keys).size, 5, 'five problems, five keys');
  });
});
