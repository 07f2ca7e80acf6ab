import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyFix } from '../../../src/core/diagnosis/fixes/applyFix';
import { analyzeConfig } from '../../../src/extension/editor/configAnalysis';
import type { PublishedDiagnostics } from '../../../src/extension/editor/configDiagnosticsEngine';
import { buildDiagnostics } from '../../../src/extension/editor/editorDiagnostics';
import { applyQuickFixEdits, quickFixEdits, quickFixesFor, type QuickFix } from '../../../src/extension/editor/quickFixModel';
import { exampleText } from './editorTestHelpers';

function published(text: string, version: number, fileName = 'test.train.json'): PublishedDiagnostics {
  const a = analyzeConfig(text, fileName);
  return { version, diagnostics: buildDiagnostics({ positions: a.positions, tree: a.parsed.tree, problems: a.parsed.problems, findings: a.findings }) };
}

function editsOf(fix: QuickFix, document: { version: number; text: string }) {
  const result = quickFixEdits(fix, document);
  assert.ok('edits' in result, JSON.stringify(result));
  return result.edits;
}

describe('quick fixes', () => {
  it('offers one action per fix of the finding, the preferred one marked, with the same result as applyFix', () => {
    const { text } = exampleText('broken/zero-init.train.json');
    const p = published(text, 3);
    const [first] = p.diagnostics;
    const fixes = quickFixesFor(p, 3, [first]);
    assert.deepEqual(fixes.map((f) => [f.fix.id, f.title, f.isPreferred, f.version]), [
      ['fix.he-init', 'Set "kernelInitializer": "heNormal" on layers 0 and 1', true, 3],
      ['fix.glorot-init', 'Set "kernelInitializer": "glorotUniform" on layers 0 and 1', false, 3],
    ]);
    for (const fix of fixes) {
      const expected = applyFix(text, first.finding!, fix.fix);
      assert.ok('text' in expected);
      assert.equal(applyQuickFixEdits(text, editsOf(fix, { version: 3, text })), expected.text);
      assert.equal(fix.diagnostic, first);
    }
    // Minimal edits in place: only the initializers' values change (both layers: one finding, one fix), comments and layout stay.
    const edits = editsOf(fixes[0], { version: 3, text }).map((e) => [e.span.start, e.span.end, e.newText]);
    assert.equal(edits.length, 2);
    assert.deepEqual(edits[0], [{ line: 10, character: 82 }, { line: 10, character: 89 }, '"heNormal"']);
  });

  it('inserts layers with multi-line edits that rebuild exactly applyFix\'s text (add BatchNorm on the seeds)', () => {
    const { text } = exampleText('seeds/mlp4096-linear-std0.02.train.json');
    const p = published(text, 1);
    const fixes = quickFixesFor(p, 1, p.diagnostics);
    assert.equal(fixes.filter((f) => f.isPreferred).length, 1);
    const batchNorm = fixes.find((f) => f.fix.id === 'fix.add-batchnorm');
    assert.ok(batchNorm);
    const edits = editsOf(batchNorm, { version: 1, text });
    assert.ok(edits.length > 0 && edits.some((e) => e.newText.includes('\n')));
    const expected = applyFix(text, batchNorm.diagnostic.finding!, batchNorm.fix);
    assert.ok('text' in expected);
    assert.equal(applyQuickFixEdits(text, edits), expected.text);
  });

  it('offers nothing when the document has changed since the diagnostics were computed, and refuses a fix offered before a change', () => {
    const { text } = exampleText('broken/zero-init.train.json');
    const p = published(text, 3);
    assert.deepEqual(quickFixesFor(p, 4, p.diagnostics), []);
    assert.deepEqual(quickFixesFor(undefined, 3, p.diagnostics), []);
    const [offered] = quickFixesFor(p, 3, p.diagnostics);
    assert.deepEqual(quickFixEdits(offered, { version: 4, text: text.replace('"seed": 1', '"seed": 2') }), { error: 'The config changed since this fix was offered; try again.' });
  });

  it('offers nothing for problems, which have no fixes', () => {
    const { text } = exampleText('broken/typos.train.json');
    const p = published(text, 1);
    assert.ok(p.diagnostics.length > 0);
    assert.deepEqual(quickFixesFor(p, 1, p.diagnostics), []);
  });

  it('passes on applyFix\'s reason when a fix cannot apply', () => {
    const { text } = exampleText('broken/zero-init.train.json');
    const p = published(text, 1);
    const finding = { ...p.diagnostics[0].finding!, fixes: [{ id: 'fix.no-such-fix', title: 'Nothing', preferred: true }] };
    const [fix] = quickFixesFor(p, 1, [{ ...p.diagnostics[0], finding }]);
    assert.deepEqual(quickFixEdits(fix, { version: 1, text }), { error: 'Unknown fix "fix.no-such-fix".' });
  });
});
