import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TrainingEvent } from '../../../src/core/engine/trainingEvents';
import { inferShapes } from '../../../src/core/config/shapeInference';
import { RunDiagnosis } from '../../../src/core/diagnosis/runDiagnosis';
import { findRunFolders, RunFolderWatcher } from '../../../src/core/diagnosis/runFolderWatcher';
import { configFrom, gaussianConfig, tempDir, train } from '../engine/engineFixtures';

describe('RunFolderWatcher', () => {
  it('follows a run folder as it is written: a torn last line waits, findings are computed again, bad lines are reported', async () => {
    const { dir, cleanup } = tempDir('folder-watch');
    try {
      // A real run of ours whose deep tanh layers with tiny weights draw findings.
      const raw = gaussianConfig({
        layers: [
          ...Array.from({ length: 5 }, () => ({ type: 'dense', units: 32, activation: 'tanh', kernelInitializer: { type: 'randomNormal', stddev: 0.01 } })),
          { type: 'dense', units: 3, activation: 'softmax' },
        ],
        diagnostics: { every: 2 },
      });
      const config = configFrom(raw);
      const monitors = [new RunDiagnosis(config, inferShapes(config.model.layers, config.model.input))];
      const source = await train(config, { runsDir: path.join(dir, 'source'), configText: JSON.stringify(raw, null, 2), monitors });
      const [id] = fs.readdirSync(path.join(dir, 'source'));
      const written = fs.readFileSync(path.join(dir, 'source', id, 'metrics.jsonl'), 'utf8');
      const recorded = written.trim().split('\n').map((l) => JSON.parse(l) as TrainingEvent);
      const expectedFindings = recorded.filter((e) => e.type === 'finding').length;
      assert.ok(expectedFindings > 0 && source.ended.findings.length > 0, 'the source run has findings');

      // The same folder, written again line by line (without its findings) while a watcher follows it.
      const logdir = path.join(dir, 'logs');
      const copy = path.join(logdir, 'nested', id);
      fs.mkdirSync(copy, { recursive: true });
      fs.copyFileSync(path.join(dir, 'source', id, 'config.train.json'), path.join(copy, 'config.train.json'));
      const lines = written.trim().split('\n').filter((l) => !l.includes('"type":"finding"'));
      const half = Math.floor(lines.length / 2);
      const metrics = path.join(copy, 'metrics.jsonl');
      fs.writeFileSync(metrics, lines.slice(0, half).join('\n') + '\n' + lines[half].slice(0, 20));
      assert.deepEqual(findRunFolders(logdir), [copy]);

      const watcher = new RunFolderWatcher(logdir);
      const first = watcher.poll();
      assert.deepEqual(first.newRuns, [path.join('nested', id)]);
      assert.deepEqual(first.issues, []);
      const firstEvents = first.updates[0].events.filter((e) => e.type !== 'finding');
      assert.equal(firstEvents.length, half, 'the torn line waits for the rest');

      fs.appendFileSync(metrics, lines[half].slice(20) + '\n' + 'not json\n' + lines.slice(half + 1).join('\n') + '\n');
      const second = watcher.poll();
      assert.equal(second.updates[0].events.filter((e) => e.type !== 'finding').length, lines.length - half);
      assert.equal(second.issues.length, 1);
      assert.match(second.issues[0].message, /a line that is not JSON was skipped/);

      const report = watcher.watchedRuns()[0];
      assert.equal(report.status, 'completed');
      assert.deepEqual(
        [...first.updates[0].findings, ...second.updates[0].findings].map((f) => `${f.rule}@${f.step ?? '-'}`),
        recorded.filter((e) => e.type === 'finding').map((e) => (e.type === 'finding' ? `${e.finding.rule}@${e.finding.step ?? '-'}` : '')),
        'the findings of the engine\'s own run, computed again from the events',
      );
      assert.deepEqual(watcher.poll().updates, [], 'nothing new, nothing reported');
    } finally {
      cleanup();
    }
  });
});
