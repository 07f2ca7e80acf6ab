// The evaluation suites' manifests: which config is which known fault (or healthy model), at which
// stage it should be found, and whether it belongs to the tuning or the held-out split. Three suites:
// the constructed cases (test/diagnosis/cases.json) and the real-world zoo (test/diagnosis/zoo/: a
// healthy zoo and real faults from public benchmarks, with their source and licence).
// Shared by scripts/eval.ts (which runs them) and the smoke test (which checks they are consistent).

import * as fs from 'node:fs';
import * as path from 'node:path';

export type EvalStage = 'static' | 'probe' | 'train';
export type EvalSplit = 'tune' | 'holdout';

export interface EvalCase {
  /** File name in its suite's config folder. */
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
  /** Real-world suites: where the model or fault comes from (repository and path, paper, or URL). */
  source?: string;
  /** Real-world suites: the source's licence, and what of it is used. */
  licence?: string;
  /** Real-world suites: the fault as the source labels it (healthy zoo: why it is known to train well). */
  label?: string;
  /** A real fault that no rule id covers: it is run and its alarms listed, but it counts neither for
   *  recall nor as a healthy config, and its alarms are not false alarms. */
  outOfScope?: boolean;
}

export type EvalSuiteName = 'cases' | 'zoo-healthy' | 'real-faults';

export interface EvalSuite {
  name: EvalSuiteName;
  title: string;
  /** Folder of the suite's *.train.json files. */
  dir: string;
  manifest: string;
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
/** Rule ids new in issue 10 (section 3, written in parallel with the real-world suites): the real
 *  faults may expect them where a benchmark's label has no older id. */
export const NEW_RULE_IDS = ['loss.initial-mismatch', 'data.class-imbalance', 'train.frozen-layer', 'probe.cannot-overfit-batch'] as const;
/** Every rule id the real-world suites may expect or allow. */
export const REAL_WORLD_RULE_IDS: readonly string[] = [...KNOWN_RULE_IDS, ...NEW_RULE_IDS];

export const SUITE_DIR = path.join(__dirname);
export const CASES_DIR = path.join(SUITE_DIR, 'cases');
export const MANIFEST_PATH = path.join(SUITE_DIR, 'cases.json');
export const ZOO_DIR = path.join(SUITE_DIR, 'zoo');

export const SUITES: Record<EvalSuiteName, EvalSuite> = {
  'cases': { name: 'cases', title: 'Constructed cases', dir: CASES_DIR, manifest: MANIFEST_PATH },
  'zoo-healthy': { name: 'zoo-healthy', title: 'Healthy zoo', dir: path.join(ZOO_DIR, 'healthy'), manifest: path.join(ZOO_DIR, 'zoo-healthy.json') },
  'real-faults': { name: 'real-faults', title: 'Real faults', dir: path.join(ZOO_DIR, 'faults'), manifest: path.join(ZOO_DIR, 'real-faults.json') },
};

export function loadManifest(file = MANIFEST_PATH): EvalCase[] {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as EvalCase[];
}

export function loadSuite(name: EvalSuiteName): EvalCase[] {
  return loadManifest(SUITES[name].manifest);
}

/** A case's group for the split: "out-of-scope", its first expected rule, or "healthy". */
export function caseGroup(c: Pick<EvalCase, 'expect' | 'outOfScope'>): string {
  if (c.outOfScope) return 'out-of-scope';
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
export function expectedSplits(cases: Pick<EvalCase, 'expect' | 'outOfScope'>[]): EvalSplit[] {
  const seen = new Map<string, number>();
  return cases.map((c) => {
    const group = caseGroup(c);
    const position = seen.get(group) ?? 0;
    seen.set(group, position + 1);
    return splitFor(position);
  });
}
