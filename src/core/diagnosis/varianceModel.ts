// The analytic variance model: predicts, from the config alone, the mean and spread of every
// layer's output at initialization, so that vanishing or exploding activations are reported
// before anything is trained (and the editor can show a per-layer scale hint).
//
// The model follows one number through the network, the second moment E[y²], with the rule the
// seeds' lectures derive for y = W·x: with independent zero-mean weights, var(y) = fan_in ·
// var(w) · E[x²]. Activations are applied to a Gaussian pre-activation (closed forms for ReLU,
// a fixed quadrature for the smooth ones). Layer outputs are "tensor-wide" moments: taken over
// units and examples, and averaged over the random draw of the weights, which is what a probe
// measures with tf.moments over a whole activation tensor.

import type { LayerShape, ShapeReport } from '../config/shapeInference';
import type { ActivationName, InitializerConfig, LayerConfig, TrainConfig, WeightedLayerConfig } from '../config/trainConfig';
import type { InputStatistics } from '../data/dataset';

export interface Moments {
  mean: number;
  std: number;
  /** E[y²] = mean² + std²: what the next weighted layer multiplies by fan_in · var(w). */
  secondMoment: number;
}

export interface LayerVariance extends Moments {
  /** Index in the config's top-level layers (for a branch layer: its residual block's index). */
  index: number;
  /** [i] for a top-level layer, [i, j] for layer j of the residual block at i. */
  indexPath: number[];
  type: LayerConfig['type'];
  /** √(E[y²] out / E[x²] in): the factor by which this layer scales the signal it receives. */
  gain: number;
  /** Dense/conv layers: the moments of x·W + b, before the activation. */
  preActivation?: { mean: number; std: number };
  /** The kernel starts with zero variance (zeros, ones, constant): its units are copies of each other. */
  flag?: 'constant-kernel';
  /** Residual blocks: the branch's own predictions, in order. */
  branch?: LayerVariance[];
  /** Residual blocks: the moments of the skip path (the input, or its 1×1 projection). */
  skip?: Moments;
}

export interface VariancePrediction {
  /** The inputs as the first layer sees them: after preprocessing (and augmentation noise). */
  input: Moments;
  /** One entry per top-level layer, in order; shorter when shape inference stopped early. */
  layers: LayerVariance[];
}

/** What the raw (un-preprocessed) inputs look like, measured or estimated from the config. */
export interface RawInputEstimate {
  mean: number;
  std: number;
  /** The largest |mean| of a single feature, when known (measured data). */
  featureMeanAbsMax?: number;
  featureStdMin?: number;
  featureStdMax?: number;
  /** The smallest and largest input value, when known (measured data, MNIST pixels). */
  min?: number;
  max?: number;
  /** measured: statistics of the loaded training split; config: derived from a synthetic dataset's parameters; typical: published MNIST pixel (or ImageNet photo) statistics; unknown: a CSV not loaded yet. */
  source: 'measured' | 'config' | 'typical' | 'unknown';
}

/** Raw MNIST pixels in [0, 1]: the usual published mean and std of the training set. */
const MNIST_PIXELS = { mean: 0.1307, std: 0.3081, featureMeanAbsMax: 0.55, min: 0, max: 1 };

/** Raw photo pixels in [0, 255]: ImageNet's training-set statistics, averaged over the channels. */
const PHOTO_PIXELS = { mean: 115, std: 58, featureMeanAbsMax: 124, min: 0, max: 255 };

/**
 * Assumed correlation between the positions a pooling window combines. Image features are
 * smooth, so neighbours are far from independent: averaging n positions keeps a fraction
 * ρ + (1 − ρ)/n of the variance (1/n if they were independent, all of it if identical), and a max
 * over n positions behaves like a max over n/(1 + (n − 1)ρ) independent draws. Calibrated on
 * probes of the MNIST CNN and ResNet examples.
 */
const WINDOW_CORRELATION = 0.3;
/** The same for global average pooling, whose positions are mostly far apart. */
const GLOBAL_CORRELATION = 0.1;

/**
 * What the propagation needs to know about the data. Placeholder data (N(0, 1) noise) has no
 * spatial structure, and features of noise under random kernels are uncorrelated from position to
 * position (overlapping receptive fields share inputs, but under weights of random sign), so the
 * positions a pooling combines are independent: probes of the imported ResNet50 and MobileNetV1
 * measure the max of 9 independent draws in ResNet's 3×3 stem pooling and 1/n of the variance
 * kept by global pooling.
 */
interface PropagationContext {
  windowCorrelation: number;
  globalCorrelation: number;
}

/** tfjs's LeakyReLU layer default, which the model builder uses. */
const LEAKY_RELU_ALPHA = 0.3;

/** Variance of a unit normal truncated at ±2 (tfjs's truncatedNormal keeps σ, so var shrinks). */
const TRUNCATED_NORMAL_VARIANCE = 0.87962566103423978 ** 2;

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

export function estimateRawInputs(config: TrainConfig, inputStats?: InputStatistics): RawInputEstimate {
  if (inputStats) {
    return {
      mean: inputStats.mean, std: inputStats.std, featureMeanAbsMax: inputStats.featureMeanAbsMax,
      featureStdMin: inputStats.featureStdMin, featureStdMax: inputStats.featureStdMax, min: inputStats.min, max: inputStats.max, source: 'measured',
    };
  }
  const dataset = config.data.dataset;
  switch (dataset.kind) {
    case 'mnist': return { ...MNIST_PIXELS, source: 'typical' };
    case 'gaussian': return { mean: dataset.mean, std: dataset.std, featureMeanAbsMax: Math.abs(dataset.mean), source: 'config' };
    // Arm points t·(cos, sin) with t ~ U(0, 1): E[x²] = E[t²]/2 = 1/6 per coordinate, plus noise.
    case 'spirals': return { mean: dataset.offset, std: Math.abs(dataset.scale) * Math.sqrt(1 / 6 + dataset.noise ** 2), source: 'config' };
    // Cluster centers ~ 3·N(0, 1), points spread around them.
    case 'blobs': return { mean: dataset.offset, std: Math.abs(dataset.scale) * Math.sqrt(9 + dataset.spread ** 2), source: 'config' };
    case 'csv': return { mean: 0, std: 1, source: 'unknown' };
    // Photos in 0–255 (ImageNet's per-channel means are 124, 116 and 104, its stds about 58).
    case 'images': return { ...PHOTO_PIXELS, source: 'typical' };
    case 'placeholder': return { mean: 0, std: 1, featureMeanAbsMax: 0, source: 'config' };
  }
}

/** The inputs after the config's preprocessing; unknown data is assumed standardized. */
function preprocessedInput(config: TrainConfig, inputStats?: InputStatistics): Moments {
  const raw = estimateRawInputs(config, inputStats);
  let mean = raw.mean;
  let variance = raw.std ** 2;
  const mode = config.data.preprocess.normalize;
  if (mode === 'standardize') {
    mean = 0;
    variance = 1;
  } else if (mode === 'meanSubtract') {
    mean = 0;
    // Per channel, what is left is each channel's spread about its own mean: the overall spread
    // less the spread of the channel means (a colour cast), for channels of equal size.
    const channelStds = inputStats?.channelStds;
    if (config.data.preprocess.per === 'channel' && channelStds && channelStds.length > 0) {
      variance = channelStds.reduce((sum, std) => sum + std * std, 0) / channelStds.length;
    }
  }
  variance += config.data.augment.noise ** 2;
  return moments(mean, variance);
}

function moments(mean: number, variance: number): Moments {
  const v = Math.max(0, variance);
  return { mean, std: Math.sqrt(v), secondMoment: mean * mean + v };
}

// ---------------------------------------------------------------------------------------------
// Gaussian expectations.

const SQRT_2PI = Math.sqrt(2 * Math.PI);
const pdf = (t: number) => Math.exp(-0.5 * t * t) / SQRT_2PI;

/** erf by Abramowitz & Stegun 7.1.26 (error < 1.5e-7), plenty for moment predictions. */
function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - poly * Math.exp(-a * a));
}
const cdf = (t: number) => 0.5 * (1 + erf(t / Math.SQRT2));

/**
 * A fixed grid on [−8, 8] with step 1/8 and normal-density weights: for smooth activations it is
 * as good as Gauss–Hermite, and unlike Gauss–Hermite it stays accurate for kinked ones (relu6,
 * hardSigmoid, elu at 0).
 */
const GRID_STEP = 1 / 8;
const GRID = Array.from({ length: 129 }, (_, k) => -8 + k * GRID_STEP);
const NORMAL_WEIGHTS = normalized(GRID.map(pdf));

function normalized(weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

/** Weights for the largest of n independent standard normals (density n·φ·Φ^(n−1)); n may be fractional. */
const maxWeightsCache = new Map<number, number[]>();
function maxOfNormalsWeights(n: number): number[] {
  const key = Math.round(n * 1000) / 1000;
  let weights = maxWeightsCache.get(key);
  if (!weights) {
    weights = normalized(GRID.map((t) => key * pdf(t) * Math.pow(cdf(t), key - 1)));
    maxWeightsCache.set(key, weights);
  }
  return weights;
}

type Scalar = (x: number) => number;
const sigmoid: Scalar = (x) => 1 / (1 + Math.exp(-x));
const softplus: Scalar = (x) => (x > 30 ? x : Math.log1p(Math.exp(x)));

/** Elementwise activations (softmax is a vector function and handled on its own). */
const ACTIVATIONS: Record<Exclude<ActivationName, 'softmax'>, Scalar> = {
  linear: (x) => x,
  relu: (x) => Math.max(0, x),
  relu6: (x) => Math.min(6, Math.max(0, x)),
  leakyRelu: (x) => (x >= 0 ? x : LEAKY_RELU_ALPHA * x),
  elu: (x) => (x >= 0 ? x : Math.expm1(x)),
  selu: (x) => SELU_SCALE * (x >= 0 ? x : SELU_ALPHA * Math.expm1(x)),
  tanh: Math.tanh,
  sigmoid,
  hardSigmoid: (x) => Math.min(1, Math.max(0, 0.2 * x + 0.5)),
  softplus,
  softsign: (x) => x / (1 + Math.abs(x)),
  swish: (x) => x * sigmoid(x),
  mish: (x) => x * Math.tanh(softplus(x)),
  gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
};

/** E[f(μ + σt)] and E[f(μ + σt)²] under the given weights on the grid. */
function gridMoments(f: Scalar, mu: number, sigma: number, weights: number[]): { mean: number; secondMoment: number } {
  let m1 = 0;
  let m2 = 0;
  for (let k = 0; k < GRID.length; k++) {
    const y = f(mu + sigma * GRID[k]);
    m1 += weights[k] * y;
    m2 += weights[k] * y * y;
  }
  return { mean: m1, secondMoment: m2 };
}

/** Moments of relu(z), z ~ N(μ, v), in closed form. */
function reluMoments(mu: number, v: number): { mean: number; secondMoment: number } {
  if (v <= 0) return { mean: Math.max(0, mu), secondMoment: Math.max(0, mu) ** 2 };
  const s = Math.sqrt(v);
  const a = mu / s;
  const p = cdf(a);
  const d = pdf(a);
  return { mean: mu * p + s * d, secondMoment: (mu * mu + v) * p + mu * s * d };
}

/** Moments of f(z) for z ~ N(μ, v), f an elementwise activation. */
function activationMoments(activation: Exclude<ActivationName, 'softmax'>, mu: number, v: number): { mean: number; secondMoment: number } {
  switch (activation) {
    case 'linear': return { mean: mu, secondMoment: mu * mu + Math.max(0, v) };
    case 'relu': return reluMoments(mu, v);
    case 'leakyRelu': {
      // relu(z) − α·relu(−z); the two parts never overlap, so their squares add.
      const pos = reluMoments(mu, v);
      const neg = reluMoments(-mu, v);
      return { mean: pos.mean - LEAKY_RELU_ALPHA * neg.mean, secondMoment: pos.secondMoment + LEAKY_RELU_ALPHA ** 2 * neg.secondMoment };
    }
    default: return gridMoments(ACTIVATIONS[activation], mu, Math.sqrt(Math.max(0, v)), NORMAL_WEIGHTS);
  }
}

/**
 * Fixed standard-normal draws, so softmax moments, which have no closed form, are estimated the
 * same way on every run: the 4096 quantiles Φ⁻¹((j + ½)/4096), in an order shuffled by a seeded
 * LCG. Stratified rather than random: independent draws put a 4.7σ outlier among them, and a
 * softmax over 1000 classes, whose rows take a quarter of the draws, then overestimated E[y²]
 * by half (its second moment grows like e^(2σz) in the tail).
 */
const SOFTMAX_SAMPLES = 128;
const STANDARD_NORMAL_DRAWS: number[] = (() => {
  const count = 4096;
  const draws = Array.from({ length: count }, (_, j) => normalQuantile((j + 0.5) / count));
  let state = 0x2545f491;
  for (let i = count - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = Math.floor(((state >>> 8) / 16777216) * (i + 1));
    [draws[i], draws[j]] = [draws[j], draws[i]];
  }
  return draws;
})();

/** Φ⁻¹(p) by Acklam's rational approximation (relative error < 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) => (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/**
 * Softmax over K logits, each N(0, v) and independent at initialization: the mean is exactly
 * 1/K; E[y²] = E[Σ y_i²]/K is averaged over fixed draws of the logits (it runs from 1/K² for
 * tiny logits to 1/K for one-hot outputs).
 */
export function softmaxMoments(classes: number, v: number): { mean: number; secondMoment: number } {
  const k = Math.max(1, classes);
  const s = Math.sqrt(Math.max(0, v));
  const samples = Math.max(8, Math.min(SOFTMAX_SAMPLES, Math.floor(200_000 / k)));
  let total = 0;
  const logits = new Float64Array(k);
  for (let m = 0; m < samples; m++) {
    let max = -Infinity;
    for (let i = 0; i < k; i++) {
      logits[i] = s * STANDARD_NORMAL_DRAWS[(m * k + i) % STANDARD_NORMAL_DRAWS.length];
      max = Math.max(max, logits[i]);
    }
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < k; i++) {
      const e = Math.exp(logits[i] - max);
      sum += e;
      squares += e * e;
    }
    total += squares / (sum * sum);
  }
  return { mean: 1 / k, secondMoment: Math.max(1 / (k * k), total / samples / k) };
}

// ---------------------------------------------------------------------------------------------
// Weights.

interface WeightMoments {
  mean: number;
  variance: number;
}

/** Mean and variance of one kernel entry under the initializer, as the engine draws it. */
export function initializerMoments(init: InitializerConfig, fanIn: number, fanOut: number, units: number): WeightMoments {
  switch (init.type) {
    case 'zeros': return { mean: 0, variance: 0 };
    case 'ones': return { mean: 1, variance: 0 };
    case 'constant': return { mean: init.value, variance: 0 };
    // The engine widens the named normals so their variance is exactly scale / fan (as Keras does).
    case 'glorotNormal':
    case 'glorotUniform': return { mean: 0, variance: 2 / (fanIn + fanOut) };
    case 'heNormal':
    case 'heUniform': return { mean: 0, variance: 2 / fanIn };
    case 'leCunNormal':
    case 'leCunUniform': return { mean: 0, variance: 1 / fanIn };
    // Orthonormal columns (fan_in ≥ units) keep each output's norm; otherwise the rows are
    // orthonormal and each output keeps a share fan_in/units: per entry, gain²/max(fan_in, units).
    case 'orthogonal': return { mean: 0, variance: init.gain ** 2 / Math.max(fanIn, units) };
    case 'randomNormal': return { mean: init.mean, variance: init.stddev ** 2 };
    case 'truncatedNormal': return { mean: init.mean, variance: init.stddev ** 2 * TRUNCATED_NORMAL_VARIANCE };
    case 'randomUniform': return { mean: (init.minval + init.maxval) / 2, variance: (init.maxval - init.minval) ** 2 / 12 };
  }
}

/** A kernel whose entries all start equal: every unit of the layer starts as a copy of the others. */
export function isConstantInitializer(init: InitializerConfig): boolean {
  switch (init.type) {
    case 'zeros':
    case 'ones':
    case 'constant': return true;
    case 'randomNormal':
    case 'truncatedNormal': return init.stddev === 0;
    case 'randomUniform': return init.minval === init.maxval;
    default: return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Propagation.

/**
 * The signal between layers: its moments, and when it is f(z) of a Gaussian z (f an activation,
 * or a chain of them), that z and f. Keeping the Gaussian under the activation lets a second
 * activation (relu after relu) and max pooling (max commutes with monotone f) be computed where
 * the Gaussian model holds, instead of pretending a ReLU output is Gaussian.
 */
interface Signal extends Moments {
  gaussianSource?: { mean: number; variance: number; f: Scalar };
  /**
   * Right after a linear dense/conv layer: the variance of one unit over examples and positions
   * (the input's mean moves all positions of a unit together, so only var(x) counts) and the
   * number of weights that set it. BatchNorm normalizes per unit, so this is what it divides by.
   */
  unit?: { variance: number; weights: number };
}

const IDENTITY: Scalar = (x) => x;

function signal(mean: number, secondMoment: number, source?: Signal['gaussianSource']): Signal {
  const variance = Math.max(0, secondMoment - mean * mean);
  return { mean, std: Math.sqrt(variance), secondMoment: Math.max(secondMoment, mean * mean), gaussianSource: source };
}

function lastDimension(shape: number[]): number {
  return shape[shape.length - 1] ?? 1;
}

/** The activation applied to a signal: exact for a Gaussian, or for f(Gaussian) through the chain. */
function applyActivation(activation: ActivationName, x: Signal, classes: number): Signal {
  const variance = x.std * x.std;
  if (activation === 'softmax') {
    const m = softmaxMoments(classes, variance);
    return signal(m.mean, m.secondMoment);
  }
  const source = x.gaussianSource;
  if (source && source.f !== IDENTITY) {
    const outer = ACTIVATIONS[activation];
    const f: Scalar = (z) => outer(source.f(z));
    const m = gridMoments(f, source.mean, Math.sqrt(source.variance), NORMAL_WEIGHTS);
    return signal(m.mean, m.secondMoment, { mean: source.mean, variance: source.variance, f });
  }
  const m = activationMoments(activation, x.mean, variance);
  const f = activation === 'linear' ? IDENTITY : ACTIVATIONS[activation];
  return signal(m.mean, m.secondMoment, { mean: x.mean, variance, f });
}

/** A LeakyReLU with its own slope (an activation layer's alpha), like applyActivation's fixed 0.3 one. */
function leakyRelu(alpha: number, x: Signal): Signal {
  const f: Scalar = (z) => (z >= 0 ? z : alpha * z);
  const source = x.gaussianSource;
  if (source && source.f !== IDENTITY) {
    const composed: Scalar = (z) => f(source.f(z));
    const m = gridMoments(composed, source.mean, Math.sqrt(source.variance), NORMAL_WEIGHTS);
    return signal(m.mean, m.secondMoment, { mean: source.mean, variance: source.variance, f: composed });
  }
  const variance = x.std * x.std;
  const pos = reluMoments(x.mean, variance);
  const neg = reluMoments(-x.mean, variance);
  return signal(pos.mean - alpha * neg.mean, pos.secondMoment + alpha ** 2 * neg.secondMoment, { mean: x.mean, variance, f });
}

/**
 * Σ_i w_i x_i over fan_in terms: zero-mean weights give fan_in·var(w)·E[x²]; a common weight
 * mean adds fan_in·mean(w)²·var(x) (the shared part of x moves every unit together).
 */
function linearStage(w: WeightMoments, fanIn: number, x: Signal): { mean: number; variance: number } {
  const xVariance = x.std * x.std;
  return { mean: fanIn * w.mean * x.mean, variance: fanIn * (w.variance * x.secondMoment + w.mean * w.mean * xVariance) };
}

function weightedLayer(layer: WeightedLayerConfig, shape: LayerShape, x: Signal): { out: Signal; pre: Moments; constant: boolean } {
  const units = lastDimension(shape.outputShape);
  let input = x;
  let constant = false;
  if (layer.type === 'separableConv2d' && shape.depthwiseStage) {
    // The depthwise stage first: each of its outputs sees kernel area inputs of one channel.
    const stage = shape.depthwiseStage;
    const depthwise = initializerMoments(layer.depthwiseInitializer, stage.initializerFans.fanIn, stage.initializerFans.fanOut, layer.depthMultiplier);
    const d = linearStage(depthwise, stage.fanIn, x);
    input = signal(d.mean, d.mean * d.mean + Math.max(0, d.variance));
    constant = depthwise.variance === 0;
  }
  // A depthwise kernel's initializer uses Keras's fans (kernel area × channels), its signal the true fan-in.
  const fans = shape.initializerFans ?? shape;
  const w = initializerMoments(layer.kernelInitializer, fans.fanIn, fans.fanOut, units);
  let { mean, variance } = linearStage(w, shape.fanIn, input);
  if (layer.useBias) {
    const b = initializerMoments(layer.biasInitializer, 1, 1, 1);
    mean += b.mean;
    variance += b.variance;
  }
  const out = applyActivation(layer.activation, signal(mean, mean * mean + Math.max(0, variance)), units);
  if (layer.activation === 'linear' && layer.type !== 'separableConv2d') {
    out.unit = { variance: shape.fanIn * w.variance * input.std * input.std, weights: shape.fanIn };
  }
  return { out, pre: moments(mean, variance), constant: constant || w.variance === 0 };
}

/**
 * E[v·c / (v·c + ε)] over the units of a layer, c ~ χ²_k/k: a unit's variance is v times the
 * normalized sum of squares of its k weights. Matters where v is comparable to ε (a depthwise
 * kernel has only kernel-area weights per unit, drawn with the channels in its fan-in); the
 * chi-square draws come from the fixed normal draws, so the estimate is the same on every run.
 */
function normalizedUnitVariance(v: number, k: number, epsilon: number): number {
  if (v <= 0) return 0;
  const draws = chiSquareDraws(k);
  if (!draws) return v / (v + epsilon);
  let total = 0;
  for (let m = 0; m < draws.length; m++) total += (v * draws[m]) / (v * draws[m] + epsilon);
  return total / draws.length;
}

/** χ²_k/k draws from the fixed normal draws (undefined when k is so large that χ²_k/k ≈ 1). */
const chiSquareCache = new Map<number, Float64Array | undefined>();
function chiSquareDraws(k: number): Float64Array | undefined {
  if (chiSquareCache.has(k)) return chiSquareCache.get(k);
  const samples = Math.floor(STANDARD_NORMAL_DRAWS.length / Math.max(1, k));
  let draws: Float64Array | undefined;
  if (samples >= 32) {
    draws = new Float64Array(samples);
    for (let m = 0; m < samples; m++) {
      let sum = 0;
      for (let j = 0; j < k; j++) sum += STANDARD_NORMAL_DRAWS[m * k + j] ** 2;
      draws[m] = sum / k;
    }
  }
  chiSquareCache.set(k, draws);
  return draws;
}

/** BatchNorm (over the batch) and LayerNorm (over each example's features) at initialization alike. */
function normalization(layer: Extract<LayerConfig, { type: 'batchNormalization' | 'layerNormalization' }>, x: Signal): Signal {
  const gamma = layer.scale ? initializerMoments(layer.gammaInitializer, 1, 1, 1) : { mean: 1, variance: 0 };
  const beta = layer.center ? initializerMoments(layer.betaInitializer, 1, 1, 1) : { mean: 0, variance: 0 };
  const inVariance = x.std * x.std;
  // x̂ = (x − μ)/√(var + ε) has variance var/(var + ε): ~1, or ~0 when the input is constant.
  const normalizedVariance = layer.type === 'batchNormalization' && x.unit
    ? normalizedUnitVariance(x.unit.variance, x.unit.weights, layer.epsilon)
    : inVariance / (inVariance + layer.epsilon);
  const variance = (gamma.mean ** 2 + gamma.variance) * normalizedVariance + beta.variance;
  return signal(beta.mean, beta.mean ** 2 + variance);
}

function poolSize(layer: Extract<LayerConfig, { type: 'maxPooling2d' | 'averagePooling2d' }>): number {
  return layer.poolSize[0] * layer.poolSize[1];
}

function averagePooled(x: Signal, positions: number, correlation: number): Signal {
  const keep = correlation + (1 - correlation) / Math.max(1, positions);
  return signal(x.mean, x.mean * x.mean + x.std * x.std * keep);
}

function maxPooled(x: Signal, positions: number, correlation: number): Signal {
  const n = positions / (1 + (positions - 1) * correlation);
  const weights = maxOfNormalsWeights(n);
  // The max of act(z_i) is act(max z_i) for monotone activations (all but swish/mish/gelu, for
  // which it is close); without a Gaussian source, treat the signal itself as Gaussian.
  const source = x.gaussianSource ?? { mean: x.mean, variance: x.std * x.std, f: IDENTITY };
  const m = gridMoments(source.f, source.mean, Math.sqrt(source.variance), weights);
  return signal(m.mean, m.secondMoment);
}

/** 1×1 (or dense) projection of the skip path: glorotUniform, no bias, as the model builder adds it. */
function projected(x: Signal, inputShape: number[], outputShape: number[]): Signal {
  const fanIn = lastDimension(inputShape);
  const fanOut = lastDimension(outputShape);
  return signal(0, fanIn * (2 / (fanIn + fanOut)) * x.secondMoment);
}

/**
 * The skip path inside a sum, at 21 standard-normal points (−5 … 5, step ½) with normal weights:
 * the Gaussian branch it is convolved with smooths away anything finer, and beyond 5σ the weights
 * are negligible (this runs for every residual block on every keystroke).
 */
const COARSE_GRID = Array.from({ length: 21 }, (_, k) => -5 + k / 2);
const COARSE_WEIGHTS = normalized(COARSE_GRID.map(pdf));

/** Values of a signal at the coarse grid's standard-normal points: its quantiles when the signal is a monotone f(Gaussian). */
function coarseValues(x: Signal): number[] {
  const source = x.gaussianSource;
  if (!source) return COARSE_GRID.map((t) => x.mean + x.std * t);
  const sigma = Math.sqrt(source.variance);
  return COARSE_GRID.map((t) => source.f(source.mean + sigma * t));
}

const SUM_VALUES = 65;

/** Φ tabulated on [−9, 9] (step 1/32) for the mixture CDFs below, which need many values. */
const CDF_STEP = 1 / 32;
const CDF_TABLE = Float64Array.from({ length: 18 * 32 + 1 }, (_, i) => cdf(-9 + i * CDF_STEP));
function tabulatedCdf(t: number): number {
  const position = (t + 9) / CDF_STEP;
  if (position <= 0) return 0;
  if (position >= CDF_TABLE.length - 1) return 1;
  const i = Math.floor(position);
  return CDF_TABLE[i] + (position - i) * (CDF_TABLE[i + 1] - CDF_TABLE[i]);
}
const GRID_LEVELS = GRID.map(cdf);

/**
 * The distribution of x + g, x a signal and g an independent Gaussian (a residual sum: the skip
 * path plus a branch that ends in BatchNorm), as a function of a standard normal: its quantiles
 * on the grid, found from the mixture's CDF, Σ_k w_k Φ((y − x_k − μ)/σ). The activation after
 * the sum (ReLU of a half-rectified skip plus a Gaussian) is then computed on the real shape of
 * the sum instead of on a Gaussian with the same moments, whose error compounds block by block.
 */
function sumWithGaussian(x: Signal, mean: number, variance: number): Signal['gaussianSource'] {
  const sigma = Math.sqrt(Math.max(0, variance));
  if (sigma === 0) return undefined;
  const points = coarseValues(x);
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points) {
    lo = Math.min(lo, p);
    hi = Math.max(hi, p);
  }
  lo += mean - 6 * sigma;
  hi += mean + 6 * sigma;
  const step = (hi - lo) / (SUM_VALUES - 1);
  const mixture = new Float64Array(SUM_VALUES);
  for (let i = 0; i < SUM_VALUES; i++) {
    const y = lo + i * step - mean;
    let total = 0;
    for (let k = 0; k < points.length; k++) total += COARSE_WEIGHTS[k] * tabulatedCdf((y - points[k]) / sigma);
    mixture[i] = total;
  }
  const quantiles = new Float64Array(GRID.length);
  let i = 0;
  for (let k = 0; k < GRID.length; k++) {
    const level = GRID_LEVELS[k];
    while (i < SUM_VALUES - 2 && mixture[i + 1] < level) i++;
    const span = mixture[i + 1] - mixture[i];
    const fraction = span > 0 ? Math.min(1, Math.max(0, (level - mixture[i]) / span)) : 0.5;
    quantiles[k] = lo + (i + fraction) * step;
  }
  const f: Scalar = (z) => {
    const position = Math.min(GRID.length - 1, Math.max(0, (z - GRID[0]) / GRID_STEP));
    const k = Math.min(GRID.length - 2, Math.floor(position));
    return quantiles[k] + (position - k) * (quantiles[k + 1] - quantiles[k]);
  };
  return { mean: 0, variance: 1, f };
}

/** Returns the layer's output and its entry, whose moments and gain the caller fills in. */
function propagate(layer: LayerConfig, shape: LayerShape, x: Signal, top: number, context: PropagationContext): { out: Signal; entry: LayerVariance } {
  // Every field is set at creation: objects that keep one shape stay fast (this runs per keystroke).
  const entry: LayerVariance = { index: top, indexPath: shape.index, type: layer.type, mean: 0, std: 0, secondMoment: 0, gain: 1 };
  switch (layer.type) {
    case 'dense':
    case 'conv2d':
    case 'conv1d':
    case 'depthwiseConv2d':
    case 'separableConv2d': {
      const { out, pre, constant } = weightedLayer(layer, shape, x);
      entry.preActivation = { mean: pre.mean, std: pre.std };
      if (constant) entry.flag = 'constant-kernel';
      return { out, entry };
    }
    case 'activation':
      if (layer.activation === 'leakyRelu' && layer.alpha !== undefined) return { out: leakyRelu(layer.alpha, x), entry };
      return { out: applyActivation(layer.activation, x, lastDimension(shape.outputShape)), entry };
    case 'batchNormalization':
    case 'layerNormalization':
      return { out: normalization(layer, x), entry };
    case 'dropout': {
      // Inverted dropout in training: kept units are scaled by 1/(1 − rate), so E[y²] grows by that factor.
      const keep = 1 - layer.rate;
      return { out: signal(x.mean, keep > 0 ? x.secondMoment / keep : 0), entry };
    }
    case 'maxPooling2d':
      return { out: maxPooled(x, poolSize(layer), context.windowCorrelation), entry };
    case 'maxPooling1d':
      return { out: maxPooled(x, layer.poolSize, context.windowCorrelation), entry };
    case 'globalMaxPooling2d':
      return { out: maxPooled(x, shape.inputShape[0] * shape.inputShape[1], context.globalCorrelation), entry };
    case 'zeroPadding2d': {
      // A probe's moments run over the whole tensor, the added zeros included.
      const kept = (shape.inputShape[0] * shape.inputShape[1]) / (shape.outputShape[0] * shape.outputShape[1]);
      return { out: signal(kept * x.mean, kept * x.secondMoment), entry };
    }
    case 'averagePooling2d': {
      // A window as large as its input (ResNet's final 7×7 average) is a global pooling.
      const global = shape.outputShape[0] === 1 && shape.outputShape[1] === 1;
      return { out: averagePooled(x, poolSize(layer), global ? context.globalCorrelation : context.windowCorrelation), entry };
    }
    case 'globalAveragePooling2d':
      return { out: averagePooled(x, shape.inputShape[0] * shape.inputShape[1], context.globalCorrelation), entry };
    case 'flatten':
    case 'reshape':
      return { out: x, entry };
    case 'residual': {
      const branch = propagateSequence(layer.layers, shape.branch ?? [], x, top, context);
      const f = branch.out;
      const skip = layer.shortcut && shape.shortcut
        ? propagateSequence(layer.shortcut, shape.shortcut, x, top, context).out
        : shape.projection ? projected(x, shape.inputShape, shape.outputShape) : x;
      entry.branch = branch.layers;
      entry.skip = { mean: skip.mean, std: skip.std, secondMoment: skip.secondMoment };
      // A branch that starts silent (zero-initialized last layer) leaves the skip path as it is.
      if (f.secondMoment === 0) return { out: skip, entry };
      // At initialization the branch's last weights are independent of the skip path, so the
      // variances of x and F(x) add: Var(x + F(x)) = Var(x) + Var(F(x)).
      const mean = skip.mean + f.mean;
      const variance = skip.std ** 2 + f.std ** 2;
      return { out: signal(mean, mean * mean + variance, sumWithGaussian(skip, f.mean, f.std ** 2)), entry };
    }
  }
}

function propagateSequence(layers: LayerConfig[], shapes: LayerShape[], input: Signal, top: number | undefined, context: PropagationContext): { out: Signal; layers: LayerVariance[] } {
  const result: LayerVariance[] = [];
  let x = input;
  for (let i = 0; i < layers.length && i < shapes.length; i++) {
    const index = top ?? i;
    const { out, entry } = propagate(layers[i], shapes[i], x, index, context);
    entry.mean = out.mean;
    entry.std = out.std;
    entry.secondMoment = out.secondMoment;
    entry.gain = x.secondMoment > 0 ? Math.sqrt(out.secondMoment / x.secondMoment) : out.secondMoment > 0 ? Infinity : 1;
    result.push(entry);
    x = out;
  }
  return { out: x, layers: result };
}

export function predictVariance(config: TrainConfig, shapes: ShapeReport, inputStats?: InputStatistics): VariancePrediction {
  const input = preprocessedInput(config, inputStats);
  // Shape inference stops at the first impossible layer; the model can only follow it that far.
  const known: LayerShape[] = [];
  for (let i = 0; i < shapes.layers.length && shapes.layers[i].index[0] === i; i++) known.push(shapes.layers[i]);
  const noise = config.data.dataset.kind === 'placeholder';
  const context = { windowCorrelation: noise ? 0 : WINDOW_CORRELATION, globalCorrelation: noise ? 0 : GLOBAL_CORRELATION };
  const { layers } = propagateSequence(config.model.layers, known, { ...input }, undefined, context);
  return { input, layers };
}
