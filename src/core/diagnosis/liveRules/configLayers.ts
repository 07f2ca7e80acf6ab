// What the live rules need to know about the config behind the numbers they watch: where a layer
// sits (for a finding's path), which activation it measures, which initializer suits it, and
// which layers carry the signal through depth.

import type { JsonPath } from '../../config/configProblem';
import type { ShapeReport } from '../../config/shapeInference';
import { type ActivationName, type InitializerConfig, type LayerConfig, type TrainConfig, isWeightedLayer } from '../../config/trainConfig';
import type { InputStatistics } from '../../data/dataset';
import { measuresSaturation } from '../../engine/layerStatistics';

export const LEARNING_RATE_PATH: JsonPath = ['training', 'optimizer', 'learningRate'];

export function layerPath(index: number, ...rest: (string | number)[]): JsonPath {
  return ['model', 'layers', index, ...rest];
}

export function layerAt(config: TrainConfig, index: number): LayerConfig | undefined {
  return config.model.layers[index];
}

/** The activation a top-level layer applies itself (dense, conv2d, activation); undefined otherwise. */
export function activationOf(layer: LayerConfig | undefined): ActivationName | undefined {
  if (!layer) return undefined;
  if (isWeightedLayer(layer) || layer.type === 'activation') return layer.activation;
  return undefined;
}

export function isOutputLayer(config: TrainConfig, index: number): boolean {
  return index === config.model.layers.length - 1;
}

/** Layers whose output is a new representation; dropout, flatten and pooling only reshuffle it. */
const SIGNAL_LAYER_TYPES: ReadonlySet<string> = new Set(['dense', 'conv2d', 'activation', 'batchNormalization', 'residual']);

export function carriesSignal(type: string): boolean {
  return SIGNAL_LAYER_TYPES.has(type);
}

export type InitFamily = 'he' | 'glorot';

// Activations that zero (or nearly zero) half of their input need twice the weight variance.
const HE_ACTIVATIONS: ReadonlySet<string> = new Set(['relu', 'relu6', 'leakyRelu', 'elu', 'gelu', 'swish', 'mish']);

export function initFamilyFor(activation: string | undefined): InitFamily {
  return activation !== undefined && HE_ACTIVATIONS.has(activation) ? 'he' : 'glorot';
}

export const RECOMMENDED_INITIALIZER: Record<InitFamily, string> = { he: 'heNormal', glorot: 'glorotUniform' };

/** The standard deviation an initializer draws with, when it is a plain random distribution. */
function drawnStd(init: InitializerConfig): number | undefined {
  switch (init.type) {
    case 'randomNormal':
    case 'truncatedNormal': return init.stddev;
    case 'randomUniform': return (init.maxval - init.minval) / Math.sqrt(12);
    default: return undefined;
  }
}

/** Whether a layer's initializer already gives the variance its activation needs (±25% in std). */
export function initializerSuits(init: InitializerConfig, family: InitFamily, fanIn: number, fanOut: number): boolean {
  const named: Record<InitFamily, string[]> = {
    he: ['heNormal', 'heUniform'],
    glorot: ['glorotNormal', 'glorotUniform', 'leCunNormal', 'leCunUniform', 'orthogonal'],
  };
  if (named[family].includes(init.type)) return true;
  const std = drawnStd(init);
  if (std === undefined || fanIn <= 0) return false;
  // Glorot's 2/(fan_in+fan_out) and LeCun's 1/fan_in both keep a tanh/linear layer's scale.
  const targets = family === 'he' ? [Math.sqrt(2 / fanIn)] : [Math.sqrt(2 / (fanIn + Math.max(fanOut, 1))), Math.sqrt(1 / fanIn)];
  return targets.some((t) => std >= 0.75 * t && std <= 1.25 * t);
}

export interface InitCandidate {
  index: number;
  family: InitFamily;
}

/**
 * Top-level dense/conv2d layers whose initializer does not suit their activation: the layers a
 * He/Glorot fix would change. Layers inside residual blocks are left out (their paths differ).
 */
export function layersWithUnsuitedInit(config: TrainConfig, shapes: ShapeReport): InitCandidate[] {
  const found: InitCandidate[] = [];
  config.model.layers.forEach((layer, index) => {
    if (!isWeightedLayer(layer)) return;
    const shape = shapes.layers.find((s) => s.index.length === 1 && s.index[0] === index);
    const family = initFamilyFor(effectiveActivation(config, index));
    const fans = shape?.initializerFans ?? shape;
    if (!initializerSuits(layer.kernelInitializer, family, fans?.fanIn ?? 0, fans?.fanOut ?? 0)) found.push({ index, family });
  });
  return found;
}

/**
 * The activation that follows a weighted layer: its own, or (for a linear dense/conv followed by an
 * activation or batch normalization + activation) the next activation layer's.
 */
export function effectiveActivation(config: TrainConfig, index: number): string | undefined {
  const own = activationOf(layerAt(config, index));
  if (own !== undefined && own !== 'linear') return own;
  for (let i = index + 1; i < config.model.layers.length; i++) {
    const next = config.model.layers[i];
    if (next.type === 'activation') return next.activation;
    if (next.type !== 'batchNormalization' && next.type !== 'dropout') break;
  }
  return own;
}

/**
 * The loss of a classifier that predicts the class frequencies' uniform guess: ln(classes) for
 * softmax + categorical cross-entropy, ln 2 for a single sigmoid with binary cross-entropy.
 * Undefined for regression losses, which have no such reference.
 */
export function chanceLevelLoss(config: TrainConfig, shapes: ShapeReport): number | undefined {
  const units = shapes.outputShape?.[shapes.outputShape.length - 1];
  if (units === undefined) return undefined;
  if (config.training.loss === 'categoricalCrossentropy' && units > 1) return Math.log(units);
  if (config.training.loss === 'binaryCrossentropy') return Math.log(2);
  return undefined;
}

export function inputsAreNormalized(config: TrainConfig): boolean {
  return config.data.preprocess.normalize !== 'none';
}

/** Image-shaped inputs: the only ones the engine's augmentations apply to. */
export function hasImageInputs(config: TrainConfig): boolean {
  return config.model.input.length === 3;
}

/**
 * Raw inputs on a scale that makes the first layer's pre-activations (and their gradients) large
 * or lopsided: the inputs are left unnormalized and some feature is far from unit scale.
 */
export function inputsLookUnscaled(config: TrainConfig, inputStats: InputStatistics | undefined): boolean {
  if (inputsAreNormalized(config) || !inputStats) return false;
  const spread = inputStats.featureStdMin > 0 ? inputStats.featureStdMax / inputStats.featureStdMin : 1;
  return inputStats.featureStdMax > 10 || inputStats.featureMeanAbsMax > 10 || spread > 100;
}

/** Top-level dense/conv2d layers other than the output: where batch normalization or dropout would go. */
export function hiddenWeightedLayers(config: TrainConfig): number[] {
  const last = config.model.layers.length - 1;
  return config.model.layers.flatMap((layer, index) => (isWeightedLayer(layer) && index !== last ? [index] : []));
}


/** Whether a hidden layer (top level or inside a residual block) uses tanh or sigmoid. */
export function usesSaturatingActivations(config: TrainConfig): boolean {
  const last = config.model.layers.length - 1;
  const visit = (layers: LayerConfig[], topLevel: boolean): boolean => layers.some((layer, i) =>
    layer.type === 'residual' ? visit(layer.layers, false) : !(topLevel && i === last) && measuresSaturation(activationOf(layer)));
  return visit(config.model.layers, true);
}

/** The dense/conv2d layer whose output an activation or normalization layer transforms (itself when weighted). */
export function feedingWeightedLayer(config: TrainConfig, index: number): number | undefined {
  for (let i = index; i >= 0; i--) {
    const type = config.model.layers[i]?.type;
    if (type === 'dense' || type === 'conv2d') return i;
    if (type !== 'activation' && type !== 'batchNormalization') return undefined;
  }
  return undefined;
}
