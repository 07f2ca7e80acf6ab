// Builds a tfjs functional model from the config's layers. The model outputs the output of every
// config layer (the last one being the prediction), so one forward pass yields both the loss and
// the per-layer activations the instruments measure. Each config layer remembers the tfjs layers
// it became, so weights and gradients can be reported per config layer.

import { projectionStrides } from '../config/shapeInference';
import type { ActivationName, LayerConfig, RegularizerConfig } from '../config/trainConfig';
import { deriveSeed, SeededRandom } from '../random';
import { makeInitializer } from './initializers';
import { batchNormTrainingClass } from './batchNormTraining';
import { seededDropoutClass } from './seededDropout';
import type { Tf } from './tensorflowRuntime';

type TfLayer = InstanceType<Tf['layers']['Layer']>;
type SymbolicTensor = ReturnType<Tf['input']>;
export type LayersModel = ReturnType<Tf['model']>;

export interface TrackedLayer {
  /** Index in the config's top-level layers. */
  index: number;
  name: string;
  type: LayerConfig['type'];
  /** The activation whose output is measured (drives dead/saturated statistics). */
  activation: ActivationName | 'batchNormalization' | 'none';
  outputShape: number[];
  /** Every tfjs layer this config layer became (a residual block: all of its branch). */
  tfLayers: TfLayer[];
  /** The layers whose main weight (kernel, or gamma for BatchNorm) is reported as "weights". */
  weightLayers: TfLayer[];
}

export interface BuiltModel {
  /** Outputs: one per config layer, in order; the last is the prediction. */
  model: LayersModel;
  /** Same layers, prediction only: used for validation and saving. */
  predictor: LayersModel;
  tracked: TrackedLayer[];
}

const LEAKY_RELU_ALPHA = 0.3; // Keras' and tfjs's LeakyReLU layer default.

/** Frozen constants standing in for what a config leaves out (BatchNorm without scale or center): not the model's parameters. */
const STAND_IN_PARAMS = new WeakMap<object, number>();

/** A tfjs layer's parameters as Keras would count them for the config layer it implements. */
export function configParamCount(layer: TfLayer): number {
  return layer.countParams() - (STAND_IN_PARAMS.get(layer) ?? 0);
}

function regularizer(tf: Tf, config: RegularizerConfig | undefined) {
  return config && (config.l1 > 0 || config.l2 > 0) ? tf.regularizers.l1l2({ l1: config.l1, l2: config.l2 }) : undefined;
}

class GraphBuilder {
  private counter = 0;
  private readonly seeds: SeededRandom;
  private readonly dropoutSeeds: SeededRandom;

  constructor(private readonly tf: Tf, seed: number) {
    this.seeds = new SeededRandom(deriveSeed(seed, 'initializers'));
    this.dropoutSeeds = new SeededRandom(deriveSeed(seed, 'dropout'));
  }

  private uniqueName(prefix: string, kind: string): string {
    return `${prefix}_${kind}_${this.counter++}`;
  }

  /** Applies one config layer; returns its output and the tfjs layers it created. */
  apply(layer: LayerConfig, input: SymbolicTensor, prefix: string): { output: SymbolicTensor; created: TfLayer[]; weightLayers: TfLayer[] } {
    const tf = this.tf;
    const created: TfLayer[] = [];
    const weightLayers: TfLayer[] = [];
    const add = (l: TfLayer, x: SymbolicTensor) => {
      created.push(l);
      return l.apply(x) as SymbolicTensor;
    };
    switch (layer.type) {
      case 'dense':
      case 'conv2d':
      case 'conv1d':
      case 'depthwiseConv2d':
      case 'separableConv2d': {
        const leaky = layer.activation === 'leakyRelu';
        const kernelInitializer = makeInitializer(tf, layer.kernelInitializer, this.seeds.seed());
        const common = {
          activation: (leaky ? 'linear' : layer.activation) as never,
          useBias: layer.useBias,
          biasInitializer: makeInitializer(tf, layer.biasInitializer, this.seeds.seed()),
          biasRegularizer: regularizer(tf, layer.biasRegularizer),
          name: this.uniqueName(prefix, layer.type),
        };
        const kernel = { kernelInitializer, kernelRegularizer: regularizer(tf, layer.kernelRegularizer) };
        let main: TfLayer;
        switch (layer.type) {
          case 'dense': main = tf.layers.dense({ units: layer.units, ...kernel, ...common }); break;
          case 'conv2d':
            main = tf.layers.conv2d({ filters: layer.filters, kernelSize: layer.kernelSize, strides: layer.strides, padding: layer.padding, ...kernel, ...common });
            break;
          case 'conv1d':
            main = tf.layers.conv1d({ filters: layer.filters, kernelSize: layer.kernelSize, strides: layer.strides, padding: layer.padding, ...kernel, ...common });
            break;
          case 'depthwiseConv2d':
            main = tf.layers.depthwiseConv2d({
              kernelSize: layer.kernelSize, strides: layer.strides, padding: layer.padding, depthMultiplier: layer.depthMultiplier,
              depthwiseInitializer: kernelInitializer, depthwiseRegularizer: kernel.kernelRegularizer, ...common,
            });
            break;
          case 'separableConv2d':
            main = tf.layers.separableConv2d({
              filters: layer.filters, kernelSize: layer.kernelSize, strides: layer.strides, padding: layer.padding, depthMultiplier: layer.depthMultiplier,
              depthwiseInitializer: makeInitializer(tf, layer.depthwiseInitializer, this.seeds.seed()),
              pointwiseInitializer: kernelInitializer, pointwiseRegularizer: kernel.kernelRegularizer, ...common,
            });
            break;
        }
        weightLayers.push(main);
        let out = add(main, input);
        if (leaky) out = add(tf.layers.leakyReLU({ alpha: LEAKY_RELU_ALPHA, name: this.uniqueName(prefix, 'leakyRelu') }), out);
        return { output: out, created, weightLayers };
      }
      case 'maxPooling1d':
        return { output: add(tf.layers.maxPooling1d({ poolSize: layer.poolSize, strides: layer.strides, padding: layer.padding, name: this.uniqueName(prefix, layer.type) }), input), created, weightLayers };
      case 'zeroPadding2d':
        return { output: add(tf.layers.zeroPadding2d({ padding: layer.padding, name: this.uniqueName(prefix, layer.type) }), input), created, weightLayers };
      case 'globalMaxPooling2d':
        return { output: add(tf.layers.globalMaxPooling2d({ name: this.uniqueName(prefix, 'gmp') }), input), created, weightLayers };
      case 'reshape':
        return { output: add(tf.layers.reshape({ targetShape: layer.targetShape, name: this.uniqueName(prefix, layer.type) }), input), created, weightLayers };
      case 'layerNormalization': {
        const norm = tf.layers.layerNormalization({
          epsilon: layer.epsilon, center: layer.center, scale: layer.scale,
          gammaInitializer: makeInitializer(tf, layer.gammaInitializer, this.seeds.seed()),
          betaInitializer: makeInitializer(tf, layer.betaInitializer, this.seeds.seed()),
          name: this.uniqueName(prefix, 'layerNorm'),
        });
        weightLayers.push(norm);
        return { output: add(norm, input), created, weightLayers };
      }
      case 'maxPooling2d':
      case 'averagePooling2d': {
        const args = { poolSize: layer.poolSize, strides: layer.strides, padding: layer.padding, name: this.uniqueName(prefix, layer.type) };
        const pool = layer.type === 'maxPooling2d' ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args);
        return { output: add(pool, input), created, weightLayers };
      }
      case 'globalAveragePooling2d':
        return { output: add(tf.layers.globalAveragePooling2d({ name: this.uniqueName(prefix, 'gap') }), input), created, weightLayers };
      case 'flatten': {
        // tfjs's Flatten refuses an already-flat input; a reshape to the same size is the identity there.
        const size = (input.shape.slice(1) as number[]).reduce((a, b) => a * b, 1);
        const flatten = input.shape.length > 2
          ? tf.layers.flatten({ name: this.uniqueName(prefix, 'flatten') })
          : tf.layers.reshape({ targetShape: [size], name: this.uniqueName(prefix, 'flatten') });
        return { output: add(flatten, input), created, weightLayers };
      }
      case 'batchNormalization': {
        // tfjs 4.22's BatchNormalization reads gamma and beta while training even when scale or
        // center is false (and fails): it gets both, the one the config leaves out as a frozen
        // constant (gamma 1, beta 0), which computes the same.
        const gammaInitializer = makeInitializer(tf, layer.gammaInitializer, this.seeds.seed());
        const betaInitializer = makeInitializer(tf, layer.betaInitializer, this.seeds.seed());
        // Training steps go through batchNormTraining's analytic gradient; the layer is otherwise tfjs's.
        const BatchNorm = batchNormTrainingClass(tf);
        const bn = new BatchNorm({
          momentum: layer.momentum, epsilon: layer.epsilon,
          gammaInitializer: layer.scale ? gammaInitializer : tf.initializers.ones(),
          betaInitializer: layer.center ? betaInitializer : tf.initializers.zeros(),
          name: this.uniqueName(prefix, 'batchNorm'),
        });
        weightLayers.push(bn);
        const output = add(bn, input);
        const variables = bn as unknown as { gamma: { trainable: boolean }; beta: { trainable: boolean } };
        const channels = (input.shape[input.shape.length - 1] as number) ?? 0;
        if (!layer.scale) variables.gamma.trainable = false;
        if (!layer.center) variables.beta.trainable = false;
        if (!layer.scale || !layer.center) STAND_IN_PARAMS.set(bn, channels * ((layer.scale ? 0 : 1) + (layer.center ? 0 : 1)));
        return { output, created, weightLayers };
      }
      case 'dropout': {
        const Dropout = seededDropoutClass(tf);
        const dropout = new Dropout({ rate: layer.rate, name: this.uniqueName(prefix, 'dropout') }, () => this.dropoutSeeds.seed());
        return { output: add(dropout, input), created, weightLayers };
      }
      case 'activation': {
        const l = layer.activation === 'leakyRelu'
          ? tf.layers.leakyReLU({ alpha: layer.alpha ?? LEAKY_RELU_ALPHA, name: this.uniqueName(prefix, 'leakyRelu') })
          : tf.layers.activation({ activation: layer.activation as never, name: this.uniqueName(prefix, 'activation') });
        return { output: add(l, input), created, weightLayers };
      }
      case 'residual': {
        let branch = input;
        layer.layers.forEach((inner, i) => {
          const result = this.apply(inner, branch, `${prefix}b${i}`);
          created.push(...result.created);
          weightLayers.push(...result.weightLayers);
          branch = result.output;
        });
        let skip = input;
        const inShape = input.shape.slice(1) as number[];
        const outShape = branch.shape.slice(1) as number[];
        if (layer.shortcut) {
          layer.shortcut.forEach((inner, i) => {
            const result = this.apply(inner, skip, `${prefix}s${i}`);
            created.push(...result.created);
            weightLayers.push(...result.weightLayers);
            skip = result.output;
          });
        } else if (inShape.join() !== outShape.join()) {
          const projectionName = this.uniqueName(prefix, 'projection');
          const init = makeInitializer(tf, { type: 'glorotUniform' }, this.seeds.seed());
          const projection = outShape.length === 1
            ? tf.layers.dense({ units: outShape[0], useBias: false, kernelInitializer: init, name: projectionName })
            : tf.layers.conv2d({
              filters: outShape[2], kernelSize: 1, padding: 'same', useBias: false, kernelInitializer: init, name: projectionName,
              strides: projectionStrides(inShape, outShape) ?? [1, 1],
            });
          skip = add(projection, input);
        }
        const sum = add(tf.layers.add({ name: this.uniqueName(prefix, 'add') }), [skip, branch] as never);
        return { output: sum, created, weightLayers };
      }
    }
  }
}

function measuredActivation(layer: LayerConfig): TrackedLayer['activation'] {
  switch (layer.type) {
    case 'dense':
    case 'conv2d':
    case 'conv1d':
    case 'depthwiseConv2d':
    case 'separableConv2d':
    case 'activation': return layer.activation;
    case 'batchNormalization': return 'batchNormalization';
    default: return 'none';
  }
}

export function buildModel(tf: Tf, layers: LayerConfig[], inputShape: number[], seed: number): BuiltModel {
  const builder = new GraphBuilder(tf, seed);
  const input = tf.input({ shape: inputShape, name: 'input' });
  const outputs: SymbolicTensor[] = [];
  const tracked: TrackedLayer[] = [];
  let x = input;
  layers.forEach((layer, index) => {
    const { output, created, weightLayers } = builder.apply(layer, x, `L${index}`);
    outputs.push(output);
    tracked.push({
      index, name: `${index}:${layer.type}`, type: layer.type, activation: measuredActivation(layer),
      outputShape: output.shape.slice(1) as number[], tfLayers: created, weightLayers,
    });
    x = output;
  });
  const model = tf.model({ inputs: input, outputs, name: 'training_doctor_model' });
  const predictor = tf.model({ inputs: input, outputs: outputs[outputs.length - 1], name: 'training_doctor_predictor' });
  return { model, predictor, tracked };
}
