// How a finding's parts read as text: the documentation anchor of its rule and its evidence values.

import { formatNumber } from './numberFormat';

/**
 * Where a finding's rule id links: the host's docs address with `{rule}` (and `{live}`: whether
 * the finding came from a run rather than the config alone) filled in, e.g. a command URI that
 * opens docs/rules.md at the rule; without placeholders, the address plus `#<rule id>` (the
 * anchors docs/rules.md defines).
 */
export function ruleDocsHref(docsUrl: string, rule: string, live: boolean): string {
  if (!docsUrl.includes('{rule}')) return `${docsUrl}#${encodeURIComponent(rule)}`;
  return docsUrl.split('{rule}').join(encodeURIComponent(rule)).split('{live}').join(String(live));
}

export function formatEvidence(value: unknown): string {
  if (typeof value === 'number') return formatNumber(value, 4);
  if (typeof value === 'string' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return '–';
  if (Array.isArray(value)) {
    const shown = value.slice(0, 12).map((v) => (typeof v === 'number' ? formatNumber(v, 3) : formatEvidence(v)));
    return `[${shown.join(', ')}${value.length > 12 ? `, … (${value.length})` : ''}]`;
  }
  const text = JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
