// The editor panel: one run in detail. Header, augmented training images (image data), findings, training curves (loss with the compared
// run, metrics, learning rate) and the layers (activation and weight statistics at a chosen
// sample, dead/saturated units, gradient norms over time).

import { ActivationChart, UnitFractionChart, WeightChart } from '../charts/layerCharts';
import { GradientNormChart, LearningRateChart, LossChart, MetricChart } from '../charts/curveCharts';
import type { DashboardModel } from '../dashboardModel';
import { h } from '../domBuilder';
import { layerSnapshot, sampleIndexAtStep } from '../runSeries';
import type { ViewContext } from '../viewContext';
import { CollapsibleSection } from './collapsibleSection';
import { FindingsList } from './findingsList';
import { AugmentedStrip } from './augmentedStrip';
import { RunHeader } from './runHeader';
import type { DashboardView } from './dashboardView';

function chartBox(name: string, wide = false, note?: HTMLElement): { box: HTMLElement; canvas: HTMLCanvasElement } {
  const canvas = h('canvas');
  const box = h('div', { class: `chart-box${wide ? ' wide' : ''}`, dataset: { chart: name } }, canvas, note);
  return { box, canvas };
}

export class PanelView implements DashboardView {
  readonly element: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly content: HTMLElement;
  private readonly header: RunHeader;
  private readonly strip: AugmentedStrip;
  private readonly findingsSection: CollapsibleSection;
  private readonly findings: FindingsList;
  private readonly curves: CollapsibleSection;
  private readonly layers: CollapsibleSection;
  private readonly loss: LossChart;
  private readonly metrics: MetricChart;
  private readonly metricsBox: HTMLElement;
  private readonly learningRate: LearningRateChart;
  private readonly activations: ActivationChart;
  private readonly weights: WeightChart;
  private readonly fractions: UnitFractionChart;
  private readonly fractionsNote: HTMLElement;
  private readonly gradients: GradientNormChart;
  private readonly slider: HTMLInputElement;
  private readonly sampleLabel: HTMLElement;
  private readonly latestButton: HTMLButtonElement;
  private readonly layersEmpty: HTMLElement;
  private readonly layersContent: HTMLElement;
  private layersPartPending = false;

  constructor(private readonly context: ViewContext, private readonly model: DashboardModel) {
    const palette = context.palette();
    this.empty = h('div', { class: 'empty-state' });
    this.header = new RunHeader(context, model);
    this.strip = new AugmentedStrip(model);

    this.findings = new FindingsList(context, false);
    this.findingsSection = new CollapsibleSection('findings', 'Findings', context);
    this.findingsSection.body.append(this.findings.element);

    const loss = chartBox('loss', true);
    const metrics = chartBox('metrics');
    const lr = chartBox('learning-rate');
    this.metricsBox = metrics.box;
    this.curves = new CollapsibleSection('curves', 'Training curves', context);
    // The loss gets the full width; the smaller charts share a row each, whatever their number.
    this.curves.body.append(loss.box, h('div', { class: 'chart-grid' }, metrics.box, lr.box));
    this.loss = new LossChart(loss.canvas, palette);
    this.metrics = new MetricChart(metrics.canvas, palette);
    this.learningRate = new LearningRateChart(lr.canvas, palette);

    this.slider = h('input', {
      class: 'sample-slider',
      attrs: { type: 'range', min: '0', max: '0', step: '1', value: '0', 'aria-label': 'Statistics sample' },
      on: { input: () => this.selectSample(Number(this.slider.value)) },
    });
    this.sampleLabel = h('span', { class: 'sample-label' });
    this.latestButton = h('button', {
      class: 'link-button latest', text: 'Follow latest', attrs: { type: 'button' },
      on: { click: () => { this.context.ui.update({ selectedStep: undefined }); this.drawLayers(false); } },
    });
    const activations = chartBox('activations');
    const weights = chartBox('weights');
    this.fractionsNote = h('p', { class: 'chart-note', text: 'No dead or saturated units at this sample.' });
    const fractions = chartBox('unit-fractions', false, this.fractionsNote);
    const gradients = chartBox('gradient-norms', true);
    this.layersEmpty = h('p', { class: 'muted', text: 'No statistics sample yet.' });
    this.layersContent = h('div', {},
      h('div', { class: 'sample-row' }, h('label', { text: 'Sample' }), this.slider, this.sampleLabel, this.latestButton),
      h('div', { class: 'chart-grid' }, activations.box, weights.box, fractions.box), gradients.box);
    this.layers = new CollapsibleSection('layers', 'Layers', context);
    this.layers.body.append(this.layersEmpty, this.layersContent);
    this.activations = new ActivationChart(activations.canvas, palette);
    this.weights = new WeightChart(weights.canvas, palette);
    this.fractions = new UnitFractionChart(fractions.canvas, palette);
    this.gradients = new GradientNormChart(gradients.canvas, palette);

    this.content = h('div', { class: 'panel-content' }, this.header.element, this.strip.element, this.findingsSection.element, this.curves.element, this.layers.element);
    this.element = h('div', { class: 'dashboard panel' }, this.empty, this.content);
  }

  /** Draws in two parts, on two frames: header, findings and curves; then the layer charts. */
  render(): boolean {
    if (this.layersPartPending) {
      this.layersPartPending = false;
      this.drawLayers();
      return false;
    }
    const { run } = this.model;
    this.empty.hidden = run !== undefined;
    this.content.hidden = run === undefined;
    if (!run) {
      this.empty.textContent = this.model.loaded
        ? 'This run is not available any more (its run folder may have been deleted).'
        : 'Loading…';
      return false;
    }
    this.header.render();
    this.strip.render();
    const count = this.findings.render(this.model);
    this.findingsSection.setCount(String(count));
    const p = this.context.palette();
    if (!this.curves.collapsed) {
      this.loss.update(run, this.model.compare, p);
      this.metricsBox.hidden = !this.metrics.update(run, p);
      this.learningRate.update(run, p);
    }
    if (this.layers.collapsed) return false;
    this.layersPartPending = true;
    return true;
  }

  private drawLayers(withGradients = true): void {
    const run = this.model.run;
    if (!run || this.layers.collapsed) return;
    const count = run.layerStats.length;
    this.layersEmpty.hidden = count > 0;
    this.layersContent.hidden = count === 0;
    this.layers.setCount(count > 0 ? `${run.layerStats[0].layers.length} layers` : '');
    if (count === 0) return;
    const selected = this.context.ui.state.selectedStep;
    const follow = selected === undefined;
    const index = follow ? count - 1 : sampleIndexAtStep(run, selected);
    this.slider.max = String(count - 1);
    this.slider.value = String(index);
    this.latestButton.hidden = follow;
    const snapshot = layerSnapshot(run, index);
    if (snapshot) {
      this.sampleLabel.textContent = `step ${snapshot.step} · epoch ${snapshot.epoch + 1} · sample ${index + 1}/${count}${follow ? ' (latest)' : ''}`;
    }
    const p = this.context.palette();
    this.activations.update(snapshot, p);
    this.weights.update(snapshot, p);
    this.fractionsNote.hidden = this.fractions.update(snapshot, p);
    if (withGradients) this.gradients.update(run, p);
  }

  /** The user moved the slider: pin that sample, or follow the latest again at the right end. */
  private selectSample(index: number): void {
    const run = this.model.run;
    if (!run || run.layerStats.length === 0) return;
    const last = run.layerStats.length - 1;
    this.context.ui.update({ selectedStep: index >= last ? undefined : run.layerStats[index].step });
    this.drawLayers(false);
  }
}
