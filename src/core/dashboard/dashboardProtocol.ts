// Messages between the extension host and the dashboard webview (the editor panel and the
// side-bar view run the same app). The host owns the data: when a view becomes visible it sends
// a snapshot, and while it stays visible, deltas (batches of training events). Discriminated
// unions keyed by `type`; each side validates what it receives: the host by parseWebviewMessage,
// the webview by parseHostToWebview (field by field, in dashboardValidation).

import type { TrainingEvent } from '../engine/trainingEvents';
import { readHostMessage } from './dashboardValidation';
import { PAYLOAD_LIMITS, PayloadIssues } from './payloadReader';
import type { RunData, RunStatusLabel } from './runData';

export type DashboardKind = 'panel' | 'sidebar';

/** A run's status as the history shows it: "unknown" when its run.json says something else. */
export type RunListStatus = RunStatusLabel | 'unknown';

/** One line of the run history. */
export interface RunListEntry {
  runId: string;
  configName: string;
  configPath?: string;
  status: RunListStatus;
  /** An ISO date, or '' when the run folder does not say a readable one. */
  startedAt: string;
  epochsCompleted: number;
  backend?: string;
  final?: { loss?: number; valLoss?: number };
  findingCount: number;
}

export interface SnapshotMessage {
  type: 'snapshot';
  kind: DashboardKind;
  /** The run shown in detail (the live one, or the one the panel was opened on). */
  run?: RunData;
  /** A second run overlaid on the curves (before/after a fix). */
  compare?: RunData;
  history: RunListEntry[];
  /** The run currently training, if any. */
  activeRunId?: string;
}

export interface AppendMessage {
  type: 'append';
  runId: string;
  events: TrainingEvent[];
}

export interface HistoryMessage {
  type: 'history';
  history: RunListEntry[];
  activeRunId?: string;
}

export interface FixAppliedMessage {
  type: 'fix-applied';
  fixId: string;
  ok: boolean;
  message: string;
}

export type HostToWebview = SnapshotMessage | AppendMessage | HistoryMessage | FixAppliedMessage;

export interface ReadyMessage { type: 'ready' }
export interface ApplyFixMessage { type: 'apply-fix'; runId: string; findingIndex: number; fixId: string }
export interface RerunMessage { type: 'rerun'; runId: string }
export interface StopRunMessage { type: 'stop-run'; runId: string }
export interface OpenRunMessage { type: 'open-run'; runId: string }
export interface CompareMessage { type: 'compare'; runId: string; otherRunId?: string }
export interface RevealConfigMessage { type: 'reveal-config'; runId: string; findingIndex?: number }
/** Something went wrong in the webview (bad data skipped, an error caught): for the host's log. */
export interface WebviewLogMessage { type: 'log'; level: 'warning' | 'error'; message: string }

export type WebviewToHost =
  | ReadyMessage | ApplyFixMessage | RerunMessage | StopRunMessage | OpenRunMessage | CompareMessage | RevealConfigMessage
  | WebviewLogMessage;

/** The longest webview log message the host keeps (longer ones are cut). */
export const WEBVIEW_LOG_LENGTH = 2_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= PAYLOAD_LIMITS.idLength;
/** An index into a run's findings: no run has a million of them (PAYLOAD_LIMITS.items). */
const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < PAYLOAD_LIMITS.items;

/** The only way a webview message enters the host: anything malformed is dropped. */
export function parseWebviewMessage(value: unknown): WebviewToHost | undefined {
  if (!isObject(value)) return undefined;
  switch (value.type) {
    case 'ready':
      return { type: 'ready' };
    case 'apply-fix':
      return isId(value.runId) && isIndex(value.findingIndex) && isId(value.fixId)
        ? { type: 'apply-fix', runId: value.runId, findingIndex: value.findingIndex, fixId: value.fixId } : undefined;
    case 'rerun':
    case 'stop-run':
    case 'open-run':
      return isId(value.runId) ? { type: value.type, runId: value.runId } : undefined;
    case 'compare':
      return isId(value.runId) && (value.otherRunId === undefined || isId(value.otherRunId))
        ? { type: 'compare', runId: value.runId, otherRunId: value.otherRunId as string | undefined } : undefined;
    case 'reveal-config':
      return isId(value.runId) && (value.findingIndex === undefined || isIndex(value.findingIndex))
        ? { type: 'reveal-config', runId: value.runId, findingIndex: value.findingIndex as number | undefined } : undefined;
    case 'log':
      return (value.level === 'warning' || value.level === 'error') && typeof value.message === 'string'
        ? { type: 'log', level: value.level, message: cut(value.message, WEBVIEW_LOG_LENGTH) } : undefined;
    default:
      return undefined;
  }
}

const cut = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max)}…`);

/**
 * The webview checks the host's messages too, all the way down: a stale, foreign or corrupt
 * message (a hand-edited run folder) must not break the view. Returns the usable message with
 * its bad items dropped, or undefined; what was dropped, and where, is noted in `issues`.
 */
export function parseHostToWebview(value: unknown, issues = new PayloadIssues()): HostToWebview | undefined {
  return readHostMessage(value, issues);
}
