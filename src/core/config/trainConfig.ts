// The typed, normalized form of a `*.train.json` file: what the engine consumes after the
// parser has validated the text, filled in defaults and resolved aliases.
// The JSON Schema in schemas/train.schema.json is the source of truth for names and defaults.

export type ActivationName =
  | 'linear' | 'relu' | 'relu6' | 'leakyRelu' | 'elu' | 'selu' | 'tanh' | 'sigmoid'
  | 'hardSigmoid' | 'softmax' | 'softplus' | 'softsign' | 'swish' | 'mish' | 'gelu';

/** Initializers after alias resolution (xavierX → glorotX; kaimingX and msraX → heX). */
export type InitializerConfig =
  | { type: 'zeros' } | { type: 'ones' }
  | { type: 'glorotNormal' } | { type: 'glorotUniform' }
  | { type: 'heNormal' } | { type: 'heUniform' }
  | { type: 'leCunNormal' } | { type: 'leCunUniform' }
  | { type: 'orthogonal'; gain: number }
  | { type: 'constant'; value: number }
  | { type: 'randomNormal'; mean: number; stddev: number }
  | { type: 'randomUniform'; minval: number; maxval: number }
  | { type: 'truncatedNormal'; mean: number; stddev: number };

export interface RegularizerConfig { l1: number; l2: number }

interface WeightedLayerOptions {
  useBias: boolean;
  kernelInitializer: InitializerConfig;
  biasInitializer: InitializerConfig;
  kernelRegularizer?: RegularizerConfig;
  biasRegularizer?: RegularizerConfig;
}

export interface DenseLayerConfig extends WeightedLayerOptions {
  type: 'dense'; units: number; activation: ActivationName;
}
export interface Conv2dLayerConfig extends WeightedLayerOptions {
  type: 'conv2d'; filters: number; kernelSize: [number, number]; strides: [number, number];
  padding: 'valid' | 'same'; activation: ActivationName;
}
export interface PoolingLayerConfig {
  type: 'maxPooling2d' | 'averagePooling2d';
  poolSize: [number, number]; strides: [number, number]; padding: 'valid' | 'same';
}
/**
 * Depthwise convolution. Its `kernelInitializer` is Keras's depthwise_initializer; like Keras and
 * tfjs, the initializer's fan_in is kernel area × input channels (not the kernel area one output sees).
 */
export interface DepthwiseConv2dLayerConfig extends WeightedLayerOptions {
  type: 'depthwiseConv2d'; kernelSize: [number, number]; strides: [number, number];
  padding: 'valid' | 'same'; depthMultiplier: number; activation: ActivationName;
}
/** Depthwise then pointwise convolution; `kernelInitializer`/`kernelRegularizer` are the pointwise kernel's. */
export interface SeparableConv2dLayerConfig extends WeightedLayerOptions {
  type: 'separableConv2d'; filters: number; kernelSize: [number, number]; strides: [number, number];
  padding: 'valid' | 'same'; depthMultiplier: number; activation: ActivationName;
  depthwiseInitializer: InitializerConfig;
}
export interface Conv1dLayerConfig extends WeightedLayerOptions {
  type: 'conv1d'; filters: number; kernelSize: number; strides: number; padding: 'valid' | 'same'; activation: ActivationName;
}
export interface MaxPooling1dLayerConfig { type: 'maxPooling1d'; poolSize: number; strides: number; padding: 'valid' | 'same' }
export interface GlobalAveragePoolingLayerConfig { type: 'globalAveragePooling2d' }
export interface GlobalMaxPoolingLayerConfig { type: 'globalMaxPooling2d' }
/** [[top, bottom], [left, right]] rows and columns of zeros. */
export interface ZeroPadding2dLayerConfig { type: 'zeroPadding2d'; padding: [[number, number], [number, number]] }
export interface FlattenLayerConfig { type: 'flatten' }
/** `targetShape` as written: at most one -1, resolved by shape inference. */
export interface ReshapeLayerConfig { type: 'reshape'; targetShape: number[] }
export interface BatchNormalizationLayerConfig {
  type: 'batchNormalization'; momentum: number; epsilon: number; center: boolean; scale: boolean;
  gammaInitializer: InitializerConfig; betaInitializer: InitializerConfig;
}
export interface LayerNormalizationLayerConfig {
  type: 'layerNormalization'; epsilon: number; center: boolean; scale: boolean;
  gammaInitializer: InitializerConfig; betaInitializer: InitializerConfig;
}
export interface DropoutLayerConfig { type: 'dropout'; rate: number }
/** `alpha`: leakyRelu's negative slope (0.3 by default). */
export interface ActivationLayerConfig { type: 'activation'; activation: ActivationName; alpha?: number }
/** x + F(x), or shortcut(x) + F(x) when `shortcut` (a projection such as conv 1×1 + BatchNorm) is given. */
export interface ResidualLayerConfig { type: 'residual'; layers: LayerConfig[]; shortcut?: LayerConfig[] }

export type LayerConfig =
  | DenseLayerConfig | Conv2dLayerConfig | DepthwiseConv2dLayerConfig | SeparableConv2dLayerConfig
  | Conv1dLayerConfig | PoolingLayerConfig | MaxPooling1dLayerConfig | GlobalAveragePoolingLayerConfig
  | GlobalMaxPoolingLayerConfig | ZeroPadding2dLayerConfig | FlattenLayerConfig | ReshapeLayerConfig
  | BatchNormalizationLayerConfig | LayerNormalizationLayerConfig | DropoutLayerConfig
  | ActivationLayerConfig | ResidualLayerConfig;

/** Layers with a kernel drawn by an initializer, whose activation follows them. */
export type WeightedLayerConfig =
  | DenseLayerConfig | Conv2dLayerConfig | DepthwiseConv2dLayerConfig | SeparableConv2dLayerConfig | Conv1dLayerConfig;

const WEIGHTED_TYPES: ReadonlySet<string> = new Set(['dense', 'conv2d', 'depthwiseConv2d', 'separableConv2d', 'conv1d']);

export function isWeightedLayer(layer: LayerConfig | undefined): layer is WeightedLayerConfig {
  return layer !== undefined && WEIGHTED_TYPES.has(layer.type);
}

export type LayerType = LayerConfig['type'];

export type NormalizeMode = 'none' | 'meanSubtract' | 'standardize';

/** A config's "pixel" (AlexNet's mean image: one mean per pixel position and channel) is read as "feature". */
export interface PreprocessConfig { normalize: NormalizeMode; per: 'feature' | 'channel' }

/** `rotate`: maximum degrees either way; `crop`: padding in pixels before a random crop of the image's size (absent: 0, off). */
export interface AugmentConfig { translate: number; rotate?: number; crop?: number; flipHorizontal: boolean; noise: number }

export type DatasetConfig =
  | { kind: 'mnist'; shape: 'flat' | 'image' }
  | { kind: 'csv'; csv: string; label: string; task: 'classification' | 'regression'; delimiter: string }
  /** A folder with one sub-folder of PNG/JPEG files per class; `size` is [height, width]. */
  | { kind: 'images'; images: string; size: [number, number]; channels: 1 | 3 }
  | { kind: 'gaussian'; features: number; samples: number; classes: number; mean: number; std: number; labelNoise: number }
  | { kind: 'spirals'; samples: number; classes: number; noise: number; turns: number; scale: number; offset: number }
  | { kind: 'blobs'; features: number; samples: number; classes: number; spread: number; scale: number; offset: number }
  /** The stand-in `training-doctor import` writes: N(0, 1) inputs, random labels; lint and probe only. */
  | { kind: 'placeholder'; shape: number[]; task: Task; classes: number; samples: number };

export interface DataConfig {
  dataset: DatasetConfig;
  /** Examples in the training split (undefined: all that remain after validation). */
  trainSize?: number;
  /** Examples in the validation split (wins over validationSplit when given). */
  validationSize?: number;
  validationSplit: number;
  preprocess: PreprocessConfig;
  augment: AugmentConfig;
}

export type OptimizerConfig =
  | { type: 'sgd'; learningRate: number; momentum: number; nesterov: boolean }
  | { type: 'adam'; learningRate: number; beta1: number; beta2: number; epsilon: number }
  | { type: 'rmsprop'; learningRate: number; decay: number; momentum: number; epsilon: number }
  | { type: 'adagrad'; learningRate: number; initialAccumulatorValue: number };

export interface WarmupConfig { warmupEpochs: number }

export type LrScheduleConfig = WarmupConfig & (
  | { type: 'constant' }
  | { type: 'step'; stepSize: number; gamma: number }
  | { type: 'exponential'; gamma: number }
  | { type: 'cosine'; minLearningRate: number }
  | { type: 'reduceOnPlateau'; monitor: MonitorName; factor: number; patience: number; minDelta: number; minLearningRate: number }
);

export type MonitorName = 'val_loss' | 'loss' | 'val_accuracy' | 'accuracy';

export interface EarlyStoppingConfig {
  monitor: MonitorName; patience: number; minDelta: number; restoreBestWeights: boolean;
}

export type LossName =
  | 'categoricalCrossentropy' | 'binaryCrossentropy' | 'meanSquaredError' | 'meanAbsoluteError' | 'huber';

export type MetricName = 'accuracy' | 'meanAbsoluteError' | 'meanSquaredError';

export interface TrainingConfig {
  epochs: number;
  batchSize: number;
  loss: LossName;
  metrics: MetricName[];
  optimizer: OptimizerConfig;
  lrSchedule: LrScheduleConfig;
  earlyStopping?: EarlyStoppingConfig;
  gradientClipping?: { norm: number };
}

export type Severity = 'off' | 'info' | 'warning' | 'error';

export interface DiagnosticsConfig {
  /** Take per-layer statistics every N steps. */
  every: number;
  rules: Record<string, { severity?: Severity; [threshold: string]: unknown }>;
  /** End a run as failed when lr.too-high finds it diverging (default true). */
  stopOnDivergence: boolean;
}

export interface TrainConfig {
  name: string;
  seed: number;
  /** A TensorFlow.js backend, or "pytorch": the exported script under the user's Python. */
  backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu' | 'pytorch';
  /** Threads of the WebAssembly backend: "auto" (see engine/wasmThreadChoice) or a count. */
  wasmThreads: 'auto' | number;
  /** Overrides of the memory budget (see memoryEstimate); absent: the defaults. */
  memoryBudget?: { modelGiB?: number; dataGiB?: number };
  data: DataConfig;
  model: { input: number[]; layers: LayerConfig[] };
  training: TrainingConfig;
  diagnostics: DiagnosticsConfig;
}

/** The task a dataset poses, which decides the default loss and metrics. */
export type Task = 'classification' | 'regression';
