// One Keras/TF.js layer → one Training Doctor layer, with its options. Every option that would
// change the model and has no equivalent is a problem naming the layer, never dropped quietly;
// options that do not change the model at initialization (constraints, names, dtypes) are ignored.

import type { JsonPath } from '../../config/configProblem';
import { mapActivation, mapInitializer, mapRegularizer, type Mapped } from './kerasInitializers';
import { importProblem, own, type ImportProblem, type KerasLayerRef, type RawObject } from './importProblem';

export interface KerasLayer extends KerasLayerRef {
  config: RawObject;
  /** JSON path of the layer object in the source. */
  path: JsonPath;
}

export type LayerMapping =
  | { kind: 'layer'; layer: RawObject }
  | { kind: 'input' }
  | { kind: 'add' }
  | { kind: 'failed'; problems: ImportProblem[] };

/** Why a layer class cannot be imported, and what the user can do about it. */
const UNSUPPORTED: { classes: string[]; why: string; todo: string }[] = [
  {
    classes: ['LSTM', 'GRU', 'SimpleRNN', 'RNN', 'ConvLSTM2D', 'CuDNNLSTM', 'CuDNNGRU', 'Bidirectional', 'TimeDistributed'],
    why: 'recurrent layers (and their wrappers) are not supported: Training Doctor builds feed-forward models (dense, convolutional, residual)',
    todo: 'diagnose the feed-forward part of the model on its own, or replace the recurrent layer with conv1d layers',
  },
  {
    classes: ['Embedding'],
    why: 'it looks up learned vectors for integer token ids, and Training Doctor feeds real-valued inputs only',
    todo: 'feed precomputed embedding vectors as inputs (e.g. a CSV) and import the layers that come after the Embedding',
  },
  {
    classes: ['Lambda'],
    why: 'its function is Python code (marshalled bytecode), which is never executed or translated',
    todo: 'replace the Lambda with built-in Keras layers (Reshape, Activation, ...) and export the model again',
  },
  {
    classes: ['Concatenate', 'Multiply', 'Subtract', 'Average', 'Maximum', 'Minimum', 'Dot'],
    why: 'only additive merges (residual blocks, x + F(x)) are supported, not other merge layers',
    todo: 'restructure the merge as a residual Add, or diagnose the branches as separate models',
  },
];

export function mapKerasLayer(layer: KerasLayer): LayerMapping {
  const c = layer.config;
  const problems: ImportProblem[] = [];
  const at = (key: string): JsonPath => [...layer.path, 'config', key];
  const fail = (key: string | undefined, message: string) => {
    problems.push({ ...importProblem('import.unsupported-option', key ? at(key) : layer.path, `Layer "${layer.name}" (${layer.className}): ${message}`, layer), cause: `${layer.className}: ${message}` });
  };
  const take = <T>(key: string, mapped: Mapped<T>): T | undefined => {
    if (mapped.ok) return mapped.value;
    fail(key, `${mapped.reason}.`);
    return undefined;
  };
  const activation = (key = 'activation') => take(key, mapActivation(own(c, key)));
  const initializer = (key: string) => (own(c, key) === undefined || own(c, key) === null ? undefined : take(key, mapInitializer(own(c, key))));
  const regularizer = (key: string) => take(key, mapRegularizer(own(c, key)));
  const pair = (key: string, fallback: number): [number, number] => {
    const v = own(c, key);
    if (typeof v === 'number') return [v, v];
    if (Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number')) return [v[0] as number, v[1] as number];
    if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'number') return [v[0] as number, v[0] as number];
    return [fallback, fallback];
  };
  const single = (key: string, fallback: number): number => {
    const v = own(c, key);
    if (typeof v === 'number') return v;
    if (Array.isArray(v) && typeof v[0] === 'number') return v[0] as number;
    return fallback;
  };
  const padding = () => {
    const p = own(c, 'padding') ?? 'valid';
    if (p === 'valid' || p === 'same') return p;
    fail('padding', `padding ${JSON.stringify(p)} is not supported (only "valid" and "same").`);
    return undefined;
  };
  const channelsLast = () => {
    const format = own(c, 'data_format');
    if (format !== undefined && format !== null && format !== 'channels_last') fail('data_format', `data_format ${JSON.stringify(format)}: only channels_last (TensorFlow's layout) is supported. Rebuild the model with channels_last.`);
  };
  const noDilation = () => {
    const [dh, dw] = pair('dilation_rate', 1);
    if (dh !== 1 || dw !== 1) fail('dilation_rate', `dilated convolutions (dilation_rate ${dh}×${dw}) are not supported.`);
    const groups = own(c, 'groups');
    if (typeof groups === 'number' && groups !== 1) fail('groups', `grouped convolutions (groups ${groups}) are not supported.`);
  };
  const noActivityRegularizer = () => {
    if (own(c, 'activity_regularizer') !== undefined && own(c, 'activity_regularizer') !== null) fail('activity_regularizer', 'activity regularizers are not supported; remove it or regularize the kernel.');
  };
  const weighted = (kernelKey: string, kernelRegularizerKey: string) => {
    noActivityRegularizer();
    return compact({
      activation: activation(),
      useBias: own(c, 'use_bias') === false ? false : undefined,
      kernelInitializer: initializer(kernelKey),
      biasInitializer: initializer('bias_initializer'),
      kernelRegularizer: regularizer(kernelRegularizerKey),
      biasRegularizer: regularizer('bias_regularizer'),
    });
  };
  const done = (result: RawObject): LayerMapping => (problems.length > 0 ? { kind: 'failed', problems } : { kind: 'layer', layer: result });

  switch (layer.className) {
    case 'InputLayer': return { kind: 'input' };
    case 'Add': return { kind: 'add' };
    case 'Dense': {
      const units = own(c, 'units');
      return done({ type: 'dense', units, ...weighted('kernel_initializer', 'kernel_regularizer') });
    }
    case 'Conv2D':
    case 'Convolution2D': {
      channelsLast();
      noDilation();
      return done({ type: 'conv2d', filters: own(c, 'filters'), kernelSize: pair('kernel_size', 3), strides: pair('strides', 1), padding: padding(), ...weighted('kernel_initializer', 'kernel_regularizer') });
    }
    case 'Conv1D':
    case 'Convolution1D': {
      noDilation();
      if (own(c, 'padding') === 'causal') fail('padding', 'causal padding is not supported (only "valid" and "same").');
      return done({ type: 'conv1d', filters: own(c, 'filters'), kernelSize: single('kernel_size', 3), strides: single('strides', 1), padding: padding(), ...weighted('kernel_initializer', 'kernel_regularizer') });
    }
    case 'DepthwiseConv2D': {
      channelsLast();
      noDilation();
      return done({
        type: 'depthwiseConv2d', kernelSize: pair('kernel_size', 3), strides: pair('strides', 1), padding: padding(),
        depthMultiplier: typeof own(c, 'depth_multiplier') === 'number' ? own(c, 'depth_multiplier') : 1,
        ...weighted('depthwise_initializer', 'depthwise_regularizer'),
      });
    }
    case 'SeparableConv2D':
    case 'SeparableConvolution2D': {
      channelsLast();
      noDilation();
      if (mapRegularizer(own(c, 'depthwise_regularizer')).ok && own(c, 'depthwise_regularizer')) fail('depthwise_regularizer', 'a regularizer on the depthwise kernel is not supported (only on the pointwise kernel).');
      const options = weighted('pointwise_initializer', 'pointwise_regularizer');
      return done({
        type: 'separableConv2d', filters: own(c, 'filters'), kernelSize: pair('kernel_size', 3), strides: pair('strides', 1), padding: padding(),
        depthMultiplier: typeof own(c, 'depth_multiplier') === 'number' ? own(c, 'depth_multiplier') : 1,
        ...options, ...compact({ depthwiseInitializer: initializer('depthwise_initializer') }),
      });
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D':
    case 'MaxPool2D':
    case 'AvgPool2D': {
      channelsLast();
      const poolSize = pair('pool_size', 2);
      const strides = own(c, 'strides') === null || own(c, 'strides') === undefined ? poolSize : pair('strides', 1);
      return done({ type: layer.className.startsWith('Max') ? 'maxPooling2d' : 'averagePooling2d', poolSize, strides, padding: padding() });
    }
    case 'MaxPooling1D':
    case 'MaxPool1D': {
      const poolSize = single('pool_size', 2);
      const strides = own(c, 'strides') === null || own(c, 'strides') === undefined ? poolSize : single('strides', poolSize);
      return done({ type: 'maxPooling1d', poolSize, strides, padding: padding() });
    }
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
    case 'GlobalAvgPool2D':
    case 'GlobalMaxPool2D': {
      channelsLast();
      if (own(c, 'keepdims') === true) fail('keepdims', 'keepdims true is not supported; add a Reshape after the pooling instead.');
      return done({ type: layer.className.includes('Max') ? 'globalMaxPooling2d' : 'globalAveragePooling2d' });
    }
    case 'ZeroPadding2D': {
      channelsLast();
      const p = own(c, 'padding');
      const valid = typeof p === 'number' || (Array.isArray(p) && p.length === 2 && p.every((v) => typeof v === 'number' || (Array.isArray(v) && v.length === 2)));
      if (!valid) fail('padding', `padding ${JSON.stringify(p)} is not an integer, [rows, columns] or [[top, bottom], [left, right]].`);
      return done({ type: 'zeroPadding2d', padding: p ?? 1 });
    }
    case 'Flatten':
      channelsLast();
      return done({ type: 'flatten' });
    case 'Reshape':
      return done({ type: 'reshape', targetShape: own(c, 'target_shape') });
    case 'BatchNormalization': {
      const axis = own(c, 'axis');
      const axisValue = Array.isArray(axis) && axis.length === 1 ? axis[0] : axis;
      if (typeof axisValue !== 'number') fail('axis', `normalizing over axes ${JSON.stringify(axis)} is not supported (only the last axis).`);
      for (const key of ['beta_regularizer', 'gamma_regularizer']) if (own(c, key)) fail(key, 'regularizers on gamma and beta are not supported.');
      return done({
        type: 'batchNormalization', ...compact({
          momentum: numberOr(own(c, 'momentum')), epsilon: numberOr(own(c, 'epsilon')),
          center: own(c, 'center') === false ? false : undefined, scale: own(c, 'scale') === false ? false : undefined,
          gammaInitializer: initializer('gamma_initializer'), betaInitializer: initializer('beta_initializer'),
        }),
        // Checked against the input's rank once shapes are known (importKerasModel).
        ...(typeof axisValue === 'number' && axisValue !== -1 ? { [AXIS_MARK]: axisValue } : {}),
      });
    }
    case 'LayerNormalization': {
      const axis = own(c, 'axis');
      const last = axis === -1 || (Array.isArray(axis) && axis.length === 1 && axis[0] === -1) || axis === undefined;
      if (!last) fail('axis', `normalizing over axes ${JSON.stringify(axis)} is not supported (only the last axis, -1).`);
      return done({
        type: 'layerNormalization', ...compact({
          epsilon: numberOr(own(c, 'epsilon')), center: own(c, 'center') === false ? false : undefined, scale: own(c, 'scale') === false ? false : undefined,
          gammaInitializer: initializer('gamma_initializer'), betaInitializer: initializer('beta_initializer'),
        }),
      });
    }
    case 'Dropout': {
      if (own(c, 'noise_shape')) fail('noise_shape', 'a noise_shape (dropping whole channels) is not supported.');
      return done({ type: 'dropout', rate: numberOr(own(c, 'rate')) ?? 0.5 });
    }
    case 'Activation':
      return done({ type: 'activation', activation: activation() });
    case 'ReLU': {
      const max = own(c, 'max_value');
      const slope = numberOr(own(c, 'negative_slope')) ?? 0;
      const threshold = numberOr(own(c, 'threshold')) ?? 0;
      if (slope !== 0) fail('negative_slope', `a negative slope (${slope}) is not supported; use LeakyReLU with alpha 0.3 or a plain ReLU.`);
      if (threshold !== 0) fail('threshold', `a threshold (${threshold}) is not supported.`);
      if (max !== null && max !== undefined && max !== 6) fail('max_value', `max_value ${JSON.stringify(max)} is not supported (only none, relu, or 6, relu6).`);
      return done({ type: 'activation', activation: max === 6 ? 'relu6' : 'relu' });
    }
    case 'LeakyReLU': {
      const alpha = numberOr(own(c, 'alpha')) ?? numberOr(own(c, 'negative_slope')) ?? 0.3;
      if (alpha < 0) fail(own(c, 'alpha') !== undefined ? 'alpha' : 'negative_slope', `a negative slope ${alpha} is not supported.`);
      // Keras stores float32 slopes (0.10000000149011612): 7 significant digits give back the one typed.
      const slope = Number(alpha.toPrecision(7));
      return done({ type: 'activation', activation: 'leakyRelu', ...(slope !== 0.3 ? { alpha: slope } : {}) });
    }
    case 'ELU': {
      const alpha = numberOr(own(c, 'alpha')) ?? 1;
      if (alpha !== 1) fail('alpha', `alpha ${alpha} is not supported (only 1).`);
      return done({ type: 'activation', activation: 'elu' });
    }
    case 'Softmax': {
      const axis = own(c, 'axis');
      if (axis !== undefined && axis !== -1) fail('axis', `softmax over axis ${JSON.stringify(axis)} is not supported (only the last axis).`);
      return done({ type: 'activation', activation: 'softmax' });
    }
    default: {
      const known = UNSUPPORTED.find((u) => u.classes.includes(layer.className));
      const message = known
        ? `Layer "${layer.name}" (${layer.className}) cannot be imported: ${known.why}. What to do: ${known.todo}.`
        : `Layer "${layer.name}" (${layer.className}) cannot be imported: Training Doctor has no equivalent layer. ` +
          'Supported: Dense, Conv1D, Conv2D, DepthwiseConv2D, SeparableConv2D, pooling (max, average, global), ZeroPadding2D, Flatten, Reshape, ' +
          'BatchNormalization, LayerNormalization, Dropout, Activation, ReLU, LeakyReLU, ELU, Softmax, InputLayer and residual Add.';
      return { kind: 'failed', problems: [{ ...importProblem(known ? 'import.unsupported-layer' : 'import.unknown-layer', layer.path, message, layer), cause: layer.className }] };
    }
  }
}

/** A BatchNormalization's explicit axis, kept on the mapped layer until its input rank is known. */
export const AXIS_MARK = '__kerasAxis';

function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Drops undefined values, so the written config keeps only what differs from our defaults. */
function compact(object: RawObject): RawObject {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined));
}
