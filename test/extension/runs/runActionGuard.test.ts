// A repository can commit a hostile run folder: Apply Fix and Re-run must not follow its
// configPath out of the workspace, nor apply fixes, rules or arguments this version does not know.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { runDataFromEvents, type RunData } from '../../../src/core/dashboard/runData';
import type { Finding } from '../../../src/core/diagnosis/finding';
import { applyFix } from '../../../src/core/diagnosis/fixes/applyFix';
import { RunFolder, runsRoot } from '../../../src/core/engine/runFolder';
import type { TrainingEvent } from '../../../src/core/engine/trainingEvents';
import { recordedFindingPath, recordedFix, runConfigInWorkspace } from '../../../src/extension/runs/runActionGuard';

const top = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'td-run-guard-')));
after(() => fs.rmSync(top, { recursive: true, force: true }));
const workspace = path.join(top, 'workspace');
const outside = path.join(top, 'victim');
fs.mkdirSync(workspace);
fs.mkdirSync(outside);
const CONFIG = `{
  "data": { "dataset": "mnist", "trainSize": 100, "validationSize": 20 },
  "model": { "input": [784], "layers": [{ "type": "dense", "units": 10, "activation": "softmax", "kernelInitializer": "zeros" }] },
  "training": { "epochs": 1, "optimizer": { "type": "sgd", "learningRate": 0.1 } }
}
`;
const inside = path.join(workspace, 'model.train.json');
const victim = path.join(outside, 'other.train.json');
fs.writeFileSync(inside, CONFIG);
fs.writeFileSync(victim, CONFIG);
fs.symlinkSync(victim, path.join(workspace, 'linked.train.json'));

const heInit = (args: Record<string, unknown> = { layers: [0] }, id = 'fix.he-init'): Finding => ({
  rule: 'init.activation-mismatch', severity: 'warning', message: 'm', layer: 0, path: ['model', 'layers', 0], evidence: {},
  fixes: [{ id, title: 'Set "kernelInitializer": "heNormal"', args }],
});

/** A run folder in the workspace, as a repository could commit it, read back as the run store does. */
function committedRun(configPath: string, findings: unknown[]): RunData {
  const folder = RunFolder.create(runsRoot(workspace), 'hostile', CONFIG, configPath);
  folder.append({ type: 'run-started', runId: folder.id, configName: 'hostile', configPath } as TrainingEvent);
  for (const finding of findings) folder.append({ type: 'finding', finding } as TrainingEvent);
  folder.flush();
  // Read raw, without the run folder reader's validation: the guard must hold on its own.
  const lines = fs.readFileSync(path.join(folder.dir, 'metrics.jsonl'), 'utf8').split('\n').filter(Boolean);
  return runDataFromEvents(folder.id, lines.map((line) => JSON.parse(line) as TrainingEvent));
}

describe('the config Apply Fix and Re-run act on', () => {
  it('is the run\'s config when it lies inside a workspace folder', () => {
    assert.deepEqual(runConfigInWorkspace(committedRun(inside, []), [workspace]), { type: 'ok', value: inside });
  });

  it('is refused when the run points outside the workspace: an absolute path, ../, or a symbolic link', () => {
    for (const configPath of [victim, path.join(workspace, '..', 'victim', 'other.train.json'), path.join(workspace, 'linked.train.json')]) {
      const checked = runConfigInWorkspace(committedRun(configPath, []), [workspace]);
      assert.equal(checked.type, 'refused', configPath);
      if (checked.type === 'refused') assert.match(checked.message, /outside the workspace folders/);
    }
  });

  it('is refused when it is not an absolute *.train.json path, or missing', () => {
    for (const configPath of ['model.train.json', path.join(workspace, 'notes.txt'), '']) {
      assert.equal(runConfigInWorkspace(committedRun(configPath, []), [workspace]).type, 'refused', configPath);
    }
    assert.equal(runConfigInWorkspace(undefined, [workspace]).type, 'refused');
  });
});

describe('the fix Apply Fix applies', () => {
  it('is the recorded fix when its rule, id and arguments are known, and it applies', () => {
    const checked = recordedFix(committedRun(inside, [heInit()]), 0, 'fix.he-init');
    assert.equal(checked.type, 'ok');
    if (checked.type !== 'ok') return;
    const result = applyFix(CONFIG, checked.value.finding, checked.value.fix);
    assert.ok('text' in result, JSON.stringify(result));
    assert.match(result.text, /"kernelInitializer": "heNormal"/);
  });

  const refusals: Array<{ name: string; finding: unknown; fixId?: string; message: RegExp }> = [
    { name: 'an unknown rule', finding: { ...heInit(), rule: 'evil.rule' }, message: /unknown rule/ },
    { name: 'an unknown fix id', finding: heInit({}, 'fix.rm-rf'), fixId: 'fix.rm-rf', message: /not a fix of/ },
    { name: 'a known fix that is not the rule\'s', finding: heInit({}, 'fix.weight-decay'), fixId: 'fix.weight-decay', message: /not a fix of init\.activation-mismatch/ },
    { name: 'an unknown argument', finding: heInit({ layers: [0], __proto__x: 1 }), message: /unknown argument/ },
    { name: 'layers that are not indices', finding: heInit({ layers: ['0; rm'] }), message: /invalid value for "layers"/ },
    { name: 'a negative layer', finding: heInit({ layers: [-1] }), message: /invalid value for "layers"/ },
    { name: 'an initializer that is not a name', finding: heInit({ initializer: '"}, "x": {' }), message: /invalid value for "initializer"/ },
    { name: 'a non-object finding', finding: 'finding', message: /not an object/ },
    { name: 'a fix that is not listed', finding: { ...heInit(), fixes: [] }, message: /no longer available/ },
    { name: 'a layer that is not an index', finding: { ...heInit(), layer: 1.5 }, message: /not a layer index/ },
    { name: 'a title that is not text', finding: { ...heInit(), fixes: [{ id: 'fix.he-init', title: 42 }] }, message: /no usable title/ },
  ];
  for (const r of refusals) {
    it(`is refused for ${r.name}`, () => {
      const checked = recordedFix(committedRun(inside, [r.finding]), 0, r.fixId ?? 'fix.he-init');
      assert.equal(checked.type, 'refused');
      if (checked.type === 'refused') assert.match(checked.message, r.message);
    });
  }

  it('passes on only what it checked', () => {
    const finding = { ...heInit(), evidence: { huge: 'x'.repeat(1000) }, extra: { nested: true } };
    const checked = recordedFix(committedRun(inside, [finding]), 0, 'fix.he-init');
    assert.equal(checked.type, 'ok');
    if (checked.type === 'ok') assert.deepEqual(Object.keys(checked.value.finding).sort(), ['evidence', 'fixes', 'layer', 'message', 'path', 'rule', 'severity']);
  });
});

describe('the place Show in Config selects', () => {
  it('is the finding\'s path only when it is well-formed', () => {
    const data = committedRun(inside, [heInit(), { ...heInit(), path: [{ evil: 1 }] }]);
    assert.deepEqual(recordedFindingPath(data, 0), ['model', 'layers', 0]);
    assert.equal(recordedFindingPath(data, 1), undefined);
    assert.equal(recordedFindingPath(data, 7), undefined);
  });
});
