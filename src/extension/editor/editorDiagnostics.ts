// The diagnostics of a *.train.json document as the editor shows them: validation problems,
// data problems, static findings and the findings of the file's last probe and run, each with an
// exact range in the current text, a severity, a code linking to its section of docs/rules.md,
// and (for findings) the finding itself so that quick fixes can apply its fixes.

import type { Node as JsonNode } from 'jsonc-parser';
import type { ConfigProblem, JsonPath } from '../../core/config/configProblem';
import { nodeForPath } from '../../core/config/parseConfig';
import { allRules } from '../../core/diagnosis/diagnosisRegistry';
import type { Finding, FindingSeverity } from '../../core/diagnosis/finding';
import type { TextPositions, TextSpan } from './textPositions';

/** Where a diagnostic comes from: the text, the data it points at, the static rules, or the last probe/run. */
export type DiagnosticOrigin = 'config' | 'data' | 'static' | 'probe' | 'run';

export interface EditorDiagnostic {
  span: TextSpan;
  severity: FindingSeverity;
  /** The rule id of a finding, or the code of a validation problem (`schema.unknown-property`). */
  code: string;
  /** The anchor of the code's section in docs/rules.md, when it has one (rules do, problem codes do not). */
  docsAnchor?: string;
  message: string;
  origin: DiagnosticOrigin;
  /** For findings: what the quick fixes apply. */
  finding?: Finding;
  /** A grouped finding's other places (every layer it concerns), shown as related information. */
  related?: { span: TextSpan; message: string }[];
}

/** Findings of a probe or a run, shown next to the static ones until the next probe or run. */
export interface ExternalFindings {
  probe?: Finding[];
  run?: Finding[];
}

const FROM_LAST: Record<'probe' | 'run', string> = {
  probe: ' (from the last probe)',
  run: ' (from the last run)',
};

/**
 * docs/rules.md has one section per rule id; a rule with a static and a live half documents the
 * live half under `<id>-live`, which is what a probe's or a run's finding should open.
 */
const ruleAnchors = (() => {
  const staticIds = new Set<string>();
  const liveIds = new Set<string>();
  for (const rule of allRules()) (rule.kind === 'static' ? staticIds : liveIds).add(rule.id);
  return { staticIds, liveIds };
})();

export function docsAnchorFor(rule: string, origin: DiagnosticOrigin): string | undefined {
  const { staticIds, liveIds } = ruleAnchors;
  const live = origin === 'probe' || origin === 'run';
  if (live && liveIds.has(rule)) return staticIds.has(rule) ? `${rule}-live` : rule;
  return staticIds.has(rule) || liveIds.has(rule) ? rule : undefined;
}

/** Underlining a whole object or array is noise: keep its first character. */
function trimContainer(text: string, offset: number, length: number): number {
  const first = text[offset];
  return length > 1 && (first === '{' || first === '[') ? 1 : length;
}

function spanOfNode(node: JsonNode | undefined, positions: TextPositions): TextSpan {
  if (!node) return positions.span(0, 0);
  return positions.span(node.offset, trimContainer(positions.text, node.offset, node.length));
}

/** A problem located by the parser (its range is in the analyzed text), else by its path. */
export function problemDiagnostic(problem: ConfigProblem, tree: JsonNode | undefined, positions: TextPositions, origin: 'config' | 'data'): EditorDiagnostic {
  const span = problem.range
    ? positions.span(problem.range.offset, trimContainer(positions.text, problem.range.offset, problem.range.length))
    : spanOfNode(tree ? nodeForPath(tree, problem.path) : undefined, positions);
  return { span, severity: problem.severity, code: problem.code, message: problem.message, origin };
}

function findingPath(finding: Finding): JsonPath {
  if (finding.path) return finding.path;
  return finding.layer !== undefined ? ['model', 'layers', finding.layer] : [];
}

/** A finding carries a path, not a range: it is located in the current text (a run's findings too). */
export function findingDiagnostic(finding: Finding, tree: JsonNode | undefined, positions: TextPositions, origin: 'static' | 'probe' | 'run'): EditorDiagnostic {
  const locate = (path: JsonPath) => spanOfNode(tree ? nodeForPath(tree, path) : undefined, positions);
  const span = locate(findingPath(finding));
  const suffix = origin === 'static' ? '' : FROM_LAST[origin];
  const related = finding.related?.map((r) => ({
    span: locate(r.path ?? (r.layer !== undefined ? ['model', 'layers', r.layer] : [])),
    message: r.message,
  }));
  const base = { span, code: finding.rule, docsAnchor: docsAnchorFor(finding.rule, origin), origin, finding, related };
  // A finding its rule withdrew stays visible as such, quietly and without fixes to offer.
  if (finding.state === 'resolved') {
    return { ...base, severity: 'info', message: `Resolved during the run: ${finding.resolution ?? 'withdrawn by its rule.'} (It said: ${finding.message})${suffix}`, finding: { ...finding, fixes: [] } };
  }
  return { ...base, severity: finding.severity, message: finding.message + suffix };
}

export interface DiagnosticsInput {
  positions: TextPositions;
  tree: JsonNode | undefined;
  /** From parseTrainConfig: located in the analyzed text. */
  problems: ConfigProblem[];
  /** From the data checks (CSV): located by path. */
  dataProblems?: ConfigProblem[];
  findings?: Finding[];
  external?: ExternalFindings;
}

/** A finding is the same finding when its rule, layer and message agree (a probe's suffix aside). */
function identity(d: EditorDiagnostic): string {
  if (!d.finding) return `${d.code}|${d.span.offset}|${d.message}`;
  return `${d.finding.rule}|${d.finding.layer ?? ''}|${d.finding.message}`;
}

/** Everything to show, in order (problems, data problems, static findings, probe, run), without duplicates. */
export function buildDiagnostics(input: DiagnosticsInput): EditorDiagnostic[] {
  const { positions, tree } = input;
  const all: EditorDiagnostic[] = [
    ...input.problems.map((p) => problemDiagnostic(p, tree, positions, 'config')),
    ...(input.dataProblems ?? []).map((p) => problemDiagnostic(p, tree, positions, 'data')),
    ...(input.findings ?? []).map((f) => findingDiagnostic(f, tree, positions, 'static')),
    ...(input.external?.probe ?? []).map((f) => findingDiagnostic(f, tree, positions, 'probe')),
    ...(input.external?.run ?? []).map((f) => findingDiagnostic(f, tree, positions, 'run')),
  ];
  const seen = new Set<string>();
  return all.filter((d) => {
    const key = identity(d);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * What identifies a diagnostic when VS Code hands it back (code action requests carry copies,
 * not the objects we published): its range, code and message.
 */
export function diagnosticKey(start: { line: number; character: number }, end: { line: number; character: number }, code: string, message: string): string {
  return `${start.line}:${start.character}-${end.line}:${end.character}|${code}|${message}`;
}

export function editorDiagnosticKey(d: EditorDiagnostic): string {
  return diagnosticKey(d.span.start, d.span.end, d.code, d.message);
}
