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

export interface Finding {
  rule: string;
  severity: FindingSeverity;
  message: string;
  /** Index in the config's layers, when the finding concerns one. */
  layer?: number;
  /** Where in the config the finding points. */
  path?: JsonPath;
  /** For live findings: when they were seen. */
  step?: number;
  epoch?: number;
  /** The numbers that triggered the finding. */
  evidence: Record<string, unknown>;
  fixes: FixReference[];
}
