// The shape every diagnosis takes, wherever it is shown: CLI output, editor squiggles, dashboards.

import type { JsonPath } from '../config/configProblem';

export type FindingSeverity = 'error' | 'warning' | 'info';

export interface FixReference {
  id: string;
  title: string;
  /** The fix to apply when the user asks for "the" fix (the lightbulb's preferred action). */
  preferred?: boolean;
  /** What the fix needs beyond the finding: which layers, which value (e.g. {"layers": [1, 2], "initializer": "heNormal"}). */
  args?: Record<string, unknown>;
}

/** Another place a grouped finding concerns (the editor shows them as related information). */
export interface RelatedLocation {
  layer?: number;
  path?: JsonPath;
  message: string;
}

export type FindingState = 'open' | 'resolved';

export interface Finding {
  /**
   * Identity within a run: a later finding with the same id supersedes the earlier one (more
   * layers joined it, or it was resolved). Set by the registry; absent in older run folders.
   */
  id?: string;
  /** Absent means open. A resolved finding was withdrawn by its rule, which says why in `resolution`. */
  state?: FindingState;
  resolution?: string;
  rule: string;
  severity: FindingSeverity;
  message: string;
  /** Index in the config's layers, when the finding concerns one (the first, when it concerns several). */
  layer?: number;
  /** Every layer the finding concerns, when it groups several (one finding per rule and cause, not one per layer). */
  layers?: number[];
  related?: RelatedLocation[];
  /** Where in the config the finding points. */
  path?: JsonPath;
  /** For live findings: when they were seen. */
  step?: number;
  epoch?: number;
  /** The numbers that triggered the finding. */
  evidence: Record<string, unknown>;
  fixes: FixReference[];
}

export function isOpen(finding: Finding): boolean {
  return finding.state !== 'resolved';
}

/** A warning or an error that still stands (a withdrawn finding is no alarm; info never is). */
export function isAlarm(finding: Finding): boolean {
  return finding.severity !== 'info' && isOpen(finding);
}

/** Adds a finding to a run's list in place: a later version (same id) replaces the earlier one. */
export function upsertFinding(findings: Finding[], finding: Finding): void {
  const earlier = finding.id === undefined ? -1 : findings.findIndex((f) => f.id === finding.id);
  if (earlier >= 0) findings[earlier] = finding;
  else findings.push(finding);
}

/** "1, 2, 3": at most `named` layer numbers, the rest counted ("… and 15 more"). */
export function layerListText(layers: number[], named = 8): string {
  const listed = layers.slice(0, named).join(', ');
  return layers.length > named ? `${listed} and ${layers.length - named} more` : listed;
}

/**
 * The findings as they stand: each id's latest version, in the order the ids first appeared.
 * Findings without an id (older run folders) are kept as they are.
 */
export function currentFindings(findings: Iterable<Finding>): Finding[] {
  const byId = new Map<string, number>();
  const current: Finding[] = [];
  for (const finding of findings) {
    const at = finding.id === undefined ? undefined : byId.get(finding.id);
    if (at !== undefined) {
      current[at] = finding;
      continue;
    }
    if (finding.id !== undefined) byId.set(finding.id, current.length);
    current.push(finding);
  }
  return current;
}
