// The side bar: the current run at a glance (mini loss curve, one health cell per layer), its
// findings with their fixes, and the run history.

import { LossChart } from '../charts/curveCharts';
import type { DashboardModel } from '../dashboardModel';
import { h, replaceChildren } from '../domBuilder';
import { statusIcon } from '../icons';
import { runStatus } from '../../../src/core/dashboard/runData';
import type { ViewContext } from '../viewContext';
import { CollapsibleSection } from './collapsibleSection';
import type { DashboardView } from './dashboardView';
import { FindingsList } from './findingsList';
import { LayerHealthStrip } from './layerHealthStrip';
import { RunHistoryList } from './runHistoryList';
import { formatNumber } from '../numberFormat';

export class SidebarView implements DashboardView {
  readonly element: HTMLElement;
  private readonly runLine: HTMLElement;
  private readonly runMeta: HTMLElement;
  private readonly current: CollapsibleSection;
  private readonly currentContent: HTMLElement;
  private readonly noRun: HTMLElement;
  private readonly loss: LossChart;
  private readonly health = new LayerHealthStrip();
  private readonly findingsSection: CollapsibleSection;
  private readonly findings: FindingsList;
  private readonly historySection: CollapsibleSection;
  private readonly history: RunHistoryList;
  private runSignature = '';

  constructor(private readonly context: ViewContext, private readonly model: DashboardModel) {
    this.runLine = h('div', { class: 'sb-run-line' });
    this.runMeta = h('div', { class: 'sb-run-meta muted' });
    const canvas = h('canvas');
    this.noRun = h('p', { class: 'muted', text: 'No training run yet. Train a *.train.json config to see it here.' });
    this.currentContent = h('div', {},
      this.runLine, this.runMeta,
      h('div', { class: 'chart-box mini', dataset: { chart: 'mini-loss' } }, canvas),
      h('div', { class: 'sb-label', text: 'Layers' }), this.health.element);
    this.current = new CollapsibleSection('current', 'Current run', context);
    this.current.body.append(this.noRun, this.currentContent);
    this.loss = new LossChart(canvas, context.palette(), true);

    this.findings = new FindingsList(context, true);
    this.findingsSection = new CollapsibleSection('sb-findings', 'Findings', context);
    this.findingsSection.body.append(this.findings.element);

    this.history = new RunHistoryList(context);
    this.historySection = new CollapsibleSection('history', 'Runs', context);
    this.historySection.body.append(this.history.element);

    this.element = h('div', { class: 'dashboard sidebar' }, this.current.element, this.findingsSection.element, this.historySection.element);
  }

  render(): boolean {
    const { run } = this.model;
    this.noRun.hidden = run !== undefined;
    this.currentContent.hidden = run === undefined;
    this.findingsSection.element.hidden = run === undefined;
    if (run) {
      const status = this.model.activeRunId === run.runId && !run.ended ? 'running' : runStatus(run);
      const started = run.started;
      const signature = `${run.runId}:${status}`;
      if (signature !== this.runSignature) {
        this.runSignature = signature;
        replaceChildren(this.runLine, statusIcon(status), h('button', {
          class: 'link-button run-open', text: started?.configName ?? run.runId,
          attrs: { type: 'button', title: 'Open the dashboard of this run' },
          on: { click: () => this.context.host.post({ type: 'open-run', runId: run.runId }) },
        }));
      }
      const lastEpoch = run.epochs[run.epochs.length - 1];
      const meta = [
        `${status} · epoch ${run.epochs.length}/${started?.epochs ?? '?'}`,
        lastEpoch ? `loss ${formatNumber(lastEpoch.loss)}${lastEpoch.valLoss !== undefined ? ` · val ${formatNumber(lastEpoch.valLoss)}` : ''}` : undefined,
      ].filter(Boolean).join(' · ');
      if (this.runMeta.textContent !== meta) this.runMeta.textContent = meta;
      if (!this.current.collapsed) {
        this.loss.update(run, undefined, this.context.palette());
        this.health.render(run);
      }
      this.findingsSection.setCount(String(this.findings.render(this.model)));
    }
    this.historySection.setCount(String(this.history.render(this.model)));
    return false;
  }
}
