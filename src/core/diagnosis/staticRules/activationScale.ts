// Reads the variance model's per-layer gains as chains of layers between normalizations, and
// finds where the signal has shrunk or grown too much: the shared logic of
// init.vanishing-activations and init.exploding-activations.
//
// A chain starts at the input (or at a BatchNorm, which resets the scale) and multiplies the
// gains of the layers that carry depth: dense/conv layers with their activation, and separate
// activation layers. Pooling, flatten, dropout and global pooling change the scale for reasons
// that have nothing to do with the weights' initialization, so they are left out. A residual
// block's own sum is residual.variance-growth's business: here it counts as gain 1, and its
// branch is a chain of its own. Two checks, both per chain:
//   level: the product of gains from the chain's start (how much of the input's scale is left);
//   trend: the product from the chain's first layer on (ignores a one-off first-layer change of
//          scale, e.g. Glorot on a 2-input layer, and catches steady decay or growth with depth).
// Layers whose output goes straight into BatchNorm are not checked (BatchNorm divides their
// scale away), and a chain stops at a constant-initialized kernel (init.symmetry reports those).
// Both checks are relative; a layer must also be small (or large) in absolute terms: a tanh that
// squashes a huge input down to RMS 0.9 has a tiny gain, but its output is not vanishing.
// The output layer is judged only for growth, and only when it is linear (logits or a regression's
// prediction): its scale is then the chain's compounded growth made visible, and large logits make
// the first predictions confidently wrong (TheDeepChecker's baseCNN with N(0, 0.1²) kernels: gains
// 0.35, 1.2, 4 and 2.3, logits RMS 2.4). Small initial outputs are often deliberate (a zero-init head).

import type { ActivationName, LayerConfig, TrainConfig } from '../../config/trainConfig';
import { compareIndexPaths } from '../fixes/layerTargets';
import type { LayerVariance } from '../varianceModel';
import { initializerFamily, isGlorotFamilyActivation, isHeFamilyActivation } from './activationFamilies';
import { isWeighted, outputLayerIndex, type WeightedLayer } from './layerSites';

export type ScaleDirection = 'vanishing' | 'exploding';

export interface ScaleLimits {
  /** level: below this fraction of the chain's input scale, the signal has vanished. */
  minGain?: number;
  /** level: above this multiple of the chain's input scale, it has exploded. */
  maxGain?: number;
  /** trend: below this ratio to the chain's first layer. */
  minTrend?: number;
  maxTrend?: number;
}

/** A dense/conv layer of a chain, with the gain of the layer and its activation together. */
export interface ChainLayer {
  indexPath: number[];
  layer: WeightedLayer;
  /** The activation its output goes through (its own, or the activation layer after it). */
  activation: ActivationName;
  gain: number;
}

export interface ScaleViolation {
  direction: ScaleDirection;
  check: 'level' | 'trend';
  /** The layer where the threshold is first crossed. */
  at: LayerVariance;
  /** Product of gains (level: from the chain's input; trend: from its first layer). */
  value: number;
  threshold: number;
  /** The dense/conv layers of the chain the violation is in. */
  chain: ChainLayer[];
}

interface ChainState {
  product: number;
  base: number | undefined;
  layers: ChainLayer[];
  pending: ChainLayer | undefined;
}

/** Vanishing also needs an output RMS below this; exploding one above EXPLODED_RMS. */
const VANISHED_RMS = 0.5;
export const EXPLODED_RMS = 2;

const newChain = (): ChainState => ({ product: 1, base: undefined, layers: [], pending: undefined });

function nextIgnoringDropout(layers: LayerConfig[], i: number): LayerConfig | undefined {
  let k = i + 1;
  while (k < layers.length && layers[k].type === 'dropout') k++;
  return layers[k];
}

/** Every layer past a threshold, in document order (the editor marks each one). */
export function allScaleViolations(config: TrainConfig, predictions: LayerVariance[], limits: ScaleLimits): ScaleViolation[] {
  const all: ScaleViolation[] = [];
  walk(config.model.layers, predictions, outputLayerIndex(config), limits, (v) => all.push(v));
  return all.sort((a, b) => compareIndexPaths(a.at.indexPath, b.at.indexPath));
}

/** The first violation in each direction, in document order (what the rules report). */
export function findScaleViolations(config: TrainConfig, predictions: LayerVariance[], limits: ScaleLimits): Partial<Record<ScaleDirection, ScaleViolation>> {
  const found: Partial<Record<ScaleDirection, ScaleViolation>> = {};
  for (const v of allScaleViolations(config, predictions, limits)) found[v.direction] ??= v;
  return found;
}

function walk(layers: LayerConfig[], predictions: LayerVariance[], stopAt: number | undefined, limits: ScaleLimits, report: (v: ScaleViolation) => void): void {
  let chain = newChain();
  const pendingViolations: { violation: Omit<ScaleViolation, 'chain'>; chain: ChainState }[] = [];
  for (let i = 0; i < predictions.length && i < layers.length; i++) {
    const atOutput = i === stopAt;
    if (atOutput && !isLinearOutput(layers, i)) break;
    const layer = layers[i];
    const prediction = predictions[i];
    if (layer.type === 'batchNormalization') {
      chain = newChain();
      continue;
    }
    if (layer.type === 'residual') {
      walk(layer.layers, prediction.branch ?? [], undefined, limits, report);
      continue;
    }
    if (!isWeighted(layer) && layer.type !== 'activation') continue;
    if (prediction.flag === 'constant-kernel') break;

    chain.product *= prediction.gain;
    if (isWeighted(layer)) {
      const entry: ChainLayer = { indexPath: prediction.indexPath, layer, activation: layer.activation, gain: prediction.gain };
      chain.layers.push(entry);
      // A linear dense/conv layer may be completed by the activation layer after it.
      chain.pending = layer.activation === 'linear' ? entry : undefined;
    } else {
      if (chain.pending) {
        chain.pending.activation = layer.activation;
        chain.pending.gain *= prediction.gain;
      }
      chain.pending = undefined;
    }
    const next = nextIgnoringDropout(layers, i);
    // Judged after its activation layer; or not at all when BatchNorm divides its scale away.
    if (isWeighted(layer) && layer.activation === 'linear' && next?.type === 'activation') continue;
    if (next?.type === 'batchNormalization') continue;

    for (const v of checks(chain, prediction, atOutput ? { maxGain: limits.maxGain, maxTrend: limits.maxTrend } : limits)) pendingViolations.push({ violation: v, chain });
    if (chain.base === undefined) chain.base = chain.product;
    if (atOutput) break;
  }
  // Attach each violation to its whole chain (layers after the violation need the fix too).
  for (const { violation, chain: c } of pendingViolations) report({ ...violation, chain: c.layers });
}

/** A dense/conv output layer without an activation, none after it either. */
function isLinearOutput(layers: LayerConfig[], i: number): boolean {
  const layer = layers[i];
  return isWeighted(layer) && layer.activation === 'linear' && !layers.slice(i + 1).some((l) => l.type === 'activation');
}

function checks(chain: ChainState, at: LayerVariance, limits: ScaleLimits): Omit<ScaleViolation, 'chain'>[] {
  const found: Omit<ScaleViolation, 'chain'>[] = [];
  const rms = Math.sqrt(at.secondMoment);
  const small = rms < VANISHED_RMS;
  const large = rms > EXPLODED_RMS;
  const level = chain.product;
  const trend = chain.base !== undefined && chain.base > 0 ? level / chain.base : undefined;
  if (small && limits.minGain !== undefined && level < limits.minGain) found.push({ direction: 'vanishing', check: 'level', at, value: level, threshold: limits.minGain });
  if (large && limits.maxGain !== undefined && level > limits.maxGain) found.push({ direction: 'exploding', check: 'level', at, value: level, threshold: limits.maxGain });
  if (trend !== undefined) {
    if (small && limits.minTrend !== undefined && trend < limits.minTrend) found.push({ direction: 'vanishing', check: 'trend', at, value: trend, threshold: limits.minTrend });
    if (large && limits.maxTrend !== undefined && trend > limits.maxTrend) found.push({ direction: 'exploding', check: 'trend', at, value: trend, threshold: limits.maxTrend });
  }
  return found;
}

/** Whether a layer's initializer is the textbook partner of its activation (so re-initializing cannot help). */
function hasMatchingInitializer(layer: ChainLayer): boolean {
  const family = initializerFamily(layer.layer.kernelInitializer);
  if (family === 'orthogonal') return true;
  if (layer.activation === 'selu') return family === 'lecun';
  if (isHeFamilyActivation(layer.activation)) return family === 'he';
  if (isGlorotFamilyActivation(layer.activation)) return family === 'glorot' || family === 'lecun';
  return family !== 'explicit' && family !== 'constant';
}

/** The chain's layers to re-initialize: they push the scale in the violation's direction and have a mismatched or hand-picked init. */
export function layersToReinitialize(violation: ScaleViolation): ChainLayer[] {
  return violation.chain.filter((l) => {
    const pushes = violation.direction === 'vanishing' ? l.gain < 0.95 : l.gain > 1.05;
    return pushes && !hasMatchingInitializer(l);
  });
}
