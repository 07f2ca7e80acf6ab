// Turns the schema-validated plain value (defaults already filled in from the schema) into the
// typed TrainConfig: resolves initializer aliases, widens scalar sizes to pairs, and infers the
// loss and metrics from the task when the user left them out. Every object is read through
// ownKeysOnly, so a key can never resolve to an Object.prototype member.

import type {
  ActivationName, DatasetConfig, InitializerConfig, LayerConfig, LossName, MetricName, RegularizerConfig,
  ResidualLayerConfig, Task, TrainConfig,
} from './trainConfig';
import { ownKeysOnly, ownValue } from './ownProperty';

type Raw = Record<string, any>;

const INITIALIZER_ALIASES: Record<string, string> = {
  xavierNormal: 'glorotNormal', xavierUniform: 'glorotUniform',
  kaimingNormal: 'heNormal', kaimingUniform: 'heUniform',
  msraNormal: 'heNormal', msraUniform: 'heUniform',
};

export function canonicalInitializerName(name: string): string {
  return ownValue(INITIALIZER_ALIASES, name) ?? name;
}

export function normalizeInitializer(raw: unknown, fallback: string): InitializerConfig {
  const spec: Raw = ownKeysOnly(typeof raw === 'string' ? { type: raw } : raw ?? { type: fallback });
  const type = canonicalInitializerName(String(spec.type));
  switch (type) {
    case 'constant': return { type, value: Number(spec.value) };
    case 'randomNormal': return { type, mean: spec.mean ?? 0, stddev: spec.stddev ?? 0.05 };
    case 'truncatedNormal': return { type, mean: spec.mean ?? 0, stddev: spec.stddev ?? 0.05 };
    case 'randomUniform': return { type, minval: spec.minval ?? -0.05, maxval: spec.maxval ?? 0.05 };
    case 'orthogonal': return { type, gain: spec.gain ?? 1 };
    default: return { type } as InitializerConfig;
  }
}

function pair(value: unknown, fallback: [number, number]): [number, number] {
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length === 2) return [Number(value[0]), Number(value[1])];
  return fallback;
}

function regularizer(raw: unknown): RegularizerConfig | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = ownKeysOnly(raw);
  return { l1: r.l1 ?? 0, l2: r.l2 ?? 0 };
}

function weightedOptions(raw: Raw) {
  return {
    activation: (raw.activation ?? 'linear') as ActivationName,
    useBias: raw.useBias ?? true,
    kernelInitializer: normalizeInitializer(raw.kernelInitializer, 'glorotUniform'),
    biasInitializer: normalizeInitializer(raw.biasInitializer, 'zeros'),
    kernelRegularizer: regularizer(raw.kernelRegularizer),
    biasRegularizer: regularizer(raw.biasRegularizer),
  };
}

/** An integer (all sides), [rows, columns] or [[top, bottom], [left, right]]. */
function paddingPairs(value: unknown): [[number, number], [number, number]] {
  const side = (v: unknown): [number, number] => (Array.isArray(v) ? [Number(v[0]), Number(v[1])] : [Number(v), Number(v)]);
  if (Array.isArray(value)) return [side(value[0]), side(value[1])];
  const n = typeof value === 'number' ? value : 1;
  return [[n, n], [n, n]];
}

export function normalizeLayer(layer: Raw): LayerConfig {
  // Own keys only: a "__proto__" key in a hostile config is data, never a prototype.
  const raw = ownKeysOnly(layer);
  switch (raw.type) {
    case 'dense': return { type: 'dense', units: raw.units, ...weightedOptions(raw) };
    case 'conv2d':
      return {
        type: 'conv2d', filters: raw.filters, kernelSize: pair(raw.kernelSize, [3, 3]),
        strides: pair(raw.strides, [1, 1]), padding: raw.padding ?? 'valid', ...weightedOptions(raw),
      };
    case 'depthwiseConv2d':
      return {
        type: 'depthwiseConv2d', kernelSize: pair(raw.kernelSize, [3, 3]), strides: pair(raw.strides, [1, 1]),
        padding: raw.padding ?? 'valid', depthMultiplier: raw.depthMultiplier ?? 1, ...weightedOptions(raw),
      };
    case 'separableConv2d':
      return {
        type: 'separableConv2d', filters: raw.filters, kernelSize: pair(raw.kernelSize, [3, 3]), strides: pair(raw.strides, [1, 1]),
        padding: raw.padding ?? 'valid', depthMultiplier: raw.depthMultiplier ?? 1, ...weightedOptions(raw),
        depthwiseInitializer: normalizeInitializer(raw.depthwiseInitializer, 'glorotUniform'),
      };
    case 'conv1d':
      return {
        type: 'conv1d', filters: raw.filters, kernelSize: raw.kernelSize, strides: raw.strides ?? 1,
        padding: raw.padding ?? 'valid', ...weightedOptions(raw),
      };
    case 'maxPooling2d':
    case 'averagePooling2d': {
      const poolSize = pair(raw.poolSize, [2, 2]);
      return { type: raw.type, poolSize, strides: pair(raw.strides, poolSize), padding: raw.padding ?? 'valid' };
    }
    case 'maxPooling1d': {
      const poolSize = raw.poolSize ?? 2;
      return { type: 'maxPooling1d', poolSize, strides: raw.strides ?? poolSize, padding: raw.padding ?? 'valid' };
    }
    case 'batchNormalization':
      return {
        type: 'batchNormalization', momentum: raw.momentum ?? 0.99, epsilon: raw.epsilon ?? 0.001,
        center: raw.center ?? true, scale: raw.scale ?? true,
        gammaInitializer: normalizeInitializer(raw.gammaInitializer, 'ones'),
        betaInitializer: normalizeInitializer(raw.betaInitializer, 'zeros'),
      };
    case 'layerNormalization':
      return {
        type: 'layerNormalization', epsilon: raw.epsilon ?? 0.001, center: raw.center ?? true, scale: raw.scale ?? true,
        gammaInitializer: normalizeInitializer(raw.gammaInitializer, 'ones'),
        betaInitializer: normalizeInitializer(raw.betaInitializer, 'zeros'),
      };
    case 'dropout': return { type: 'dropout', rate: raw.rate };
    case 'activation':
      return raw.activation === 'leakyRelu' && typeof raw.alpha === 'number' && raw.alpha !== 0.3
        ? { type: 'activation', activation: raw.activation, alpha: raw.alpha }
        : { type: 'activation', activation: raw.activation };
    case 'residual': {
      const block: ResidualLayerConfig = { type: 'residual', layers: (raw.layers as Raw[]).map(normalizeLayer) };
      if (Array.isArray(raw.shortcut)) block.shortcut = (raw.shortcut as Raw[]).map(normalizeLayer);
      return block;
    }
    case 'flatten': return { type: 'flatten' };
    case 'reshape': return { type: 'reshape', targetShape: [...(raw.targetShape as number[])] };
    case 'zeroPadding2d': return { type: 'zeroPadding2d', padding: paddingPairs(raw.padding) };
    case 'globalAveragePooling2d': return { type: 'globalAveragePooling2d' };
    case 'globalMaxPooling2d': return { type: 'globalMaxPooling2d' };
    default: throw new Error(`normalizeLayer: unvalidated layer type ${String(raw.type)}`);
  }
}

function normalizeDataset(raw: unknown, shape: 'flat' | 'image'): DatasetConfig {
  if (raw === 'mnist') return { kind: 'mnist', shape };
  const d = ownKeysOnly(raw);
  if (typeof d.images === 'string') {
    return { kind: 'images', images: d.images, size: [Number(d.size[0]), Number(d.size[1])], channels: d.channels === 1 ? 1 : 3 };
  }
  if (typeof d.csv === 'string') {
    return { kind: 'csv', csv: d.csv, label: d.label, task: d.task ?? 'classification', delimiter: d.delimiter ?? ',' };
  }
  switch (d.synthetic) {
    case 'placeholder':
      return { kind: 'placeholder', shape: [...d.shape], task: d.task ?? 'classification', classes: d.classes ?? 2, samples: d.samples ?? 64 };
    case 'gaussian':
      return { kind: 'gaussian', features: d.features, samples: d.samples, classes: d.classes, mean: d.mean, std: d.std, labelNoise: d.labelNoise };
    case 'spirals':
      return { kind: 'spirals', samples: d.samples, classes: d.classes, noise: d.noise, turns: d.turns, scale: d.scale, offset: d.offset };
    default:
      return { kind: 'blobs', features: d.features, samples: d.samples, classes: d.classes, spread: d.spread, scale: d.scale, offset: d.offset };
  }
}

export function taskOf(dataset: DatasetConfig): Task {
  return (dataset.kind === 'csv' || dataset.kind === 'placeholder') && dataset.task === 'regression' ? 'regression' : 'classification';
}

export function defaultLoss(task: Task): LossName {
  return task === 'regression' ? 'meanSquaredError' : 'categoricalCrossentropy';
}

export function defaultMetrics(task: Task): MetricName[] {
  return task === 'regression' ? ['meanAbsoluteError'] : ['accuracy'];
}

/** `value` must already have passed schema validation without errors. */
export function normalizeConfig(validated: Raw, fallbackName: string): TrainConfig {
  const value = ownKeysOnly(validated);
  const data = ownKeysOnly(value.data);
  const preprocess = ownKeysOnly(data.preprocess);
  const augment = ownKeysOnly(data.augment);
  const model = ownKeysOnly(value.model);
  const dataset = normalizeDataset(data.dataset, data.shape ?? 'flat');
  const task = taskOf(dataset);
  const training = ownKeysOnly(value.training);
  const schedule = (training.lrSchedule as Raw | undefined) ?? { type: 'constant' };
  const diagnostics = ownKeysOnly(value.diagnostics);
  return {
    name: value.name ?? fallbackName,
    seed: value.seed ?? 0,
    backend: value.backend ?? 'auto',
    wasmThreads: value.wasmThreads ?? 'auto',
    ...(value.memoryBudget ? { memoryBudget: { ...value.memoryBudget } } : {}),
    data: {
      dataset,
      trainSize: data.trainSize,
      validationSize: data.validationSize,
      validationSplit: data.validationSplit ?? 0.2,
      preprocess: { normalize: preprocess.normalize ?? 'none', per: preprocess.per === 'channel' ? 'channel' : 'feature' },
      augment: {
        translate: augment.translate ?? 0,
        rotate: augment.rotate ?? 0,
        crop: augment.crop ?? 0,
        flipHorizontal: augment.flipHorizontal ?? false,
        noise: augment.noise ?? 0,
      },
    },
    model: { input: model.input, layers: (model.layers as Raw[]).map(normalizeLayer) },
    training: {
      epochs: training.epochs,
      batchSize: training.batchSize ?? 32,
      loss: training.loss ?? defaultLoss(task),
      metrics: training.metrics ?? defaultMetrics(task),
      optimizer: training.optimizer,
      lrSchedule: { warmupEpochs: 0, ...schedule } as TrainConfig['training']['lrSchedule'],
      earlyStopping: training.earlyStopping,
      gradientClipping: training.gradientClipping,
    },
    diagnostics: { every: diagnostics.every ?? 10, rules: diagnostics.rules ?? {}, stopOnDivergence: diagnostics.stopOnDivergence ?? true },
  };
}
