// A rule's effective settings: its defaults, overridden by `diagnostics.rules[id]` in the config
// (`{"severity": "off" | "info" | "warning" | "error", "<threshold>": number}`).

import { ownValue } from '../config/ownProperty';
import type { TrainConfig } from '../config/trainConfig';
import type { FindingSeverity } from './finding';
import type { RuleMeta, RuleSettings } from './rule';

export function resolveSettings(rule: RuleMeta, config: TrainConfig): RuleSettings {
  // Own keys only: a rule id or threshold named "constructor" must not find Object.prototype members.
  const overrides = ownValue(config.diagnostics.rules, rule.id) ?? {};
  const thresholds = { ...rule.thresholds };
  for (const [name, value] of Object.entries(overrides)) {
    if (name !== 'severity' && typeof value === 'number' && Object.hasOwn(thresholds, name)) thresholds[name] = value;
  }
  return { severity: overrides.severity ?? rule.defaultSeverity, thresholds };
}

/** Thresholds a config sets that no rule knows: worth a warning, they are probably typos. */
export function unknownThresholds(rules: RuleMeta[], config: TrainConfig): { rule: string; name: string }[] {
  const unknown: { rule: string; name: string }[] = [];
  for (const [id, overrides] of Object.entries(config.diagnostics.rules)) {
    const known = rules.filter((r) => r.id === id);
    if (known.length === 0) {
      unknown.push({ rule: id, name: '' });
      continue;
    }
    for (const name of Object.keys(overrides)) {
      if (name !== 'severity' && !known.some((r) => Object.hasOwn(r.thresholds, name))) unknown.push({ rule: id, name });
    }
  }
  return unknown;
}

export function isActive(settings: RuleSettings): settings is RuleSettings & { severity: FindingSeverity } {
  return settings.severity !== 'off';
}
