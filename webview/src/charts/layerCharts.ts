// The per-layer picture at one statistics sample (the seeds' per-layer plots, live): activation
// std (log axis, where vanishing and exploding are straight slopes) with the mean, weight std,
// and the fractions of dead and saturated units.

import type { LayerSnapshot } from '../runSeries';

const snapshotKey = (s: LayerSnapshot | undefined): string => (s ? `${s.runId}:${s.sampleIndex}:${s.step}` : '');
import { withAlpha, type ChartPalette } from './chartTheme';
import { baseOptions, ManagedChart, type AnyDataset } from './managedChart';

function bars(label: string, data: (number | null)[], color: string, extra: Record<string, unknown> = {}): AnyDataset {
  return { type: 'bar', label, data, backgroundColor: withAlpha(color, 0.75), borderColor: color, borderWidth: 1, ...extra } as AnyDataset;
}

export class ActivationChart {
  readonly chart: ManagedChart;

  constructor(canvas: HTMLCanvasElement, palette: ChartPalette) {
    const options = baseOptions({ title: 'Activations by layer', category: true, yTitle: 'activation std (log)' });
    const scales = options.scales as Record<string, unknown>;
    (scales.y as { type: string }).type = 'logarithmic';
    scales.y1 = { type: 'linear', position: 'right', title: { display: true, text: 'mean' }, grid: { drawOnChartArea: false }, ticks: { maxTicksLimit: 6 } };
    this.chart = new ManagedChart('activations', canvas, { type: 'bar', data: { labels: [], datasets: [] }, options }, palette);
  }

  update(snapshot: LayerSnapshot | undefined, p: ChartPalette): void {
    if (!this.chart.needsUpdate(snapshotKey(snapshot), p)) return;
    if (!snapshot) return this.chart.setData([], []);
    this.chart.setData([
      bars('activation std', snapshot.activationStd, p.train),
      { type: 'line', label: 'activation mean', data: snapshot.activationMean, yAxisID: 'y1', borderColor: p.mean, backgroundColor: p.mean, showLine: false, pointRadius: 4, pointStyle: 'rectRot' } as AnyDataset,
    ], snapshot.labels);
  }
}

export class WeightChart {
  readonly chart: ManagedChart;

  constructor(canvas: HTMLCanvasElement, palette: ChartPalette) {
    const options = baseOptions({ title: 'Weight std by layer', category: true, yTitle: 'weight std', legend: false });
    (options.scales as Record<string, { beginAtZero?: boolean }>).y.beginAtZero = true;
    this.chart = new ManagedChart('weights', canvas, { type: 'bar', data: { labels: [], datasets: [] }, options }, palette);
  }

  update(snapshot: LayerSnapshot | undefined, p: ChartPalette): void {
    if (!this.chart.needsUpdate(snapshotKey(snapshot), p)) return;
    if (!snapshot) return this.chart.setData([], []);
    this.chart.setData([bars('weight std', snapshot.weightStd, p.weights)], snapshot.labels);
  }
}

export class UnitFractionChart {
  readonly chart: ManagedChart;

  constructor(canvas: HTMLCanvasElement, palette: ChartPalette) {
    const options = baseOptions({ title: 'Dead and saturated units', category: true, yTitle: 'fraction of units' });
    const y = (options.scales as Record<string, Record<string, unknown>>).y;
    y.min = 0;
    y.max = 1;
    y.ticks = { ...(y.ticks as object), callback: (v: number | string) => `${Math.round(Number(v) * 100)}%` };
    this.chart = new ManagedChart('unit-fractions', canvas, { type: 'bar', data: { labels: [], datasets: [] }, options }, palette);
  }

  /** Returns whether any layer has dead, saturated or zero units at this sample. */
  update(snapshot: LayerSnapshot | undefined, p: ChartPalette): boolean {
    const any = (snapshot ? [snapshot.deadFraction, snapshot.saturatedFraction, snapshot.zeroFraction] : [])
      .some((series) => series.some((v) => v !== null && v > 0));
    if (!this.chart.needsUpdate(snapshotKey(snapshot), p)) return any;
    if (!snapshot) {
      this.chart.setData([], []);
      return false;
    }
    const datasets = [bars('dead units', snapshot.deadFraction, p.dead)];
    datasets.push(bars('saturated', snapshot.saturatedFraction, p.saturated));
    if (snapshot.zeroFraction.some((v) => v !== null)) datasets.push(bars('zeros', snapshot.zeroFraction, p.zeros, { backgroundColor: withAlpha(p.zeros, 0.35) }));
    this.chart.setData(datasets, snapshot.labels);
    return any;
  }
}
