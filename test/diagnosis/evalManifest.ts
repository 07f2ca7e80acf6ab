// The evaluation suite's manifest (test/diagnosis/cases.json): which config is which known fault,
// at which stage it should be found, and whether it belongs to the tuning or the held-out split.
// Shared by scripts/eval.ts (which runs it) and the smoke test (which checks it is consistent).

import * as fs from 'node:fs';
import * as path from 'node:path';

export type EvalStage = 'static' | 'probe' | 'train';
export type EvalSplit = 'tune' | 'holdout';

export interface EvalCase {
  /** File name under test/diagnosis/cases/. */
  file: string;
  /** The cheapest stage that should find the fault; later stages include the earlier ones. */
  stage: EvalStage;
  /** Rule ids that must be reported at warning or error severity ([] for a healthy config). */
  expect: string[];
  /** Rule ids that may also be reported without counting as false alarms (true side effects). */
  allow: string[];
  split: EvalSplit;
  notes: string;
  /** Probe stage: also run the one-batch overfit check (`probe --overfit-batch`). */
  overfitBatch?: boolean;
}

/** Every rule id the suite may expect: the static rules, then the live ones. */
export const STATIC_RULE_IDS = [
  'init.symmetry', 'init.activation-mismatch', 'init.vanishing-activations', 'init.exploding-activations',
  'residual.variance-growth', 'reg.bias-regularized', 'data.unnormalized', 'lr.no-decay', 'lr.too-high-static', 'bn.missing-deep',
  'data.class-imbalance',
] as const;
export const LIVE_RULE_IDS = [
  'grad.vanishing', 'grad.exploding', 'grad.nonfinite', 'act.dead-relu', 'act.saturated',
  'init.vanishing-activations', 'init.exploding-activations', 'fit.overfitting', 'fit.underfitting', 'lr.too-low', 'lr.too-high',
  'loss.initial-mismatch', 'train.frozen-layer', 'probe.cannot-overfit-batch',
] as const;
export const KNOWN_RULE_IDS: readonly string[] = [...new Set<string>([...STATIC_RULE_IDS, ...LIVE_RULE_IDS])];

export const SUITE_DIR = path.join(__dirname);
export const CASES_DIR = path.join(SUITE_DIR, 'cases');
export const MANIFEST_PATH = path.join(SUITE_DIR, 'cases.json');

export function loadManifest(file = MANIFEST_PATH): EvalCase[] {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as EvalCase[];
}

/** A case's group for the split: its first expected rule, or "healthy". */
export function caseGroup(c: Pick<EvalCase, 'expect'>): string {
  return c.expect[0] ?? 'healthy';
}

/**
 * The split, fixed before any result was seen: within each group, in manifest order, the cases
 * go tune, holdout, tune, tune, holdout, and again (3 of every 5 to tuning). A case never moves
 * because of its result; new cases are appended to the manifest and take the next position.
 */
export function splitFor(positionInGroup: number): EvalSplit {
  const slot = positionInGroup % 5;
  return slot === 1 || slot === 4 ? 'holdout' : 'tune';
}

/** The split every case should have under the fixed rule, in manifest order. */
export function expectedSplits(cases: Pick<EvalCase, 'expect'>[]): EvalSplit[] {
  const seen = new Map<string, number>();
  return cases.map((c) => {
    const group = caseGroup(c);
    const position = seen.get(group) ?? 0;
    seen.set(group, position + 1);
    return splitFor(position);
  });
}
