// What the charts draw, computed from a run's data: curves on an epoch axis (so runs with a
// different batch size or data size still line up when compared), per-step series decimated to
// a drawable size, and the per-layer picture at one statistics sample.

import type { RunData } from '../../src/core/dashboard/runData';
import { decimate, type SeriesPoint } from './decimate';

/** The most points any one drawn series gets, whatever the run's length. */
export const MAX_DRAWN_POINTS = 2000;

export function stepsPerEpoch(run: RunData): number {
  const declared = run.started?.stepsPerEpoch;
  if (declared && declared > 0) return declared;
  const first = run.epochs[0];
  if (first && first.step > 0) return first.step;
  return Math.max(1, run.steps.step.length);
}

/** Per-step loss: the point of step s sits at the end of its batch, (s + 1) / stepsPerEpoch. */
export function stepLoss(run: RunData, maxPoints = MAX_DRAWN_POINTS): SeriesPoint[] {
  return decimate(stepAxis(run, 1), run.steps.loss, maxPoints);
}

export function learningRateSeries(run: RunData, maxPoints = MAX_DRAWN_POINTS): SeriesPoint[] {
  return decimate(stepAxis(run, 1), run.steps.learningRate, maxPoints);
}

function stepAxis(run: RunData, offset: number): Float64Array {
  const perEpoch = stepsPerEpoch(run);
  const steps = run.steps.step;
  const x = new Float64Array(steps.length);
  for (let i = 0; i < steps.length; i++) x[i] = (steps[i] + offset) / perEpoch;
  return x;
}

const finite = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const positive = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null);

export interface EpochCurves {
  train: SeriesPoint[];
  validation: SeriesPoint[];
}

/** Loss at the end of each epoch: epoch e (0-based) ends at x = e + 1. */
export function epochLoss(run: RunData): EpochCurves {
  return {
    train: run.epochs.map((e) => ({ x: e.epoch + 1, y: finite(e.loss) })),
    validation: run.epochs.filter((e) => e.valLoss !== undefined).map((e) => ({ x: e.epoch + 1, y: finite(e.valLoss) })),
  };
}

export interface MetricCurves extends EpochCurves {
  name: string;
}

export function metricCurves(run: RunData): MetricCurves[] {
  const names: string[] = [];
  for (const e of run.epochs) {
    for (const name of Object.keys(e.metrics ?? {})) if (!names.includes(name)) names.push(name);
    for (const name of Object.keys(e.valMetrics ?? {})) if (!names.includes(name)) names.push(name);
  }
  return names.map((name) => ({
    name,
    train: run.epochs.filter((e) => e.metrics && name in e.metrics).map((e) => ({ x: e.epoch + 1, y: finite(e.metrics[name]) })),
    validation: run.epochs.filter((e) => e.valMetrics && name in e.valMetrics).map((e) => ({ x: e.epoch + 1, y: finite(e.valMetrics[name]) })),
  }));
}

export interface LayerCurve {
  index: number;
  name: string;
  points: SeriesPoint[];
}

/** Each weighted layer's gradient norm over the statistics samples (x = step / stepsPerEpoch; ≤ 0 dropped for the log axis). */
export function layerGradientNorms(run: RunData, maxPointsPerLayer = MAX_DRAWN_POINTS): LayerCurve[] {
  const perEpoch = stepsPerEpoch(run);
  const samples = run.layerStats;
  const x = new Float64Array(samples.length);
  for (let i = 0; i < samples.length; i++) x[i] = samples[i].step / perEpoch;
  const layers = new Map<number, { name: string; y: (number | null)[] }>();
  samples.forEach((sample, i) => {
    for (const layer of sample.layers) {
      if (layer.gradNorm === undefined) continue;
      let entry = layers.get(layer.index);
      if (!entry) {
        entry = { name: layer.name, y: new Array<number | null>(samples.length).fill(null) };
        layers.set(layer.index, entry);
      }
      entry.y[i] = positive(layer.gradNorm);
    }
  });
  return [...layers.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([index, { name, y }]) => ({ index, name, points: decimate(x, y, maxPointsPerLayer) }));
}

/** The per-layer picture at one statistics sample: one entry per layer, null where a statistic does not apply. */
export interface LayerSnapshot {
  runId: string;
  sampleIndex: number;
  sampleCount: number;
  step: number;
  epoch: number;
  labels: string[];
  activationMean: (number | null)[];
  activationStd: (number | null)[];
  weightStd: (number | null)[];
  deadFraction: (number | null)[];
  saturatedFraction: (number | null)[];
  zeroFraction: (number | null)[];
}

export function layerSnapshot(run: RunData, sampleIndex: number): LayerSnapshot | undefined {
  const count = run.layerStats.length;
  if (count === 0) return undefined;
  const index = Math.min(Math.max(0, Math.round(sampleIndex)), count - 1);
  const sample = run.layerStats[index];
  const layers = sample.layers;
  return {
    runId: run.runId,
    sampleIndex: index,
    sampleCount: count,
    step: sample.step,
    epoch: sample.epoch,
    labels: layers.map((l) => l.name),
    activationMean: layers.map((l) => finite(l.activation.mean)),
    activationStd: layers.map((l) => positive(l.activation.std)),
    weightStd: layers.map((l) => positive(l.weights?.std)),
    deadFraction: layers.map((l) => finite(l.activation.deadFraction)),
    saturatedFraction: layers.map((l) => finite(l.activation.saturatedFraction)),
    zeroFraction: layers.map((l) => finite(l.activation.zeroFraction)),
  };
}

/** Index of the sample taken at `step`, or the latest one taken before it. */
export function sampleIndexAtStep(run: RunData, step: number): number {
  const samples = run.layerStats;
  let lo = 0;
  let hi = samples.length - 1;
  if (hi < 0) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (samples[mid].step <= step) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
