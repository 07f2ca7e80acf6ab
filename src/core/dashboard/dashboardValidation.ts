// What the dashboards accept from outside their own code: the host's messages to the webview
// (snapshots, appended events, the run history, fix results), checked field by field when they
// arrive, and the run history the host reads back from run.json files. Shared by the host and
// the webview (no DOM, no Node). One torn finding must not cost a run its curves: a bad item is
// dropped on its own, noted with its place, and the good ones around it are kept.

import type {
  DashboardKind, HistoryMessage, HostToWebview, RunListEntry, RunListStatus, SnapshotMessage,
} from './dashboardProtocol';
import {
  field, finiteOrNull, invalid, isCount, isMeasured, oneOf, PAYLOAD_LIMITS, PayloadIssues, PayloadReader,
} from './payloadReader';
import type { RunData, StepSeries } from './runData';
import { eventOf, readEvent, readFinding, RUN_STATUSES } from './trainingEventValidation';

// "unknown" is a status the host says itself (a TensorBoard run listed before it is read).
const STATUS_LABELS: Record<RunListStatus, true> = { ...RUN_STATUSES, running: true, interrupted: true, unknown: true };
const KINDS: Record<DashboardKind, true> = { panel: true, sidebar: true };

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
  this.keepOptional(data, o, 'started', at, eventOf('run-started'));
  this.keepOptional(data, o, 'ended', at, eventOf('run-ended'));
  // Why a run whose process died without a word reads as interrupted.
  this.keepOptional(data, o, 'interrupted', at, this.text);
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
  this.keepOptional(entry, o, 'configPath', at, this.path);
  this.keepOptional(entry, o, 'backend', at, this.name);
  this.keepOptional(entry, o, 'final', at, (f, fAt) => {
    const record = this.record(f, fAt);
    const final: NonNullable<RunListEntry['final']> = {};
    this.copyOptional(final, record, 'loss', fAt, this.measured);
    this.copyOptional(final, record, 'valLoss', fAt, this.measured);
    return final;
  });
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
        r.keepOptional(message, o, 'run', 'snapshot', readRunData);
        r.keepOptional(message, o, 'compare', 'snapshot', readRunData);
        r.keepOptional(message, o, 'activeRunId', 'snapshot', r.id);
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
        r.keepOptional(message, o, 'activeRunId', 'history', r.id);
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
