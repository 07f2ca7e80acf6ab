// The typed events a training run emits, in order: run-started, then step / layer-stats /
// epoch-end / finding / log, then exactly one run-ended. The CLI prints them, the run folder
// stores them (metrics.jsonl) and the extension streams them to its dashboards.

import type { InputStatistics } from '../data/dataset';
import type { Finding } from '../diagnosis/finding';
import type { BackendName } from './tensorflowRuntime';

/** What ran the steps: a TensorFlow.js backend, or PyTorch (the exported script). */
export type RunBackendName = BackendName | 'pytorch';
import type { LayerStats } from './layerStatistics';

export interface LayerSummary {
  index: number;
  name: string;
  type: string;
  activation: string;
  outputShape: number[];
  params: number;
}

/** At most this many augmented training images, of at most PREVIEW_SIDE pixels a side, in a run-started event. */
export const PREVIEW_IMAGES = 8;
export const PREVIEW_SIDE = 48;

/** A few training images as augmentation shows them to the model (see augmentPreview). */
export interface AugmentedPreview {
  width: number;
  height: number;
  channels: 1 | 3;
  /** `pixels`: width×height×channels bytes (0–255, row-major, channels-last), base64. */
  images: { label: string; pixels: string }[];
}

export interface RunStartedEvent {
  type: 'run-started';
  runId: string;
  runDir?: string;
  configName: string;
  configPath?: string;
  backend: RunBackendName;
  backendDetail: string;
  dataset: string;
  trainExamples: number;
  validationExamples: number;
  epochs: number;
  stepsPerEpoch: number;
  batchSize: number;
  statsEvery: number;
  layers: LayerSummary[];
  /** Statistics of the raw (un-preprocessed) training inputs. */
  inputStats: InputStatistics;
  startedAt: string;
  /** Image data with augmentation: a few training images as augmentation shows them to the model. */
  augmentedPreview?: AugmentedPreview;
}

export interface StepEvent {
  type: 'step';
  step: number;
  epoch: number;
  loss: number;
  /** Global L2 norm of the gradients, before clipping (NaN or Infinity when they blew up). */
  gradNorm: number;
  learningRate: number;
  /** Batch metrics (accuracy, mae, ...). */
  metrics: Record<string, number>;
}

export interface LayerStatsEvent {
  type: 'layer-stats';
  step: number;
  epoch: number;
  layers: LayerStats[];
  /** Global gradient norm before clipping. */
  gradNorm: number;
}

export interface EpochEndEvent {
  type: 'epoch-end';
  epoch: number;
  step: number;
  loss: number;
  metrics: Record<string, number>;
  valLoss?: number;
  valMetrics: Record<string, number>;
  learningRate: number;
  durationMs: number;
}

export interface FindingEvent {
  type: 'finding';
  finding: Finding;
}

export interface LogEvent {
  type: 'log';
  level: 'info' | 'warning' | 'error';
  message: string;
}

export type RunStatus = 'completed' | 'stopped-early' | 'cancelled' | 'failed';

export interface RunEndedEvent {
  type: 'run-ended';
  status: RunStatus;
  /** Why a run failed or stopped early, in words. */
  reason?: string;
  epochsCompleted: number;
  steps: number;
  durationMs: number;
  bestEpoch?: number;
  final: { loss?: number; valLoss?: number; metrics: Record<string, number>; valMetrics: Record<string, number> };
  findings: Finding[];
}

export type TrainingEvent =
  | RunStartedEvent | StepEvent | LayerStatsEvent | EpochEndEvent | FindingEvent | LogEvent | RunEndedEvent;
