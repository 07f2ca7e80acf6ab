// Remembers what a rule instance already reported, so each (rule, layer) is reported once per run,
// and again only when the problem gets worse (its severity rises).

import type { FindingSeverity } from '../finding';
import type { RuleSettings } from '../rule';

const RANK: Record<FindingSeverity, number> = { info: 0, warning: 1, error: 2 };

export class ReportLedger {
  private readonly reported = new Map<string, FindingSeverity>();

  constructor(private readonly settings: RuleSettings) {}

  /** The severity a finding will be shown with: the rule's own, capped by the configured one. */
  private effective(severity: FindingSeverity | undefined): FindingSeverity {
    const configured = this.settings.severity === 'off' ? 'info' : this.settings.severity;
    if (!severity) return configured;
    return RANK[severity] < RANK[configured] ? severity : configured;
  }

  /** True (and recorded) when nothing was reported for `key` yet, or only at a lower severity. */
  claim(key: string | number | undefined, severity?: FindingSeverity): boolean {
    const id = String(key ?? 'run');
    const shown = this.effective(severity);
    const before = this.reported.get(id);
    if (before !== undefined && RANK[before] >= RANK[shown]) return false;
    this.reported.set(id, shown);
    return true;
  }

  has(key: string | number | undefined): boolean {
    return this.reported.has(String(key ?? 'run'));
  }
}
