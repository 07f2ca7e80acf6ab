// Checks a finding read back from a run folder before a fix is applied from it. A run folder is
// only as trustworthy as where it sits (a repository may commit a hostile one), so the finding's
// rule, each fix's id (a fix of that rule) and the fix arguments must be ones this version knows,
// well-formed; what goes on is a copy of only what was checked.

import { ruleCatalog } from '../diagnosisRegistry';
import type { Finding, FixReference } from '../finding';
import { fixById } from './allFixes';
import { asIndexPaths } from './layerTargets';

export type RecordedFindingCheck = { type: 'ok'; finding: Finding } | { type: 'refused'; message: string };

const MAX_TEXT = 500;
const MAX_LIST = 10_000;

export function checkRecordedFinding(value: unknown): RecordedFindingCheck {
  const refused = (message: string): RecordedFindingCheck => ({ type: 'refused', message });
  if (!isObject(value)) return refused('The recorded finding is not an object.');
  const rule = ruleCatalog().find((meta) => meta.id === value.rule);
  if (!rule) return refused(`The run names an unknown rule, "${shorten(String(value.rule))}".`);
  if (!Array.isArray(value.fixes) || value.fixes.length > 100) return refused(`The run's ${rule.id} finding has no list of fixes.`);
  const fixes: FixReference[] = [];
  for (const fix of value.fixes as unknown[]) {
    if (!isObject(fix) || typeof fix.id !== 'string') return refused(`The run's ${rule.id} finding lists a malformed fix.`);
    if (!fixById(fix.id) || !rule.fixes.includes(fix.id)) return refused(`"${shorten(fix.id)}" is not a fix of ${rule.id}.`);
    if (typeof fix.title !== 'string' || fix.title.length > MAX_TEXT) return refused(`The run's fix ${fix.id} has no usable title.`);
    const args = checkFixArguments(fix.args);
    if (typeof args === 'string') return refused(`The run's fix ${fix.id} has ${args}.`);
    fixes.push({ id: fix.id, title: fix.title, ...(fix.preferred === true ? { preferred: true } : {}), ...(args ? { args } : {}) });
  }
  const layer = value.layer;
  if (layer !== undefined && !isIndex(layer)) return refused(`The run's finding names layer ${shorten(JSON.stringify(layer) ?? '')}, which is not a layer index.`);
  const where = value.path;
  if (where !== undefined && !isJsonPath(where)) return refused('The run\'s finding has a malformed location.');
  const severity = value.severity === 'error' || value.severity === 'warning' ? value.severity : 'info';
  const message = typeof value.message === 'string' ? shorten(value.message) : '';
  const identity = checkIdentity(value);
  if (typeof identity === 'string') return refused(`The run's ${rule.id} finding has ${identity}.`);
  return { type: 'ok', finding: { ...identity, rule: rule.id, severity, message, layer, path: where, evidence: {}, fixes } };
}

/** The id, state and grouped layers a finding may carry, when well-formed (else what is wrong). */
function checkIdentity(value: Record<string, unknown>): Partial<Finding> | string {
  const checked: Partial<Finding> = {};
  if (value.id !== undefined) {
    if (typeof value.id !== 'string' || value.id.length > 200) return 'a malformed id';
    checked.id = value.id;
  }
  if (value.state !== undefined) {
    if (value.state !== 'open' && value.state !== 'resolved') return 'an unknown state';
    checked.state = value.state;
    if (typeof value.resolution === 'string') checked.resolution = shorten(value.resolution);
  }
  if (value.layers !== undefined) {
    if (!Array.isArray(value.layers) || value.layers.length > MAX_LIST || !value.layers.every(isIndex)) return 'a malformed list of layers';
    checked.layers = value.layers;
  }
  if (value.related !== undefined) {
    if (!Array.isArray(value.related) || value.related.length > MAX_LIST) return 'a malformed list of related places';
    const related: NonNullable<Finding['related']> = [];
    for (const r of value.related as unknown[]) {
      if (!isObject(r) || typeof r.message !== 'string') return 'a malformed related place';
      if (r.layer !== undefined && !isIndex(r.layer)) return 'a related place with a bad layer';
      if (r.path !== undefined && !isJsonPath(r.path)) return 'a related place with a malformed location';
      related.push({ message: shorten(r.message), ...(r.layer !== undefined ? { layer: r.layer } : {}), ...(r.path !== undefined ? { path: r.path } : {}) });
    }
    checked.related = related;
  }
  return checked;
}

/** A finding's location in a config, when it is well-formed. */
export function isJsonPath(value: unknown): value is (string | number)[] {
  return Array.isArray(value) && value.length <= 32
    && value.every((part) => (typeof part === 'string' && part.length <= 100) || isIndex(part));
}

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
  per: (v) => v === 'channel' || v === 'feature',
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

function shorten(text: string): string {
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}
