import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { analyzeConfig } from '../../../src/extension/editor/configAnalysis';
import { buildDiagnostics } from '../../../src/extension/editor/editorDiagnostics';
import { layerHints } from '../../../src/extension/editor/layerHintModel';
import { quickFixEdits, quickFixesFor } from '../../../src/extension/editor/quickFixModel';
import { twoHundredLayerConfig } from './editorTestHelpers';
import { medianMs } from '../../support/medianTime';

describe('editor performance on a 200-layer config', () => {
  const text = twoHundredLayerConfig();

  it('computes the diagnostics of a keystroke (parse, rules, located diagnostics) in well under 100 ms', () => {
    const diagnose = () => {
      const a = analyzeConfig(text, 'big.train.json');
      return buildDiagnostics({ positions: a.positions, tree: a.parsed.tree, problems: a.parsed.problems, findings: a.findings });
    };
    const diagnostics = diagnose();
    assert.ok(diagnostics.length > 0 && diagnostics.every((d) => d.origin === 'static'), 'valid, with findings to locate');
    const ms = medianMs(diagnose);
    console.log(`200 layers, ${text.length} chars: ${diagnostics.length} diagnostics in a median ${ms.toFixed(2)} ms`);
    assert.ok(ms < 100, `median ${ms.toFixed(2)} ms`);
  });

  it('computes the inlay hints and lists the quick fixes in well under 100 ms', () => {
    const a = analyzeConfig(text, 'big.train.json');
    const hints = layerHints(a.parsed, a.positions);
    assert.ok(hints.length > 200, `${hints.length} hints (top-level and branch layers)`);
    const hintMs = medianMs(() => layerHints(a.parsed, a.positions));
    const diagnostics = buildDiagnostics({ positions: a.positions, tree: a.parsed.tree, problems: a.parsed.problems, findings: a.findings });
    const published = { version: 1, diagnostics };
    const listMs = medianMs(() => quickFixesFor(published, 1, diagnostics));
    // Computed only when the user picks a fix: the cost of applyFix itself (zero-init-residual edits ~100 blocks).
    const [slowest] = quickFixesFor(published, 1, diagnostics.filter((d) => d.code === 'residual.variance-growth'));
    const start = performance.now();
    assert.ok('edits' in quickFixEdits(slowest, { version: 1, text }));
    console.log(`200 layers: ${hints.length} hints in a median ${hintMs.toFixed(2)} ms; quick fixes listed in ${listMs.toFixed(3)} ms; ` +
      `the ${slowest.fix.id} edit computed on demand in ${(performance.now() - start).toFixed(0)} ms`);
    assert.ok(hintMs < 100 && listMs < 100, `hints ${hintMs.toFixed(2)} ms, fixes ${listMs.toFixed(2)} ms`);
  });
});
