// What the dashboards accept from outside their own code: the host's messages to the webview
// (snapshots, appended events, the run history, fix results), checked field by field when they
// arrive, and the run history and events the host reads back from run folders. Shared by the
// host and the webview (no DOM, no Node). A bad item is dropped on its own with a located note
// ("append.events[3].finding.fixes: expected a list") and the good ones around it are kept: one
// torn finding must not cost a run its curves. Values are never echoed in a note (they may be
// megabytes long), and every string and list has a bound.

import type { Finding, FindingSeverity, FixReference } from '../diagnosis/finding';
import type { InputStatistics } from '../data/dataset';
import type { ActivationStats, LayerStats } from '../engine/layerStatistics';
import type { BackendName } from '../engine/tensorflowRuntime';
import type {
  EpochEndEvent, LayerStatsEvent, LayerSummary, LogEvent, RunEndedEvent, RunStartedEvent, RunStatus, StepEvent, TrainingEvent,
} from '../engine/trainingEvents';
import type {
  DashboardKind, HistoryMessage, HostToWebview, RunListEntry, RunListStatus, SnapshotMessage,
} from './dashboardProtocol';
import type { RunData, RunStatusLabel, StepSeries } from './runData';

export const PAYLOAD_LIMITS = {
  /** Run ids and fix ids. */
  idLength: 300,
  /** Names: configs, layers, rules, metrics, backends, dates. */
  nameLength: 1_000,
  /** Free text (messages, reasons, paths): longer text is cut, with an ellipsis. */
  textLength: 20_000,
  /** Per-step points of one run. */
  steps: 5_000_000,
  /** Events of one append; epochs, statistics samples, findings or logs of one run. */
  items: 1_000_000,
  /** Entries of the run history. */
  history: 5_000,
  /** Layers of one model or statistics sample. */
  layers: 10_000,
  fixes: 50,
  /** Metric names of one step or epoch. */
  metrics: 200,
  /** Characters of a file path. */
  pathCharacters: 4_096,
  /** Elements of a finding's config path. */
  pathLength: 100,
  /** Values in a finding's evidence or a fix's arguments (free-form JSON, shown as text), and their nesting. */
  jsonValues: 5_000,
  jsonDepth: 16,
};

/** Where the notes on dropped items go: the first few are kept, the rest counted. */
export class PayloadIssues {
  readonly notes: string[] = [];
  count = 0;

  constructor(private readonly keep = 10) {}

  add(note: string): void {
    this.count++;
    if (this.notes.length < this.keep) this.notes.push(note);
  }

  /** The kept notes on one line, with how many more there were. */
  summary(): string {
    const more = this.count - this.notes.length;
    return `${this.notes.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
  }
}

/** A field that makes its whole item unusable. */
class Invalid extends Error {}

function invalid(at: string, expected: string): never {
  throw new Invalid(`${at}: expected ${expected}`);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Own properties only: a `__proto__` or `constructor` key must not reach a prototype's. */
const field = (v: Record<string, unknown>, key: string): unknown => (Object.prototype.hasOwnProperty.call(v, key) ? v[key] : undefined);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
/**
 * A measured value: any number, NaN and Infinity included (a run that blew up says so), or
 * null, which is what NaN and Infinity become in JSON (run folders, VS Code's message passing).
 */
const isMeasured = (v: unknown): v is number => typeof v === 'number' || v === null;
const finiteOrNull = (v: number | null): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

const SEVERITIES: Record<FindingSeverity, true> = { error: true, warning: true, info: true };
const LOG_LEVELS: Record<LogEvent['level'], true> = { info: true, warning: true, error: true };
const RUN_STATUSES: Record<RunStatus, true> = { completed: true, 'stopped-early': true, cancelled: true, failed: true };
const STATUS_LABELS: Record<RunStatusLabel, true> = { ...RUN_STATUSES, running: true };
const BACKENDS: Record<BackendName, true> = { tensorflow: true, wasm: true, cpu: true };
const KINDS: Record<DashboardKind, true> = { panel: true, sidebar: true };
const oneOf = <T extends string>(set: Record<T, true>, v: unknown): v is T => typeof v === 'string' && Object.prototype.hasOwnProperty.call(set, v);

/** The field readers: each returns the value checked (a copy of what it knows, nothing else) or throws Invalid. */
class PayloadReader {
  constructor(readonly issues: PayloadIssues) {}

  note(note: string): void {
    this.issues.add(note);
  }

  /** Runs an item's reader; a bad item is noted and gives undefined. */
  attempt<T>(read: () => T): T | undefined {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      this.note(error.message);
      return undefined;
    }
  }

  /** A field whose bad value is replaced (and noted) rather than dropping its item. */
  orElse<T>(read: () => T, fallback: T): T {
    const value = this.attempt(read);
    return value === undefined ? fallback : value;
  }

  record(v: unknown, at: string): Record<string, unknown> {
    return isRecord(v) ? v : invalid(at, 'an object');
  }

  id(v: unknown, at: string): string {
    return typeof v === 'string' && v.length > 0 && v.length <= PAYLOAD_LIMITS.idLength ? v : invalid(at, `an id (1 to ${PAYLOAD_LIMITS.idLength} characters)`);
  }

  name(v: unknown, at: string): string {
    return typeof v === 'string' && v.length <= PAYLOAD_LIMITS.nameLength ? v : invalid(at, `a name of at most ${PAYLOAD_LIMITS.nameLength} characters`);
  }

  /** Free text, cut when absurdly long (the item is still good). */
  text(v: unknown, at: string): string {
    if (typeof v !== 'string') invalid(at, 'a string');
    if (v.length <= PAYLOAD_LIMITS.textLength) return v;
    this.note(`${at}: ${v.length} characters, cut to ${PAYLOAD_LIMITS.textLength}`);
    return `${v.slice(0, PAYLOAD_LIMITS.textLength)}…`;
  }

  /** A file path: never cut (a cut path names another file). */
  path(v: unknown, at: string): string {
    return typeof v === 'string' && v.length <= PAYLOAD_LIMITS.pathCharacters ? v : invalid(at, `a path of at most ${PAYLOAD_LIMITS.pathCharacters} characters`);
  }

  /** An ISO date (or anything Date.parse reads). */
  date(v: unknown, at: string): string {
    return typeof v === 'string' && v.length <= PAYLOAD_LIMITS.nameLength && !Number.isNaN(Date.parse(v)) ? v : invalid(at, 'a date');
  }

  count(v: unknown, at: string): number {
    return isCount(v) ? v : invalid(at, 'a whole number ≥ 0');
  }

  measured(v: unknown, at: string): number {
    return isMeasured(v) ? v : invalid(at, 'a number');
  }

  boolean(v: unknown, at: string): boolean {
    return typeof v === 'boolean' ? v : invalid(at, 'true or false');
  }

  /** Absent stays absent; present, it must be good. */
  optional<T>(v: unknown, at: string, read: (v: unknown, at: string) => T): T | undefined {
    return v === undefined ? undefined : read.call(this, v, at);
  }

  /** The good items of a list (the bad ones noted and dropped), at most `max` of them. */
  list<T>(v: unknown, at: string, max: number, read: (v: unknown, at: string) => T): T[] {
    if (!Array.isArray(v)) invalid(at, 'a list');
    const n = Math.min(v.length, max);
    if (v.length > max) this.note(`${at}: ${v.length} items, only the first ${max} kept`);
    const out: T[] = [];
    for (let i = 0; i < n; i++) {
      const item = this.attempt(() => read.call(this, v[i], `${at}[${i}]`));
      if (item !== undefined) out.push(item);
    }
    return out;
  }

  /** Metric values by name (accuracy, mae…); a bad entry is dropped on its own. */
  metrics(v: unknown, at: string): Record<string, number> {
    const entries = Object.entries(this.record(v, at));
    if (entries.length > PAYLOAD_LIMITS.metrics) this.note(`${at}: ${entries.length} metrics, only the first ${PAYLOAD_LIMITS.metrics} kept`);
    const good = entries.slice(0, PAYLOAD_LIMITS.metrics).filter(([name, value]) => {
      const ok = name.length <= PAYLOAD_LIMITS.nameLength && isMeasured(value);
      if (!ok) this.note(`${at}: a metric that is not a named number dropped`);
      return ok;
    });
    return Object.fromEntries(good) as Record<string, number>;
  }

  /** Free-form JSON (evidence, fix arguments): bounded in size and depth, strings cut. */
  json(v: unknown, at: string, budget = { values: PAYLOAD_LIMITS.jsonValues }, depth = 0): unknown {
    if (--budget.values < 0) invalid(at, `at most ${PAYLOAD_LIMITS.jsonValues} values`);
    if (v === null || typeof v === 'boolean' || typeof v === 'number') return v;
    if (typeof v === 'string') return this.text(v, at);
    if (depth >= PAYLOAD_LIMITS.jsonDepth) invalid(at, `at most ${PAYLOAD_LIMITS.jsonDepth} levels of nesting`);
    if (Array.isArray(v)) return v.map((item, i) => this.json(item, `${at}[${i}]`, budget, depth + 1));
    if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([key, value]) => [this.name(key, at), this.json(value, `${at}.${key.slice(0, 40)}`, budget, depth + 1)]));
    return invalid(at, 'a JSON value');
  }

  jsonRecord(v: unknown, at: string): Record<string, unknown> {
    return this.json(this.record(v, at), at) as Record<string, unknown>;
  }
}

// ---- training events -------------------------------------------------------------------------

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

function readInputStats(this: PayloadReader, v: unknown, at: string): InputStatistics {
  const o = this.record(v, at);
  const m = (key: keyof InputStatistics) => this.measured(field(o, key), `${at}.${key}`);
  return {
    mean: m('mean'), std: m('std'), min: m('min'), max: m('max'),
    featureMeanAbsMax: m('featureMeanAbsMax'), featureStdMin: m('featureStdMin'), featureStdMax: m('featureStdMax'),
  };
}

function readRunStarted(r: PayloadReader, o: Record<string, unknown>, at: string): RunStartedEvent {
  const backend = field(o, 'backend');
  return {
    type: 'run-started',
    runId: r.id(field(o, 'runId'), `${at}.runId`),
    runDir: r.optional(field(o, 'runDir'), `${at}.runDir`, r.path),
    configName: r.name(field(o, 'configName'), `${at}.configName`),
    configPath: r.optional(field(o, 'configPath'), `${at}.configPath`, r.path),
    backend: oneOf(BACKENDS, backend) ? backend : invalid(`${at}.backend`, 'tensorflow, wasm or cpu'),
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
}

function readStep(r: PayloadReader, o: Record<string, unknown>, at: string): StepEvent {
  return {
    type: 'step',
    step: r.count(field(o, 'step'), `${at}.step`),
    epoch: r.count(field(o, 'epoch'), `${at}.epoch`),
    loss: r.measured(field(o, 'loss'), `${at}.loss`),
    gradNorm: r.measured(field(o, 'gradNorm'), `${at}.gradNorm`),
    learningRate: r.measured(field(o, 'learningRate'), `${at}.learningRate`),
    metrics: r.metrics(field(o, 'metrics'), `${at}.metrics`),
  };
}

function readActivationStats(r: PayloadReader, v: unknown, at: string): ActivationStats {
  const o = r.record(v, at);
  const optional = (key: keyof ActivationStats) => r.optional(field(o, key), `${at}.${key}`, r.measured);
  const stats: ActivationStats = { mean: r.measured(field(o, 'mean'), `${at}.mean`), std: r.measured(field(o, 'std'), `${at}.std`) };
  for (const key of ['zeroFraction', 'deadFraction', 'saturatedFraction'] as const) {
    const value = optional(key);
    if (value !== undefined) stats[key] = value;
  }
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
  const gradNorm = this.optional(field(o, 'gradNorm'), `${at}.gradNorm`, this.measured);
  if (gradNorm !== undefined) stats.gradNorm = gradNorm;
  const updateRatio = this.optional(field(o, 'updateRatio'), `${at}.updateRatio`, this.measured);
  if (updateRatio !== undefined) stats.updateRatio = updateRatio;
  return stats;
}

function readLayerStatsEvent(r: PayloadReader, o: Record<string, unknown>, at: string): LayerStatsEvent {
  return {
    type: 'layer-stats',
    step: r.count(field(o, 'step'), `${at}.step`),
    epoch: r.count(field(o, 'epoch'), `${at}.epoch`),
    layers: r.list(field(o, 'layers'), `${at}.layers`, PAYLOAD_LIMITS.layers, readLayerStats),
    gradNorm: r.measured(field(o, 'gradNorm'), `${at}.gradNorm`),
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
  const valLoss = r.optional(field(o, 'valLoss'), `${at}.valLoss`, r.measured);
  if (valLoss !== undefined) event.valLoss = valLoss;
  return event;
}

function readFix(this: PayloadReader, v: unknown, at: string): FixReference {
  const o = this.record(v, at);
  const fix: FixReference = { id: this.id(field(o, 'id'), `${at}.id`), title: this.text(field(o, 'title'), `${at}.title`) };
  const preferred = this.optional(field(o, 'preferred'), `${at}.preferred`, this.boolean);
  if (preferred !== undefined) fix.preferred = preferred;
  const args = this.optional(field(o, 'args'), `${at}.args`, this.jsonRecord);
  if (args !== undefined) fix.args = args;
  return fix;
}

function readPathElement(this: PayloadReader, v: unknown, at: string): string | number {
  return typeof v === 'number' ? this.count(v, at) : this.name(v, at);
}

/** A finding, from an event, a run's end or a run's data. */
function readFinding(this: PayloadReader, v: unknown, at: string): Finding {
  const o = this.record(v, at);
  const severity = field(o, 'severity');
  const finding: Finding = {
    rule: this.name(field(o, 'rule'), `${at}.rule`),
    severity: oneOf(SEVERITIES, severity) ? severity : invalid(`${at}.severity`, 'error, warning or info'),
    message: this.text(field(o, 'message'), `${at}.message`),
    evidence: this.jsonRecord(field(o, 'evidence'), `${at}.evidence`),
    fixes: this.list(field(o, 'fixes'), `${at}.fixes`, PAYLOAD_LIMITS.fixes, readFix),
  };
  const layer = this.optional(field(o, 'layer'), `${at}.layer`, this.count);
  if (layer !== undefined) finding.layer = layer;
  const path = field(o, 'path');
  if (path !== undefined) {
    if (!Array.isArray(path) || path.length > PAYLOAD_LIMITS.pathLength) invalid(`${at}.path`, `a config path of at most ${PAYLOAD_LIMITS.pathLength} parts`);
    finding.path = path.map((part, i) => readPathElement.call(this, part, `${at}.path[${i}]`));
  }
  const step = this.optional(field(o, 'step'), `${at}.step`, this.count);
  if (step !== undefined) finding.step = step;
  const epoch = this.optional(field(o, 'epoch'), `${at}.epoch`, this.count);
  if (epoch !== undefined) finding.epoch = epoch;
  return finding;
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
  const loss = r.optional(field(final, 'loss'), `${at}.final.loss`, r.measured);
  if (loss !== undefined) event.final.loss = loss;
  const valLoss = r.optional(field(final, 'valLoss'), `${at}.final.valLoss`, r.measured);
  if (valLoss !== undefined) event.final.valLoss = valLoss;
  const reason = r.optional(field(o, 'reason'), `${at}.reason`, r.text);
  if (reason !== undefined) event.reason = reason;
  const bestEpoch = r.optional(field(o, 'bestEpoch'), `${at}.bestEpoch`, r.count);
  if (bestEpoch !== undefined) event.bestEpoch = bestEpoch;
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

function readEvent(this: PayloadReader, v: unknown, at: string): TrainingEvent {
  const o = this.record(v, at);
  const type = field(o, 'type');
  if (!isEventType(type)) invalid(`${at}.type`, 'a training event type');
  return (EVENT_READERS[type] as EventReader<TrainingEvent>)(this, o, at);
}

/** An event of one given type (a run's epochs, samples, logs). */
function eventOf<K extends TrainingEvent['type']>(type: K) {
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

// ---- a run's data, the run history ---------------------------------------------------------------

const STEP_COLUMNS = ['step', 'epoch', 'loss', 'learningRate', 'gradNorm'] as const;

/** The per-step series: parallel lists, cut to the shortest; a point with a bad value is dropped. */
function readSteps(r: PayloadReader, v: unknown, at: string): StepSeries {
  const steps: StepSeries = { step: [], epoch: [], loss: [], learningRate: [], gradNorm: [] };
  const o = r.record(v, at);
  const columns = STEP_COLUMNS.map((key) => field(o, key));
  if (!columns.every(Array.isArray)) invalid(at, `the lists ${STEP_COLUMNS.join(', ')}`);
  const [step, epoch, loss, learningRate, gradNorm] = columns as unknown[][];
  const lengths = columns.map((c) => (c as unknown[]).length);
  let n = Math.min(...lengths);
  if (Math.max(...lengths) !== n) r.note(`${at}: lists of different lengths (${lengths.join(', ')}), cut to ${n}`);
  if (n > PAYLOAD_LIMITS.steps) {
    r.note(`${at}: ${n} points, only the first ${PAYLOAD_LIMITS.steps} kept`);
    n = PAYLOAD_LIMITS.steps;
  }
  let dropped = 0;
  for (let i = 0; i < n; i++) {
    const [s, e, l, lr, g] = [step[i], epoch[i], loss[i], learningRate[i], gradNorm[i]];
    if (!isCount(s) || !isCount(e) || !isMeasured(l) || !isMeasured(lr) || !isMeasured(g)) {
      dropped++;
      continue;
    }
    steps.step.push(s);
    steps.epoch.push(e);
    steps.loss.push(finiteOrNull(l));
    steps.learningRate.push(finiteOrNull(lr));
    steps.gradNorm.push(finiteOrNull(g));
  }
  if (dropped > 0) r.note(`${at}: ${dropped} point(s) with a step, epoch or value that is not a number dropped`);
  return steps;
}

function readRunData(this: PayloadReader, v: unknown, at: string): RunData {
  const o = this.record(v, at);
  const runId = this.id(field(o, 'runId'), `${at}.runId`);
  const empty: StepSeries = { step: [], epoch: [], loss: [], learningRate: [], gradNorm: [] };
  const data: RunData = {
    runId,
    steps: this.orElse(() => readSteps(this, field(o, 'steps'), `${at}.steps`), empty),
    epochs: this.orElse(() => this.list(field(o, 'epochs'), `${at}.epochs`, PAYLOAD_LIMITS.items, eventOf('epoch-end')), []),
    layerStats: this.orElse(() => this.list(field(o, 'layerStats'), `${at}.layerStats`, PAYLOAD_LIMITS.items, eventOf('layer-stats')), []),
    findings: this.orElse(() => this.list(field(o, 'findings'), `${at}.findings`, PAYLOAD_LIMITS.items, readFinding), []),
    logs: this.orElse(() => this.list(field(o, 'logs'), `${at}.logs`, PAYLOAD_LIMITS.items, eventOf('log')), []),
  };
  const started = this.attempt(() => this.optional(field(o, 'started'), `${at}.started`, eventOf('run-started')));
  if (started) data.started = started;
  const ended = this.attempt(() => this.optional(field(o, 'ended'), `${at}.ended`, eventOf('run-ended')));
  if (ended) data.ended = ended;
  return data;
}

/**
 * A line of the run history (the host builds them from run.json files, which anyone can edit).
 * Only a bad run id drops the line: a status the dashboard does not know shows as "unknown", a
 * start that is not a date shows no time, and other bad fields fall back to "nothing known".
 */
function readEntry(this: PayloadReader, v: unknown, at: string): RunListEntry {
  const o = this.record(v, at);
  const runId = this.id(field(o, 'runId'), `${at}.runId`);
  const status = field(o, 'status');
  if (!oneOf(STATUS_LABELS, status)) this.note(`${at}.status: expected a run status, shown as unknown`);
  const entry: RunListEntry = {
    runId,
    configName: this.orElse(() => this.name(field(o, 'configName'), `${at}.configName`), runId),
    status: oneOf(STATUS_LABELS, status) ? status : 'unknown' satisfies RunListStatus,
    startedAt: this.orElse(() => this.date(field(o, 'startedAt'), `${at}.startedAt`), ''),
    epochsCompleted: this.orElse(() => this.count(field(o, 'epochsCompleted'), `${at}.epochsCompleted`), 0),
    findingCount: this.orElse(() => this.count(field(o, 'findingCount'), `${at}.findingCount`), 0),
  };
  const configPath = this.attempt(() => this.optional(field(o, 'configPath'), `${at}.configPath`, this.path));
  if (configPath !== undefined) entry.configPath = configPath;
  const backend = this.attempt(() => this.optional(field(o, 'backend'), `${at}.backend`, this.name));
  if (backend !== undefined) entry.backend = backend;
  const final = this.attempt(() => this.optional(field(o, 'final'), `${at}.final`, (f, fAt) => {
    const record = this.record(f, fAt);
    const out: NonNullable<RunListEntry['final']> = {};
    const loss = this.optional(field(record, 'loss'), `${fAt}.loss`, this.measured);
    if (loss !== undefined) out.loss = loss;
    const valLoss = this.optional(field(record, 'valLoss'), `${fAt}.valLoss`, this.measured);
    if (valLoss !== undefined) out.valLoss = valLoss;
    return out;
  }));
  if (final !== undefined) entry.final = final;
  return entry;
}

/** The good lines of a run history (at most PAYLOAD_LIMITS.history), the bad ones noted in `issues`. */
export function readRunList(values: unknown, at: string, issues: PayloadIssues): RunListEntry[] {
  const r = new PayloadReader(issues);
  return r.orElse(() => r.list(values, at, PAYLOAD_LIMITS.history, readEntry), []);
}

/** One line of a run history (e.g. from a run.json at `at`), or undefined when its run id is bad. */
export function readRunListEntry(value: unknown, at: string, issues: PayloadIssues): RunListEntry | undefined {
  const r = new PayloadReader(issues);
  return r.attempt(() => readEntry.call(r, value, at));
}

/** Newest first; a run without a readable start goes last. Never throws, whatever the entries hold. */
export function compareRunsNewestFirst(a: Pick<RunListEntry, 'runId' | 'startedAt'>, b: Pick<RunListEntry, 'runId' | 'startedAt'>): number {
  const time = (entry: Pick<RunListEntry, 'startedAt'>) => {
    const t = typeof entry.startedAt === 'string' ? Date.parse(entry.startedAt) : Number.NaN;
    return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
  };
  const [ta, tb] = [time(a), time(b)];
  if (ta !== tb) return ta < tb ? 1 : -1;
  return String(b.runId) < String(a.runId) ? -1 : String(b.runId) > String(a.runId) ? 1 : 0;
}

// ---- host → webview messages -------------------------------------------------------------------

/**
 * A host message as the webview may use it, or undefined when it is unusable (not an object, an
 * unknown type, no run id for an append…). Bad items inside a usable message are dropped; every
 * drop is noted in `issues`.
 */
export function readHostMessage(value: unknown, issues: PayloadIssues): HostToWebview | undefined {
  const r = new PayloadReader(issues);
  return r.attempt((): HostToWebview => {
    const o = r.record(value, 'message');
    const type = field(o, 'type');
    switch (type) {
      case 'snapshot': {
        const kind = field(o, 'kind');
        const message: SnapshotMessage = {
          type,
          kind: oneOf(KINDS, kind) ? kind : invalid('snapshot.kind', 'panel or sidebar'),
          history: readRunList(field(o, 'history'), 'snapshot.history', issues),
        };
        const run = r.attempt(() => r.optional(field(o, 'run'), 'snapshot.run', readRunData));
        if (run) message.run = run;
        const compare = r.attempt(() => r.optional(field(o, 'compare'), 'snapshot.compare', readRunData));
        if (compare) message.compare = compare;
        const activeRunId = r.attempt(() => r.optional(field(o, 'activeRunId'), 'snapshot.activeRunId', r.id));
        if (activeRunId) message.activeRunId = activeRunId;
        return message;
      }
      case 'append':
        return {
          type,
          runId: r.id(field(o, 'runId'), 'append.runId'),
          events: r.list(field(o, 'events'), 'append.events', PAYLOAD_LIMITS.items, readEvent),
        };
      case 'history': {
        const message: HistoryMessage = {
          type,
          history: Array.isArray(field(o, 'history')) ? readRunList(field(o, 'history'), 'history.history', issues) : invalid('history.history', 'a list'),
        };
        const activeRunId = r.attempt(() => r.optional(field(o, 'activeRunId'), 'history.activeRunId', r.id));
        if (activeRunId) message.activeRunId = activeRunId;
        return message;
      }
      case 'fix-applied':
        return {
          type,
          fixId: r.id(field(o, 'fixId'), 'fix-applied.fixId'),
          ok: r.boolean(field(o, 'ok'), 'fix-applied.ok'),
          message: r.text(field(o, 'message'), 'fix-applied.message'),
        };
      default:
        return invalid('message.type', 'snapshot, append, history or fix-applied');
    }
  });
}
