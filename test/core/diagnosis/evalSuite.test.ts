import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfigFile } from '../../../src/core/config/loadConfigFile';
import { CASES_DIR, KNOWN_RULE_IDS, REAL_WORLD_RULE_IDS, SUITES, expectedSplits, loadManifest, loadSuite, type EvalSuiteName } from '../../diagnosis/evalManifest';

// The evaluation suite (test/diagnosis/, run by `npm run eval`) is only worth its numbers if the
// manifest is consistent; this checks that without training anything.
const manifest = loadManifest();

describe('evaluation suite manifest', () => {
  it('has at least 40 cases, at least 10 of them healthy', () => {
    assert.ok(manifest.length >= 40, `${manifest.length} cases`);
    assert.ok(manifest.filter((c) => c.expect.length === 0).length >= 10);
  });

  it('lists every case file once, and every case file is listed', () => {
    const files = manifest.map((c) => c.file);
    assert.deepEqual(files.filter((f, i) => files.indexOf(f) !== i), [], 'duplicate entries');
    const onDisk = fs.readdirSync(CASES_DIR).filter((f) => f.endsWith('.train.json')).sort();
    assert.deepEqual([...files].sort(), onDisk);
  });

  it('uses only known stages and rule ids, and never both expects and allows a rule', () => {
    for (const c of manifest) {
      assert.ok(['static', 'probe', 'train'].includes(c.stage), `${c.file}: stage ${c.stage}`);
      for (const rule of [...c.expect, ...c.allow]) assert.ok(KNOWN_RULE_IDS.includes(rule), `${c.file}: unknown rule id ${rule}`);
      assert.deepEqual(c.expect.filter((r) => c.allow.includes(r)), [], `${c.file}: expected and allowed`);
      assert.equal(typeof c.notes, 'string');
    }
  });

  it('has at least two faulty cases for every rule id', () => {
    for (const rule of KNOWN_RULE_IDS) {
      const count = manifest.filter((c) => c.expect.includes(rule)).length;
      assert.ok(count >= 2, `${rule}: ${count} case(s)`);
    }
  });

  it('splits the cases by the fixed rule, with every rule id in both splits', () => {
    assert.deepEqual(manifest.map((c) => c.split), expectedSplits(manifest));
    for (const rule of [...KNOWN_RULE_IDS, 'healthy']) {
      const cases = manifest.filter((c) => (rule === 'healthy' ? c.expect.length === 0 : c.expect.includes(rule)));
      for (const split of ['tune', 'holdout']) assert.ok(cases.some((c) => c.split === split), `${rule} has no ${split} case`);
    }
  });

  it('opens every case with a comment naming its fault (or saying it is healthy)', () => {
    for (const c of manifest) {
      const text = fs.readFileSync(path.join(CASES_DIR, c.file), 'utf8');
      const comment = text.slice(0, text.indexOf('{'));
      assert.match(comment, c.expect.length ? /^\/\/ FAULT / : /^\/\/ HEALTHY/, c.file);
      for (const rule of c.expect) assert.ok(comment.includes(rule), `${c.file}: the comment does not name ${rule}`);
    }
  });

  it('has configs that load without errors, data included', async () => {
    for (const c of manifest) {
      const loaded = await loadConfigFile(path.join(CASES_DIR, c.file));
      const errors = loaded.problems.filter((p) => p.severity === 'error').map((p) => p.message);
      assert.deepEqual(errors, [], c.file);
      assert.ok(loaded.config, c.file);
    }
  });
});

// The real-world suites (test/diagnosis/zoo/): configs mirroring models and faults from outside this
// project, each with its source, licence and original label.
for (const suiteName of ['zoo-healthy', 'real-faults'] as EvalSuiteName[]) {
  const suite = SUITES[suiteName];
  const cases = loadSuite(suiteName);

  describe(`${suite.title} manifest`, () => {
    it('lists every config once, and every config is listed', () => {
      const files = cases.map((c) => c.file);
      assert.deepEqual(files.filter((f, i) => files.indexOf(f) !== i), [], 'duplicate entries');
      const onDisk = fs.readdirSync(suite.dir).filter((f) => f.endsWith('.train.json')).sort();
      assert.deepEqual([...files].sort(), onDisk);
    });

    it('records the source, licence and label of every case, and uses only known stages and rule ids', () => {
      for (const c of cases) {
        for (const field of ['source', 'licence', 'label', 'notes'] as const) assert.ok(typeof c[field] === 'string' && c[field]!.length > 0, `${c.file}: no ${field}`);
        assert.ok(['static', 'probe', 'train'].includes(c.stage), `${c.file}: stage ${c.stage}`);
        for (const rule of [...c.expect, ...c.allow]) assert.ok(REAL_WORLD_RULE_IDS.includes(rule), `${c.file}: unknown rule id ${rule}`);
        assert.deepEqual(c.expect.filter((r) => c.allow.includes(r)), [], `${c.file}: expected and allowed`);
      }
    });

    it('splits the cases by the fixed rule, with cases in both halves', () => {
      assert.deepEqual(cases.map((c) => c.split), expectedSplits(cases));
      for (const split of ['tune', 'holdout']) assert.ok(cases.some((c) => c.split === split), `no ${split} case`);
    });

    it('opens every config with its verdict, source and licence', () => {
      for (const c of cases) {
        const text = fs.readFileSync(path.join(suite.dir, c.file), 'utf8');
        const comment = text.slice(0, text.indexOf('{'));
        const verdict = c.outOfScope ? /^\/\/ OUT OF SCOPE/ : c.expect.length ? /^\/\/ FAULT / : /^\/\/ HEALTHY/;
        assert.match(comment, verdict, c.file);
        for (const rule of c.expect) assert.ok(comment.includes(rule), `${c.file}: the comment does not name ${rule}`);
        assert.ok(comment.includes(`// Source: ${c.source}`), `${c.file}: the comment does not give the manifest's source`);
        assert.ok(comment.includes(`// Licence: ${c.licence}`), `${c.file}: the comment does not give the manifest's licence`);
      }
    });

    it('has configs that load without errors, data included', async () => {
      for (const c of cases) {
        const loaded = await loadConfigFile(path.join(suite.dir, c.file));
        assert.deepEqual(loaded.problems.filter((p) => p.severity === 'error').map((p) => p.message), [], c.file);
        assert.ok(loaded.config, c.file);
      }
    });
  });
}

describe('real-world suites', () => {
  it('has at least 40 healthy zoo configs, none expecting or allowing any alarm', () => {
    const zoo = loadSuite('zoo-healthy');
    assert.ok(zoo.length >= 40, `${zoo.length} configs`);
    for (const c of zoo) assert.ok(c.expect.length === 0 && c.allow.length === 0 && !c.outOfScope, c.file);
  });

  it('has at least 30 real faults with an expected rule; the out-of-scope ones expect nothing and say so', () => {
    const faults = loadSuite('real-faults');
    const inScope = faults.filter((c) => !c.outOfScope);
    assert.ok(inScope.length >= 30, `${inScope.length} faults in scope`);
    for (const c of inScope) assert.ok(c.expect.length > 0, `${c.file}: a fault in scope expects no rule`);
    for (const c of faults.filter((x) => x.outOfScope)) {
      assert.deepEqual([c.expect, c.allow], [[], []], c.file);
      assert.match(c.notes, /no rule expected; out of scope/, c.file);
    }
  });
});
