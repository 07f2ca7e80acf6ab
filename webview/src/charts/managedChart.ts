// One chart.js chart with what every dashboard chart shares: no animation (live data would
// animate forever), theme colors applied on demand, datasets swapped in one update, and a
// summary of what it draws (for the test hook and for screen readers' fallback text).

import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement,
  LogarithmicScale, PointElement, Title, Tooltip,
  type ChartConfiguration, type ChartDataset, type ChartOptions, type ChartType, type ScaleOptionsByType,
} from 'chart.js';
import { formatNumber } from '../numberFormat';
import type { ChartPalette } from './chartTheme';

Chart.register(LineController, BarController, LineElement, BarElement, PointElement, LinearScale, LogarithmicScale, CategoryScale, Title, Tooltip, Legend);

export interface ChartSummary {
  name: string;
  type: string;
  labels: string[];
  datasets: { label: string; points: number; finitePoints: number; dashed: boolean; color: string; values: (number | null)[] }[];
  scales: Record<string, string>;
}

const live = new Set<ManagedChart>();

/** Every chart on the page (the test hook reads them). */
export function allCharts(): ManagedChart[] {
  return [...live];
}

export type AnyDataset = ChartDataset<'line' | 'bar', unknown>;

export class ManagedChart {
  readonly chart: Chart;
  private drawnKey: string | undefined;
  private drawnPalette: ChartPalette | undefined;

  constructor(readonly name: string, readonly canvas: HTMLCanvasElement, config: ChartConfiguration<ChartType, unknown>, palette: ChartPalette) {
    this.chart = new Chart(canvas, config as ChartConfiguration);
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', name);
    live.add(this);
    this.applyTheme(palette);
  }

  /**
   * Whether the data identified by `key` (e.g. run id and series lengths) in `palette` differs from
   * what is drawn. Charts skip their update otherwise: most charts change only on some events
   * (an epoch end, a statistics sample), and drawing is the cost worth saving.
   */
  needsUpdate(key: string, palette: ChartPalette): boolean {
    if (key === this.drawnKey && palette === this.drawnPalette) return false;
    this.drawnKey = key;
    this.drawnPalette = palette;
    return true;
  }

  /** Replaces the drawn data and redraws once, without animation. */
  setData(datasets: AnyDataset[], labels?: string[]): void {
    const data = this.chart.data as { datasets: AnyDataset[]; labels?: string[] };
    data.datasets = datasets;
    if (labels) data.labels = labels;
    this.chart.update('none');
  }

  /** Shows the x axis from epoch 0 to at least the run's planned epochs, so a live run's progress shows. */
  setEpochRange(epochs: number | undefined): void {
    const x = (this.chart.options.scales as Record<string, { min?: number; suggestedMax?: number }>).x;
    if (!x) return;
    x.min = 0;
    x.suggestedMax = epochs && epochs > 0 ? epochs : undefined;
  }

  /** Sets a scale's type (e.g. linear ↔ logarithmic when the data's range calls for it). */
  setScaleType(scaleId: string, type: 'linear' | 'logarithmic'): void {
    const scales = this.chart.options.scales as Record<string, { type?: string }>;
    if (scales[scaleId] && scales[scaleId].type !== type) scales[scaleId].type = type;
  }

  applyTheme(p: ChartPalette): void {
    const options = this.chart.options as ChartOptions<'line'>;
    const font = { family: p.fontFamily, size: p.fontSize };
    options.color = p.foreground;
    options.font = font;
    for (const scale of Object.values(options.scales ?? {})) {
      if (!scale) continue;
      const s = scale as ScaleOptionsByType<'linear'>;
      s.ticks = { ...s.ticks, color: p.muted, font };
      s.grid = { ...s.grid, color: p.grid };
      s.border = { ...s.border, color: p.grid };
      if (s.title) s.title = { ...s.title, color: p.muted, font };
    }
    const plugins = options.plugins ?? (options.plugins = {});
    plugins.legend = { ...plugins.legend, labels: { ...plugins.legend?.labels, color: p.foreground, font, boxWidth: 14, boxHeight: 2 } };
    plugins.tooltip = { ...plugins.tooltip, titleFont: font, bodyFont: font };
    if (plugins.title) plugins.title = { ...plugins.title, color: p.foreground, font: { ...font, weight: 'bold' } };
    this.chart.update('none');
  }

  summary(): ChartSummary {
    const data = this.chart.data as { datasets: AnyDataset[]; labels?: unknown[] };
    const scales: Record<string, string> = {};
    for (const [id, scale] of Object.entries(this.chart.scales)) scales[id] = scale.type;
    return {
      name: this.name,
      type: String((this.chart.config as { type?: unknown }).type),
      labels: (data.labels ?? []).map(String),
      datasets: data.datasets.map((d) => {
        const values = (d.data as unknown[]).map((v) => (typeof v === 'number' ? v : isPoint(v) ? v.y : null));
        const dash = (d as { borderDash?: number[] }).borderDash;
        return {
          label: String(d.label ?? ''),
          points: values.length,
          finitePoints: values.filter((v) => v !== null && Number.isFinite(v)).length,
          dashed: Array.isArray(dash) && dash.length > 0,
          color: String((d as { borderColor?: unknown }).borderColor ?? ''),
          values: values.length <= 64 ? values : [],
        };
      }),
      scales,
    };
  }

  destroy(): void {
    live.delete(this);
    this.chart.destroy();
  }
}

const isPoint = (v: unknown): v is { y: number | null } => typeof v === 'object' && v !== null && 'y' in v;

/** Options every chart starts from; the palette is applied afterwards by applyTheme. */
export function baseOptions(options: { title?: string; xTitle?: string; yTitle?: string; legend?: boolean; compact?: boolean; category?: boolean }): ChartOptions<'line'> {
  const compact = options.compact ?? false;
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    normalized: true,
    spanGaps: false,
    interaction: { mode: options.category ? 'index' : 'nearest', axis: 'x', intersect: false },
    elements: { point: { radius: 0, hitRadius: 6 }, line: { borderWidth: 1.5, tension: 0 } },
    layout: { padding: compact ? 2 : 4 },
    plugins: {
      title: { display: options.title !== undefined && !compact, text: options.title ?? '', align: 'start', padding: { top: 0, bottom: options.legend === false ? 10 : 2 } },
      legend: { display: options.legend ?? true, position: 'top', align: 'end' },
      tooltip: {
        callbacks: {
          label: (item) => `${item.dataset.label ?? ''}: ${formatNumber(item.parsed.y)}`,
          title: (items) => (options.category ? String(items[0]?.label ?? '') : `epoch ${formatNumber(items[0]?.parsed.x ?? null, 4)}`),
        },
      },
    },
    scales: {
      x: {
        type: options.category ? 'category' : 'linear',
        title: { display: !compact && options.xTitle !== undefined, text: options.xTitle ?? '' },
        ticks: { maxTicksLimit: compact ? 4 : 10, display: true },
      } as never,
      y: {
        type: 'linear',
        title: { display: !compact && options.yTitle !== undefined, text: options.yTitle ?? '' },
        ticks: { maxTicksLimit: compact ? 3 : 8, callback: valueTick },
      } as never,
    },
  };
}

/** Tick labels: short numbers; on a log axis only the decades (and 2×, 5× within few decades). */
function valueTick(this: { type: string; min: number; max: number }, value: number | string): string {
  const v = Number(value);
  if (this.type !== 'logarithmic') return formatNumber(v);
  const mantissa = Number((v / 10 ** Math.floor(Math.log10(v) + 1e-9)).toFixed(6));
  const decades = Math.log10(this.max / this.min);
  if (mantissa === 1 || (decades < 2 && (mantissa === 2 || mantissa === 5))) return formatNumber(v);
  return '';
}

/** Log scale when every value is positive and they span more than `ratio`. */
export function prefersLogScale(values: Iterable<number | null>, ratio = 1000): boolean {
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    if (v <= 0) return false;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return max > 0 && max / min > ratio;
}
