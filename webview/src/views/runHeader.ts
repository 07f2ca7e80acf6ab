// The panel's header: which run, how far it is, and what can be done with it (stop, run again,
// compare with another run).

import type { DashboardModel } from '../dashboardModel';
import { h, replaceChildren } from '../domBuilder';
import { statusIcon } from '../icons';
import { runStatus } from '../../../src/core/dashboard/runData';
import type { ViewContext } from '../viewContext';

export class RunHeader {
  readonly element: HTMLElement;
  private readonly title: HTMLElement;
  private readonly status: HTMLElement;
  private readonly meta: HTMLElement;
  private readonly note: HTMLElement;
  private readonly stop: HTMLButtonElement;
  private readonly rerun: HTMLButtonElement;
  private readonly compare: HTMLButtonElement;
  private statusText = '';

  constructor(context: ViewContext, private readonly model: DashboardModel) {
    const runId = () => this.model.run?.runId;
    const button = (text: string, className: string, title: string, post: (id: string) => void) => h('button', {
      class: className, text, title, attrs: { type: 'button' },
      on: { click: () => { const id = runId(); if (id) post(id); } },
    });
    this.title = h('h1', { class: 'run-title' });
    this.status = h('span', { class: 'run-status' });
    this.meta = h('div', { class: 'run-meta' });
    this.note = h('div', { class: 'run-note' });
    this.stop = button('Stop', 'secondary stop', 'Stop this training run', (id) => context.host.post({ type: 'stop-run', runId: id }));
    this.rerun = button('Re-run', 'secondary rerun', 'Train this config again', (id) => context.host.post({ type: 'rerun', runId: id }));
    this.compare = button('Compare with…', 'secondary compare', 'Overlay another run on the loss curves', (id) => context.host.post({ type: 'compare', runId: id }));
    this.element = h('header', { class: 'run-header' },
      h('div', { class: 'title-row' }, this.title, this.status),
      h('div', { class: 'header-actions' }, this.stop, this.rerun, this.compare),
      this.meta, this.note);
  }

  render(): void {
    const { run, compare } = this.model;
    if (!run) return;
    const started = run.started;
    const status = runStatus(run);
    const reason = run.ended?.reason ?? run.interrupted;
    const statusText = `${status}${reason ? `: ${reason}` : ''}`;
    setText(this.title, started?.configName ?? run.runId);
    if (this.statusText !== statusText) {
      this.statusText = statusText;
      replaceChildren(this.status, statusIcon(status), status);
      this.status.className = `run-status status-${status}`;
      this.status.title = statusText;
    }
    const lastStep = run.steps.step[run.steps.step.length - 1];
    // A run read from logs may not know its planned length (0): no "/0".
    const totalEpochs = started?.epochs || undefined;
    const totalSteps = started ? started.epochs * started.stepsPerEpoch : 0;
    setText(this.meta, [
      started ? `${started.backend} (${started.backendDetail})` : undefined,
      `epoch ${run.epochs.length}/${totalEpochs ?? '?'}`,
      lastStep !== undefined ? `step ${lastStep + 1}${totalSteps > 0 ? `/${totalSteps}` : ''}` : undefined,
      started ? started.dataset : undefined,
    ].filter(Boolean).join(' · '));
    const notes = [
      run.ended?.reason ? `${status}: ${run.ended.reason}` : undefined,
      compare ? `Compared with ${compare.started?.configName ?? compare.runId} (${compare.runId}), dashed on the loss chart.` : undefined,
    ].filter(Boolean).join(' ');
    setText(this.note, notes);
    this.note.hidden = notes === '';
    this.stop.disabled = !this.model.isLive;
    // A run read from TensorBoard logs has no config of ours to train again.
    this.rerun.hidden = !started?.configPath;
  }
}

function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}
