// The webview's copy of what the host showed it: the run in detail, an optional run to compare
// with, the history. A snapshot replaces it; appended events are folded in with the same
// applyEvent the host uses, so both sides agree on what an event means.

import type {
  DashboardKind, FixAppliedMessage, HostToWebview, RunListEntry,
} from '../../src/core/dashboard/dashboardProtocol';
import { applyEvent, type RunData } from '../../src/core/dashboard/runData';
import type { TrainingEvent } from '../../src/core/engine/trainingEvents';

export class DashboardModel {
  kind: DashboardKind;
  run: RunData | undefined;
  compare: RunData | undefined;
  history: RunListEntry[] = [];
  activeRunId: string | undefined;
  /** Whether a snapshot has arrived (before that the view shows "loading"). */
  loaded = false;
  /** Bumped on every change, so views can tell whether they are stale. */
  revision = 0;
  /** Bumped when the shown runs change (not when they grow). */
  snapshotRevision = 0;
  historyRevision = 0;
  /** The last fix result per fix id, and the fixes waiting for one. */
  readonly fixResults = new Map<string, FixAppliedMessage>();
  readonly pendingFixes = new Set<string>();

  constructor(kind: DashboardKind) {
    this.kind = kind;
  }

  /** Applies a validated host message. Returns false when it changed nothing (e.g. events of another run). */
  apply(message: HostToWebview): boolean {
    switch (message.type) {
      case 'snapshot':
        this.kind = message.kind;
        this.run = isRunData(message.run) ? message.run : undefined;
        this.compare = isRunData(message.compare) ? message.compare : undefined;
        this.history = message.history;
        this.activeRunId = message.activeRunId;
        this.loaded = true;
        this.snapshotRevision++;
        this.historyRevision++;
        break;
      case 'append': {
        const target = this.run?.runId === message.runId ? this.run : this.compare?.runId === message.runId ? this.compare : undefined;
        if (!target) return false;
        for (const event of message.events) if (isEvent(event)) applyEvent(target, event);
        break;
      }
      case 'history':
        this.history = message.history;
        this.activeRunId = message.activeRunId;
        this.historyRevision++;
        break;
      case 'fix-applied':
        this.pendingFixes.delete(message.fixId);
        this.fixResults.set(message.fixId, message);
        break;
    }
    this.revision++;
    return true;
  }

  /** The shown run is training now (so Stop makes sense). */
  get isLive(): boolean {
    return this.run !== undefined && this.run.ended === undefined && this.activeRunId === this.run.runId;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function isEvent(value: unknown): value is TrainingEvent {
  return isObject(value) && typeof value.type === 'string';
}

/** Enough structure for applyEvent and the charts not to throw. */
function isRunData(value: unknown): value is RunData {
  if (!isObject(value) || typeof value.runId !== 'string' || !isObject(value.steps)) return false;
  const steps = value.steps;
  return ['step', 'epoch', 'loss', 'learningRate', 'gradNorm'].every((k) => Array.isArray(steps[k]))
    && Array.isArray(value.epochs) && Array.isArray(value.layerStats) && Array.isArray(value.findings) && Array.isArray(value.logs);
}
