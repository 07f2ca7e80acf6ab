// `training-doctor lint` on the examples: valid configs, located problems (compiler style and
// JSON), static findings and their exit codes.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, EXAMPLES, removeDir, runCli, show, tempDir } from './cliTestHelpers';

const TYPOS = path.join(EXAMPLES, 'broken', 'typos.train.json');
const ZERO_INIT = path.join(EXAMPLES, 'broken', 'zero-init.train.json');
const BIAS_REGULARIZED = path.join(EXAMPLES, 'broken', 'bias-regularized.train.json');
const SPIRALS = path.join(EXAMPLES, 'spirals-mlp.train.json');

/** `path:line:col: severity code: message` */
const LOCATED = /^(.+):(\d+):(\d+): (error|warning|info|note) ([a-z][\w.-]*)(?: \[layers? (\d+)[\d, ]*\])?: (?:layer (\d+): )?(.+)$/;

interface Located {
  file: string;
  line: number;
  column: number;
  severity: string;
  code: string;
  layer?: number;
  message: string;
}

function locatedLines(output: string): Located[] {
  return output.split('\n').flatMap((line) => {
    const m = LOCATED.exec(line);
    const layer = m?.[6] ?? m?.[7];
    return m ? [{ file: m[1], line: Number(m[2]), column: Number(m[3]), severity: m[4], code: m[5], layer: layer === undefined ? undefined : Number(layer), message: m[8] }] : [];
  });
}

/** The text of `file` from line:column (1-based) on, to the end of that line. */
function textAt(text: string, line: number, column: number): string {
  return text.split('\n')[line - 1].slice(column - 1);
}

/** 1-based line and column of the first occurrence of `needle`. */
function positionOf(text: string, needle: string): { line: number; column: number } {
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, `${needle} occurs in the file`);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

describe('training-doctor lint', () => {
  let dir: string;
  before(() => {
    assertBuilt();
    dir = tempDir('lint');
  });
  after(() => removeDir(dir));

  it('a valid healthy config: exit 0 and a "valid" summary naming the config', async () => {
    const result = await runCli(['lint', SPIRALS], { cwd: dir });
    assert.equal(result.code, 0, show(result));
    assert.equal(result.stdout, 'spirals-mlp: valid, no findings.\n');
    assert.equal(result.stderr, '');
  });

  it('examples/broken/typos: exit 1 and every problem as path:line:col: error code: message, at the right place', async () => {
    const text = fs.readFileSync(TYPOS, 'utf8');
    const result = await runCli(['lint', TYPOS], { cwd: dir });
    assert.equal(result.code, 1, show(result));
    const problems = locatedLines(result.stdout);
    assert.ok(problems.length >= 5, `at least 5 located problems:\n${result.stdout}`);
    assert.equal(problems.length, result.stdout.trimEnd().split('\n').length, `every line is a located problem (problems go to stdout, like the findings):\n${result.stdout}`);
    for (const p of problems) {
      assert.equal(p.file, TYPOS, 'outside the working directory the path is absolute');
      assert.equal(p.severity, 'error');
    }
    assert.doesNotMatch(result.stdout, /: valid[,;]/, 'no "valid" summary for an invalid config');

    // Each misspelling is reported where it is in the file, with its suggestion.
    const expected = [
      { code: 'schema.unknown-property', token: '"unit"', suggestion: /Did you mean "units"\?/ },
      { code: 'layer.unknown-type', token: '"dropuot"', suggestion: /Did you mean "dropout"\?/ },
      { code: 'schema.invalid-value', token: '"sofmax"', suggestion: /Did you mean "softmax"\?/ },
      { code: 'schema.unknown-property', token: '"learningrate"', suggestion: /Did you mean "learningRate"\?/ },
    ];
    for (const e of expected) {
      const where = positionOf(text, e.token);
      const p = problems.find((q) => q.code === e.code && q.line === where.line);
      assert.ok(p, `a ${e.code} problem on line ${where.line} (${e.token}):\n${result.stdout}`);
      assert.equal(p.column, where.column, `${e.token}: column`);
      assert.ok(textAt(text, p.line, p.column).startsWith(e.token), `line ${p.line}:${p.column} points at ${e.token}`);
      assert.match(p.message, e.suggestion);
    }
    // The missing "units" is reported at the layer object that lacks it.
    const missing = problems.find((q) => q.code === 'schema.missing-property');
    assert.ok(missing, 'the missing units are reported');
    assert.match(missing.message, /"units"/);
    assert.equal(missing.line, positionOf(text, '"unit"').line);
    assert.ok(textAt(text, missing.line, missing.column).startsWith('{ "type": "dense", "unit"'));
  });

  it('prints paths relative to the working directory when the file is inside it', async () => {
    fs.copyFileSync(TYPOS, path.join(dir, 'typos.train.json'));
    const result = await runCli(['lint', 'typos.train.json'], { cwd: dir });
    assert.equal(result.code, 1, show(result));
    const problems = locatedLines(result.stdout);
    assert.ok(problems.length >= 5);
    for (const p of problems) assert.equal(p.file, 'typos.train.json');
  });

  it('--json: parseable, problems with codes, paths and ranges that point into the file', async () => {
    const text = fs.readFileSync(TYPOS, 'utf8');
    const result = await runCli(['lint', TYPOS, '--json'], { cwd: dir });
    assert.equal(result.code, 1, show(result));
    assert.equal(result.stderr, '', 'with --json nothing goes to stderr');
    const report = JSON.parse(result.stdout);
    assert.equal(report.file, TYPOS);
    assert.ok(Array.isArray(report.problems) && report.problems.length >= 5);
    assert.ok(Array.isArray(report.findings));
    for (const p of report.problems) {
      assert.equal(typeof p.code, 'string');
      assert.equal(p.severity, 'error');
      assert.equal(typeof p.message, 'string');
      assert.ok(Array.isArray(p.path));
      const { offset, length, line, column } = p.range;
      for (const n of [offset, length, line, column]) assert.ok(Number.isInteger(n) && n >= 0, `integer range fields: ${JSON.stringify(p.range)}`);
      // line/column and offset describe the same place.
      const lines = text.slice(0, offset).split('\n');
      assert.equal(lines.length, line, `${p.code}: line of offset ${offset}`);
      assert.equal(lines[lines.length - 1].length + 1, column, `${p.code}: column of offset ${offset}`);
    }
    const unit = report.problems.find((p: { path: unknown[] }) => p.path.join('.') === 'model.layers.0.unit');
    assert.ok(unit, 'the unknown "unit" property, by path');
    assert.equal(text.slice(unit.range.offset, unit.range.offset + unit.range.length), '"unit"');
    const sofmax = report.problems.find((p: { code: string }) => p.code === 'schema.invalid-value');
    assert.equal(text.slice(sofmax.range.offset, sofmax.range.offset + sofmax.range.length), '"sofmax"');
  });

  it('static findings: examples/broken/zero-init reports one init.symmetry error for both layers, located at each "zeros" (exit 1)', async () => {
    const text = fs.readFileSync(ZERO_INIT, 'utf8');
    const result = await runCli(['lint', ZERO_INIT], { cwd: dir });
    assert.equal(result.code, 1, show(result));
    const findings = locatedLines(result.stdout).filter((f) => f.code === 'init.symmetry');
    assert.deepEqual(findings.map((f) => [f.severity, f.layer]), [['error', 0], ['note', 1]], 'the finding, then a note at its other layer');
    assert.match(result.stdout, /error init\.symmetry \[layers 0, 1\]/);
    const zerosLines = text.split('\n').flatMap((l, k) => (l.includes('"kernelInitializer": "zeros"') ? [k + 1] : []));
    assert.deepEqual(findings.map((f) => f.line), zerosLines);
    for (const f of findings) assert.ok(textAt(text, f.line, f.column).startsWith('"zeros"'), `${f.line}:${f.column} points at "zeros"`);
    assert.match(result.stdout, /fixes: fix\.he-init .*fix\.glorot-init/);
    assert.match(result.stdout, /broken-zero-init: valid; findings: 1 error\.\n$/);
  });

  it('static findings: a warning only (examples/broken/bias-regularized) still exits 0', async () => {
    const text = fs.readFileSync(BIAS_REGULARIZED, 'utf8');
    const result = await runCli(['lint', BIAS_REGULARIZED], { cwd: dir });
    assert.equal(result.code, 0, show(result));
    const findings = locatedLines(result.stdout);
    assert.equal(findings.length, 1, result.stdout);
    const [f] = findings;
    assert.equal(f.severity, 'warning');
    assert.equal(f.code, 'reg.bias-regularized');
    assert.equal(f.layer, 0);
    assert.equal(f.line, positionOf(text, '"biasRegularizer"').line);
    assert.match(result.stdout, /broken-bias-regularized: valid; findings: 1 warning\.\n$/);
  });

  it('--json with findings: each finding has its rule, severity, fixes and a range in the file', async () => {
    const text = fs.readFileSync(ZERO_INIT, 'utf8');
    const result = await runCli(['lint', ZERO_INIT, '--json'], { cwd: dir });
    assert.equal(result.code, 1, show(result));
    const report = JSON.parse(result.stdout);
    assert.deepEqual(report.problems, []);
    assert.equal(report.findings.length, 1, 'one finding per rule and cause');
    const [f] = report.findings;
    assert.equal(f.rule, 'init.symmetry');
    assert.equal(f.severity, 'error');
    assert.ok(typeof f.id === 'string');
    assert.deepEqual(f.fixes.map((x: { id: string }) => x.id), ['fix.he-init', 'fix.glorot-init']);
    assert.equal(text.slice(f.range.offset, f.range.offset + f.range.length), '"zeros"');
    assert.deepEqual([f.layer, f.layers], [0, [0, 1]]);
    for (const r of f.related) assert.equal(text.slice(r.range.offset, r.range.offset + r.range.length), '"zeros"', 'each layer located');
    assert.deepEqual(f.related.map((r: { layer: number }) => r.layer), [0, 1]);

    const warning = await runCli(['lint', BIAS_REGULARIZED, '--json'], { cwd: dir });
    assert.equal(warning.code, 0, show(warning));
    const w = JSON.parse(warning.stdout);
    assert.deepEqual(w.findings.map((f: { rule: string; severity: string }) => [f.rule, f.severity]), [['reg.bias-regularized', 'warning']]);
    assert.ok(w.findings[0].range && w.findings[0].range.line > 0);
  });

  it('a missing file: exit 1 and "No such file"', async () => {
    const result = await runCli(['lint', 'does-not-exist.train.json'], { cwd: dir });
    assert.equal(result.code, 1, show(result));
    assert.match(result.stdout, /does-not-exist\.train\.json:1:1: error file\.unreadable: No such file/);
  });
});
