// What a diagnosis rule is, in the spirit of ESLint's rules: a stable id, documentation, a
// default severity, thresholds a user can override in `diagnostics.rules`, and either a static
// check (the config alone, plus data statistics when loaded) or a live check (statistics of a
// probe or a running training). Rules return drafts; the registry stamps id and severity.

import type { Node as JsonNode } from 'jsonc-parser';
import type { ShapeReport } from '../config/shapeInference';
import type { Severity, TrainConfig } from '../config/trainConfig';
import type { InputStatistics } from '../data/dataset';
import type { TrainingEvent } from '../engine/trainingEvents';
import type { Finding, FindingSeverity } from './finding';
import type { VariancePrediction } from './varianceModel';

export interface RuleDocs {
  /** One line, shown as the finding's headline in lists. */
  title: string;
  /** What the rule detects and why it matters, in plain words (the theory of ../shared/seeds). */
  description: string;
}

export interface RuleMeta {
  id: string;
  defaultSeverity: FindingSeverity;
  /** Default thresholds; each may be overridden with `diagnostics.rules[id][name]`. */
  thresholds: Record<string, number>;
  docs: RuleDocs;
  /** Fix ids this rule may offer, for documentation and the evaluation report. */
  fixes: string[];
}

export interface RuleSettings {
  severity: Severity;
  thresholds: Record<string, number>;
}

/** A finding as a rule writes it; rule id and final severity are filled in by the registry. */
export type FindingDraft = Omit<Finding, 'rule' | 'severity' | 'id' | 'state' | 'resolution'> & { severity?: FindingSeverity };

export interface StaticContext {
  config: TrainConfig;
  shapes: ShapeReport;
  variance: VariancePrediction;
  /** Statistics of the raw training split, when the data was loaded (lint with data, probe, train). */
  inputStats?: InputStatistics;
  /** The config's parse tree, when known: lets a finding point at text the user wrote. */
  tree?: JsonNode;
}

export interface StaticRule extends RuleMeta {
  kind: 'static';
  check(context: StaticContext, settings: RuleSettings): FindingDraft[];
}

export interface LiveContext {
  config: TrainConfig;
  shapes: ShapeReport;
  inputStats?: InputStatistics;
}

/** One rule's state over one run (or one probe, which is a run of a single statistics event). */
export interface LiveRuleInstance {
  observe(event: TrainingEvent): LiveVerdict | void;
}

export interface LiveVerdict {
  findings?: FindingDraft[];
  /**
   * Withdraw this rule's open findings: a later sample proved them wrong (the loss that looked
   * stuck fell after all). They stay in the run, marked resolved with this reason.
   */
  resolve?: { reason: string; evidence?: Record<string, unknown> };
  /** Ask the run to stop (grad.nonfinite): the run keeps its data and ends with this status. */
  stop?: { status: 'failed' | 'stopped-early'; reason: string };
}

export interface LiveRule extends RuleMeta {
  kind: 'live';
  start(context: LiveContext, settings: RuleSettings): LiveRuleInstance;
}

export type Rule = StaticRule | LiveRule;
