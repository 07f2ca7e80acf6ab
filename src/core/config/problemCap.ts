// A bound on the problems reported for one file: a file of noise would otherwise give one per
// character (a 3.6 MB file gave 325 MB of JSON). The first ones are what a user fixes first.

import type { ConfigProblem } from './configProblem';

export const MAX_REPORTED_PROBLEMS = 100;

/**
 * The first MAX_REPORTED_PROBLEMS problems, then one "N more problems" problem located where the
 * first one left out is. `total`: how many there were, when the list was already cut short.
 */
export function capProblems<T extends ConfigProblem>(problems: T[], total = problems.length): T[] {
  if (total <= MAX_REPORTED_PROBLEMS) return problems;
  const omitted = problems.slice(MAX_REPORTED_PROBLEMS);
  const more = total - MAX_REPORTED_PROBLEMS;
  const first = omitted[0];
  const summary = {
    ...first,
    code: 'problems.truncated',
    severity: omitted.some((p) => p.severity === 'error') ? 'error' : 'warning',
    message: `${more.toLocaleString('en-US')} more problem${more === 1 ? '' : 's'} not listed (only the first ${MAX_REPORTED_PROBLEMS} are); fix these first.`,
  } as T;
  return [...problems.slice(0, MAX_REPORTED_PROBLEMS), summary];
}
