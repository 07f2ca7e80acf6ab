// A training run from a validated config: data, model, optimizer and the custom loop, emitting
// typed events as it goes and recording them in a run folder. Never throws for problems of the
// run itself (bad data, NaN, cancellation): they end the run with a status and a reason.

import { finalActivation } from '../config/shapeInference';
import type { TrainConfig } from '../config/trainConfig';
import { ConfigProblemError } from '../config/configProblem';
import { augmentBatch, isAugmentationActive } from '../data/augment';
import { augmentedPreview } from '../data/augmentPreview';
import type { LoadedData } from '../data/dataset';
import type { DataLocation } from '../data/dataAccessPolicy';
import { assertModelFits, evaluationBatchSize, memoryBudget, type MemoryCheckOptions } from '../config/memoryEstimate';
import { epochOrder, gatherBatch, loadDataset } from '../data/loadDataset';
import { placeholderRefusal } from '../data/placeholderDataset';
import { normalizedZero } from '../data/preprocess';
import { deriveSeed, SeededRandom } from '../random';
import { evaluateSplit, type Evaluation } from './evaluate';
import { LearningRateSchedule, lowerIsBetter } from './learningRateSchedule';
import type { TargetEncoding } from './lossAndMetrics';
import { buildModel, configParamCount, type BuiltModel } from './modelBuilder';
import { saveModel } from './modelSaver';
import { disposeOptimizer, makeOptimizer, setLearningRate } from './optimizerFactory';
import { faultPoint } from './faultPoints';
import { RunFolder, runsRoot } from './runFolder';
import { RunRecorder, type RunMonitor } from './runRecorder';
import type { TensorflowRuntime } from './tensorflowRuntime';
import type { EpochEndEvent, LayerSummary, RunEndedEvent, RunStatus, TrainingEvent } from './trainingEvents';
import { StepRunner } from './trainingStep';
import { histogramInterval } from './layerHistograms';

export type { RunMonitor } from './runRecorder';

export interface TrainingOptions extends DataLocation {
  runtime: TensorflowRuntime;
  /** Where `.training-doctor/runs` lives; undefined writes no run folder. */
  workspaceDir?: string;
  /** Overrides `workspaceDir`: the exact parent folder for the run folder. */
  runsDir?: string;
  configText?: string;
  configPath?: string;
  epochs?: number;
  signal?: AbortSignal;
  onEvent?: (event: TrainingEvent) => void;
  monitors?: RunMonitor[];
  /** Pre-loaded data (tests, lr-find): skips loading. */
  data?: LoadedData;
  /** Skip writing the final weights (tests). */
  saveWeights?: boolean;
  /** false: no per-layer histograms on statistics steps (the benchmark measures what they cost). */
  layerHistograms?: boolean;
}

export interface PreparedModel {
  data: LoadedData;
  built: BuiltModel;
  encoding: TargetEncoding;
  steps: StepRunner;
}

/**
 * Loads the data and builds the model: what both a run and a probe start with. `memory`: the
 * batch the caller pushes through the model (default: the training batch).
 */
export async function prepareModel(config: TrainConfig, runtime: TensorflowRuntime, location: DataLocation, data?: LoadedData, memory: Omit<MemoryCheckOptions, 'backend'> = {}): Promise<PreparedModel> {
  // Lint checked the config's own backend; only now is the real one known ("auto" may land on
  // wasm, whose 4 GiB a model can overflow): refuse before allocating anything.
  assertModelFits(config, { ...memory, backend: runtime.backend });
  const loaded = data ?? await loadDataset(config.data, config.seed, location.baseDir, location.dataAccess, memoryBudget(config).dataBytes);
  const { tf } = runtime;
  const built = buildModel(tf, config.model.layers, config.model.input, config.seed);
  const encoding: TargetEncoding = {
    task: loaded.task, numClasses: loaded.numClasses, loss: config.training.loss,
    outputActivation: finalActivation(config.model.layers),
  };
  const steps = new StepRunner(tf, built, config.model.input, encoding, config.training.metrics);
  return { data: loaded, built, encoding, steps };
}

export function layerSummaries(built: BuiltModel): LayerSummary[] {
  return built.tracked.map((t) => ({
    index: t.index, name: t.name, type: t.type, activation: t.activation, outputShape: t.outputShape,
    params: t.tfLayers.reduce((sum, l) => sum + configParamCount(l), 0),
  }));
}

/** Turns a thrown error into words a user can act on. */
export function describeError(error: unknown): string {
  if (error instanceof ConfigProblemError) return error.problems.map((p) => p.message).join(' ');
  const message = error instanceof Error ? error.message : String(error);
  if (/out of memory|Cannot allocate|OOM/i.test(message)) return `Out of memory: ${message}. Use a smaller batch size or model.`;
  return message;
}

/** The run folder a run records itself in, if the options ask for one (throws a DiskWriteError when it cannot be made). */
export function createRunFolder(config: TrainConfig, options: Pick<TrainingOptions, 'runsDir' | 'workspaceDir' | 'configText' | 'configPath'>): RunFolder | undefined {
  const root = options.runsDir ?? (options.workspaceDir ? runsRoot(options.workspaceDir) : undefined);
  return root ? RunFolder.create(root, config.name, options.configText ?? JSON.stringify(config, null, 2), options.configPath) : undefined;
}

/** A run's final values: those of its last completed epoch. */
export function finalValues(lastEpoch: EpochEndEvent | undefined): RunEndedEvent['final'] {
  return {
    loss: lastEpoch?.loss, valLoss: lastEpoch?.valLoss,
    metrics: lastEpoch?.metrics ?? {}, valMetrics: lastEpoch?.valMetrics ?? {},
  };
}

export async function runTraining(config: TrainConfig, options: TrainingOptions): Promise<RunEndedEvent> {
  return new TrainingSession(config, options).run();
}

class TrainingSession {
  private folder?: RunFolder;
  private recorder!: RunRecorder;
  private stepCount = 0;
  private epochsCompleted = 0;
  private lastEpoch?: EpochEndEvent;

  constructor(private readonly config: TrainConfig, private readonly options: TrainingOptions) {}

  private emit(event: TrainingEvent): void {
    this.recorder.emit(event);
  }

  private get stopRequest(): { status: RunStatus; reason: string } | undefined {
    return this.recorder.stopRequest;
  }

  private get started(): number {
    return this.recorder.started;
  }

  async run(): Promise<RunEndedEvent> {
    const { config, options } = this;
    // Throws a DiskWriteError (for the caller to report) when there is nowhere to record the run.
    this.folder = createRunFolder(config, options);
    this.recorder = new RunRecorder(this.folder, options.onEvent, options.monitors);
    let status: RunStatus = 'completed';
    let reason: string | undefined;
    let prepared: PreparedModel | undefined;
    let bestEpoch: number | undefined;
    try {
      await faultPoint('before-run-started');
      const refusal = placeholderRefusal(config.data, 'train');
      if (refusal) throw new ConfigProblemError([refusal]);
      prepared = await prepareModel(config, options.runtime, options, options.data);
      if (options.layerHistograms === false) prepared.steps.histograms = false;
      ({ status, reason, bestEpoch } = await this.loop(prepared));
      if (this.folder && options.saveWeights !== false && status !== 'failed') {
        await saveModel(options.runtime.tf, prepared.built.predictor, this.folder.modelDir());
      }
    } catch (error) {
      status = 'failed';
      reason = describeError(error);
      this.emit({ type: 'log', level: 'error', message: reason });
    } finally {
      prepared?.built.model.dispose();
    }
    // A write that failed last (saving the model, the last events) still fails the run (finish sees to it).
    return this.recorder.finish({
      status, reason, epochsCompleted: this.epochsCompleted, steps: this.stepCount, bestEpoch, final: finalValues(this.lastEpoch),
    });
  }

  private async loop(prepared: PreparedModel): Promise<{ status: RunStatus; reason?: string; bestEpoch?: number }> {
    const { config, options } = this;
    const { tf } = options.runtime;
    const { data, built, steps } = prepared;
    const training = config.training;
    const epochs = options.epochs ?? training.epochs;
    const batchSize = Math.min(training.batchSize, data.train.count);
    const stepsPerEpoch = Math.ceil(data.train.count / batchSize);
    // Every layer's output is kept: big models evaluate in smaller batches (as the memory estimate
    // assumes; never below the training batch).
    const evaluationBatch = evaluationBatchSize(config);
    const every = config.diagnostics.every;
    steps.histogramInterval = histogramInterval(Math.ceil((epochs * stepsPerEpoch) / every));
    const optimizer = makeOptimizer(tf, training.optimizer);
    const schedule = new LearningRateSchedule(training.lrSchedule, training.optimizer.learningRate);
    const order = new SeededRandom(deriveSeed(config.seed, 'batch-order'));
    const augmentRandom = new SeededRandom(deriveSeed(config.seed, 'augment'));
    const augmenting = isAugmentationActive(config.data.augment, data.image);
    const background = augmenting ? normalizedZero(data.preprocessing, data.featureSize, data.preprocessing.per, data.image) : undefined;
    const stopper = training.earlyStopping ? new EarlyStopper(training.earlyStopping, data.validation.count > 0) : undefined;
    const best = stopper?.restoreBestWeights ? new WeightKeeper(tf, built) : undefined;

    this.folder?.update({ backend: options.runtime.backend, backendDetail: options.runtime.detail });
    const preview = augmenting ? augmentedPreview(data, config.data.augment, config.seed) : undefined;
    this.emit({
      type: 'run-started', runId: this.folder?.id ?? 'in-memory', runDir: this.folder?.dir, configName: config.name,
      configPath: options.configPath, backend: options.runtime.backend, backendDetail: options.runtime.detail,
      dataset: data.source, trainExamples: data.train.count, validationExamples: data.validation.count,
      epochs, stepsPerEpoch, batchSize, statsEvery: every, layers: layerSummaries(built), inputStats: data.rawInputStats, startedAt: new Date(this.started).toISOString(),
      ...(preview ? { augmentedPreview: preview } : {}),
    });
    if (stopper?.fellBack) this.emit({ type: 'log', level: 'warning', message: `earlyStopping monitors "${training.earlyStopping!.monitor}" but there is no validation split; monitoring the training value instead.` });

    try {
      for (let epoch = 0; epoch < epochs; epoch++) {
        const epochStart = Date.now();
        const indices = epochOrder(data.train.count, order);
        let lossSum = 0;
        let seen = 0;
        const metricSums: Record<string, number> = {};
        let learningRate = 0;
        for (let b = 0; b < stepsPerEpoch; b++) {
          if (options.signal?.aborted) return { status: 'cancelled', reason: 'Cancelled by the user.' };
          if (this.stopRequest) return this.stopRequest;
          const start = b * batchSize;
          const end = Math.min(data.train.count, start + batchSize);
          const batch = gatherBatch(data.train, data.featureSize, indices, start, end);
          const count = end - start;
          const x = augmenting ? augmentBatch(batch.x, count, data.featureSize, config.data.augment, data.image, augmentRandom, background) : batch.x;
          learningRate = schedule.rateAt({ step: this.stepCount, stepsPerEpoch, totalEpochs: epochs });
          setLearningRate(optimizer, learningRate);
          const measure = this.stepCount % every === 0;
          const pending = await steps.forwardBackward({ x, y: batch.y, count }, measure);
          if (!pending.finite) {
            pending.release();
            // The step is reported (its loss is the evidence) but never applied.
            this.emit({ type: 'step', step: this.stepCount, epoch, loss: pending.loss, gradNorm: pending.gradNorm, learningRate, metrics: {} });
            const what = Number.isFinite(pending.loss) ? 'The gradients' : 'The loss';
            return {
              status: 'failed',
              // A failed run saves no weights (see run()), so the reason must not promise any.
              reason: `${what} became ${Number.isNaN(pending.loss) || Number.isNaN(pending.gradNorm) ? 'NaN' : 'infinite'} at step ${this.stepCount} (epoch ${epoch + 1}); ` +
                'training stopped before applying that update. Lower the learning rate or add gradient clipping.',
            };
          }
          const layers = await steps.apply(pending, optimizer, training.gradientClipping?.norm);
          lossSum += pending.loss * count;
          seen += count;
          const batchMetrics: Record<string, number> = {};
          for (const [k, v] of Object.entries(pending.metricSums)) {
            metricSums[k] = (metricSums[k] ?? 0) + v;
            batchMetrics[k] = v / count;
          }
          this.emit({ type: 'step', step: this.stepCount, epoch, loss: pending.loss, gradNorm: pending.gradNorm, learningRate, metrics: batchMetrics });
          if (layers) this.emit({ type: 'layer-stats', step: this.stepCount, epoch, layers, gradNorm: pending.gradNorm });
          this.stepCount++;
          // Let cancellation requests and IPC messages in between steps.
          await new Promise((resolve) => setImmediate(resolve));
        }
        const validation = await evaluateSplit(tf, built, data.validation, data.featureSize, config.model.input,
          prepared.encoding, training.metrics, evaluationBatch);
        const epochEvent = this.epochEvent(epoch, lossSum / Math.max(1, seen), metricSums, seen, validation, learningRate, Date.now() - epochStart);
        this.lastEpoch = epochEvent;
        this.epochsCompleted = epoch + 1;
        this.emit(epochEvent);
        this.folder?.update({ epochsCompleted: this.epochsCompleted, steps: this.stepCount });
        const logs = epochLogs(epochEvent);
        if (schedule.endEpoch(logs)) {
          this.emit({ type: 'log', level: 'info', message: `reduceOnPlateau: learning rate lowered after epoch ${epoch + 1}.` });
        }
        if (stopper) {
          const verdict = stopper.update(logs, epoch);
          if (verdict.improved) best?.remember();
          if (verdict.stop) {
            best?.restore();
            return {
              status: 'stopped-early', bestEpoch: stopper.bestEpoch,
              reason: `earlyStopping: ${stopper.monitor} did not improve for ${stopper.patience} epoch(s); best was epoch ${stopper.bestEpoch + 1}${best ? ' (its weights restored)' : ''}.`,
            };
          }
        }
        if (this.stopRequest) return this.stopRequest;
      }
      if (best && stopper) best.restore();
      return { status: 'completed', bestEpoch: stopper?.bestEpoch };
    } finally {
      best?.dispose();
      disposeOptimizer(optimizer);
    }
  }

  private epochEvent(epoch: number, loss: number, sums: Record<string, number>, seen: number, validation: Evaluation | undefined, learningRate: number, durationMs: number): EpochEndEvent {
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(sums)) metrics[k] = v / Math.max(1, seen);
    return {
      type: 'epoch-end', epoch, step: this.stepCount, loss, metrics,
      valLoss: validation?.loss, valMetrics: validation?.metrics ?? {}, learningRate, durationMs,
    };
  }
}

function epochLogs(event: EpochEndEvent): Record<string, number | undefined> {
  const logs: Record<string, number | undefined> = { loss: event.loss, val_loss: event.valLoss };
  for (const [k, v] of Object.entries(event.metrics)) logs[k] = v;
  for (const [k, v] of Object.entries(event.valMetrics)) logs[`val_${k}`] = v;
  return logs;
}

/** Keras' EarlyStopping: stop after `patience` epochs without an improvement larger than minDelta. */
export class EarlyStopper {
  readonly monitor: string;
  readonly patience: number;
  readonly restoreBestWeights: boolean;
  readonly fellBack: boolean;
  bestEpoch = 0;
  private best = Infinity;
  private wait = 0;
  private readonly minDelta: number;
  private readonly lowerBetter: boolean;

  constructor(config: NonNullable<TrainConfig['training']['earlyStopping']>, hasValidation: boolean) {
    this.fellBack = !hasValidation && config.monitor.startsWith('val_');
    this.monitor = this.fellBack ? config.monitor.slice(4) : config.monitor;
    this.patience = config.patience;
    this.minDelta = Math.abs(config.minDelta);
    this.restoreBestWeights = config.restoreBestWeights;
    this.lowerBetter = lowerIsBetter(config.monitor);
  }

  update(logs: Record<string, number | undefined>, epoch: number): { improved: boolean; stop: boolean } {
    const value = logs[this.monitor];
    if (value === undefined || !Number.isFinite(value)) return { improved: false, stop: false };
    const score = this.lowerBetter ? value : -value;
    if (score < this.best - this.minDelta) {
      this.best = score;
      this.bestEpoch = epoch;
      this.wait = 0;
      return { improved: true, stop: false };
    }
    this.wait++;
    return { improved: false, stop: this.wait >= this.patience };
  }
}

/** Copies of all weights at the best epoch, for earlyStopping.restoreBestWeights. */
class WeightKeeper {
  private saved?: ReturnType<TensorflowRuntime['tf']['tensor']>[];

  constructor(private readonly tf: TensorflowRuntime['tf'], private readonly built: BuiltModel) {}

  remember(): void {
    this.dispose();
    this.saved = this.built.model.weights.map((w) => this.tf.clone(w.read()));
  }

  restore(): void {
    if (!this.saved) return;
    this.built.model.weights.forEach((w, i) => w.write(this.saved![i]));
  }

  dispose(): void {
    if (this.saved) this.tf.dispose(this.saved);
    this.saved = undefined;
  }
}
