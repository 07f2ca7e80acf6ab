// Benchmark: what the editor computes on a 200-layer config (the one of the editor tests), in CPU
// time per call (median of 15 after 5 warm-ups) and in units of reading the text's JSON syntax tree,
// the reference the performance tests of `npm test` judge by. Figures, not pass/fail.
//   npm run bench -- editorAnalysis      or      npx tsx scripts/bench/editorAnalysis.ts
import { performance } from 'node:perf_hooks';
import { parseTree } from 'jsonc-parser';
import { parseTrainConfig } from '../../src/core/config/parseConfig';
import { runStaticRules } from '../../src/core/diagnosis/diagnosisRegistry';
import { analyzeConfig } from '../../src/extension/editor/configAnalysis';
import { buildDiagnostics } from '../../src/extension/editor/editorDiagnostics';
import { layerHints } from '../../src/extension/editor/layerHintModel';
import { quickFixEdits, quickFixesFor } from '../../src/extension/editor/quickFixModel';
import { twoHundredLayerConfig } from '../../test/extension/editor/editorTestHelpers';
import { costRelativeTo } from '../../test/support/relativeCost';

const text = twoHundredLayerConfig();
const readSyntaxTree = () => parseTree(text);
const analysis = analyzeConfig(text, 'big.train.json');
const parsed = analysis.parsed;
const diagnostics = buildDiagnostics({ positions: analysis.positions, tree: parsed.tree, problems: parsed.problems, findings: analysis.findings });
const published = { version: 1, diagnostics };

const subjects: [string, () => unknown][] = [
  ['parse + validate + shapes', () => parseTrainConfig(text, 'big.train.json')],
  ['static rules alone', () => runStaticRules({ config: parsed.config!, shapes: parsed.shapes!, tree: parsed.tree })],
  ['keystroke: analysis + diagnostics', () => {
    const a = analyzeConfig(text, 'big.train.json');
    return buildDiagnostics({ positions: a.positions, tree: a.parsed.tree, problems: a.parsed.problems, findings: a.findings });
  }],
  ['inlay hints', () => layerHints(parsed, analysis.positions)],
  ['quick fixes listed', () => quickFixesFor(published, 1, diagnostics)],
];

console.log(`200-layer config, ${text.length} chars, ${diagnostics.length} diagnostics`);
console.log(`${'what'.padEnd(36)}${'CPU ms'.padStart(9)}${'× syntax tree'.padStart(15)}${'tree ms'.padStart(9)}`);
for (const [name, run] of subjects) {
  const cost = costRelativeTo(run, readSyntaxTree);
  console.log(`${name.padEnd(36)}${cost.subjectMs.toFixed(2).padStart(9)}${cost.ratio.toFixed(2).padStart(15)}${cost.referenceMs.toFixed(3).padStart(9)}`);
}
// Computed once, when the user picks it: the largest edit (zero-init-residual touches ~100 blocks).
const [slowest] = quickFixesFor(published, 1, diagnostics.filter((d) => d.code === 'residual.variance-growth'));
if (slowest) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  quickFixEdits(slowest, { version: 1, text });
  const used = process.cpuUsage(cpu);
  console.log(`${`${slowest.fix.id} edit (once)`.padEnd(36)}${((used.user + used.system) / 1000).toFixed(2).padStart(9)}${''.padStart(15)}${''.padStart(9)}  (${(performance.now() - start).toFixed(0)} ms wall)`);
}
