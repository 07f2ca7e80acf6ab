// Checks what the dashboard's Apply Fix, Re-run and Show in Config take from a run before acting
// on it. A run read back from disk is only as trustworthy as the folder it sits in, and a
// repository may commit a hostile `.training-doctor/runs/*`: its `configPath` could name a config
// anywhere on the machine, its findings any fix with any arguments. So the config must be a
// *.train.json inside a workspace folder (real paths compared), and the finding, the fix and its
// arguments must be ones this version of Training Doctor knows.

import * as path from 'node:path';
import type { RunData } from '../../core/dashboard/runData';
import { realPathInside } from '../../core/data/dataAccessPolicy';
import { ruleCatalog } from '../../core/diagnosis/diagnosisRegistry';
import type { Finding, FixReference } from '../../core/diagnosis/finding';
import { fixById } from '../../core/diagnosis/fixes/allFixes';
import { asIndexPaths } from '../../core/diagnosis/fixes/layerTargets';

export type Checked<T> = { type: 'ok'; value: T } | { type: 'refused'; message: string };

const refused = (message: string): { type: 'refused'; message: string } => ({ type: 'refused', message });

/** The run's config, when it is a *.train.json file inside one of the workspace folders (its real path). */
export function runConfigInWorkspace(data: RunData | undefined, workspaceFolders: string[]): Checked<string> {
  const configPath: unknown = data?.started?.configPath;
  if (typeof configPath !== 'string' || configPath === '') return refused('This run does not say which config it trained.');
  if (!path.isAbsolute(configPath) || !configPath.endsWith('.train.json')) {
    return refused(`This run names "${shorten(configPath)}" as its config, which is not the absolute path of a *.train.json file.`);
  }
  const real = realPathInside(configPath, workspaceFolders);
  if (!real || !real.endsWith('.train.json')) {
    return refused(`This run's config, ${shorten(configPath)}, is outside the workspace folders; Training Doctor only edits and trains configs inside them.`);
  }
  return { type: 'ok', value: real };
}

/** Finding `findingIndex` of the run and its fix `fixId`, each checked against what this version knows. */
export function recordedFix(data: RunData | undefined, findingIndex: number, fixId: string): Checked<{ finding: Finding; fix: FixReference }> {
  const finding: unknown = data?.findings[findingIndex];
  if (!isObject(finding)) return refused('That finding is no longer available.');
  const rule = ruleCatalog().find((meta) => meta.id === finding.rule);
  if (!rule) return refused(`The run names an unknown rule, "${shorten(String(finding.rule))}".`);
  const fix = Array.isArray(finding.fixes) ? finding.fixes.find((f: unknown) => isObject(f) && f.id === fixId) : undefined;
  if (!isObject(fix)) return refused('That fix is no longer available.');
  if (!fixById(fixId) || !rule.fixes.includes(fixId)) return refused(`"${shorten(fixId)}" is not a fix of ${rule.id}.`);
  if (typeof fix.title !== 'string' || fix.title.length > MAX_TEXT) return refused(`The run's fix ${fixId} has no usable title.`);
  const args = checkFixArguments(fix.args);
  if (typeof args === 'string') return refused(`The run's fix ${fixId} has ${args}.`);
  const layer = finding.layer;
  if (layer !== undefined && !isIndex(layer)) return refused(`The run's finding names layer ${shorten(JSON.stringify(layer))}, which is not a layer index.`);
  const where = finding.path;
  if (where !== undefined && !isJsonPath(where)) return refused('The run\'s finding has a malformed location.');
  const severity = finding.severity === 'error' || finding.severity === 'warning' ? finding.severity : 'info';
  const checkedFix: FixReference = { id: fixId, title: fix.title, ...(args ? { args } : {}) };
  // Only what was checked goes on: the fixes read the rule, the layer and the arguments.
  return {
    type: 'ok',
    value: {
      finding: { rule: rule.id, severity, message: typeof finding.message === 'string' ? shorten(finding.message) : '', layer, path: where, evidence: {}, fixes: [checkedFix] },
      fix: checkedFix,
    },
  };
}

/** The finding's location in the config, for Show in Config: only a well-formed one. */
export function recordedFindingPath(data: RunData | undefined, findingIndex: number | undefined): (string | number)[] | undefined {
  const finding: unknown = findingIndex === undefined ? undefined : data?.findings[findingIndex];
  return isObject(finding) && isJsonPath(finding.path) ? finding.path : undefined;
}

const MAX_TEXT = 500;
const MAX_LIST = 10_000;

/** What each fix argument may hold; any other name is refused. */
const FIX_ARGUMENTS: Record<string, (value: unknown) => boolean> = {
  layers: isIndexPathList,
  blocks: isIndexPathList,
  initializer: isName,
  monitor: isName,
  learningRate: (v) => isNumberIn(v, 0, 100),
  l2: (v) => isNumberIn(v, 0, 100),
  norm: (v) => isNumberIn(v, 0, 1e6),
  rate: (v) => isNumberIn(v, 0, 1),
  noise: (v) => isNumberIn(v, 0, 1e3),
  translate: (v) => Number.isInteger(v) && isNumberIn(v, 0, 1e3),
  patience: (v) => Number.isInteger(v) && isNumberIn(v, 0, 1e6),
};

/** The arguments when they are all known and well-formed, else what is wrong with them. */
function checkFixArguments(args: unknown): Record<string, unknown> | undefined | string {
  if (args === undefined) return undefined;
  if (!isObject(args)) return 'arguments that are not an object';
  const checked: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(args)) {
    const check = Object.hasOwn(FIX_ARGUMENTS, name) ? FIX_ARGUMENTS[name] : undefined;
    if (!check) return `an unknown argument "${shorten(name)}"`;
    if (!check(value)) return `an invalid value for "${name}"`;
    checked[name] = value;
  }
  return checked;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < MAX_LIST;
}

function isNumberIn(value: unknown, low: number, high: number): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= low && value <= high;
}

function isName(value: unknown): boolean {
  return typeof value === 'string' && /^[A-Za-z_]{1,40}$/.test(value);
}

function isIndexPathList(value: unknown): boolean {
  const paths = asIndexPaths(value);
  return paths !== undefined && paths.length <= MAX_LIST && paths.every((p) => p.length <= 8 && p.every(isIndex));
}

function isJsonPath(value: unknown): value is (string | number)[] {
  return Array.isArray(value) && value.length <= 32
    && value.every((part) => (typeof part === 'string' && part.length <= 100) || isIndex(part));
}

function shorten(text: string): string {
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}
