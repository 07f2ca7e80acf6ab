// What a config will allocate, estimated from the config alone before anything is allocated: the
// model (parameters with their gradients and optimizer slots, and the activations of a batch with
// their gradients) and the data set (every example is held in memory, twice while it is split).
// A config beyond the budget is refused with a located problem, in the editor as in the CLI,
// instead of running the machine (or WebAssembly's 4 GiB address space) out of memory.
// The figures are estimates of float32 tensors, calibrated against tf.profile's peak bytes
// (within 0.87–1.15 on the examples), meant to catch the impossible (millions of units, a
// billion samples), not to account for every byte.

import { ConfigProblemError, problem, type ConfigProblem, type JsonPath } from './configProblem';
import { inferShapes, layerPath, type LayerShape, type ShapeReport } from './shapeInference';
import type { DatasetConfig, LayerConfig, TrainConfig } from './trainConfig';

export const GIB = 1024 ** 3;
/** Model memory: comfortable on a 24 GiB machine, beside the editor and the data. */
export const DEFAULT_MODEL_BUDGET_GIB = 8;
/** WebAssembly addresses 4 GiB at most, which its allocator fragments and the runtime shares. */
export const WASM_MODEL_BUDGET_GIB = 3;
/** Data sets are generated or loaded whole, in every process that looks at them. */
export const DEFAULT_DATA_BUDGET_GIB = 1;
/** Evaluation runs forward passes in batches of at least this many examples (see engine/evaluate)... */
export const EVALUATION_BATCH = 256;
/** ...unless a batch's layer outputs would pass this: every layer's output is kept (ResNet50 at 224×224 keeps 142 MB an example). */
const EVALUATION_OUTPUT_BYTES = 512 * 1024 ** 2;
/** The mnist package ships this many digits. */
const MNIST_EXAMPLES = 10_000;
const FLOAT = 4;
const DOUBLE = 8;

export interface LayerMemory {
  path: JsonPath;
  type: LayerConfig['type'];
  params: number;
  /** Bytes of this layer at the batch size: parameter copies and activations with gradients. */
  bytes: number;
}

export interface MemoryEstimate {
  batchSize: number;
  /** Parameters, their gradients, the optimizer's slots and the update's temporaries. */
  parameterBytes: number;
  /** Activations of one batch and their gradients (or a forward-only evaluation batch, if larger). */
  activationBytes: number;
  modelBytes: number;
  /** The share of the activations that is the input batch itself. */
  inputBytes: number;
  /** The examples as the data loader holds them; 0 when only the file tells (CSV). */
  dataBytes: number;
  layers: LayerMemory[];
}

export interface MemoryBudget {
  modelBytes: number;
  dataBytes: number;
}

/**
 * Copies of every parameter alive at the peak of a training step, as tf.profile measured them on
 * the wasm and cpu backends (peak bytes / parameter bytes of 6-layer MLPs, the same at every
 * width): weights, gradients, the optimizer's slots and the temporaries of its update (Adam's
 * run in one tidy over every variable: 19 copies), plus the best weights early stopping keeps.
 */
export function parameterCopies(config: TrainConfig): number {
  const optimizer = config.training.optimizer;
  const measured = optimizer.type === 'adam' ? 19
    : optimizer.type === 'rmsprop' ? 8
      : optimizer.type === 'adagrad' ? 7
        : optimizer.momentum > 0 ? 7 : 6;
  const bestWeights = config.training.earlyStopping?.restoreBestWeights ? 1 : 0;
  return measured + bestWeights;
}

/** A probe goes forward and backward without an update: weights, gradients and the statistics' temporaries (measured: 4 to 5). */
const PROBE_PARAMETER_COPIES = 5;

const elements = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Tensors of one example a layer keeps for the backward pass, in output sizes: a weighted layer's
 * product, bias sum and activation; batch normalization's centred, scaled and shifted values and
 * its output; dropout's mask and output; a reshape (flatten) shares its input's memory.
 */
function keptPerExample(layer: LayerConfig, shape: LayerShape): number {
  const out = elements(shape.outputShape);
  switch (layer.type) {
    case 'dense':
    case 'conv1d':
    case 'conv2d':
    case 'depthwiseConv2d': return (layer.activation === 'linear' ? 2 : 3) * out;
    // A depthwise stage, then a pointwise one: the intermediate (input-sized times the multiplier) is kept too.
    case 'separableConv2d': return (layer.activation === 'linear' ? 2 : 3) * out + elements(shape.inputShape) * layer.depthMultiplier;
    case 'batchNormalization':
    case 'layerNormalization': return 4 * out;
    case 'dropout': return 2 * out;
    case 'flatten':
    case 'reshape': return 0;
    default: return out;
  }
}

interface Walk {
  /** Elements per example kept by the forward pass. */
  kept: number;
  /** The largest scratch of one backward step (a conv gradient transposes its input and output gradient). */
  scratch: number;
  layers: { path: JsonPath; type: LayerConfig['type']; params: number; kept: number }[];
}

/** What every layer of the model keeps, from its shapes (inferred when not given). */
function walkModel(config: TrainConfig, shapes?: ShapeReport): Walk {
  const report = shapes ?? inferShapes(config.model.layers, config.model.input);
  const walked: Walk = { kept: 0, scratch: 0, layers: [] };
  walk(config.model.layers, report.layers, walked);
  return walked;
}

function walk(layers: LayerConfig[], shapes: LayerShape[], into: Walk): void {
  shapes.forEach((shape, i) => {
    const layer = layers[i];
    const path = layerPath(shape.index);
    if (layer.type === 'residual' && shape.branch) {
      const before = into.kept;
      walk(layer.layers, shape.branch, into);
      // Layers on the skip path (an imported ResNet's 1×1 projection with BatchNorm) keep theirs too.
      if (layer.shortcut && shape.shortcut) walk(layer.shortcut, shape.shortcut, into);
      // The sum, and the projection of the skip path when there is one.
      const out = elements(shape.outputShape);
      into.kept += shape.projection ? 2 * out : out;
      into.layers.push({ path, type: layer.type, params: shape.projection?.params ?? 0, kept: into.kept - before });
      return;
    }
    const kept = keptPerExample(layer, shape);
    into.kept += kept;
    if (layer.type === 'conv2d') into.scratch = Math.max(into.scratch, 2 * elements(shape.inputShape) + elements(shape.outputShape));
    into.layers.push({ path, type: layer.type, params: shape.params, kept });
  });
}

/**
 * The model's memory at `batchSize` (default: the training batch) and the data's. `update`: a
 * training step (the default) or a probe's forward and backward pass, which updates nothing.
 */
export function estimateMemory(config: TrainConfig, shapes?: ShapeReport, batchSize = config.training.batchSize, update = true): MemoryEstimate {
  const walked = walkModel(config, shapes);
  const copies = update ? parameterCopies(config) : PROBE_PARAMETER_COPIES;
  const params = walked.layers.reduce((sum, l) => sum + l.params, 0);
  const input = elements(config.model.input);
  // Training keeps the forward tensors and makes a gradient of each; evaluation only goes forward, in bigger batches.
  const training = batchSize * FLOAT * (input + 2 * walked.kept + walked.scratch);
  // A probe evaluates nothing: only its own batch goes forward and back.
  const evaluation = update ? evaluationBatchFor(input + walked.kept, config.training.batchSize) * FLOAT * (input + walked.kept) : 0;
  const activationBytes = Math.max(training, evaluation);
  const parameterBytes = params * copies * FLOAT;
  const perElement = activationBytes / (input + walked.kept);
  return {
    batchSize,
    parameterBytes,
    activationBytes,
    modelBytes: parameterBytes + activationBytes,
    inputBytes: input * perElement,
    dataBytes: datasetBytes(config.data.dataset),
    layers: walked.layers.map((l) => ({ path: l.path, type: l.type, params: l.params, bytes: l.params * FLOAT * copies + l.kept * perElement })),
  };
}

/**
 * The evaluation batch: 256 examples, or the training batch when larger, fewer when the layer
 * outputs of 256 would pass EVALUATION_OUTPUT_BYTES (never fewer than the training batch, whose
 * step holds more than a forward pass anyway).
 */
function evaluationBatchFor(elementsPerExample: number, trainingBatch: number): number {
  const fitting = Math.floor(EVALUATION_OUTPUT_BYTES / (FLOAT * Math.max(1, elementsPerExample)));
  return Math.max(trainingBatch, Math.min(EVALUATION_BATCH, fitting));
}

/** The batch the engine evaluates a split in, for this config's model (what estimateMemory assumes). */
export function evaluationBatchSize(config: TrainConfig, shapes?: ShapeReport): number {
  const walked = walkModel(config, shapes);
  return evaluationBatchFor(elements(config.model.input) + walked.kept, config.training.batchSize);
}

/** Bytes the loader holds for a data set: the examples, a second copy while they are split, and the generator's scratch. */
export function datasetBytes(dataset: DatasetConfig): number {
  const examples = (count: number, features: number) => 2 * count * (features + 1) * FLOAT;
  switch (dataset.kind) {
    case 'mnist': return examples(MNIST_EXAMPLES, 784);
    // Known once the file or folder is read: the loaders check it against the budget then.
    case 'csv':
    case 'images': return 0;
    case 'placeholder': return examples(dataset.samples, elements(dataset.shape));
    case 'spirals': return examples(dataset.samples, 2);
    case 'blobs': return examples(dataset.samples, dataset.features) + dataset.classes * dataset.features * DOUBLE;
    // Class scores of every example, to balance the classes.
    case 'gaussian': return examples(dataset.samples, dataset.features) + dataset.samples * dataset.classes * DOUBLE + dataset.classes * dataset.features * DOUBLE;
  }
}

/** The budget for a config on a backend (the config's own "backend" when not given): "memoryBudget" wins over the defaults. */
export function memoryBudget(config: TrainConfig, backend: string = config.backend): MemoryBudget {
  const model = config.memoryBudget?.modelGiB ?? (backend === 'wasm' ? WASM_MODEL_BUDGET_GIB : DEFAULT_MODEL_BUDGET_GIB);
  return { modelBytes: model * GIB, dataBytes: (config.memoryBudget?.dataGiB ?? DEFAULT_DATA_BUDGET_GIB) * GIB };
}

export function formatBytes(bytes: number): string {
  if (bytes >= GIB) return `${(bytes / GIB).toFixed(1)} GiB`;
  return `${Math.max(1, Math.round(bytes / 1024 ** 2))} MiB`;
}

export interface MemoryCheckOptions {
  /** The backend that will run the model (default: the config's "backend"). */
  backend?: string;
  /** The batch pushed through the model (default: the training batch size). */
  batchSize?: number;
  /** What the batch is for, in messages ("to train at batch size 32" by default). */
  purpose?: string;
  /** False for a probe, which updates no weights (no optimizer state). */
  update?: boolean;
}

/** Problems for a model or a data set over the budget, located at the layer or data property most to blame. */
export function memoryProblems(config: TrainConfig, shapes?: ShapeReport, options: MemoryCheckOptions = {}): ConfigProblem[] {
  const estimate = estimateMemory(config, shapes, options.batchSize, options.update);
  const backend = options.backend ?? config.backend;
  const budget = memoryBudget(config, backend);
  const problems: ConfigProblem[] = [];
  const raise = `or raise "memoryBudget" if the machine has the memory`;
  if (estimate.modelBytes > budget.modelBytes) {
    const worst = estimate.layers.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    const purpose = options.purpose ?? `to train at batch size ${estimate.batchSize}`;
    const where = backend === 'wasm' ? ' on the WebAssembly backend' : '';
    const needs = `The model needs about ${formatBytes(estimate.modelBytes)} ${purpose} (parameters, gradients and optimizer state ` +
      `${formatBytes(estimate.parameterBytes)}; activations ${formatBytes(estimate.activationBytes)}), over the ${formatBytes(budget.modelBytes)} budget${where}.`;
    if (estimate.inputBytes > worst.bytes) {
      problems.push(problem('memory.model-over-budget', ['model', 'input'],
        `${needs} A batch of inputs alone takes ${formatBytes(estimate.inputBytes)}. Use smaller inputs or a smaller batch size, ${raise}.`));
    } else {
      const index = worst.path.filter((p): p is number => typeof p === 'number').join('.');
      const property = worst.type === 'dense' ? 'units' : worst.type === 'conv2d' ? 'filters' : undefined;
      problems.push(problem('memory.model-over-budget', property ? [...worst.path, property] : worst.path,
        `${needs} Layer ${index} (${worst.type}${worst.params ? `, ${worst.params.toLocaleString('en-US')} parameters` : ''}) takes the most ` +
        `(${formatBytes(worst.bytes)}). Use ${property ? `fewer ${property}, ` : ''}a smaller batch size or fewer layers, ${raise}.`));
    }
  }
  if (estimate.dataBytes > budget.dataBytes) {
    const dataset = config.data.dataset;
    const scores = dataset.kind === 'gaussian' ? dataset.samples * dataset.classes * DOUBLE : 0;
    const blame = scores > estimate.dataBytes / 2 ? 'classes' : 'samples';
    problems.push(problem('memory.data-over-budget', ['data', 'dataset', blame],
      `This data set needs about ${formatBytes(estimate.dataBytes)} in memory, over the ${formatBytes(budget.dataBytes)} budget ` +
      `(every example is held in memory${scores ? ', and the generator scores every example for every class' : ''}). ` +
      `Use fewer ${blame}, ${raise}.`));
  }
  return problems;
}

/** Refuses, before anything is allocated, a model that the backend a run got cannot hold (a ConfigProblemError). */
export function assertModelFits(config: TrainConfig, options: MemoryCheckOptions & { backend: string }): void {
  const problems = memoryProblems(config, undefined, options).filter((p) => p.code === 'memory.model-over-budget');
  if (problems.length > 0) throw new ConfigProblemError(problems);
}
