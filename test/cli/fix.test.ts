// `training-doctor fix` on a copy of examples/broken/zero-init: the diff, --dry-run, the edit
// (comments kept, the finding gone), --fix and --layer, and the failures.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  applyUnifiedDiff, assertBuilt, EXAMPLES, removeDir, runCli, show, tempDir, writeDivergingConfig, writeSpiralsConfig,
} from './cliTestHelpers';

const ZERO_INIT = path.join(EXAMPLES, 'broken', 'zero-init.train.json');

/** The unified diff in the output: from the --- line to the last hunk line. */
function diffOf(stdout: string): string {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => l.startsWith('--- '));
  assert.ok(start >= 0, `a diff in the output:\n${stdout}`);
  let end = start + 2;
  while (end < lines.length && /^(@@ | |-|\+)/.test(lines[end])) end++;
  return lines.slice(start, end).join('\n') + '\n';
}

function comments(text: string): string[] {
  return text.split('\n').filter((l) => l.trimStart().startsWith('//'));
}

describe('training-doctor fix', () => {
  let dir: string;
  let copy: string;
  let original: string;
  before(() => {
    assertBuilt();
    dir = tempDir('fix');
    original = fs.readFileSync(ZERO_INIT, 'utf8');
  });
  beforeEach(() => {
    copy = path.join(dir, 'zero-init.train.json');
    fs.writeFileSync(copy, original);
  });
  after(() => removeDir(dir));

  it('--dry-run prints a unified diff of the preferred fix (he-init on both zero layers: one finding) and leaves the file unchanged', async () => {
    const result = await runCli(['fix', 'zero-init.train.json', '--rule', 'init.symmetry', '--dry-run'], { cwd: dir });
    assert.equal(result.code, 0, show(result));
    assert.match(result.stdout, /^init\.symmetry \(from the static checks\): applying fix\.he-init: /);
    const diff = diffOf(result.stdout);
    const lines = diff.split('\n');
    assert.equal(lines[0], '--- zero-init.train.json');
    assert.equal(lines[1], '+++ zero-init.train.json (fixed)');
    assert.match(lines[2], /^@@ -\d+,\d+ \+\d+,\d+ @@$/);
    // Exactly the two zero layers' lines are replaced: the finding groups them, its fix covers both.
    const removed = lines.filter((l) => l.startsWith('-') && !l.startsWith('---'));
    const added = lines.filter((l) => l.startsWith('+') && !l.startsWith('+++'));
    const zeroLayers = original.split('\n').filter((l) => l.includes('"kernelInitializer": "zeros"'));
    assert.equal(zeroLayers.length, 2);
    assert.deepEqual(removed, zeroLayers.map((l) => `-${l}`));
    assert.deepEqual(added, zeroLayers.map((l) => `+${l.replace('"zeros"', '"heNormal"')}`));
    // The hunk header's numbers are right: the diff applies to the file as it is.
    const patched = applyUnifiedDiff(original, diff);
    assert.notEqual(patched, original);
    assert.match(result.stdout, /Dry run: the file was not changed\.\n$/);
    assert.equal(fs.readFileSync(copy, 'utf8'), original, 'the file is unchanged');
  });

  it('without --dry-run: writes exactly the printed diff, keeps the comments, and lint no longer reports init.symmetry', async () => {
    const dry = await runCli(['fix', copy, '--rule', 'init.symmetry', '--dry-run'], { cwd: dir });
    const result = await runCli(['fix', copy, '--rule', 'init.symmetry'], { cwd: dir });
    assert.equal(result.code, 0, show(result));
    assert.match(result.stdout, /Wrote zero-init\.train\.json\.\n$/);
    const fixed = fs.readFileSync(copy, 'utf8');
    assert.notEqual(fixed, original);
    assert.equal(fixed, applyUnifiedDiff(original, diffOf(dry.stdout)), 'the file is the original with the dry run\'s diff applied');
    assert.deepEqual(comments(fixed), comments(original), 'comments kept');
    assert.ok(comments(fixed).length >= 2);
    assert.equal(fixed.split('\n').length, original.split('\n').length, 'formatting kept: same lines');

    const clean = await runCli(['lint', copy], { cwd: dir });
    assert.equal(clean.code, 0, show(clean));
    assert.doesNotMatch(clean.stdout, /init\.symmetry/);
    assert.match(clean.stdout, /^broken-zero-init: valid/m);
    assert.deepEqual(comments(fs.readFileSync(copy, 'utf8')), comments(original));
  });

  it('--fix fix.glorot-init picks that fix; --layer 1 narrows the grouped finding\'s fix to layer 1', async () => {
    const glorot = await runCli(['fix', copy, '--rule', 'init.symmetry', '--fix', 'fix.glorot-init', '--layer', '1'], { cwd: dir });
    assert.equal(glorot.code, 0, show(glorot));
    assert.match(glorot.stdout, /applying fix\.glorot-init: /);
    const fixedLines = fs.readFileSync(copy, 'utf8').split('\n');
    const originalLines = original.split('\n');
    const changed = originalLines.flatMap((l, k) => (l !== fixedLines[k] ? [k] : []));
    assert.equal(changed.length, 1, 'one line changed');
    const zerosLines = originalLines.flatMap((l, k) => (l.includes('"zeros"') ? [k] : []));
    assert.equal(changed[0], zerosLines[1], 'the line of layer 1');
    assert.equal(fixedLines[changed[0]], originalLines[changed[0]].replace('"zeros"', '"glorotUniform"'));
  });

  it('a --fix the finding does not offer: exit 1, the offered fixes listed, the file unchanged', async () => {
    const result = await runCli(['fix', copy, '--rule', 'init.symmetry', '--fix', 'fix.lower-lr'], { cwd: dir });
    assert.equal(result.code, 1, show(result));
    assert.match(result.stderr, /does not offer fix\.lower-lr; it offers: fix\.he-init, fix\.glorot-init\./);
    assert.equal(fs.readFileSync(copy, 'utf8'), original);
  });

  it('a rule with no finding: exit 1 with a clear message, nothing written', async () => {
    const healthy = writeSpiralsConfig(dir, 'healthy.train.json');
    const before = fs.readFileSync(healthy, 'utf8');
    const result = await runCli(['fix', 'healthy.train.json', '--rule', 'init.symmetry'], { cwd: dir });
    assert.equal(result.code, 1, show(result));
    assert.match(result.stderr, /^No init\.symmetry finding for healthy\.train\.json \(checked the static rules, a probe and the latest run\)\./m);
    assert.equal(fs.readFileSync(healthy, 'utf8'), before);

    const noLayer = await runCli(['fix', copy, '--rule', 'init.symmetry', '--layer', '2'], { cwd: dir });
    assert.equal(noLayer.code, 1, show(noLayer));
    assert.match(noLayer.stderr, /No init\.symmetry finding for zero-init\.train\.json at layer 2/);
    assert.equal(fs.readFileSync(copy, 'utf8'), original);
  });

  it('a finding only a run reports (grad.nonfinite) is taken from the config\'s latest run', async () => {
    const cwd = path.join(dir, 'from-run');
    fs.mkdirSync(cwd);
    const config = writeDivergingConfig(cwd, 'diverging.train.json');
    const text = fs.readFileSync(config, 'utf8');
    const beforeRun = await runCli(['fix', 'diverging.train.json', '--rule', 'grad.nonfinite', '--dry-run'], { cwd });
    assert.equal(beforeRun.code, 1, `no run yet: ${show(beforeRun)}`);

    const train = await runCli(['train', 'diverging.train.json'], { cwd });
    assert.equal(train.code, 1, show(train));
    const result = await runCli(['fix', 'diverging.train.json', '--rule', 'grad.nonfinite', '--fix', 'fix.gradient-clipping', '--dry-run'], { cwd });
    assert.equal(result.code, 0, show(result));
    assert.match(result.stdout, /^grad\.nonfinite \(from the latest run of this config\): applying fix\.gradient-clipping: /);
    const patched = applyUnifiedDiff(text, diffOf(result.stdout));
    assert.match(patched, /"gradientClipping": \{ "norm": 1 \}/);
    assert.equal(fs.readFileSync(config, 'utf8'), text, 'dry run: unchanged');
  });

  it('a committed run folder\'s malformed or unknown fixes are skipped, never applied or crashed on', async () => {
    const cwd = path.join(dir, 'hostile-run');
    fs.mkdirSync(cwd);
    const config = writeSpiralsConfig(cwd, 'spirals.train.json');
    const text = fs.readFileSync(config, 'utf8');
    const run = path.join(cwd, '.training-doctor', 'runs', '20260101-000000-hostile');
    fs.mkdirSync(run, { recursive: true });
    fs.writeFileSync(path.join(run, 'run.json'), JSON.stringify({
      id: '20260101-000000-hostile', configName: 'cli-spirals', configPath: config, status: 'completed', startedAt: '2026-01-01T00:00:00.000Z', epochsCompleted: 1, steps: 1,
    }));
    const finding = (fixes: unknown) => ({ type: 'finding', finding: { rule: 'grad.nonfinite', severity: 'error', message: 'm', evidence: {}, fixes } });
    fs.writeFileSync(path.join(run, 'metrics.jsonl'), [
      finding(null),
      finding([{ id: 'fix.gradient-clipping', title: 't', args: { norm: 1, evil: true } }]),
      finding([{ id: 'fix.he-init', title: 'not a fix of grad.nonfinite' }]),
    ].map((line) => JSON.stringify(line)).join('\n') + '\n');
    const result = await runCli(['fix', 'spirals.train.json', '--rule', 'grad.nonfinite'], { cwd });
    assert.equal(result.code, 1, show(result));
    assert.match(result.stderr, /^No grad\.nonfinite finding for spirals\.train\.json/m, show(result));
    assert.doesNotMatch(result.stderr, /TypeError|    at /);
    assert.equal(fs.readFileSync(config, 'utf8'), text);
  });

  it('probe.cannot-overfit-batch is looked for with the one-batch overfit check, and its fix raises a far too small rate', async () => {
    const slow = writeSpiralsConfig(dir, 'slow.train.json');
    fs.writeFileSync(slow, fs.readFileSync(slow, 'utf8').replace('"type": "adam", "learningRate": 0.01', '"type": "sgd", "learningRate": 0.00002'));
    const result = await runCli(['fix', 'slow.train.json', '--rule', 'probe.cannot-overfit-batch', '--dry-run', '--backend', 'wasm'], { cwd: dir });
    assert.equal(result.code, 0, show(result));
    assert.match(result.stdout, /^probe\.cannot-overfit-batch \(from a probe with the one-batch overfit check\): applying fix\.raise-lr: /);
    assert.match(applyUnifiedDiff(fs.readFileSync(slow, 'utf8'), diffOf(result.stdout)), /"learningRate": 0\.01/);
  });

  it('without --rule: exit 2 and the usage', async () => {
    const result = await runCli(['fix', copy], { cwd: dir });
    assert.equal(result.code, 2, show(result));
    assert.match(result.stderr, /fix needs --rule/);
    assert.equal(fs.readFileSync(copy, 'utf8'), original);
  });
});
