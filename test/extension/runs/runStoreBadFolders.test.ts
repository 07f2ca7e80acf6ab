// The run store reads run folders anyone can edit (they are committed, copied, hand-fixed): a
// run.json with a number for its start or a status nobody knows, a metrics.jsonl with a null
// finding. The history must still list, sort and show them; the bad parts are logged once.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import type { RunStore as RunStoreType } from '../../../src/extension/runs/runStore';
import { withVscodeStandIn } from './vscodeStandIn';

// RunStore needs only vscode's EventEmitter: a stand-in, so this runs without VS Code.
const { RunStore } = withVscodeStandIn(() => require('../../../src/extension/runs/runStore') as { RunStore: typeof RunStoreType });

const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'td-bad-runs-'));
after(() => fs.rmSync(workspace, { recursive: true, force: true }));

function runFolder(id: string, record: unknown, metrics?: unknown[]): void {
  const dir = path.join(workspace, '.training-doctor', 'runs', id);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'run.json'), typeof record === 'string' ? record : JSON.stringify(record));
  if (metrics) fs.writeFileSync(path.join(dir, 'metrics.jsonl'), metrics.map((m) => JSON.stringify(m)).join('\n'));
}

const record = (id: string, startedAt: unknown, status: unknown = 'completed') => ({ id, configName: id, status, startedAt, epochsCompleted: 1, steps: 10, findingCount: 0 });
const finding = { rule: 'grad.vanishing', severity: 'warning', message: 'Gradients fade.', evidence: {}, fixes: [] };

test('a history with an unknown status (skipped, said once), a null finding and a bad log line still lists, sorts and opens', () => {
  runFolder('old', record('old', '2026-01-01T00:00:00.000Z'));
  runFolder('new', record('new', '2026-03-01T00:00:00.000Z'), [{ type: 'finding', finding: null }, { type: 'finding', finding }, { type: 'log', level: 'loud', message: 'x' }]);
  runFolder('five', record('five', 5, 'a b'));
  runFolder('null', 'null');
  const logged: string[] = [];
  const store = new RunStore(() => [workspace], (line) => logged.push(line));

  const runs = store.listRuns();
  // A run.json with a status no version wrote is skipped (and said); the others list, newest first.
  assert.deepEqual(runs.map((r) => [r.runId, r.status, r.startedAt]), [
    ['new', 'completed', '2026-03-01T00:00:00.000Z'], ['old', 'completed', '2026-01-01T00:00:00.000Z'],
  ]);
  const five = path.join(workspace, '.training-doctor', 'runs', 'five');
  assert.ok(logged.some((line) => line.includes(five) && /status/.test(line)), logged.join('\n'));
  const before = logged.length;
  store.listRuns();
  assert.equal(logged.length, before, 'a bad folder is logged once, not at every refresh');

  const data = store.getRunData('new');
  assert.deepEqual(data?.findings, [finding], 'the null finding is skipped, the good one kept');
  assert.deepEqual(data?.logs, []);
  const skipped = logged.slice(before).join('\n');
  assert.match(skipped, /line 1\[0\]\.finding: expected an object/);
  assert.match(skipped, /line 3\[0\]\.level: expected info, warning or error/);
  store.dispose();
});
