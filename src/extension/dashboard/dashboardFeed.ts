// Keeps one dashboard webview current, after vscode-js-profile-visualizer's realtime view: the
// host owns the data; the webview gets a snapshot when it has loaded (VS Code discards a hidden
// webview's page, as we do not retain it, and the page says `ready` each time it loads again),
// then, while visible, the run's events as they arrive; while hidden, nothing.
//
// A snapshot is read from the store's live data, which already holds events the store has not
// yet sent as a batch; the feed remembers how much of each series the webview has and drops the
// events of the next batch that the snapshot already carried, so nothing is counted twice.

import type { DashboardKind, HostToWebview, RunListEntry } from '../../core/dashboard/dashboardProtocol';
import type { RunData } from '../../core/dashboard/runData';
import type { TrainingEvent } from '../../core/engine/trainingEvents';

export interface RunEventBatch {
  runId: string;
  events: TrainingEvent[];
}

export interface Subscription {
  dispose(): unknown;
}

/** What the feed reads (the extension's RunStore, or a test double). */
export interface RunSource {
  listRuns(): RunListEntry[];
  getRunData(runId: string): RunData | undefined;
  readonly activeRunId: string | undefined;
  readonly onDidAppend: (listener: (batch: RunEventBatch) => unknown) => Subscription;
  readonly onDidChangeHistory: (listener: () => unknown) => Subscription;
}

/** A panel shows the run it was opened on (and maybe one to compare); the side bar, the live run or else the latest. */
export type RunChoice = { runId: string; compareRunId?: string } | 'active-or-latest';

/** How many of each folded series the webview holds. */
export interface SeriesCounts {
  steps: number;
  layerStats: number;
  epochs: number;
  findings: number;
  logs: number;
}

export function seriesCounts(data: RunData): SeriesCounts {
  return {
    steps: data.steps.step.length,
    layerStats: data.layerStats.length,
    epochs: data.epochs.length,
    findings: data.findings.length,
    logs: data.logs.length,
  };
}

const SERIES_OF: Partial<Record<TrainingEvent['type'], keyof SeriesCounts>> = {
  step: 'steps',
  'layer-stats': 'layerStats',
  'epoch-end': 'epochs',
  finding: 'findings',
  log: 'logs',
};

/**
 * The events of `batch` the webview does not have yet. `after` is the run's data once the batch
 * was folded (the store folds each event before batching it), `sent` what the webview holds.
 * run-started and run-ended replace rather than add, so they always pass.
 */
export function unsentEvents(events: TrainingEvent[], after: RunData, sent: SeriesCounts): TrainingEvent[] {
  const total = seriesCounts(after);
  const inBatch: Record<keyof SeriesCounts, number> = { steps: 0, layerStats: 0, epochs: 0, findings: 0, logs: 0 };
  for (const event of events) {
    const series = SERIES_OF[event.type];
    if (series) inBatch[series]++;
  }
  const seen: Record<keyof SeriesCounts, number> = { steps: 0, layerStats: 0, epochs: 0, findings: 0, logs: 0 };
  return events.filter((event) => {
    const series = SERIES_OF[event.type];
    if (!series) return true;
    const absoluteIndex = total[series] - inBatch[series] + seen[series]++;
    return absoluteIndex >= sent[series];
  });
}

interface Shown {
  runId: string;
  counts: SeriesCounts;
  /** Whether the snapshot had the run's data (a panel may open on a run before its first event). */
  known: boolean;
  /** The snapshot's run had ended: nothing more will come. */
  ended: boolean;
  /** Its events reach the feed as batches (a run of this window, TensorBoard logs being read). */
  fedByEvents: boolean;
}

export class DashboardFeed {
  private visible: boolean;
  private ready = false;
  private shown: Shown | undefined;
  private compared: Shown | undefined;
  private readonly subscriptions: Subscription[];

  constructor(
    private readonly source: RunSource,
    private readonly post: (message: HostToWebview) => unknown,
    private readonly kind: DashboardKind,
    private choice: RunChoice,
    visible: boolean,
  ) {
    this.visible = visible;
    this.subscriptions = [
      source.onDidAppend((batch) => this.onAppend(batch)),
      source.onDidChangeHistory(() => this.onHistory()),
    ];
  }

  /** The run the webview shows (for the side bar: the live run, else the latest). */
  get runId(): string | undefined {
    if (this.choice !== 'active-or-latest') return this.choice.runId;
    return this.source.activeRunId ?? this.source.listRuns()[0]?.runId;
  }

  get compareRunId(): string | undefined {
    return this.choice === 'active-or-latest' ? undefined : this.choice.compareRunId;
  }

  /** The webview's page loaded (again): it has nothing, so it gets everything. */
  onReady(): void {
    this.ready = true;
    if (this.visible) this.sendSnapshot();
  }

  setVisible(visible: boolean): void {
    if (visible === this.visible) return;
    this.visible = visible;
    // Hidden, the page is discarded; it says `ready` when it is shown again.
    if (!visible) this.ready = false;
    else if (this.ready) this.sendSnapshot();
  }

  /** Points a panel at another run or comparison (the webview gets a fresh snapshot). */
  setChoice(choice: RunChoice): void {
    this.choice = choice;
    if (this.live) this.sendSnapshot();
  }

  private get live(): boolean {
    return this.visible && this.ready;
  }

  private sendSnapshot(): void {
    const runId = this.runId;
    const compareRunId = this.compareRunId;
    const run = runId ? this.source.getRunData(runId) : undefined;
    const compare = compareRunId && compareRunId !== runId ? this.source.getRunData(compareRunId) : undefined;
    this.shown = runId ? shownRun(runId, run, this.shown) : undefined;
    this.compared = compare ? shownRun(compare.runId, compare, this.compared) : undefined;
    this.post({ type: 'snapshot', kind: this.kind, run, compare, history: this.source.listRuns(), activeRunId: this.source.activeRunId });
  }

  private onAppend(batch: RunEventBatch): void {
    if (!this.live) return;
    // The side bar follows a run that just started (the store announces it before its events).
    if (this.choice === 'active-or-latest' && batch.runId !== this.shown?.runId && batch.runId === this.runId) {
      this.sendSnapshot();
      return;
    }
    const target = batch.runId === this.shown?.runId ? this.shown : batch.runId === this.compared?.runId ? this.compared : undefined;
    if (!target) return;
    if (!target.known) {
      this.sendSnapshot();
      return;
    }
    target.fedByEvents = true;
    const data = this.source.getRunData(batch.runId);
    const events = data ? unsentEvents(batch.events, data, target.counts) : batch.events;
    if (data) target.counts = seriesCounts(data);
    if (events.length > 0) this.post({ type: 'append', runId: batch.runId, events });
  }

  private onHistory(): void {
    if (!this.live) return;
    if (this.choice === 'active-or-latest' && this.runId !== this.shown?.runId) {
      this.sendSnapshot();
      return;
    }
    if (this.grewOnDisk(this.shown) || this.grewOnDisk(this.compared)) {
      this.sendSnapshot();
      return;
    }
    this.post({ type: 'history', history: this.source.listRuns(), activeRunId: this.source.activeRunId });
  }

  /**
   * A run another process writes (the CLI, an exported script) sends no events: only the file
   * watcher's history change says its folder grew, so an unfinished one is read again then.
   */
  private grewOnDisk(shown: Shown | undefined): boolean {
    if (!shown || shown.ended || shown.fedByEvents) return false;
    const data = this.source.getRunData(shown.runId);
    if (!data) return false;
    const counts = seriesCounts(data);
    return hasEnded(data) || (Object.keys(counts) as (keyof SeriesCounts)[]).some((series) => counts[series] !== shown.counts[series]);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.subscriptions.length = 0;
  }
}

function hasEnded(data: RunData): boolean {
  return data.ended !== undefined || data.interrupted !== undefined;
}

/** What a snapshot gave the webview; whether events feed the run carries over from what it showed before. */
function shownRun(runId: string, run: RunData | undefined, before: Shown | undefined): Shown {
  return {
    runId, counts: run ? seriesCounts(run) : zeroCounts(), known: run !== undefined, ended: run !== undefined && hasEnded(run),
    fedByEvents: before?.runId === runId && before.fedByEvents,
  };
}

function zeroCounts(): SeriesCounts {
  return { steps: 0, layerStats: 0, epochs: 0, findings: 0, logs: 0 };
}

/** The state VS Code keeps for a dashboard panel across reloads (the webview's setState), as far as the host needs it. */
export function readPanelState(state: unknown): { runId: string; compareRunId?: string } | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const { runId, compareRunId } = state as Record<string, unknown>;
  if (typeof runId !== 'string' || runId.length === 0 || runId.length > 300) return undefined;
  return typeof compareRunId === 'string' && compareRunId.length > 0 && compareRunId.length <= 300 ? { runId, compareRunId } : { runId };
}
