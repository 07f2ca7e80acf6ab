// Runs the rules: static rules over a config (and its data statistics when known), live rules
// over the events of a run or a probe. Stamps each finding with its rule id and the severity the
// config asks for, and drops rules set to "off".

import type { Node as JsonNode } from 'jsonc-parser';
import type { ShapeReport } from '../config/shapeInference';
import type { TrainConfig } from '../config/trainConfig';
import type { InputStatistics } from '../data/dataset';
import type { RunMonitor } from '../engine/trainingSession';
import type { TrainingEvent } from '../engine/trainingEvents';
import type { OverfitBatchResult } from '../engine/overfitBatch';
import type { Finding } from './finding';
import { cannotOverfitBatch } from './liveRules/cannotOverfitBatch';
import { groupFindings, LiveFindingGroups } from './findingGroups';
import { allLiveRules } from './liveRules/allLiveRules';
import type { FindingDraft, LiveRuleInstance, Rule, RuleMeta, RuleSettings } from './rule';
import { isActive, resolveSettings } from './ruleSettings';
import { allStaticRules } from './staticRules/allStaticRules';
import { predictVariance } from './varianceModel';

export function allRules(): Rule[] {
  return [...allStaticRules, ...allLiveRules];
}

/**
 * One entry per rule id. A rule may have a static and a live half sharing id and docs; the entry
 * then lists the thresholds and fixes of both.
 */
export function ruleCatalog(): RuleMeta[] {
  const byId = new Map<string, RuleMeta>();
  for (const rule of allRules()) {
    const known = byId.get(rule.id);
    if (!known) {
      byId.set(rule.id, { id: rule.id, defaultSeverity: rule.defaultSeverity, thresholds: { ...rule.thresholds }, docs: rule.docs, fixes: [...rule.fixes] });
      continue;
    }
    Object.assign(known.thresholds, rule.thresholds);
    for (const fix of rule.fixes) if (!known.fixes.includes(fix)) known.fixes.push(fix);
  }
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}

function stamp(rule: RuleMeta, settings: RuleSettings, draft: FindingDraft): Finding {
  const severity = settings.severity === 'off' ? 'info' : settings.severity;
  // A rule may lower its own severity for a weaker case, but never raise it above the setting.
  const order = { info: 0, warning: 1, error: 2 } as const;
  const chosen = draft.severity && order[draft.severity] < order[severity] ? draft.severity : severity;
  return { rule: rule.id, ...draft, severity: chosen };
}

export interface StaticInput {
  config: TrainConfig;
  shapes: ShapeReport;
  inputStats?: InputStatistics;
  tree?: JsonNode;
}

export function runStaticRules({ config, shapes, inputStats, tree }: StaticInput): Finding[] {
  const variance = predictVariance(config, shapes, inputStats);
  const findings: Finding[] = [];
  for (const rule of allStaticRules) {
    const settings = resolveSettings(rule, config);
    if (!isActive(settings)) continue;
    for (const draft of rule.check({ config, shapes, variance, inputStats, tree }, settings)) findings.push(stamp(rule, settings, draft));
  }
  return groupFindings(findings, config, 'static:');
}

/** The live rules as a run monitor: feed it a run's events (or a probe's single statistics event). */
export class LiveDiagnosis implements RunMonitor {
  private readonly instances: { rule: RuleMeta; settings: RuleSettings; instance: LiveRuleInstance }[] = [];
  private readonly groups: LiveFindingGroups;

  constructor(input: StaticInput) {
    this.groups = new LiveFindingGroups(input.config);
    for (const rule of allLiveRules) {
      const settings = resolveSettings(rule, input.config);
      if (!isActive(settings)) continue;
      this.instances.push({ rule, settings, instance: rule.start(input, settings) });
    }
  }

  observe(event: TrainingEvent): { findings?: Finding[]; stop?: { status: 'failed' | 'stopped-early'; reason: string } } | void {
    const findings: Finding[] = [];
    let stop: { status: 'failed' | 'stopped-early'; reason: string } | undefined;
    for (const { rule, settings, instance } of this.instances) {
      const verdict = instance.observe(event);
      if (!verdict) continue;
      if (verdict.resolve) findings.push(...this.groups.resolve(rule.id, verdict.resolve.reason, verdict.resolve.evidence));
      findings.push(...this.groups.add((verdict.findings ?? []).map((draft) => stamp(rule, settings, draft))));
      stop ??= verdict.stop;
    }
    if (findings.length === 0 && !stop) return;
    return { findings, stop };
  }
}

/** The probe's one-batch overfit check, judged by its rule (unless switched off). */
export function judgeOverfitBatch(config: TrainConfig, shapes: ShapeReport, result: OverfitBatchResult): Finding[] {
  const settings = resolveSettings(cannotOverfitBatch, config);
  if (!isActive(settings)) return [];
  const units = shapes.outputShape?.[shapes.outputShape.length - 1];
  const draft = cannotOverfitBatch.judge(result, config, units, settings);
  return draft ? groupFindings([stamp(cannotOverfitBatch, settings, draft)], config, 'probe:') : [];
}
