// Messages between the extension host and the dashboard webview (the editor panel and the
// side-bar view run the same app). The host owns the data: when a view becomes visible it sends
// a snapshot, and while it stays visible, deltas (batches of training events). Discriminated
// unions keyed by `type`; what the webview sends is validated on arrival by parseWebviewMessage.

import type { TrainingEvent } from '../engine/trainingEvents';
import type { RunData, RunStatusLabel } from './runData';

export type DashboardKind = 'panel' | 'sidebar';

/** One line of the run history. */
export interface RunListEntry {
  runId: string;
  configName: string;
  configPath?: string;
  status: RunStatusLabel;
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

export type WebviewToHost =
  | ReadyMessage | ApplyFixMessage | RerunMessage | StopRunMessage | OpenRunMessage | CompareMessage | RevealConfigMessage;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length < 300;
const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

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
    default:
      return undefined;
  }
}

/** The webview checks the host's messages too: a stale or foreign message must not break the view. */
export function parseHostToWebview(value: unknown): HostToWebview | undefined {
  if (!isObject(value) || typeof value.type !== 'string') return undefined;
  switch (value.type) {
    case 'snapshot':
      return (value.kind === 'panel' || value.kind === 'sidebar') && Array.isArray(value.history) ? (value as unknown as SnapshotMessage) : undefined;
    case 'append':
      return isId(value.runId) && Array.isArray(value.events) ? (value as unknown as AppendMessage) : undefined;
    case 'history':
      return Array.isArray(value.history) ? (value as unknown as HistoryMessage) : undefined;
    case 'fix-applied':
      return isId(value.fixId) && typeof value.ok === 'boolean' && typeof value.message === 'string' ? (value as unknown as FixAppliedMessage) : undefined;
    default:
      return undefined;
  }
}
