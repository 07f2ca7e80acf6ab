import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../../src/core/diagnosis/finding';
import { score, scoreSplit, type StageResult, type SuiteCase } from '../../../scripts/evalScoring';

// The evaluation's counting rules (test/diagnosis/README.md, "Counting"), on hand-made results.
const alarm = (rule: string): Finding => ({ id: rule, rule, severity: 'warning', message: `${rule} seen`, evidence: {}, fixes: [] } as unknown as Finding);
const stage = (rules: string[]): StageResult => ({ findings: rules.map(alarm), firstAlarm: {}, durationMs: 1, diagnosisErrors: [] });
const fault = (file: string, expect: string[], extra: Partial<SuiteCase> = {}): SuiteCase =>
  ({ file, stage: 'static', expect, allow: [], split: 'tune', notes: '', suite: 'cases', ...extra });

describe('evaluation scoring', () => {
  it('leaves out-of-scope faults out of recall, as the README says (three static lr.no-decay cases were counted as misses)', () => {
    const results = [
      score(fault('a', ['lr.no-decay']), stage(['lr.no-decay'])),
      score(fault('b', ['lr.no-decay'], { outOfScope: true }), stage([])),
      score(fault('c', ['fit.overfitting']), stage(['fit.overfitting', 'act.saturated'])),
    ];
    const split = scoreSplit(results, ['lr.no-decay', 'fit.overfitting', 'act.saturated']);
    assert.deepEqual(split.total, { expected: 2, detected: 2, recall: 1, falseAlarms: 1, precision: 2 / 3 });
    assert.equal(split.rules.find((r) => r.rule === 'lr.no-decay')?.expected, 1);
    assert.equal(split.outOfScope, 1);
  });
});
