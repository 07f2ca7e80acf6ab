// Scoring of the evaluation (scripts/eval.ts): a case's alarms against its expectations, and per
// split the recall and precision per rule, the healthy configs flagged and the findings per run.
// Kept apart from the runner so that the counting rules can be tested without running a model.

import { isAlarm, type Finding } from '../src/core/diagnosis/finding';
import type { EvalCase, EvalSuiteName } from '../test/diagnosis/evalManifest';

/** A manifest entry with the suite it belongs to. */
export type SuiteCase = EvalCase & { suite: EvalSuiteName };

export interface FirstSeen { ms: number; step?: number }

export interface StageResult {
  /** Every finding, any severity. */
  findings: Finding[];
  /** When each rule first raised an alarm (warning or error), from the start of the stage. */
  firstAlarm: Record<string, FirstSeen>;
  durationMs: number;
  /** Training only: how the run ended. */
  run?: { status: string; reason?: string; steps: number; epochs: number };
  /** The stage could not run (invalid config, a crash in the engine or in a rule). */
  error?: string;
  /** Exceptions thrown by the diagnosis while a run went on. */
  diagnosisErrors: string[];
}

export interface CaseResult {
  case: SuiteCase;
  result: StageResult;
  /** Rules that raised a warning or error. */
  alarms: string[];
  detected: string[];
  missed: string[];
  /** Alarms neither expected nor allowed (none for an out-of-scope fault). */
  falseAlarms: string[];
  allowedSeen: string[];
  info: string[];
  firstExpected?: { rule: string } & FirstSeen;
  failed: boolean;
}

export function alarmRules(result: StageResult): Set<string> {
  return new Set(result.findings.filter(isAlarm).map((f) => f.rule));
}

export function score(c: SuiteCase, result: StageResult): CaseResult {
  const alarms = alarmRules(result);
  // An out-of-scope fault is a real fault no rule id covers: whatever it raises is neither right nor wrong.
  const tolerated = (r: string) => c.outOfScope === true || c.expect.includes(r) || c.allow.includes(r);
  const detected = c.expect.filter((r) => alarms.has(r));
  const first = detected
    .map((rule) => ({ rule, ...result.firstAlarm[rule] }))
    .filter((s) => s.ms !== undefined)
    .sort((a, b) => a.ms - b.ms)[0];
  return {
    case: c,
    result,
    alarms: [...alarms].sort(),
    detected,
    missed: c.expect.filter((r) => !alarms.has(r)),
    falseAlarms: [...alarms].filter((r) => !tolerated(r)).sort(),
    allowedSeen: [...alarms].filter((r) => tolerated(r) && !c.expect.includes(r)).sort(),
    info: [...new Set(result.findings.filter((f) => !isAlarm(f)).map((f) => f.rule))].sort(),
    firstExpected: first,
    failed: result.error !== undefined || result.diagnosisErrors.length > 0,
  };
}

export interface RuleScore {
  rule: string;
  expected: number;
  detected: number;
  recall: number | null;
  /** Cases where the rule raised a warning/error. */
  alarms: number;
  /** ... of which the rule was allowed (a side effect), neither right nor wrong. */
  allowed: number;
  falseAlarms: number;
  /** detected / (detected + false alarms). */
  precision: number | null;
}

export interface SplitScore {
  cases: number;
  errors: number;
  /** Faults no rule id covers: run and listed, left out of recall and of the healthy count. */
  outOfScope: number;
  rules: RuleScore[];
  total: { expected: number; detected: number; recall: number | null; falseAlarms: number; precision: number | null };
  /** Healthy configs with any false alarm (for the zoo, any warning or error: it allows none). */
  healthy: { cases: number; withFalseAlarms: number; rate: number | null; names: string[] };
  /** Mean number of findings per run: every severity, and warnings/errors only (one finding per
   *  rule and layer, as the run reports them). */
  perRun: { findings: number | null; alarms: number | null };
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

export function scoreSplit(results: CaseResult[], ruleIds: string[]): SplitScore {
  const rules = ruleIds.map((rule): RuleScore => {
    // Out-of-scope faults are run and listed, never counted: no rule id is meant to catch them.
    const expecting = results.filter((r) => !r.case.outOfScope && r.case.expect.includes(rule));
    const detected = expecting.filter((r) => r.detected.includes(rule)).length;
    const falseAlarms = results.filter((r) => r.falseAlarms.includes(rule)).length;
    return {
      rule, expected: expecting.length, detected, recall: ratio(detected, expecting.length),
      alarms: results.filter((r) => r.alarms.includes(rule)).length, allowed: results.filter((r) => r.allowedSeen.includes(rule)).length,
      falseAlarms, precision: ratio(detected, detected + falseAlarms),
    };
  });
  const expected = rules.reduce((s, r) => s + r.expected, 0);
  const detected = rules.reduce((s, r) => s + r.detected, 0);
  const falseAlarms = rules.reduce((s, r) => s + r.falseAlarms, 0);
  const healthy = results.filter((r) => r.case.expect.length === 0 && !r.case.outOfScope);
  const noisy = healthy.filter((r) => r.falseAlarms.length > 0);
  const sum = (count: (r: CaseResult) => number) => results.reduce((s, r) => s + count(r), 0);
  return {
    cases: results.length,
    errors: results.filter((r) => r.failed).length,
    outOfScope: results.filter((r) => r.case.outOfScope).length,
    rules,
    total: { expected, detected, recall: ratio(detected, expected), falseAlarms, precision: ratio(detected, detected + falseAlarms) },
    healthy: { cases: healthy.length, withFalseAlarms: noisy.length, rate: ratio(noisy.length, healthy.length), names: noisy.map((r) => r.case.file) },
    perRun: { findings: ratio(sum((r) => r.result.findings.length), results.length), alarms: ratio(sum((r) => r.result.findings.filter(isAlarm).length), results.length) },
  };
}
