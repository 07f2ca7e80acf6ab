// The run history of the side bar: newest first, a status icon each, the live run marked; a
// click opens the run's dashboard panel.

import type { RunListEntry } from '../../../src/core/dashboard/dashboardProtocol';
import type { DashboardModel } from '../dashboardModel';
import { h, replaceChildren } from '../domBuilder';
import { statusIcon } from '../icons';
import { formatNumber } from '../numberFormat';
import type { ViewContext } from '../viewContext';

export class RunHistoryList {
  readonly element: HTMLOListElement;
  private revision = -1;

  constructor(private readonly context: ViewContext) {
    this.element = h('ol', { class: 'run-history' });
  }

  render(model: DashboardModel): number {
    if (model.historyRevision === this.revision) return model.history.length;
    this.revision = model.historyRevision;
    if (model.history.length === 0) {
      replaceChildren(this.element, h('li', { class: 'empty', text: 'No runs yet.' }));
      return 0;
    }
    replaceChildren(this.element, ...model.history.map((entry) => this.row(entry, model)));
    return model.history.length;
  }

  private row(entry: RunListEntry, model: DashboardModel): HTMLLIElement {
    const status = entry.runId === model.activeRunId ? 'running' : entry.status;
    const details = [
      `${entry.epochsCompleted} epoch${entry.epochsCompleted === 1 ? '' : 's'}`,
      entry.final?.valLoss !== undefined ? `val loss ${formatNumber(entry.final.valLoss)}` : entry.final?.loss !== undefined ? `loss ${formatNumber(entry.final.loss)}` : undefined,
      entry.backend,
    ].filter(Boolean).join(' · ');
    const shown = model.run?.runId === entry.runId;
    return h('li', { class: `run-entry status-${status}${shown ? ' shown' : ''}` },
      h('button', {
        class: 'run-open',
        attrs: { type: 'button', title: `${entry.configName} — ${status}${entry.startedAt ? `, started ${entry.startedAt}` : ''}\nOpen its dashboard` },
        dataset: { runId: entry.runId },
        on: { click: () => this.context.host.post({ type: 'open-run', runId: entry.runId }) },
      },
      statusIcon(status),
      h('span', { class: 'run-name', text: entry.configName }),
      h('span', { class: 'run-time', text: shortTime(entry.startedAt) }),
      h('span', { class: 'run-details', text: details }),
      entry.findingCount > 0 ? h('span', { class: 'badge', text: String(entry.findingCount), title: `${entry.findingCount} finding(s)` }) : undefined));
  }
}

function shortTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}
