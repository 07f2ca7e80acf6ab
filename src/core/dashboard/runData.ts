// Everything a dashboard shows about one run, built by folding its training events in order.
// Shared by the extension host (which owns the data and sends it) and the webview (which keeps a
// copy up to date from the deltas), so both sides agree on what an event means.

import { isOpen, upsertFinding, type Finding } from '../diagnosis/finding';
import type { RunListEntry } from './dashboardProtocol';
import type {
  EpochEndEvent, LayerStatsEvent, LogEvent, RunEndedEvent, RunStartedEvent, TrainingEvent,
} from '../engine/trainingEvents';

/** Per-step scalars as parallel arrays: compact to send, direct to chart. NaN/Infinity arrive as null. */
export interface StepSeries {
  step: number[];
  epoch: number[];
  loss: (number | null)[];
  learningRate: (number | null)[];
  gradNorm: (number | null)[];
}

export interface RunData {
  runId: string;
  started?: RunStartedEvent;
  steps: StepSeries;
  epochs: EpochEndEvent[];
  layerStats: LayerStatsEvent[];
  findings: Finding[];
  logs: LogEvent[];
  ended?: RunEndedEvent;
  /** Read back from a run folder whose process died without a run-ended event: why it stopped. */
  interrupted?: string;
}

export function emptyRunData(runId: string): RunData {
  return {
    runId,
    steps: { step: [], epoch: [], loss: [], learningRate: [], gradNorm: [] },
    epochs: [],
    layerStats: [],
    findings: [],
    logs: [],
  };
}

const finiteOrNull = (value: number | null | undefined): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

/** Folds one event into the run's data (in place: the data is owned by whoever folds). */
export function applyEvent(data: RunData, event: TrainingEvent): void {
  switch (event.type) {
    case 'run-started':
      data.started = event;
      break;
    case 'step':
      data.steps.step.push(event.step);
      data.steps.epoch.push(event.epoch);
      data.steps.loss.push(finiteOrNull(event.loss));
      data.steps.learningRate.push(event.learningRate);
      data.steps.gradNorm.push(finiteOrNull(event.gradNorm));
      break;
    case 'layer-stats':
      // Histograms are kept for the latest sample that has them only: a long run's dashboard stays small.
      if (hasHistograms(event)) {
        // Runs take histograms on evenly spaced samples, so the previous holder is near the end.
        for (let i = data.layerStats.length - 1; i >= 0; i--) {
          if (!hasHistograms(data.layerStats[i])) continue;
          data.layerStats[i] = withoutHistograms(data.layerStats[i]);
          break;
        }
      }
      data.layerStats.push(event);
      break;
    case 'epoch-end':
      data.epochs.push(event);
      break;
    case 'finding':
      // A grown or withdrawn finding replaces its earlier version (same id).
      upsertFinding(data.findings, event.finding);
      break;
    case 'log':
      data.logs.push(event);
      break;
    case 'run-ended':
      data.ended = event;
      // The run's last word on its findings (the same ones, in case some were missed in transit).
      if (event.findings.length >= data.findings.length) data.findings = [...event.findings];
      break;
  }
}

function hasHistograms(sample: LayerStatsEvent): boolean {
  return sample.layers.some((l) => l.histograms !== undefined);
}

function withoutHistograms(sample: LayerStatsEvent): LayerStatsEvent {
  return { ...sample, layers: sample.layers.map(({ histograms: _dropped, ...layer }) => layer) };
}

export function runDataFromEvents(runId: string, events: TrainingEvent[]): RunData {
  const data = emptyRunData(runId);
  for (const event of events) applyEvent(data, event);
  return data;
}

/** `interrupted`: the run's process died (killed, crashed) before it could say how the run ended. */
export type RunStatusLabel = RunEndedEvent['status'] | 'running' | 'interrupted';

export function runStatus(data: RunData): RunStatusLabel {
  return data.ended?.status ?? (data.interrupted ? 'interrupted' : 'running');
}

/** A run's line in the run history, from its data (`startedAt` stands in for a run not started yet). */
export function runListEntry(data: RunData, startedAt: string): RunListEntry {
  const last = data.epochs[data.epochs.length - 1];
  return {
    runId: data.runId,
    configName: data.started?.configName ?? data.runId,
    configPath: data.started?.configPath,
    status: runStatus(data),
    startedAt: data.started?.startedAt ?? startedAt,
    epochsCompleted: data.epochs.length,
    backend: data.started?.backend,
    final: last ? { loss: last.loss, valLoss: last.valLoss } : undefined,
    findingCount: data.findings.filter(isOpen).length,
  };
}
