// One finding per rule and cause, never one per layer: 24 layers whose ReLUs died for the same
// reason are one finding that lists them, with one fix for all of them. Each layer's own words
// stay available as related information (the editor marks every layer through it).

import type { TrainConfig } from '../config/trainConfig';
import { layerListText, type Finding, type FixReference } from './finding';
import { fixReference } from './fixes/fixReference';

/** Findings of one rule with the same severity and the same preferred remedy share a cause. */
export function causeKey(finding: Finding): string {
  const remedy = finding.fixes.find((f) => f.preferred)?.id ?? finding.fixes[0]?.id ?? 'none';
  return `${finding.rule}|${finding.severity}|${remedy}`;
}

/** The union of the members' `layers` arguments (indices or index paths), in the order they appear. */
function unionOfLayers(argsList: Record<string, unknown>[]): unknown[] | undefined {
  if (!argsList.every((a) => Array.isArray(a.layers))) return undefined;
  const seen = new Set<string>();
  const union: unknown[] = [];
  for (const args of argsList) {
    for (const item of args.layers as unknown[]) {
      const key = JSON.stringify(item);
      if (seen.has(key)) continue;
      seen.add(key);
      union.push(item);
    }
  }
  return union;
}

/** One fix per id for the whole group: a fix that targets layers targets all of the group's. */
function mergedFixes(members: Finding[], config: TrainConfig): FixReference[] {
  const ids = [...new Set(members.flatMap((m) => m.fixes.map((f) => f.id)))];
  return ids.map((id) => {
    const versions = members.flatMap((m) => m.fixes.filter((f) => f.id === id));
    const first = versions[0];
    const layers = unionOfLayers(versions.map((v) => v.args ?? {}));
    if (!layers || versions.length === 1) return first;
    return fixReference(id, config, { ...first.args, layers }, first.preferred);
  });
}

/** The group's finding: the first member's diagnosis, naming every layer, with fixes for all of them. */
export function mergeFindings(members: Finding[], config: TrainConfig): Finding {
  const [first] = members;
  if (members.length === 1) return first;
  const layers = [...new Set(members.map((m) => m.layer).filter((l): l is number => l !== undefined))];
  const more = members.length - 1;
  const others = layers.length === members.length ? `${more} more layer${more === 1 ? '' : 's'}: ${layerListText(layers.slice(1))}` : `${more} more place${more === 1 ? '' : 's'}`;
  return {
    ...first,
    message: `${first.message} The same holds for ${others}.`,
    layers: layers.length > 0 ? layers : undefined,
    related: members.map((m) => ({ layer: m.layer, path: m.path, message: m.message })),
    evidence: { ...first.evidence, layers, count: members.length },
    fixes: mergedFixes(members, config),
  };
}

/** Groups a list of findings (the static rules' output): one per rule and cause, each with an id. */
export function groupFindings(findings: Finding[], config: TrainConfig, idPrefix: string): Finding[] {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const key = causeKey(finding);
    const members = groups.get(key);
    if (members) members.push(finding);
    else groups.set(key, [finding]);
  }
  const perRule = new Map<string, number>();
  return [...groups.values()].map((members) => {
    const rule = members[0].rule;
    const ordinal = (perRule.get(rule) ?? 0) + 1;
    perRule.set(rule, ordinal);
    return { ...mergeFindings(members, config), id: `${idPrefix}${rule}#${ordinal}` };
  });
}

/**
 * The live side of grouping: findings arrive one sample at a time, so a group grows. Each call
 * returns the group findings that changed (a new group, or one a layer joined), under the id the
 * group got when it was first reported, so readers replace the earlier version.
 */
export class LiveFindingGroups {
  private readonly open = new Map<string, { id: string; members: Finding[] }>();
  private readonly perRule = new Map<string, number>();

  constructor(private readonly config: TrainConfig) {}

  add(findings: Finding[]): Finding[] {
    const touched = new Set<{ id: string; members: Finding[] }>();
    for (const finding of findings) {
      const key = causeKey(finding);
      let group = this.open.get(key);
      if (!group) {
        const ordinal = (this.perRule.get(finding.rule) ?? 0) + 1;
        this.perRule.set(finding.rule, ordinal);
        group = { id: `${finding.rule}#${ordinal}`, members: [] };
        this.open.set(key, group);
      }
      group.members.push(finding);
      touched.add(group);
    }
    return [...touched].map((g) => ({ ...mergeFindings(g.members, this.config), id: g.id }));
  }

  /** Withdraws every open finding of `rule`: they come back resolved, with the reason. */
  resolve(rule: string, resolution: string, evidence: Record<string, unknown> = {}): Finding[] {
    const resolved: Finding[] = [];
    for (const [key, group] of this.open) {
      if (group.members[0].rule !== rule) continue;
      this.open.delete(key);
      const current = mergeFindings(group.members, this.config);
      resolved.push({ ...current, id: group.id, state: 'resolved', resolution, evidence: { ...current.evidence, resolvedBy: evidence } });
    }
    return resolved;
  }
}
