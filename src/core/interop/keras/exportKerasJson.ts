// `training-doctor export --to keras-json`: a config's model as Keras 2 functional-model JSON
// (what `model.to_json()` writes), so the same architecture can be built in Keras or TF.js
// (tf.models.modelFromJSON) and so an import of the result gives the same model back.
// Activations Keras has no string for (leakyRelu, relu6) become LeakyReLU / ReLU layers; an
// automatic residual projection becomes its explicit 1×1 convolution (or dense layer).

import { projectionStrides, type LayerShape, type ShapeReport } from '../../config/shapeInference';
import type { InitializerConfig, LayerConfig, RegularizerConfig, TrainConfig } from '../../config/trainConfig';
import type { RawObject } from './importProblem';

type KerasLayerJson = { class_name: string; name: string; config: RawObject; inbound_nodes: unknown[] };

const KERAS_ACTIVATIONS: Record<string, string> = {
  linear: 'linear', relu: 'relu', elu: 'elu', selu: 'selu', tanh: 'tanh', sigmoid: 'sigmoid', hardSigmoid: 'hard_sigmoid',
  softmax: 'softmax', softplus: 'softplus', softsign: 'softsign', swish: 'swish', mish: 'mish', gelu: 'gelu',
};

export function exportInitializer(init: InitializerConfig): RawObject {
  const scaling = (scale: number, mode: string, distribution: string) => ({ class_name: 'VarianceScaling', config: { scale, mode, distribution, seed: null } });
  switch (init.type) {
    case 'zeros': return { class_name: 'Zeros', config: {} };
    case 'ones': return { class_name: 'Ones', config: {} };
    case 'constant': return { class_name: 'Constant', config: { value: init.value } };
    case 'glorotUniform': return scaling(1, 'fan_avg', 'uniform');
    case 'glorotNormal': return scaling(1, 'fan_avg', 'truncated_normal');
    case 'heUniform': return scaling(2, 'fan_in', 'uniform');
    case 'heNormal': return scaling(2, 'fan_in', 'truncated_normal');
    case 'leCunUniform': return scaling(1, 'fan_in', 'uniform');
    case 'leCunNormal': return scaling(1, 'fan_in', 'truncated_normal');
    case 'orthogonal': return { class_name: 'Orthogonal', config: { gain: init.gain, seed: null } };
    case 'randomNormal': return { class_name: 'RandomNormal', config: { mean: init.mean, stddev: init.stddev, seed: null } };
    case 'randomUniform': return { class_name: 'RandomUniform', config: { minval: init.minval, maxval: init.maxval, seed: null } };
    case 'truncatedNormal': return { class_name: 'TruncatedNormal', config: { mean: init.mean, stddev: init.stddev, seed: null } };
  }
}

function regularizer(value: RegularizerConfig | undefined): RawObject | null {
  return value && (value.l1 > 0 || value.l2 > 0) ? { class_name: 'L1L2', config: { l1: value.l1, l2: value.l2 } } : null;
}

class KerasGraphWriter {
  readonly layers: KerasLayerJson[] = [];
  private readonly counts = new Map<string, number>();

  private name(kind: string): string {
    const n = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, n);
    return `${kind}_${n}`;
  }

  add(className: string, kind: string, config: RawObject, inputs: string[]): string {
    const name = this.name(kind);
    this.layers.push({ class_name: className, name, config: { name, trainable: true, ...config }, inbound_nodes: inputs.length > 0 ? [inputs.map((i) => [i, 0, 0, {}])] : [] });
    return name;
  }

  /** Appends one config layer after `input`; returns the name of its output layer. */
  layer(layer: LayerConfig, input: string, shape: LayerShape | undefined): string {
    const activationSplit = (activation: string) => (activation === 'leakyRelu' || activation === 'relu6' ? 'linear' : KERAS_ACTIVATIONS[activation]);
    const afterActivation = (activation: string, from: string) => {
      if (activation === 'leakyRelu') return this.add('LeakyReLU', 'leaky_re_lu', { alpha: 0.3 }, [from]);
      if (activation === 'relu6') return this.add('ReLU', 're_lu', { max_value: 6, negative_slope: 0, threshold: 0 }, [from]);
      return from;
    };
    const convCommon = { data_format: 'channels_last', dilation_rate: [1, 1] };
    switch (layer.type) {
      case 'dense':
      case 'conv2d':
      case 'conv1d':
      case 'depthwiseConv2d':
      case 'separableConv2d': {
        const common = {
          activation: activationSplit(layer.activation), use_bias: layer.useBias,
          bias_initializer: exportInitializer(layer.biasInitializer), bias_regularizer: regularizer(layer.biasRegularizer),
          activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
        };
        const kernel = { kernel_initializer: exportInitializer(layer.kernelInitializer), kernel_regularizer: regularizer(layer.kernelRegularizer) };
        let out: string;
        switch (layer.type) {
          case 'dense': out = this.add('Dense', 'dense', { units: layer.units, ...common, ...kernel }, [input]); break;
          case 'conv2d':
            out = this.add('Conv2D', 'conv2d', { filters: layer.filters, kernel_size: layer.kernelSize, strides: layer.strides, padding: layer.padding, ...convCommon, ...common, ...kernel }, [input]);
            break;
          case 'conv1d':
            out = this.add('Conv1D', 'conv1d', { filters: layer.filters, kernel_size: [layer.kernelSize], strides: [layer.strides], padding: layer.padding, data_format: 'channels_last', dilation_rate: [1], ...common, ...kernel }, [input]);
            break;
          case 'depthwiseConv2d':
            out = this.add('DepthwiseConv2D', 'depthwise_conv2d', {
              kernel_size: layer.kernelSize, strides: layer.strides, padding: layer.padding, depth_multiplier: layer.depthMultiplier, ...convCommon, ...common,
              depthwise_initializer: kernel.kernel_initializer, depthwise_regularizer: kernel.kernel_regularizer, depthwise_constraint: null,
            }, [input]);
            break;
          case 'separableConv2d':
            out = this.add('SeparableConv2D', 'separable_conv2d', {
              filters: layer.filters, kernel_size: layer.kernelSize, strides: layer.strides, padding: layer.padding, depth_multiplier: layer.depthMultiplier, ...convCommon, ...common,
              depthwise_initializer: exportInitializer(layer.depthwiseInitializer), pointwise_initializer: kernel.kernel_initializer,
              depthwise_regularizer: null, pointwise_regularizer: kernel.kernel_regularizer,
            }, [input]);
            break;
        }
        return afterActivation(layer.activation, out);
      }
      case 'maxPooling2d':
      case 'averagePooling2d':
        return this.add(layer.type === 'maxPooling2d' ? 'MaxPooling2D' : 'AveragePooling2D', layer.type === 'maxPooling2d' ? 'max_pooling2d' : 'average_pooling2d',
          { pool_size: layer.poolSize, strides: layer.strides, padding: layer.padding, data_format: 'channels_last' }, [input]);
      case 'maxPooling1d':
        return this.add('MaxPooling1D', 'max_pooling1d', { pool_size: [layer.poolSize], strides: [layer.strides], padding: layer.padding }, [input]);
      case 'globalAveragePooling2d':
        return this.add('GlobalAveragePooling2D', 'global_average_pooling2d', { data_format: 'channels_last' }, [input]);
      case 'globalMaxPooling2d':
        return this.add('GlobalMaxPooling2D', 'global_max_pooling2d', { data_format: 'channels_last' }, [input]);
      case 'zeroPadding2d':
        return this.add('ZeroPadding2D', 'zero_padding2d', { padding: layer.padding, data_format: 'channels_last' }, [input]);
      case 'flatten':
        return this.add('Flatten', 'flatten', { data_format: 'channels_last' }, [input]);
      case 'reshape':
        return this.add('Reshape', 'reshape', { target_shape: layer.targetShape }, [input]);
      case 'batchNormalization':
        return this.add('BatchNormalization', 'batch_normalization', {
          axis: -1, momentum: layer.momentum, epsilon: layer.epsilon, center: layer.center, scale: layer.scale,
          beta_initializer: exportInitializer(layer.betaInitializer), gamma_initializer: exportInitializer(layer.gammaInitializer),
          moving_mean_initializer: { class_name: 'Zeros', config: {} }, moving_variance_initializer: { class_name: 'Ones', config: {} },
          beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null,
        }, [input]);
      case 'layerNormalization':
        return this.add('LayerNormalization', 'layer_normalization', {
          axis: -1, epsilon: layer.epsilon, center: layer.center, scale: layer.scale,
          beta_initializer: exportInitializer(layer.betaInitializer), gamma_initializer: exportInitializer(layer.gammaInitializer),
        }, [input]);
      case 'dropout':
        return this.add('Dropout', 'dropout', { rate: layer.rate, noise_shape: null, seed: null }, [input]);
      case 'activation':
        if (layer.activation === 'leakyRelu' && layer.alpha !== undefined) return this.add('LeakyReLU', 'leaky_re_lu', { alpha: layer.alpha }, [input]);
        if (layer.activation === 'leakyRelu' || layer.activation === 'relu6') return afterActivation(layer.activation, input);
        return this.add('Activation', 'activation', { activation: KERAS_ACTIVATIONS[layer.activation] }, [input]);
      case 'residual':
        return this.residual(layer, input, shape);
    }
  }

  private residual(layer: Extract<LayerConfig, { type: 'residual' }>, input: string, shape: LayerShape | undefined): string {
    let branch = input;
    layer.layers.forEach((inner, i) => {
      branch = this.layer(inner, branch, shape?.branch?.[i]);
    });
    let skip = input;
    if (layer.shortcut) {
      layer.shortcut.forEach((inner, i) => {
        skip = this.layer(inner, skip, shape?.shortcut?.[i]);
      });
    } else if (shape && shape.inputShape.join() !== shape.outputShape.join()) {
      // The projection the model builder adds: glorotUniform, no bias.
      const common = {
        use_bias: false, kernel_initializer: exportInitializer({ type: 'glorotUniform' }), bias_initializer: exportInitializer({ type: 'zeros' }),
        activation: 'linear', kernel_regularizer: null, bias_regularizer: null,
      };
      skip = shape.outputShape.length === 1
        ? this.add('Dense', 'dense', { units: shape.outputShape[0], ...common }, [input])
        : this.add('Conv2D', 'conv2d', {
          filters: shape.outputShape[2], kernel_size: [1, 1], strides: projectionStrides(shape.inputShape, shape.outputShape) ?? [1, 1], padding: 'same',
          data_format: 'channels_last', dilation_rate: [1, 1], ...common,
        }, [input]);
    }
    return this.add('Add', 'add', {}, [skip, branch]);
  }
}

/** The Keras 2 functional-model JSON of a valid config (`shapes`: its shape inference, for residual projections). */
export function exportKerasJson(config: TrainConfig, shapes: ShapeReport): RawObject {
  const writer = new KerasGraphWriter();
  const input = writer.add('InputLayer', 'input', { batch_input_shape: [null, ...config.model.input], dtype: 'float32', sparse: false }, []);
  let x = input;
  config.model.layers.forEach((layer, i) => {
    x = writer.layer(layer, x, shapes.layers[i]);
  });
  return {
    class_name: 'Model',
    config: { name: config.name, layers: writer.layers, input_layers: [[input, 0, 0]], output_layers: [[x, 0, 0]] },
    keras_version: '2.2.4',
    backend: 'tensorflow',
    training_config: trainingConfig(config),
  };
}

function trainingConfig(config: TrainConfig): RawObject {
  const o = config.training.optimizer;
  const optimizer = (() => {
    switch (o.type) {
      case 'sgd': return { class_name: 'SGD', config: { lr: o.learningRate, momentum: o.momentum, nesterov: o.nesterov, decay: 0 } };
      case 'adam': return { class_name: 'Adam', config: { lr: o.learningRate, beta_1: o.beta1, beta_2: o.beta2, epsilon: o.epsilon, decay: 0, amsgrad: false } };
      case 'rmsprop': return { class_name: 'RMSprop', config: { lr: o.learningRate, rho: o.decay, epsilon: o.epsilon, decay: 0 } };
      case 'adagrad': return { class_name: 'Adagrad', config: { lr: o.learningRate, initial_accumulator_value: o.initialAccumulatorValue, decay: 0 } };
    }
  })();
  const loss: Record<string, string> = {
    categoricalCrossentropy: 'categorical_crossentropy', binaryCrossentropy: 'binary_crossentropy', meanSquaredError: 'mean_squared_error',
    meanAbsoluteError: 'mean_absolute_error', huber: 'huber_loss',
  };
  const metric: Record<string, string> = { accuracy: 'accuracy', meanAbsoluteError: 'mean_absolute_error', meanSquaredError: 'mean_squared_error' };
  return { optimizer_config: optimizer, loss: loss[config.training.loss], metrics: config.training.metrics.map((m) => metric[m]), sample_weight_mode: null, loss_weights: null };
}
