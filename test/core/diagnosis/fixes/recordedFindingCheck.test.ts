// The check a finding read back from a run folder goes through must let every finding our own
// rules write pass unchanged in what a fix uses, and refuse what they never write.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseTrainConfig } from '../../../../src/core/config/parseConfig';
import { runStaticRules } from '../../../../src/core/diagnosis/diagnosisRegistry';
import type { Finding } from '../../../../src/core/diagnosis/finding';
import { checkRecordedFinding } from '../../../../src/core/diagnosis/fixes/recordedFindingCheck';

const ROOT = path.join(__dirname, '../../../..');

function configFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return configFiles(full);
    return entry.name.endsWith('.train.json') ? [full] : [];
  });
}

/** As a run folder holds it: JSON, read back. */
const roundTrip = (finding: Finding): unknown => JSON.parse(JSON.stringify(finding));

function assertPasses(finding: Finding, where: string): void {
  const checked = checkRecordedFinding(roundTrip(finding));
  assert.equal(checked.type, 'ok', `${where}: ${checked.type === 'refused' ? checked.message : ''}`);
  if (checked.type !== 'ok') return;
  assert.equal(checked.finding.rule, finding.rule);
  assert.equal(checked.finding.layer, finding.layer);
  assert.deepEqual(checked.finding.path, finding.path);
  assert.deepEqual(checked.finding.fixes, finding.fixes, `${where}: the fixes pass as they are`);
}

describe('checkRecordedFinding', () => {
  it('passes every static finding of the examples and the evaluation cases, with all their fixes', () => {
    let count = 0;
    for (const file of [...configFiles(path.join(ROOT, 'examples')), ...configFiles(path.join(ROOT, 'test', 'diagnosis', 'cases'))]) {
      const parsed = parseTrainConfig(fs.readFileSync(file, 'utf8'), file);
      if (!parsed.config || !parsed.shapes) continue;
      for (const finding of runStaticRules({ config: parsed.config, shapes: parsed.shapes, tree: parsed.tree })) {
        assertPasses(finding, `${path.relative(ROOT, file)} ${finding.rule}`);
        count += finding.fixes.length;
      }
    }
    assert.ok(count > 50, `${count} fixes checked`);
  });

  it('passes the live findings of a recorded run', () => {
    const file = path.join(ROOT, 'test', 'webview', 'fixtures', 'deep-tanh-tiny-init.metrics.jsonl');
    const findings = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line))
      .filter((event) => event.type === 'finding').map((event) => event.finding as Finding);
    assert.ok(findings.length > 0);
    for (const finding of findings) assertPasses(finding, finding.rule);
  });

  it('refuses a finding whose fixes are not a list, and a fix argument named __proto__', () => {
    const base = { rule: 'grad.exploding', severity: 'warning', message: 'm', evidence: {} };
    assert.equal(checkRecordedFinding({ ...base, fixes: null }).type, 'refused');
    const proto = JSON.parse('{"id": "fix.gradient-clipping", "title": "t", "args": {"__proto__": {"norm": 5}}}');
    const checked = checkRecordedFinding({ ...base, fixes: [proto] });
    assert.equal(checked.type, 'refused');
    if (checked.type === 'refused') assert.match(checked.message, /unknown argument "__proto__"/);
  });
});

describe('recorded findings of this version: ids, states and groups', () => {
  it('keeps a grouped, withdrawn finding\'s id, state, resolution, layers and related places; refuses a malformed state', () => {
    const recorded = {
      id: 'init.symmetry#1', state: 'resolved', resolution: 'gone', rule: 'init.symmetry', severity: 'error', message: 'm', layer: 0,
      layers: [0, 1], related: [{ layer: 0, path: ['model', 'layers', 0], message: 'a' }, { layer: 1, path: ['model', 'layers', 1], message: 'b' }],
      path: ['model', 'layers', 0], evidence: {}, fixes: [{ id: 'fix.he-init', title: 't', preferred: true, args: { layers: [0, 1] } }],
    };
    const checked = checkRecordedFinding(recorded);
    assert.equal(checked.type, 'ok');
    if (checked.type !== 'ok') return;
    assert.deepEqual([checked.finding.id, checked.finding.state, checked.finding.resolution, checked.finding.layers], ['init.symmetry#1', 'resolved', 'gone', [0, 1]]);
    assert.deepEqual(checked.finding.related?.map((r) => r.layer), [0, 1]);
    assert.equal(checkRecordedFinding({ ...recorded, state: 'closed' }).type, 'refused');
    assert.equal(checkRecordedFinding({ ...recorded, layers: [0, -1] }).type, 'refused');
    assert.equal(checkRecordedFinding({ ...recorded, related: [{ layer: 0 }] }).type, 'refused');
  });
});
