// Turns a run's TensorBoard series into Training Doctor's training events, so that the live rules
// and the dashboards see a TensorBoard run as they see one of ours:
//   step        one per value of the step-level training loss (`batch_loss`, `Loss/train`,
//               `train_loss`, ...), with the learning rate and step metrics logged at that step;
//               a run that logs epoch losses only gets one step per epoch.
//   layer-stats one per step that has layer histograms: weight mean/std, gradient L2 norm
//               (estimated from the histogram), activation mean/std and zero/saturated fractions.
//   epoch-end   one per epoch-level training loss (`epoch_loss`, Keras-on-TF1 `loss` beside
//               `val_loss`), or else one per validation point, with the training loss averaged
//               over the steps since the previous one.
// Events are ordered by wall time. While a run is still being written (`final` false), the last
// step and the last epoch are held back until later values show that they are complete.

import type { LayerStats } from '../../engine/layerStatistics';
import type { EpochEndEvent, LayerStatsEvent, LayerSummary, RunStartedEvent, StepEvent } from '../../engine/trainingEvents';
import type { GuessedActivation, HistogramSummary } from './histogramStatistics';
import type { Granularity, LayerStatistic, TagRole } from './tagMapping';
import { epochDrafts, metricValues } from './epochEnds';
import { sortedPoints, valueAtOrBefore, type RunSeries, type TagSeries } from './tensorboardSeries';

export interface TagUse {
  tag: string;
  split: 'train' | 'validation';
  kind: 'scalar' | 'histogram';
  role: string;
  used: boolean;
  /** Why an unused tag was left aside. */
  reason?: string;
  values: number;
}

export interface MappedLayer {
  index: number;
  name: string;
  activation: GuessedActivation;
  /** How the activation function is known: the mapping said so, the histograms suggest it, or nothing (linear assumed). */
  activationSource: 'mapping' | 'histogram' | 'unknown';
  has: { weights: boolean; gradients: boolean; activations: boolean };
}

export interface AvailableData {
  stepLoss: 'logged' | 'from-epochs' | 'none';
  epochLoss: 'logged' | 'from-validation-points' | 'none';
  validationLoss: boolean;
  learningRate: boolean;
  /** A global gradient norm logged as a scalar. */
  gradientNorm: boolean;
  gradientLayers: number;
  activationLayers: number;
  /** Layers with logged update ratios ‖Δθ‖/‖θ‖ (our own runs' event files). */
  updateRatioLayers: number;
}

export interface MappedRun {
  /** Keyed events (`step:12`, `layer-stats:12`, `epoch-end:3`) in the order they happened. */
  events: { key: string; wallTime: number; event: StepEvent | LayerStatsEvent | EpochEndEvent }[];
  tags: TagUse[];
  layers: MappedLayer[];
  data: AvailableData;
  epochs: number;
  firstWallTime?: number;
}

type ScalarSeries = TagSeries<number>;
type HistogramSeries = TagSeries<HistogramSummary>;

function describeRole(role: TagRole): string {
  switch (role.role) {
    case 'loss': return `${role.split === 'validation' ? 'validation ' : ''}loss${role.granularity ? ` (${role.granularity})` : ''}`;
    case 'metric': return `${role.split === 'validation' ? 'validation ' : ''}metric ${role.name}${role.granularity ? ` (${role.granularity})` : ''}`;
    case 'learning-rate': return 'learning rate';
    case 'gradient-norm': return 'global gradient norm';
    case 'epoch-counter': return 'epoch counter';
    case 'weights': return `weights of ${role.layer}`;
    case 'gradients': return `gradients of ${role.layer}`;
    case 'activations': return `activations of ${role.layer}`;
    case 'zero-fraction': return `zero fraction of ${role.layer}`;
    case 'layer-statistic': return `${role.statistic.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)} of ${role.layer}`;
    case 'ignored': return 'none';
  }
}

function sameSteps(a: ScalarSeries, b: ScalarSeries): boolean {
  if (a.points.size !== b.points.size) return false;
  for (const step of a.points.keys()) if (!b.points.has(step)) return false;
  return true;
}

/**
 * `final`: the run is over, emit everything. `settled`: nothing new arrived lately, so the last
 * step is complete; the last epoch still waits for its validation values (Keras writes them to
 * another file, which may be flushed later).
 */
export function mapRun(series: RunSeries, options: { final: boolean; settled?: boolean; plannedEpochs?: number }): MappedRun {
  const used = new Set<TagSeries<unknown>>();
  const unusedReason = new Map<TagSeries<unknown>, string>();
  const scalars = [...series.scalars.values()].sort((a, b) => a.order - b.order);
  const histograms = [...series.histograms.values()].sort((a, b) => a.order - b.order);
  const withRole = <R extends TagRole['role']>(list: ScalarSeries[], role: R) => list.filter((s) => s.role.role === role) as (ScalarSeries & { role: Extract<TagRole, { role: R }> })[];

  // Losses: validation first, since a training loss logged at the same steps is an epoch loss.
  const losses = withRole(scalars, 'loss');
  const validationLosses = losses.filter((s) => s.role.split === 'validation');
  const validationLoss = validationLosses.find((s) => s.role.granularity !== 'step') ?? validationLosses[0];
  const granularityOf = (s: ScalarSeries & { role: { granularity?: Granularity } }, reference?: ScalarSeries): Granularity =>
    s.role.granularity ?? (reference && sameSteps(s, reference) ? 'epoch' : 'step');
  const trainLosses = losses.filter((s) => s.role.split === 'train');
  const stepLoss = trainLosses.find((s) => granularityOf(s, validationLoss) === 'step');
  const epochLoss = trainLosses.find((s) => granularityOf(s, validationLoss) === 'epoch');
  for (const loss of losses) {
    if (loss === stepLoss || loss === epochLoss || loss === validationLoss) used.add(loss);
    else unusedReason.set(loss, `another loss tag of the same kind was used (${[stepLoss, epochLoss, validationLoss].find((l) => l && l.role.split === loss.role.split)?.tag ?? '?'})`);
  }

  const metrics = withRole(scalars, 'metric');
  const metricGranularity = (m: (typeof metrics)[number]): Granularity =>
    m.role.split === 'validation' ? 'epoch' : granularityOf(m, epochLoss);
  const stepMetrics = metrics.filter((m) => m.role.split === 'train' && metricGranularity(m) === 'step' && stepLoss);
  const epochMetrics = metrics.filter((m) => m.role.split === 'train' && metricGranularity(m) === 'epoch' && (epochLoss || validationLoss));
  const validationMetrics = metrics.filter((m) => m.role.split === 'validation');
  for (const m of metrics) {
    if (stepMetrics.includes(m) || epochMetrics.includes(m) || validationMetrics.includes(m)) used.add(m);
    else unusedReason.set(m, 'no loss of the same granularity to go with it');
  }

  const learningRate = withRole(scalars, 'learning-rate')[0];
  const gradientNorm = withRole(scalars, 'gradient-norm')[0];
  if (gradientNorm) used.add(gradientNorm);
  const epochCounter = withRole(scalars, 'epoch-counter')[0];
  if (learningRate) used.add(learningRate);
  if (epochCounter) used.add(epochCounter);
  const lrPoints = learningRate ? sortedPoints(learningRate) : [];
  const epochPoints = epochCounter ? sortedPoints(epochCounter) : [];

  // Layers, numbered in the order their tags first appear (the order writers walk the model in).
  const layerMap = new Map<string, LayerSeries>();
  const layerOf = (name: string, order: number) => {
    let layer = layerMap.get(name);
    if (!layer) layerMap.set(name, (layer = { name, order }));
    return layer;
  };
  for (const h of histograms) {
    const role = h.role;
    if (role.role !== 'weights' && role.role !== 'gradients' && role.role !== 'activations') continue;
    const layer = layerOf(role.layer, h.order);
    if (layer[role.role]) {
      unusedReason.set(h, `${role.layer} already has a ${role.role} histogram (${layer[role.role]!.tag})`);
      continue;
    }
    layer[role.role] = h;
    used.add(h);
  }
  for (const z of withRole(scalars, 'zero-fraction')) {
    const layer = layerMap.get(z.role.layer);
    if (!layer) {
      unusedReason.set(z, 'no histograms of that layer');
      continue;
    }
    layer.zeros = z;
    used.add(z);
  }
  for (const statistic of withRole(scalars, 'layer-statistic')) {
    const layer = layerMap.get(statistic.role.layer);
    if (!layer) {
      unusedReason.set(statistic, 'no histograms of that layer');
      continue;
    }
    (layer.statistics ??= {})[statistic.role.statistic] = statistic;
    used.add(statistic);
  }
  const overrides = series.overrides?.activations ?? {};
  const layers = [...layerMap.values()].sort((a, b) => a.order - b.order).map((l, index) => {
    const declared = overrides[l.name] as GuessedActivation | undefined;
    const firstActivation = l.activations ? sortedPoints(l.activations)[0]?.value : undefined;
    // A TF1 Estimator's fraction_of_zero_values is logged for every layer, logits included: it
    // says ReLU only when the histogram has nothing below zero either.
    const guessed = firstActivation ? (l.zeros && firstActivation.min >= 0 ? 'relu' : firstActivation.looksLike) : undefined;
    const mapped: MappedLayer = {
      index, name: l.name,
      activation: declared ?? guessed ?? 'linear',
      activationSource: declared ? 'mapping' : guessed ? 'histogram' : 'unknown',
      has: { weights: !!l.weights, gradients: !!l.gradients, activations: !!(l.activations || l.zeros) },
    };
    return { ...l, mapped };
  });

  const stepLossPoints = stepLoss ? sortedPoints(stepLoss) : [];
  const epochs = epochDrafts({ epochLoss, validationLoss, stepLossPoints, epochPoints, epochMetrics, validationMetrics });
  const epochEndTimes = epochs.map((e) => e.wallTime).sort((a, b) => a - b);
  const epochAt = (step: number, wallTime: number): number => {
    if (epochPoints.length > 0) return Math.round(valueAtOrBefore(epochPoints, step) ?? 0);
    let count = 0;
    for (const t of epochEndTimes) if (t < wallTime) count++;
    return count;
  };

  const events: MappedRun['events'] = [];
  // Steps.
  const stepSource = stepLoss ? stepLossPoints : epochLoss ? sortedPoints(epochLoss) : [];
  const gradientNormAt = (step: number): number | undefined => {
    // A logged global norm is exact; histograms give an estimate.
    const logged = gradientNorm?.points.get(step)?.value;
    if (logged !== undefined) return logged;
    let sumSquares = 0;
    let any = false;
    for (const l of layers) {
      const h = l.gradients?.points.get(step)?.value;
      if (!h) continue;
      any = true;
      sumSquares += h.l2Norm ** 2;
    }
    return any ? Math.sqrt(sumSquares) : undefined;
  };
  const lastStep = stepSource[stepSource.length - 1]?.step;
  for (const p of stepSource) {
    if (!options.final && !options.settled && p.step === lastStep && stepLoss) continue;
    const epoch = stepLoss ? epochAt(p.step, p.wallTime) : p.step;
    const event: StepEvent = {
      type: 'step', step: p.step, epoch, loss: p.value,
      // Undefined when no gradients were logged: the rules then skip the gradient checks.
      gradNorm: gradientNormAt(p.step) as number,
      learningRate: valueAtOrBefore(lrPoints, p.step) ?? NaN,
      metrics: stepLoss ? metricValues(stepMetrics, p.step) : metricValues(epochMetrics, p.step),
    };
    events.push({ key: `step:${p.step}`, wallTime: p.wallTime, event });
  }

  // Layer statistics.
  const histogramSteps = new Map<number, number>();
  for (const l of layers) {
    for (const h of [l.weights, l.gradients, l.activations]) {
      for (const p of h?.points.values() ?? []) histogramSteps.set(p.step, Math.max(histogramSteps.get(p.step) ?? 0, p.wallTime));
    }
  }
  let lastHistogramStep = -Infinity;
  for (const step of histogramSteps.keys()) lastHistogramStep = Math.max(lastHistogramStep, step);
  for (const [step, wallTime] of [...histogramSteps.entries()].sort((a, b) => a[0] - b[0])) {
    if (!options.final && !options.settled && step === lastHistogramStep) continue;
    const stats: LayerStats[] = layers.map((l) => layerStats(l.mapped, step, l));
    const norms = stats.map((s) => s.gradNorm).filter((n): n is number => n !== undefined);
    const event: LayerStatsEvent = {
      type: 'layer-stats', step, epoch: epochAt(step, wallTime), layers: stats,
      gradNorm: (norms.length > 0 ? Math.sqrt(norms.reduce((s, n) => s + n * n, 0)) : undefined) as number,
    };
    events.push({ key: `layer-stats:${step}`, wallTime, event });
  }

  // Epoch ends (the last one held back while it may still lack its validation values).
  let previousTime = events.reduce((min, e) => Math.min(min, e.wallTime), epochs[0]?.wallTime ?? Infinity);
  epochs.forEach((e, i) => {
    const withValidation = validationLoss !== undefined && e.valLoss !== undefined && epochLoss !== undefined;
    const complete = options.final || i < epochs.length - 1 || withValidation || (options.settled === true && validationLoss === undefined);
    if (!complete) return;
    const event: EpochEndEvent = {
      type: 'epoch-end', epoch: e.epoch, step: e.step, loss: e.loss, metrics: e.metrics,
      valLoss: e.valLoss, valMetrics: e.valMetrics,
      learningRate: valueAtOrBefore(lrPoints, e.step) ?? NaN,
      durationMs: Math.max(0, (e.wallTime - previousTime) * 1000),
    };
    previousTime = e.wallTime;
    events.push({ key: `epoch-end:${e.epoch}`, wallTime: e.wallTime, event });
  });
  const typeOrder = { step: 0, 'layer-stats': 1, 'epoch-end': 2 } as const;
  events.sort((a, b) => a.wallTime - b.wallTime || typeOrder[a.event.type] - typeOrder[b.event.type] || a.event.step - b.event.step);

  const tags: TagUse[] = series.allSeries().map((s) => ({
    tag: s.tag, split: s.split, kind: s.kind, role: describeRole(s.role), values: s.points.size,
    used: used.has(s),
    reason: used.has(s) ? undefined : s.role.role === 'ignored' ? s.role.reason : unusedReason.get(s) ?? 'not needed',
  }));
  let firstWallTime = Infinity;
  for (const s of series.allSeries()) for (const p of s.points.values()) firstWallTime = Math.min(firstWallTime, p.wallTime);
  return {
    events,
    tags,
    layers: layers.map((l) => l.mapped),
    data: {
      stepLoss: stepLoss ? 'logged' : epochLoss ? 'from-epochs' : 'none',
      epochLoss: epochLoss ? 'logged' : epochs.length > 0 ? 'from-validation-points' : 'none',
      validationLoss: validationLoss !== undefined,
      learningRate: learningRate !== undefined,
      gradientNorm: gradientNorm !== undefined,
      gradientLayers: layers.filter((l) => l.gradients).length,
      activationLayers: layers.filter((l) => l.activations || l.zeros).length,
      updateRatioLayers: layers.filter((l) => l.statistics?.updateRatio).length,
    },
    epochs: Math.max(options.plannedEpochs ?? 0, epochs.length),
    firstWallTime: Number.isFinite(firstWallTime) ? firstWallTime : undefined,
  };
}

interface LayerSeries {
  name: string;
  order: number;
  weights?: HistogramSeries;
  gradients?: HistogramSeries;
  activations?: HistogramSeries;
  zeros?: ScalarSeries;
  /** Exact per-layer values logged as scalars (our own runs). */
  statistics?: Partial<Record<LayerStatistic, ScalarSeries>>;
}

function layerStats(layer: MappedLayer, step: number, { weights, gradients, activations, zeros, statistics }: LayerSeries): LayerStats {
  const stats: LayerStats = {
    index: layer.index, name: layer.name, type: layer.name,
    // Without an activation histogram nothing is known: undefined fields are "not measured" to the rules.
    activation: {} as LayerStats['activation'],
  };
  const w = weights?.points.get(step)?.value;
  if (w?.mean !== undefined && w.std !== undefined) stats.weights = { mean: w.mean, std: w.std };
  const g = gradients?.points.get(step)?.value;
  if (g) stats.gradNorm = g.l2Norm;
  const a = activations?.points.get(step)?.value;
  if (a?.mean !== undefined && a.std !== undefined) {
    stats.activation = { mean: a.mean, std: a.std };
    if (layer.activation === 'relu') stats.activation.zeroFraction = a.zeroFraction;
    if (layer.activation === 'tanh') stats.activation.saturatedFraction = a.saturatedTanh;
    if (layer.activation === 'sigmoid') stats.activation.saturatedFraction = a.saturatedSigmoid;
  }
  const z = zeros?.points.get(step)?.value;
  if (z !== undefined) stats.activation.zeroFraction = z;
  for (const [statistic, series] of Object.entries(statistics ?? {}) as [LayerStatistic, ScalarSeries][]) {
    const value = series.points.get(step)?.value;
    if (value === undefined) continue;
    if (statistic === 'updateRatio') stats.updateRatio = value;
    else if (statistic === 'activationMean') stats.activation.mean = value;
    else if (statistic === 'activationStd') stats.activation.std = value;
    else stats.activation[statistic] = value;
  }
  return stats;
}

export function runStartedEvent(name: string, dir: string, mapped: MappedRun): RunStartedEvent {
  const layers: LayerSummary[] = mapped.layers.map((l) => ({ index: l.index, name: l.name, type: l.name, activation: l.activation, outputShape: [], params: 0 }));
  const steps = mapped.events.filter((e) => e.event.type === 'step').length;
  return {
    type: 'run-started',
    runId: name,
    runDir: dir,
    configName: name,
    // Trained elsewhere: the event type asks for one of our backends, and none ran.
    backend: 'cpu',
    backendDetail: 'TensorBoard event files (trained by another framework)',
    dataset: 'TensorBoard logs',
    trainExamples: 0,
    validationExamples: 0,
    epochs: mapped.epochs,
    stepsPerEpoch: mapped.epochs > 0 ? Math.round(steps / mapped.epochs) : steps,
    batchSize: 0,
    statsEvery: 0,
    layers,
    inputStats: { mean: 0, std: 1, min: 0, max: 0, featureMeanAbsMax: 0, featureStdMin: 1, featureStdMax: 1 },
    startedAt: new Date((mapped.firstWallTime ?? 0) * 1000).toISOString(),
  };
}

