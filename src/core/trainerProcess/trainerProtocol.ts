// The messages between a host (the VS Code extension, or a test) and the trainer child process.
// Discriminated unions keyed by `type`; every message is checked on arrival by the parse
// functions below, so a malformed one is reported, never trusted.
//
// Host → trainer:  start (once), stop.
// Trainer → host:  ready (once, first), event (training events), probe-result, lr-find-result,
//                  problems (the config is invalid), failed (an unexpected error), finished (last).

import type { ConfigProblem } from '../config/configProblem';
import type { Finding } from '../diagnosis/finding';
import type { RangeTestResult } from '../engine/learningRateFinder';
import type { ProbeReport } from '../engine/probe';
import { isBackendChoice, type BackendChoice } from '../engine/backendChoice';
import type { TrainingEvent } from '../engine/trainingEvents';
import type { PythonCandidate } from '../python/findPython';

export type TrainerJob = 'train' | 'probe' | 'lr-find';

export interface StartMessage {
  type: 'start';
  job: TrainerJob;
  configPath: string;
  /** The editor's text, which may be unsaved; read from configPath when absent. */
  configText?: string;
  /** Where `.training-doctor/runs` is written (the workspace folder). */
  workspaceDir: string;
  /** Read data files wherever the config says (a trusted workspace); else only inside workspaceDir and the config's project. */
  allowDataOutside?: boolean;
  epochs?: number;
  backend?: BackendChoice;
  /** For the pytorch backend: the Python the user named (the setting), or the editor's interpreter to try first. */
  python?: { named?: PythonCandidate; preferred?: PythonCandidate[] };
}

export interface StopMessage {
  type: 'stop';
}

export type HostMessage = StartMessage | StopMessage;

export interface ReadyMessage {
  type: 'ready';
  pid: number;
  nodeVersion: string;
}

export interface EventMessage {
  type: 'event';
  event: TrainingEvent;
}

export interface ProbeResultMessage {
  type: 'probe-result';
  report: ProbeReport;
}

export interface LrFindResultMessage {
  type: 'lr-find-result';
  result: RangeTestResult;
}

export interface ProblemsMessage {
  type: 'problems';
  problems: ConfigProblem[];
}

export interface FailedMessage {
  type: 'failed';
  message: string;
}

export interface FinishedMessage {
  type: 'finished';
  findings: Finding[];
}

export type TrainerMessage =
  | ReadyMessage | EventMessage | ProbeResultMessage | LrFindResultMessage | ProblemsMessage | FailedMessage | FinishedMessage;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const isOptional = <T>(value: unknown, check: (v: unknown) => v is T) => value === undefined || check(value);
const isPositiveInteger = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value > 0;
const JOBS = ['train', 'probe', 'lr-find'];
const EVENT_TYPES = ['run-started', 'step', 'layer-stats', 'epoch-end', 'finding', 'log', 'run-ended'];

export function parseHostMessage(value: unknown): HostMessage | undefined {
  if (!isObject(value)) return undefined;
  if (value.type === 'stop') return { type: 'stop' };
  if (value.type !== 'start') return undefined;
  if (!isString(value.job) || !JOBS.includes(value.job)) return undefined;
  if (!isString(value.configPath) || !isString(value.workspaceDir)) return undefined;
  if (!isOptional(value.configText, isString) || !isOptional(value.epochs, isPositiveInteger)) return undefined;
  if (value.allowDataOutside !== undefined && typeof value.allowDataOutside !== 'boolean') return undefined;
  if (value.backend !== undefined && !isBackendChoice(value.backend)) return undefined;
  const python = value.python === undefined ? undefined : parsePythonChoice(value.python);
  if (value.python !== undefined && !python) return undefined;
  return {
    type: 'start', job: value.job as TrainerJob, configPath: value.configPath, configText: value.configText as string | undefined,
    workspaceDir: value.workspaceDir, epochs: value.epochs as number | undefined, backend: value.backend as BackendChoice | undefined,
    ...(value.allowDataOutside === undefined ? {} : { allowDataOutside: value.allowDataOutside as boolean }),
    ...(python ? { python } : {}),
  };
}

const isCandidate = (value: unknown): value is PythonCandidate => isObject(value) && isString(value.command) && value.command.length > 0 && isString(value.source);

function parsePythonChoice(value: unknown): StartMessage['python'] | undefined {
  if (!isObject(value)) return undefined;
  if (value.named !== undefined && !isCandidate(value.named)) return undefined;
  if (value.preferred !== undefined && !(Array.isArray(value.preferred) && value.preferred.every(isCandidate))) return undefined;
  const pick = (c: PythonCandidate): PythonCandidate => ({ command: c.command, source: c.source });
  return {
    ...(value.named ? { named: pick(value.named as PythonCandidate) } : {}),
    ...(value.preferred ? { preferred: (value.preferred as PythonCandidate[]).map(pick) } : {}),
  };
}

/** Checks the envelope and the discriminants; payloads come from our own engine in the same build. */
export function parseTrainerMessage(value: unknown): TrainerMessage | undefined {
  if (!isObject(value) || !isString(value.type)) return undefined;
  switch (value.type) {
    case 'ready':
      return typeof value.pid === 'number' && isString(value.nodeVersion) ? (value as unknown as ReadyMessage) : undefined;
    case 'event':
      return isObject(value.event) && isString(value.event.type) && EVENT_TYPES.includes(value.event.type) ? (value as unknown as EventMessage) : undefined;
    case 'probe-result':
      return isObject(value.report) && Array.isArray(value.report.layers) ? (value as unknown as ProbeResultMessage) : undefined;
    case 'lr-find-result':
      return isObject(value.result) && Array.isArray(value.result.points) ? (value as unknown as LrFindResultMessage) : undefined;
    case 'problems':
      return Array.isArray(value.problems) ? (value as unknown as ProblemsMessage) : undefined;
    case 'failed':
      return isString(value.message) ? (value as unknown as FailedMessage) : undefined;
    case 'finished':
      return Array.isArray(value.findings) ? (value as unknown as FinishedMessage) : undefined;
    default:
      return undefined;
  }
}
