// Keras/TF.js initializers, regularizers and activation names → Training Doctor's. Each mapping
// keeps the weight distribution the original draws (the variance model and the rules depend on
// it); what has no equivalent comes back as a reason, never as a silent substitute.

import { isObject, own, type RawObject } from './importProblem';

export type Mapped<T> = { ok: true; value: T; note?: string } | { ok: false; reason: string };

/** {class_name, config} (Keras 2, TF.js) or {module, class_name, config, registered_name} (Keras 3); a bare string is a name. */
export function serializedObject(value: unknown): { className: string; config: RawObject } | undefined {
  if (typeof value === 'string') return { className: value, config: {} };
  if (!isObject(value)) return undefined;
  const className = own(value, 'class_name');
  const config = own(value, 'config');
  if (typeof className !== 'string') return undefined;
  return { className, config: isObject(config) ? config : {} };
}

const snake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const num = (value: unknown, fallback: number) => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);

/** tfjs-layers writes modes and distributions in either case ("fan_avg" or "fanAvg"). */
function token(value: unknown): string | undefined {
  return typeof value === 'string' ? snake(value) : undefined;
}

function varianceScaling(config: RawObject): Mapped<unknown> {
  const scale = num(own(config, 'scale'), 1);
  const mode = token(own(config, 'mode'));
  const distribution = token(own(config, 'distribution'));
  if (mode === undefined && distribution === undefined && scale === 1) {
    // tfjs-layers 0.x serialized its Glorot initializers with mode and distribution null.
    return { ok: true, value: 'glorotUniform', note: 'VarianceScaling with mode and distribution null (tfjs-layers 0.x) read as Glorot (scale 1, fan_avg)' };
  }
  const family = scale === 2 && mode === 'fan_in' ? 'he' : scale === 1 && mode === 'fan_avg' ? 'glorot' : scale === 1 && mode === 'fan_in' ? 'leCun' : undefined;
  if (!family) {
    return { ok: false, reason: `VarianceScaling(scale=${scale}, mode=${String(own(config, 'mode'))}) has no equivalent: Training Doctor knows He (scale 2, fan_in), Glorot (scale 1, fan_avg) and LeCun (scale 1, fan_in)` };
  }
  const uniform = distribution === 'uniform';
  if (!uniform && distribution !== 'normal' && distribution !== 'truncated_normal' && distribution !== 'untruncated_normal') {
    return { ok: false, reason: `VarianceScaling distribution ${String(own(config, 'distribution'))} is unknown` };
  }
  const name = `${family}${uniform ? 'Uniform' : 'Normal'}`;
  return distribution === 'untruncated_normal'
    ? { ok: true, value: name, note: `untruncated normal read as ${name} (a truncated normal with the same variance)` }
    : { ok: true, value: name };
}

/** An initializer spec → our JSON form (a name or {type, ...}). */
export function mapInitializer(value: unknown): Mapped<unknown> {
  const spec = serializedObject(value);
  if (!spec) return { ok: false, reason: `the initializer ${JSON.stringify(value)} is not a Keras initializer` };
  const { className, config } = spec;
  switch (snake(className).replace(/_/g, '')) {
    case 'variancescaling': return varianceScaling(config);
    case 'glorotuniform': return { ok: true, value: 'glorotUniform' };
    case 'glorotnormal': return { ok: true, value: 'glorotNormal' };
    case 'henormal': return { ok: true, value: 'heNormal' };
    case 'heuniform': return { ok: true, value: 'heUniform' };
    case 'lecunnormal': return { ok: true, value: 'leCunNormal' };
    case 'lecununiform': return { ok: true, value: 'leCunUniform' };
    case 'zeros':
    case 'zero': return { ok: true, value: 'zeros' };
    case 'ones':
    case 'one': return { ok: true, value: 'ones' };
    case 'constant': return { ok: true, value: { type: 'constant', value: num(own(config, 'value'), 0) } };
    case 'orthogonal': return { ok: true, value: { type: 'orthogonal', gain: num(own(config, 'gain'), 1) } };
    case 'randomnormal': return { ok: true, value: { type: 'randomNormal', mean: num(own(config, 'mean'), 0), stddev: num(own(config, 'stddev'), 0.05) } };
    case 'truncatednormal': return { ok: true, value: { type: 'truncatedNormal', mean: num(own(config, 'mean'), 0), stddev: num(own(config, 'stddev'), 0.05) } };
    case 'randomuniform': return { ok: true, value: { type: 'randomUniform', minval: num(own(config, 'minval'), -0.05), maxval: num(own(config, 'maxval'), 0.05) } };
    default: return { ok: false, reason: `the initializer ${className} has no equivalent (supported: VarianceScaling, Glorot/He/LeCun, RandomNormal, RandomUniform, TruncatedNormal, Zeros, Ones, Constant, Orthogonal)` };
  }
}

/** A regularizer spec → {l1, l2}; null/absent → undefined. */
export function mapRegularizer(value: unknown): Mapped<{ l1?: number; l2?: number } | undefined> {
  if (value === null || value === undefined) return { ok: true, value: undefined };
  const spec = serializedObject(value);
  if (!spec) return { ok: false, reason: `the regularizer ${JSON.stringify(value)} is not a Keras regularizer` };
  const l1 = num(own(spec.config, 'l1'), 0);
  const l2 = num(own(spec.config, 'l2'), 0);
  switch (spec.className.toLowerCase()) {
    case 'l1l2': return { ok: true, value: { ...(l1 ? { l1 } : {}), ...(l2 ? { l2 } : {}) } };
    case 'l1': return { ok: true, value: { l1: num(own(spec.config, 'l1'), 0.01) } };
    case 'l2': return { ok: true, value: { l2: num(own(spec.config, 'l2'), 0.01) } };
    default: return { ok: false, reason: `the regularizer ${spec.className} has no equivalent (supported: L1, L2, L1L2)` };
  }
}

const ACTIVATIONS: Record<string, string> = {
  linear: 'linear', relu: 'relu', relu6: 'relu6', elu: 'elu', selu: 'selu', tanh: 'tanh', sigmoid: 'sigmoid',
  hard_sigmoid: 'hardSigmoid', hardsigmoid: 'hardSigmoid', softmax: 'softmax', softplus: 'softplus', softsign: 'softsign',
  swish: 'swish', silu: 'swish', mish: 'mish', gelu: 'gelu',
};

/** An activation name (or Keras 3 serialized activation) → ours. */
export function mapActivation(value: unknown): Mapped<string> {
  if (value === null || value === undefined) return { ok: true, value: 'linear' };
  const spec = serializedObject(value);
  const name = spec ? snake(spec.className) : undefined;
  const mapped = name ? ACTIVATIONS[name] : undefined;
  if (mapped) return { ok: true, value: mapped };
  if (name === 'leaky_relu') return { ok: false, reason: 'the leaky_relu activation function has a slope of 0.2 in Keras 3 while Training Doctor\'s leakyRelu has 0.3' };
  return { ok: false, reason: `the activation ${JSON.stringify(spec?.className ?? value)} has no equivalent (supported: ${Object.keys(ACTIVATIONS).join(', ')})` };
}

