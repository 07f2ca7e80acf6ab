import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfigFile } from '../../../src/core/config/loadConfigFile';
import { CASES_DIR, KNOWN_RULE_IDS, expectedSplits, loadManifest } from '../../diagnosis/evalManifest';

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
