// The run's findings: severity, rule id (linked to its documentation), message, the evidence
// behind it, one "Apply Fix" button per fix (the preferred one first) and "Show in config".
// Rebuilt only when the findings or a fix's state change, so open evidence stays open.

import type { Finding, FixReference } from '../../../src/core/diagnosis/finding';
import type { DashboardModel } from '../dashboardModel';
import { h, replaceChildren } from '../domBuilder';
import { icon, severityIcon } from '../icons';
import { formatEvidence, ruleDocsHref } from '../findingText';
import type { ViewContext } from '../viewContext';

export class FindingsList {
  readonly element: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly status: HTMLElement;
  private signature = '';
  private runId: string | undefined;
  private readonly openEvidence = new Set<string>();
  /** Which finding each fix was last applied from, so its result shows there. */
  private readonly appliedFrom = new Map<string, number>();

  constructor(private readonly context: ViewContext, private readonly compact: boolean) {
    this.status = h('div', { class: 'fix-status', attrs: { role: 'status', 'aria-live': 'polite' } });
    this.list = h('ol', { class: 'findings' });
    this.element = h('div', { class: `findings-view${compact ? ' compact' : ''}` }, this.status, this.list);
  }

  /** Returns the number of findings shown. */
  render(model: DashboardModel): number {
    const run = model.run;
    const findings = run?.findings ?? [];
    const signature = [
      run?.runId ?? '', run?.ended ? 'ended' : 'live', run?.started?.configPath ? 'config' : 'no config', findings.length,
      findings.map((f) => `${f.id ?? f.rule}@${f.step ?? ''}:${f.state ?? 'open'}:${f.layers?.length ?? 1}`).join(','),
      [...model.pendingFixes].join(','), [...model.fixResults.values()].map((r) => `${r.fixId}:${r.ok}:${r.message}`).join('|'),
    ].join('#');
    if (signature === this.signature) return findings.length;
    if (run?.runId !== this.runId) {
      // Open evidence and fix results belong to the findings of the run they were shown for.
      this.runId = run?.runId;
      this.openEvidence.clear();
      this.appliedFrom.clear();
    }
    this.signature = signature;
    if (!run) {
      replaceChildren(this.list);
      return 0;
    }
    const last = [...model.fixResults.values()].pop();
    replaceChildren(this.status, last ? h('span', { class: last.ok ? 'ok' : 'failed', text: last.message }) : undefined);
    if (findings.length === 0) {
      replaceChildren(this.list, h('li', { class: 'empty', text: run.ended ? 'No findings: nothing looked wrong in this run.' : 'No findings so far.' }));
      return 0;
    }
    // Errors first, then warnings, then information, then what the run withdrew; in order of appearance within each.
    const order = { error: 0, warning: 1, info: 2 } as const;
    const rank = (f: Finding) => (f.state === 'resolved' ? 4 : order[f.severity] ?? 3);
    const indexed = findings.map((finding, index) => ({ finding, index }))
      .sort((a, b) => rank(a.finding) - rank(b.finding) || a.index - b.index);
    const focused = this.focusedControl();
    replaceChildren(this.list, ...indexed.map(({ finding, index }) => this.item(run.runId, finding, index, model)));
    if (focused) this.list.querySelector<HTMLElement>(`li[data-index="${focused.index}"] ${focused.selector}`)?.focus();
    return findings.length;
  }

  /** The button that has the keyboard focus, to give it back after a rebuild. */
  private focusedControl(): { index: string; selector: string } | undefined {
    const active = document.activeElement;
    if (!(active instanceof HTMLElement) || !this.list.contains(active)) return undefined;
    const index = active.closest('li')?.dataset.index;
    if (index === undefined) return undefined;
    return { index, selector: active.dataset.fix ? `button[data-fix="${CSS.escape(active.dataset.fix)}"]` : 'button.reveal' };
  }

  private item(runId: string, finding: Finding, index: number, model: DashboardModel): HTMLLIElement {
    const resolved = finding.state === 'resolved';
    const where = [
      finding.layers && finding.layers.length > 1 ? layersText(finding.layers) : finding.layer !== undefined ? `layer ${finding.layer}` : undefined,
      finding.step !== undefined ? `step ${finding.step}` : undefined,
      finding.epoch !== undefined && finding.step !== undefined ? `epoch ${finding.epoch}` : undefined,
      finding.step === undefined ? 'before training' : undefined,
    ].filter(Boolean).join(' · ');
    const rule = this.context.docsUrl
      ? h('a', { class: 'rule', text: finding.rule, attrs: { href: ruleDocsHref(this.context.docsUrl, finding.rule, finding.step !== undefined), title: `Documentation of ${finding.rule}` } })
      : h('span', { class: 'rule', text: finding.rule });
    const fixes = [...finding.fixes].sort((a, b) => Number(b.preferred ?? false) - Number(a.preferred ?? false));
    const key = `${index}`;
    const evidence = h('details', {
      class: 'evidence',
      on: { toggle: () => (evidence.open ? this.openEvidence.add(key) : this.openEvidence.delete(key)) },
    }, h('summary', { text: 'Evidence' }), evidenceTable(finding.evidence));
    evidence.open = this.openEvidence.has(key);
    return h('li', { class: `finding severity-${finding.severity}${resolved ? ' resolved' : ''}`, dataset: { rule: finding.rule, index: String(index), state: finding.state ?? 'open' } },
      h('div', { class: 'finding-head' }, resolved ? icon('check') : severityIcon(finding.severity), rule,
        resolved ? h('span', { class: 'resolved-tag', text: 'resolved' }) : undefined, where ? h('span', { class: 'where', text: where }) : undefined),
      resolved ? h('p', { class: 'resolution', text: finding.resolution ?? 'Withdrawn by its rule.' }) : undefined,
      h('p', { class: 'message', text: finding.message, title: this.compact ? finding.message : undefined }),
      evidence,
      h('div', { class: 'fixes' },
        // A withdrawn finding has nothing left to fix.
        ...(resolved ? [] : fixes.map((fix) => this.fixRow(runId, index, fix, model))),
        // A run read from TensorBoard logs has no config to show; its findings give advice instead.
        !model.run?.started?.configPath ? undefined : h('button', {
          class: 'link-button reveal',
          text: 'Show in config',
          attrs: { type: 'button' },
          on: { click: () => this.context.host.post({ type: 'reveal-config', runId, findingIndex: index }) },
        })));
  }

  private fixRow(runId: string, findingIndex: number, fix: FixReference, model: DashboardModel): HTMLElement {
    const pending = model.pendingFixes.has(fix.id);
    const result = this.appliedFrom.get(fix.id) === findingIndex ? model.fixResults.get(fix.id) : undefined;
    const button = h('button', {
      class: `apply-fix${fix.preferred ? ' preferred' : ' secondary'}`,
      text: pending ? 'Applying…' : 'Apply Fix',
      title: fix.title,
      // aria-disabled rather than disabled while applying: a disabled button would drop the keyboard focus.
      attrs: { type: 'button', 'aria-label': `Apply fix: ${fix.title}`, 'aria-disabled': pending ? 'true' : undefined },
      dataset: { fix: fix.id },
      on: {
        click: () => {
          if (model.pendingFixes.has(fix.id)) return;
          model.pendingFixes.add(fix.id);
          model.fixResults.delete(fix.id);
          this.appliedFrom.set(fix.id, findingIndex);
          this.context.host.post({ type: 'apply-fix', runId, findingIndex, fixId: fix.id });
          this.context.requestRedraw();
        },
      },
    });
    return h('div', { class: 'fix' },
      button,
      h('span', { class: 'fix-title', text: fix.title }, fix.preferred ? h('span', { class: 'preferred-tag', text: 'preferred' }) : undefined),
      result ? h('span', { class: `fix-result ${result.ok ? 'ok' : 'failed'}` }, icon(result.ok ? 'check' : 'error'), result.message) : undefined);
  }
}

function evidenceTable(evidence: Record<string, unknown>): HTMLElement {
  const entries = Object.entries(evidence ?? {});
  if (entries.length === 0) return h('p', { class: 'muted', text: 'No numbers recorded.' });
  return h('dl', { class: 'evidence-table' }, ...entries.flatMap(([name, value]) => [h('dt', { text: name }), h('dd', { text: formatEvidence(value) })]));
}

/** "layers 1, 2, 3" — at most eight named, the rest counted. */
function layersText(layers: number[]): string {
  const named = layers.slice(0, 8).join(', ');
  return `layers ${named}${layers.length > 8 ? ` and ${layers.length - 8} more` : ''}`;
}
