// The charts over training time (x = epochs, fractional for per-step points): loss with the
// compared run overlaid, metrics, learning rate, and each layer's gradient norm.

import type { RunData } from '../../../src/core/dashboard/runData';
import type { SeriesPoint } from '../decimate';
import {
  epochLoss, layerGradientNorms, learningRateSeries, MAX_DRAWN_POINTS, metricCurves, stepLoss,
} from '../runSeries';
import { mix, withAlpha, type ChartPalette } from './chartTheme';
import { baseOptions, ManagedChart, prefersLogScale, type AnyDataset } from './managedChart';

function line(label: string, data: SeriesPoint[], color: string, extra: Partial<Record<string, unknown>> = {}): AnyDataset {
  return { type: 'line', label, data, borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 1.5, ...extra } as AnyDataset;
}

const epochPoints = { pointRadius: 2.5, pointHoverRadius: 4, borderWidth: 2 };

export class LossChart {
  readonly chart: ManagedChart;

  constructor(canvas: HTMLCanvasElement, palette: ChartPalette, private readonly compact = false) {
    const options = baseOptions({ title: 'Loss', xTitle: 'epoch', yTitle: 'loss', compact, legend: !compact });
    options.parsing = false;
    this.chart = new ManagedChart(compact ? 'mini-loss' : 'loss', canvas, { type: 'line', data: { datasets: [] }, options }, palette);
  }

  update(run: RunData | undefined, compare: RunData | undefined, p: ChartPalette): void {
    if (!this.chart.needsUpdate(`${progressKey(run)}|${this.compact ? '' : progressKey(compare)}`, p)) return;
    const datasets: AnyDataset[] = [];
    if (run) {
      const epochs = epochLoss(run);
      datasets.push(line('train loss (per step)', stepLoss(run, this.compact ? 400 : MAX_DRAWN_POINTS), withAlpha(p.train, 0.4), { borderWidth: 1 }));
      datasets.push(line('train loss', epochs.train, p.train, epochPoints));
      if (epochs.validation.length > 0) datasets.push(line('validation loss', epochs.validation, p.validation, epochPoints));
    }
    if (compare && !this.compact) {
      const name = compare.started?.configName ?? compare.runId;
      const epochs = epochLoss(compare);
      datasets.push(line(`train loss (per step) · ${name}`, stepLoss(compare), withAlpha(p.compare, 0.35), { borderWidth: 1, borderDash: [4, 3] }));
      datasets.push(line(`train loss · ${name}`, epochs.train, p.compare, { ...epochPoints, borderDash: [6, 4] }));
      if (epochs.validation.length > 0) {
        datasets.push(line(`validation loss · ${name}`, epochs.validation, mix(p.compare, p.validation, 0.5), { ...epochPoints, borderDash: [2, 3] }));
      }
    }
    this.chart.setScaleType('y', prefersLogScale(datasetValues(datasets)) ? 'logarithmic' : 'linear');
    this.chart.setEpochRange(Math.max(run?.started?.epochs ?? 0, this.compact ? 0 : compare?.started?.epochs ?? 0));
    this.chart.setData(datasets);
  }
}

export class MetricChart {
  readonly chart: ManagedChart;

  constructor(canvas: HTMLCanvasElement, palette: ChartPalette) {
    const options = baseOptions({ title: 'Metrics', xTitle: 'epoch', yTitle: 'metric' });
    options.parsing = false;
    this.chart = new ManagedChart('metrics', canvas, { type: 'line', data: { datasets: [] }, options }, palette);
  }

  /** Returns whether the run has any metric (the view hides the chart otherwise). */
  update(run: RunData | undefined, p: ChartPalette): boolean {
    const curves = run ? metricCurves(run) : [];
    if (!this.chart.needsUpdate(`${run?.runId}:${run?.epochs.length}:${run?.started?.epochs}`, p)) return curves.length > 0;
    const colors = [[p.train, p.validation], [p.learningRate, p.compare], [p.mean, p.dead]];
    const datasets: AnyDataset[] = [];
    curves.forEach((curve, i) => {
      const [train, validation] = colors[i % colors.length];
      if (curve.train.length > 0) datasets.push(line(`train ${curve.name}`, curve.train, train, epochPoints));
      if (curve.validation.length > 0) datasets.push(line(`validation ${curve.name}`, curve.validation, validation, epochPoints));
    });
    this.chart.setEpochRange(run?.started?.epochs);
    this.chart.setData(datasets);
    return curves.length > 0;
  }
}

export class LearningRateChart {
  readonly chart: ManagedChart;

  constructor(canvas: HTMLCanvasElement, palette: ChartPalette) {
    const options = baseOptions({ title: 'Learning rate', xTitle: 'epoch', yTitle: 'learning rate', legend: false });
    options.parsing = false;
    this.chart = new ManagedChart('learning-rate', canvas, { type: 'line', data: { datasets: [] }, options }, palette);
  }

  update(run: RunData | undefined, p: ChartPalette): void {
    if (!this.chart.needsUpdate(progressKey(run), p)) return;
    const points = run ? learningRateSeries(run, LEARNING_RATE_POINTS) : [];
    this.chart.setScaleType('y', prefersLogScale(points.map((pt) => pt.y), 100) ? 'logarithmic' : 'linear');
    this.chart.setEpochRange(run?.started?.epochs);
    this.chart.setData([line('learning rate', points, p.learningRate, { borderWidth: 2 })]);
  }
}

export class GradientNormChart {
  readonly chart: ManagedChart;

  constructor(canvas: HTMLCanvasElement, palette: ChartPalette) {
    const options = baseOptions({ title: 'Gradient norm by layer', xTitle: 'epoch', yTitle: 'gradient norm (log)' });
    options.parsing = false;
    (options.scales as Record<string, { type: string }>).y.type = 'logarithmic';
    this.chart = new ManagedChart('gradient-norms', canvas, { type: 'line', data: { datasets: [] }, options }, palette);
  }

  update(run: RunData | undefined, p: ChartPalette): void {
    if (!this.chart.needsUpdate(`${run?.runId}:${run?.layerStats.length}:${run?.started?.epochs}`, p)) return;
    // The lines share a budget, so a deep network does not draw tens of thousands of points.
    const perLayer = Math.min(MAX_DRAWN_POINTS, Math.max(100, Math.floor(GRADIENT_POINTS / Math.max(1, run?.layerStats[0]?.layers.length ?? 1))));
    const layers = run ? layerGradientNorms(run, perLayer) : [];
    // Shallow layers in the first color, deep ones in the second: a vanishing gradient reads as a fan.
    const datasets = layers.map((layer, i) => line(layer.name, layer.points, mix(p.depthFrom, p.depthTo, layers.length > 1 ? i / (layers.length - 1) : 0), { borderWidth: 1.5 }));
    const legend = this.chart.chart.options.plugins?.legend;
    if (legend) legend.display = layers.length <= 12;
    this.chart.setEpochRange(run?.started?.epochs);
    this.chart.setData(datasets.map((d) => ({ ...d, pointRadius: layers[0] && layers[0].points.length < 40 ? 2 : 0 }) as AnyDataset));
  }
}

/** The learning rate is smooth: fewer points draw it as well. */
const LEARNING_RATE_POINTS = 1000;
/** All gradient-norm lines together. */
const GRADIENT_POINTS = 4000;

/** What identifies a run's curves as drawn: its id and how far it has come. */
function progressKey(run: RunData | undefined): string {
  return run ? `${run.runId}:${run.steps.step.length}:${run.epochs.length}:${run.started?.epochs}:${run.ended?.status}` : '';
}

function* datasetValues(datasets: AnyDataset[]): Iterable<number | null> {
  for (const d of datasets) for (const point of d.data as SeriesPoint[]) yield point.y;
}
