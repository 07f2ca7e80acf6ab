// The training events as the dashboards accept them from outside (a webview message, a run
// folder's metrics.jsonl): every field of every event type checked, findings and their fixes
// included, with the bounds and notes of PayloadReader.

import type { Finding, FindingSeverity, FindingState, FixReference, RelatedLocation } from '../diagnosis/finding';
import type { InputStatistics } from '../data/dataset';
import { readAugmentedPreview } from './augmentedPreviewValidation';
import type { ActivationStats, LayerStats } from '../engine/layerStatistics';
import type { LayerHistogram, LayerHistograms } from '../engine/layerHistograms';
import type {
  EpochEndEvent, LayerStatsEvent, LayerSummary, LogEvent, RunBackendName, RunEndedEvent, RunStartedEvent, RunStatus, StepEvent, TrainingEvent,
} from '../engine/trainingEvents';
import { field, invalid, isCount, oneOf, PAYLOAD_LIMITS, PayloadIssues, PayloadReader } from './payloadReader';

const SEVERITIES: Record<FindingSeverity, true> = { error: true, warning: true, info: true };
const STATES: Record<FindingState, true> = { open: true, resolved: true };
const LOG_LEVELS: Record<LogEvent['level'], true> = { info: true, warning: true, error: true };
export const RUN_STATUSES: Record<RunStatus, true> = { completed: true, 'stopped-early': true, cancelled: true, failed: true };
const BACKENDS: Record<RunBackendName, true> = { tensorflow: true, wasm: true, cpu: true, pytorch: true };

function readLayerSummary(this: PayloadReader, v: unknown, at: string): LayerSummary {
  const o = this.record(v, at);
  return {
    index: this.count(field(o, 'index'), `${at}.index`),
    name: this.name(field(o, 'name'), `${at}.name`),
    type: this.name(field(o, 'type'), `${at}.type`),
    activation: this.name(field(o, 'activation'), `${at}.activation`),
    outputShape: this.list(field(o, 'outputShape'), `${at}.outputShape`, 16, this.count),
    params: this.count(field(o, 'params'), `${at}.params`),
  };
}

/** Per-channel statistics come from colour images: 3 channels (4 leaves room for an alpha channel). */
const MAX_CHANNELS = 4;

function readInputStats(this: PayloadReader, v: unknown, at: string): InputStatistics {
  const o = this.record(v, at);
  const m = (key: keyof InputStatistics) => this.measured(field(o, key), `${at}.${key}`);
  const stats: InputStatistics = {
    mean: m('mean'), std: m('std'), min: m('min'), max: m('max'),
    featureMeanAbsMax: m('featureMeanAbsMax'), featureStdMin: m('featureStdMin'), featureStdMax: m('featureStdMax'),
  };
  this.copyOptional(stats, o, 'nearConstantFeatures', at, this.count);
  const labelCounts = field(o, 'labelCounts');
  if (labelCounts !== undefined) stats.labelCounts = this.list(labelCounts, `${at}.labelCounts`, PAYLOAD_LIMITS.layers, this.count);
  for (const key of ['channelMeans', 'channelStds'] as const) {
    const values = field(o, key);
    if (values !== undefined) stats[key] = this.list(values, `${at}.${key}`, MAX_CHANNELS, this.measured);
  }
  return stats;
}

function readRunStarted(r: PayloadReader, o: Record<string, unknown>, at: string): RunStartedEvent {
  const backend = field(o, 'backend');
  const event: RunStartedEvent = {
    type: 'run-started',
    runId: r.id(field(o, 'runId'), `${at}.runId`),
    configName: r.name(field(o, 'configName'), `${at}.configName`),
    backend: oneOf(BACKENDS, backend) ? backend : invalid(`${at}.backend`, 'tensorflow, wasm, cpu or pytorch'),
    backendDetail: r.text(field(o, 'backendDetail'), `${at}.backendDetail`),
    dataset: r.text(field(o, 'dataset'), `${at}.dataset`),
    trainExamples: r.count(field(o, 'trainExamples'), `${at}.trainExamples`),
    validationExamples: r.count(field(o, 'validationExamples'), `${at}.validationExamples`),
    epochs: r.count(field(o, 'epochs'), `${at}.epochs`),
    stepsPerEpoch: r.count(field(o, 'stepsPerEpoch'), `${at}.stepsPerEpoch`),
    batchSize: r.count(field(o, 'batchSize'), `${at}.batchSize`),
    statsEvery: r.count(field(o, 'statsEvery'), `${at}.statsEvery`),
    layers: r.list(field(o, 'layers'), `${at}.layers`, PAYLOAD_LIMITS.layers, readLayerSummary),
    inputStats: readInputStats.call(r, field(o, 'inputStats'), `${at}.inputStats`),
    startedAt: r.date(field(o, 'startedAt'), `${at}.startedAt`),
  };
  // Optional fields stay absent when absent (a copy of the event equals the event).
  r.copyOptional(event, o, 'runDir', at, r.path);
  r.copyOptional(event, o, 'configPath', at, r.path);
  // Pictures are a nicety: a bad one is noted and left out, the run still shown.
  r.keepOptional(event, o, 'augmentedPreview', at, readAugmentedPreview);
  return event;
}

function readStep(r: PayloadReader, o: Record<string, unknown>, at: string): StepEvent {
  return {
    type: 'step',
    step: r.count(field(o, 'step'), `${at}.step`),
    epoch: r.count(field(o, 'epoch'), `${at}.epoch`),
    loss: r.measured(field(o, 'loss'), `${at}.loss`),
    learningRate: r.measured(field(o, 'learningRate'), `${at}.learningRate`),
    metrics: r.metrics(field(o, 'metrics'), `${at}.metrics`),
    ...notLogged(r, o, 'gradNorm', at),
  };
}

/**
 * A value a run may not have measured at all (a TensorBoard run without gradient or activation
 * histograms): absent stays absent, as the translation leaves it, which the dashboards show as
 * "no value". Not NaN: NaN (null in JSON) says that the run blew up.
 */
function notLogged<K extends string>(r: PayloadReader, o: Record<string, unknown>, key: K, at: string): Record<K, number> {
  const value = r.optional(field(o, key), `${at}.${key}`, r.measured);
  return (value === undefined ? {} : { [key]: value }) as Record<K, number>;
}

function readActivationStats(r: PayloadReader, v: unknown, at: string): ActivationStats {
  const o = r.record(v, at);
  // A layer logged without an activation histogram has weights (or gradients) but no activation statistics.
  const stats: ActivationStats = { ...notLogged(r, o, 'mean', at), ...notLogged(r, o, 'std', at) };
  for (const key of ['zeroFraction', 'deadFraction', 'saturatedFraction'] as const) r.copyOptional(stats, o, key, at, r.measured);
  return stats;
}

function readLayerStats(this: PayloadReader, v: unknown, at: string): LayerStats {
  const o = this.record(v, at);
  const stats: LayerStats = {
    index: this.count(field(o, 'index'), `${at}.index`),
    name: this.name(field(o, 'name'), `${at}.name`),
    type: this.name(field(o, 'type'), `${at}.type`),
    activation: readActivationStats(this, field(o, 'activation'), `${at}.activation`),
  };
  const weights = this.optional(field(o, 'weights'), `${at}.weights`, this.record);
  if (weights) stats.weights = { mean: this.measured(field(weights, 'mean'), `${at}.weights.mean`), std: this.measured(field(weights, 'std'), `${at}.weights.std`) };
  this.copyOptional(stats, o, 'gradNorm', at, this.measured);
  this.copyOptional(stats, o, 'updateRatio', at, this.measured);
  // Histograms are extras: a bad one is noted and left out, its layer's statistics kept.
  this.keepOptional(stats, o, 'histograms', at, readLayerHistograms);
  return stats;
}

function readLayerHistograms(this: PayloadReader, v: unknown, at: string): LayerHistograms {
  const o = this.record(v, at);
  const histograms: LayerHistograms = {};
  for (const key of ['activation', 'weights', 'gradients'] as const) this.keepOptional(histograms, o, key, at, readLayerHistogram);
  return histograms;
}

function readLayerHistogram(this: PayloadReader, v: unknown, at: string): LayerHistogram {
  const o = this.record(v, at);
  const m = (key: 'min' | 'max' | 'sum' | 'sumSquares') => this.measured(field(o, key), `${at}.${key}`);
  const histogram: LayerHistogram = {
    min: m('min'), max: m('max'),
    count: this.count(field(o, 'count'), `${at}.count`),
    sum: m('sum'), sumSquares: m('sumSquares'),
    counts: [],
  };
  const counts = field(o, 'counts');
  // Whole: a histogram with a bucket dropped would be drawn wrong.
  if (!Array.isArray(counts) || counts.length === 0 || counts.length > PAYLOAD_LIMITS.histogramBuckets || !counts.every(isCount)) {
    invalid(`${at}.counts`, `1 to ${PAYLOAD_LIMITS.histogramBuckets} bucket counts`);
  }
  if (counts.reduce((sum, c) => sum + c, 0) !== histogram.count) invalid(`${at}.counts`, 'bucket counts that add up to the count');
  histogram.counts = [...counts];
  return histogram;
}

function readLayerStatsEvent(r: PayloadReader, o: Record<string, unknown>, at: string): LayerStatsEvent {
  return {
    type: 'layer-stats',
    step: r.count(field(o, 'step'), `${at}.step`),
    epoch: r.count(field(o, 'epoch'), `${at}.epoch`),
    layers: r.list(field(o, 'layers'), `${at}.layers`, PAYLOAD_LIMITS.layers, readLayerStats),
    ...notLogged(r, o, 'gradNorm', at),
  };
}

function readEpochEnd(r: PayloadReader, o: Record<string, unknown>, at: string): EpochEndEvent {
  const event: EpochEndEvent = {
    type: 'epoch-end',
    epoch: r.count(field(o, 'epoch'), `${at}.epoch`),
    step: r.count(field(o, 'step'), `${at}.step`),
    loss: r.measured(field(o, 'loss'), `${at}.loss`),
    metrics: r.metrics(field(o, 'metrics'), `${at}.metrics`),
    valMetrics: r.metrics(field(o, 'valMetrics'), `${at}.valMetrics`),
    learningRate: r.measured(field(o, 'learningRate'), `${at}.learningRate`),
    durationMs: r.measured(field(o, 'durationMs'), `${at}.durationMs`),
  };
  r.copyOptional(event, o, 'valLoss', at, r.measured);
  return event;
}

function readFix(this: PayloadReader, v: unknown, at: string): FixReference {
  const o = this.record(v, at);
  const fix: FixReference = { id: this.id(field(o, 'id'), `${at}.id`), title: this.text(field(o, 'title'), `${at}.title`) };
  this.copyOptional(fix, o, 'preferred', at, this.boolean);
  this.copyOptional(fix, o, 'args', at, this.jsonRecord);
  return fix;
}

function readPathElement(this: PayloadReader, v: unknown, at: string): string | number {
  return typeof v === 'number' ? this.count(v, at) : this.name(v, at);
}

/** A finding, from an event, a run's end or a run's data. */
export function readFinding(this: PayloadReader, v: unknown, at: string): Finding {
  const o = this.record(v, at);
  const severity = field(o, 'severity');
  const finding: Finding = {
    rule: this.name(field(o, 'rule'), `${at}.rule`),
    severity: oneOf(SEVERITIES, severity) ? severity : invalid(`${at}.severity`, 'error, warning or info'),
    message: this.text(field(o, 'message'), `${at}.message`),
    evidence: this.jsonRecord(field(o, 'evidence'), `${at}.evidence`),
    fixes: this.list(field(o, 'fixes'), `${at}.fixes`, PAYLOAD_LIMITS.fixes, readFix),
  };
  this.copyOptional(finding, o, 'layer', at, this.count);
  const path = field(o, 'path');
  if (path !== undefined) {
    if (!Array.isArray(path) || path.length > PAYLOAD_LIMITS.pathLength) invalid(`${at}.path`, `a config path of at most ${PAYLOAD_LIMITS.pathLength} parts`);
    finding.path = path.map((part, i) => readPathElement.call(this, part, `${at}.path[${i}]`));
  }
  this.copyOptional(finding, o, 'step', at, this.count);
  this.copyOptional(finding, o, 'epoch', at, this.count);
  // Identity and grouping (one finding per rule and cause; later versions replace earlier ones).
  this.copyOptional(finding, o, 'id', at, this.id);
  const state = field(o, 'state');
  if (state !== undefined) finding.state = oneOf(STATES, state) ? state : invalid(`${at}.state`, 'open or resolved');
  this.copyOptional(finding, o, 'resolution', at, this.text);
  const layers = field(o, 'layers');
  if (layers !== undefined) finding.layers = this.list(layers, `${at}.layers`, PAYLOAD_LIMITS.layers, this.count);
  const related = field(o, 'related');
  if (related !== undefined) finding.related = this.list(related, `${at}.related`, PAYLOAD_LIMITS.layers, readRelated);
  return finding;
}

function readRelated(this: PayloadReader, v: unknown, at: string): RelatedLocation {
  const o = this.record(v, at);
  const place: RelatedLocation = { message: this.text(field(o, 'message'), `${at}.message`) };
  this.copyOptional(place, o, 'layer', at, this.count);
  const path = field(o, 'path');
  if (path !== undefined) {
    if (!Array.isArray(path) || path.length > PAYLOAD_LIMITS.pathLength) invalid(`${at}.path`, `a config path of at most ${PAYLOAD_LIMITS.pathLength} parts`);
    place.path = path.map((part, i) => readPathElement.call(this, part, `${at}.path[${i}]`));
  }
  return place;
}

function readLog(r: PayloadReader, o: Record<string, unknown>, at: string): LogEvent {
  const level = field(o, 'level');
  return {
    type: 'log',
    level: oneOf(LOG_LEVELS, level) ? level : invalid(`${at}.level`, 'info, warning or error'),
    message: r.text(field(o, 'message'), `${at}.message`),
  };
}

function readRunEnded(r: PayloadReader, o: Record<string, unknown>, at: string): RunEndedEvent {
  const status = field(o, 'status');
  const final = r.record(field(o, 'final'), `${at}.final`);
  const event: RunEndedEvent = {
    type: 'run-ended',
    status: oneOf(RUN_STATUSES, status) ? status : invalid(`${at}.status`, 'completed, stopped-early, cancelled or failed'),
    epochsCompleted: r.count(field(o, 'epochsCompleted'), `${at}.epochsCompleted`),
    steps: r.count(field(o, 'steps'), `${at}.steps`),
    durationMs: r.measured(field(o, 'durationMs'), `${at}.durationMs`),
    final: {
      metrics: r.metrics(field(final, 'metrics'), `${at}.final.metrics`),
      valMetrics: r.metrics(field(final, 'valMetrics'), `${at}.final.valMetrics`),
    },
    findings: r.list(field(o, 'findings'), `${at}.findings`, PAYLOAD_LIMITS.items, readFinding),
  };
  r.copyOptional(event.final, final, 'loss', `${at}.final`, r.measured);
  r.copyOptional(event.final, final, 'valLoss', `${at}.final`, r.measured);
  r.copyOptional(event, o, 'reason', at, r.text);
  r.copyOptional(event, o, 'bestEpoch', at, r.count);
  return event;
}

type EventReader<T extends TrainingEvent> = (r: PayloadReader, o: Record<string, unknown>, at: string) => T;

const EVENT_READERS: { [K in TrainingEvent['type']]: EventReader<Extract<TrainingEvent, { type: K }>> } = {
  'run-started': readRunStarted,
  step: readStep,
  'layer-stats': readLayerStatsEvent,
  'epoch-end': readEpochEnd,
  finding: (r, o, at) => ({ type: 'finding', finding: readFinding.call(r, field(o, 'finding'), `${at}.finding`) }),
  log: readLog,
  'run-ended': readRunEnded,
};

const isEventType = (v: unknown): v is TrainingEvent['type'] => typeof v === 'string' && Object.prototype.hasOwnProperty.call(EVENT_READERS, v);

export function readEvent(this: PayloadReader, v: unknown, at: string): TrainingEvent {
  const o = this.record(v, at);
  const type = field(o, 'type');
  if (!isEventType(type)) invalid(`${at}.type`, 'a training event type');
  return (EVENT_READERS[type] as EventReader<TrainingEvent>)(this, o, at);
}

/** An event of one given type (a run's epochs, samples, logs). */
export function eventOf<K extends TrainingEvent['type']>(type: K) {
  return function (this: PayloadReader, v: unknown, at: string): Extract<TrainingEvent, { type: K }> {
    const o = this.record(v, at);
    if (field(o, 'type') !== type) invalid(`${at}.type`, `"${type}"`);
    return EVENT_READERS[type](this, o, at);
  };
}

/** The good events of a list (e.g. a run folder's metrics.jsonl), the bad ones noted in `issues`. */
export function readTrainingEvents(values: unknown[], at: string, issues: PayloadIssues): TrainingEvent[] {
  return new PayloadReader(issues).list(values, at, Number.MAX_SAFE_INTEGER, readEvent);
}
