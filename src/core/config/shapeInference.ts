// Static shape inference over the config's layers, without tfjs: it catches impossible
// architectures (dense after conv without flatten, kernels larger than their input, residual
// branches whose shape cannot be projected back) in milliseconds, and gives later rules the
// fan-in/fan-out of every weighted layer.

import { problem, type ConfigProblem, type JsonPath } from './configProblem';
import { isWeightedLayer, type DatasetConfig, type LayerConfig, type TrainConfig } from './trainConfig';

export type Shape = number[];

export interface LayerShape {
  /** Index path: [3] for a top-level layer, [3, 1] for the second layer of the residual block at 3. */
  index: number[];
  type: LayerConfig['type'];
  inputShape: Shape;
  outputShape: Shape;
  /** Inputs feeding one output unit (dense: d_in; conv: k·k·c_in); 0 for layers without weights. */
  fanIn: number;
  fanOut: number;
  params: number;
  /**
   * The fans the engine's initializer computes for `kernelInitializer` when they differ from the
   * signal's: a depthwise kernel [kh, kw, c, m] gets fan_in kh·kw·c (Keras and tfjs) although one
   * output sees kh·kw inputs.
   */
  initializerFans?: { fanIn: number; fanOut: number };
  /** separableConv2d: its depthwise stage (fanIn/fanOut then describe the pointwise kernel). */
  depthwiseStage?: { fanIn: number; initializerFans: { fanIn: number; fanOut: number } };
  /** Residual blocks: the branch's layers, and whether a projection is added on the skip path. */
  branch?: LayerShape[];
  /** Residual blocks with explicit shortcut layers: their shapes (index paths continue after the branch's). */
  shortcut?: LayerShape[];
  projection?: { kind: 'dense' | 'conv1x1'; strides: [number, number]; params: number };
}

export interface ShapeReport {
  layers: LayerShape[];
  outputShape: Shape | undefined;
  problems: ConfigProblem[];
}

const fmt = (shape: Shape) => `[${shape.join(', ')}]`;

function convOutput(size: number, kernel: number, stride: number, padding: 'valid' | 'same'): number {
  return padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - kernel) / stride) + 1;
}

/** A layer's JSON path from its index path: [3] → model.layers[3], [3, 1] → model.layers[3].layers[1]. */
export function layerPath(index: number[]): JsonPath {
  const path: JsonPath = ['model', 'layers'];
  index.forEach((i, depth) => {
    if (depth > 0) path.push('layers');
    path.push(i);
  });
  return path;
}

function inferLayer(layer: LayerConfig, input: Shape, index: number[], problems: ConfigProblem[], path: JsonPath = layerPath(index)): LayerShape | undefined {
  const at = `Layer ${index.join('.')} (${layer.type})`;
  const base = { index, type: layer.type, inputShape: input, fanIn: 0, fanOut: 0, params: 0 };
  const needsImage = () => {
    if (input.length === 3) return true;
    problems.push(problem('shape.needs-image', [...path, 'type'],
      `${at} needs an image input [height, width, channels] but gets ${fmt(input)}. ` +
      `Set model.input to an image shape (for MNIST: "shape": "image" and [28, 28, 1]) or use dense layers.`));
    return false;
  };
  const needsSequence = () => {
    if (input.length === 2) return true;
    problems.push(problem('shape.needs-sequence', [...path, 'type'],
      `${at} needs a sequence input [steps, channels] but gets ${fmt(input)}. Set model.input to [steps, channels] or add a reshape before it.`));
    return false;
  };
  const tooSmall = (kernel: string, size: string) => {
    problems.push(problem('shape.too-small', [...path, 'kernelSize'],
      `${at}: a ${kernel} kernel with "valid" padding does not fit its ${size} input. Use a smaller kernel or "padding": "same".`));
    return undefined;
  };
  switch (layer.type) {
    case 'dense': {
      if (input.length !== 1) {
        problems.push(problem('shape.dense-needs-flat', [...path, 'type'],
          `${at} gets a ${fmt(input)} input but dense layers here take flat vectors. ` +
          `Add {"type": "flatten"} or {"type": "globalAveragePooling2d"} before it.`));
        return undefined;
      }
      const dIn = input[0];
      return { ...base, outputShape: [layer.units], fanIn: dIn, fanOut: layer.units, params: dIn * layer.units + (layer.useBias ? layer.units : 0) };
    }
    case 'conv2d': {
      if (!needsImage()) return undefined;
      const [h, w, c] = input;
      const [kh, kw] = layer.kernelSize;
      const [sh, sw] = layer.strides;
      const oh = convOutput(h, kh, sh, layer.padding);
      const ow = convOutput(w, kw, sw, layer.padding);
      if (oh < 1 || ow < 1) return tooSmall(`${kh}×${kw}`, `${h}×${w}`);
      return {
        ...base, outputShape: [oh, ow, layer.filters], fanIn: kh * kw * c, fanOut: kh * kw * layer.filters,
        params: kh * kw * c * layer.filters + (layer.useBias ? layer.filters : 0),
      };
    }
    case 'depthwiseConv2d':
    case 'separableConv2d': {
      if (!needsImage()) return undefined;
      const [h, w, c] = input;
      const [kh, kw] = layer.kernelSize;
      const oh = convOutput(h, kh, layer.strides[0], layer.padding);
      const ow = convOutput(w, kw, layer.strides[1], layer.padding);
      if (oh < 1 || ow < 1) return tooSmall(`${kh}×${kw}`, `${h}×${w}`);
      const m = layer.depthMultiplier;
      // Keras/tfjs fans of a [kh, kw, c, m] depthwise kernel.
      const depthwiseFans = { fanIn: kh * kw * c, fanOut: kh * kw * m };
      if (layer.type === 'depthwiseConv2d') {
        return {
          ...base, outputShape: [oh, ow, c * m], fanIn: kh * kw, fanOut: kh * kw * m, initializerFans: depthwiseFans,
          params: kh * kw * c * m + (layer.useBias ? c * m : 0),
        };
      }
      return {
        ...base, outputShape: [oh, ow, layer.filters], fanIn: c * m, fanOut: layer.filters,
        depthwiseStage: { fanIn: kh * kw, initializerFans: depthwiseFans },
        params: kh * kw * c * m + c * m * layer.filters + (layer.useBias ? layer.filters : 0),
      };
    }
    case 'conv1d': {
      if (!needsSequence()) return undefined;
      const [steps, c] = input;
      const out = convOutput(steps, layer.kernelSize, layer.strides, layer.padding);
      if (out < 1) return tooSmall(`${layer.kernelSize}`, `${steps}-step`);
      return {
        ...base, outputShape: [out, layer.filters], fanIn: layer.kernelSize * c, fanOut: layer.kernelSize * layer.filters,
        params: layer.kernelSize * c * layer.filters + (layer.useBias ? layer.filters : 0),
      };
    }
    case 'maxPooling1d': {
      if (!needsSequence()) return undefined;
      const out = convOutput(input[0], layer.poolSize, layer.strides, layer.padding);
      if (out < 1) {
        problems.push(problem('shape.too-small', [...path, 'poolSize'],
          `${at}: a pool of ${layer.poolSize} does not fit its ${input[0]}-step input. Remove a pooling layer or use "padding": "same".`));
        return undefined;
      }
      return { ...base, outputShape: [out, input[1]] };
    }
    case 'zeroPadding2d': {
      if (!needsImage()) return undefined;
      const [[top, bottom], [left, right]] = layer.padding;
      return { ...base, outputShape: [input[0] + top + bottom, input[1] + left + right, input[2]] };
    }
    case 'globalMaxPooling2d':
      if (!needsImage()) return undefined;
      return { ...base, outputShape: [input[2]] };
    case 'reshape': {
      const size = input.reduce((a, b) => a * b, 1);
      const known = layer.targetShape.filter((d) => d !== -1);
      const knownSize = known.reduce((a, b) => a * b, 1);
      const unknown = layer.targetShape.length - known.length;
      const inferred = unknown === 1 && knownSize > 0 && size % knownSize === 0 ? size / knownSize : undefined;
      const target = layer.targetShape.map((d) => (d === -1 ? inferred ?? -1 : d));
      if (unknown > 1 || known.some((d) => d < 1) || target.reduce((a, b) => a * b, 1) !== size) {
        problems.push(problem('shape.reshape-mismatch', [...path, 'targetShape'],
          `${at} cannot reshape ${fmt(input)} (${size} values) to ${fmt(layer.targetShape)}: the sizes must multiply to ${size}, with at most one -1.`));
        return undefined;
      }
      return { ...base, outputShape: target };
    }
    case 'layerNormalization': {
      const features = input[input.length - 1];
      return { ...base, outputShape: input, params: ((layer.scale ? 1 : 0) + (layer.center ? 1 : 0)) * features };
    }
    case 'maxPooling2d':
    case 'averagePooling2d': {
      if (!needsImage()) return undefined;
      const [h, w, c] = input;
      const oh = convOutput(h, layer.poolSize[0], layer.strides[0], layer.padding);
      const ow = convOutput(w, layer.poolSize[1], layer.strides[1], layer.padding);
      if (oh < 1 || ow < 1) {
        problems.push(problem('shape.too-small', [...path, 'poolSize'],
          `${at}: a ${layer.poolSize.join('×')} pool does not fit its ${h}×${w} input. Remove a pooling layer or use "padding": "same".`));
        return undefined;
      }
      return { ...base, outputShape: [oh, ow, c] };
    }
    case 'globalAveragePooling2d':
      if (!needsImage()) return undefined;
      return { ...base, outputShape: [input[2]] };
    case 'flatten':
      return { ...base, outputShape: [input.reduce((a, b) => a * b, 1)] };
    case 'batchNormalization': {
      // Keras counts the moving mean and variance as (non-trainable) parameters too.
      const channels = input[input.length - 1];
      return { ...base, outputShape: input, params: (2 + (layer.scale ? 1 : 0) + (layer.center ? 1 : 0)) * channels };
    }
    case 'dropout':
    case 'activation':
      return { ...base, outputShape: input };
    case 'residual':
      return inferResidual(layer, input, index, path, base, problems);
  }
}

/** A residual branch or shortcut: its layers' shapes, or undefined at the first impossible one. */
function inferChain(layers: LayerConfig[], input: Shape, index: number[], firstIndex: number, path: JsonPath, problems: ConfigProblem[]): LayerShape[] | undefined {
  const chain: LayerShape[] = [];
  let shape = input;
  for (let i = 0; i < layers.length; i++) {
    const inferred = inferLayer(layers[i], shape, [...index, firstIndex + i], problems, [...path, i]);
    if (!inferred) return undefined;
    chain.push(inferred);
    shape = inferred.outputShape;
  }
  return chain;
}

function inferResidual(block: Extract<LayerConfig, { type: 'residual' }>, input: Shape, index: number[], path: JsonPath, base: Omit<LayerShape, 'outputShape'>, problems: ConfigProblem[]): LayerShape | undefined {
  const branch = inferChain(block.layers, input, index, 0, [...path, 'layers'], problems);
  if (!branch) return undefined;
  const shape = branch.length > 0 ? branch[branch.length - 1].outputShape : input;
  const params = branch.reduce((sum, l) => sum + l.params, 0);
  const result: LayerShape = { ...base, outputShape: shape, params, branch };
  if (block.shortcut) {
    const shortcut = inferChain(block.shortcut, input, index, block.layers.length, [...path, 'shortcut'], problems);
    if (!shortcut) return undefined;
    const skipShape = shortcut.length > 0 ? shortcut[shortcut.length - 1].outputShape : input;
    if (fmt(skipShape) !== fmt(shape)) {
      problems.push(problem('shape.residual-mismatch', [...path, 'shortcut'],
        `Residual block ${index.join('.')}: the shortcut gives ${fmt(skipShape)} but the branch gives ${fmt(shape)}; both must have the same shape to be added.`));
      return undefined;
    }
    result.shortcut = shortcut;
    result.params += shortcut.reduce((sum, l) => sum + l.params, 0);
    return result;
  }
  if (fmt(shape) === fmt(input)) return result;

  if (shape.length === 1 && input.length === 1) {
    result.projection = { kind: 'dense', strides: [1, 1], params: input[0] * shape[0] };
  } else if (shape.length === 3 && input.length === 3) {
    const strides = projectionStrides(input, shape);
    if (!strides) {
      problems.push(problem('shape.residual-mismatch', [...path, 'layers'],
        `Residual block ${index.join('.')} turns ${fmt(input)} into ${fmt(shape)}; a 1×1 projection of the skip path cannot ` +
        `match that size. Use "padding": "same" in the branch so only strides change the size.`));
      return undefined;
    }
    result.projection = { kind: 'conv1x1', strides, params: input[2] * shape[2] };
  } else {
    problems.push(problem('shape.residual-mismatch', [...path, 'layers'],
      `Residual block ${index.join('.')} turns ${fmt(input)} into ${fmt(shape)}: the branch must keep the rank of its input ` +
      `(no flatten inside a residual branch).`));
    return undefined;
  }
  result.params += result.projection.params;
  return result;
}

/**
 * The strides of the 1×1 "same" convolution that maps a skip path of `input` onto a branch
 * output of `output`: the smallest s with ceil(in/s) = out, if there is one.
 */
export function projectionStrides(input: Shape, output: Shape): [number, number] | undefined {
  const stride = (size: number, target: number) => {
    const s = Math.ceil(size / target);
    return s >= 1 && Math.ceil(size / s) === target ? s : undefined;
  };
  const sh = stride(input[0], output[0]);
  const sw = stride(input[1], output[1]);
  return sh && sw ? [sh, sw] : undefined;
}

export function inferShapes(layers: LayerConfig[], input: Shape): ShapeReport {
  const problems: ConfigProblem[] = [];
  const report: LayerShape[] = [];
  let shape: Shape | undefined = input;
  for (let i = 0; i < layers.length && shape; i++) {
    const inferred = inferLayer(layers[i], shape, [i], problems);
    if (inferred) report.push(inferred);
    shape = inferred?.outputShape;
  }
  return { layers: report, outputShape: shape, problems };
}

/** The input shape a dataset yields, when it is known without reading files. */
export function datasetInputShape(dataset: DatasetConfig): Shape | undefined {
  switch (dataset.kind) {
    case 'mnist': return dataset.shape === 'image' ? [28, 28, 1] : [784];
    case 'gaussian':
    case 'blobs': return [dataset.features];
    case 'spirals': return [2];
    case 'placeholder': return dataset.shape;
    case 'images': return [dataset.size[0], dataset.size[1], dataset.channels];
    case 'csv': return undefined;
  }
}

export function datasetClassCount(dataset: DatasetConfig): number | undefined {
  switch (dataset.kind) {
    case 'mnist': return 10;
    // Both known only once the file or folder is read.
    case 'csv':
    case 'images': return undefined;
    case 'placeholder': return dataset.task === 'regression' ? undefined : dataset.classes;
    default: return dataset.classes;
  }
}

/** The activation the network ends in: the last activation-bearing layer's. */
export function finalActivation(layers: LayerConfig[]): string {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i];
    if (isWeightedLayer(layer) || layer.type === 'activation') return layer.activation;
    if (layer.type === 'residual') return 'linear';
  }
  return 'linear';
}

/** Checks that the model fits its data and loss: input shape, output size, output activation. */
export function checkModelAgainstData(config: TrainConfig, outputShape: Shape | undefined, inputShape: Shape | undefined, classes: number | undefined): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const input = config.model.input;
  if (inputShape && fmt(inputShape) !== fmt(input)) {
    const hint = config.data.dataset.kind === 'mnist'
      ? ` MNIST with "shape": "${config.data.dataset.shape}" yields ${fmt(inputShape)}.`
      : '';
    problems.push(problem('shape.input-mismatch', ['model', 'input'],
      `model.input is ${fmt(input)} but the data has shape ${fmt(inputShape)}.${hint} Make them agree.`));
  }
  if (!outputShape) return problems;
  const last = config.model.layers.length - 1;
  const lastPath: JsonPath = ['model', 'layers', last];
  const activation = finalActivation(config.model.layers);
  const loss = config.training.loss;
  if (classes !== undefined && loss === 'categoricalCrossentropy') {
    if (outputShape.length !== 1 || outputShape[0] !== classes) {
      problems.push(problem('shape.output-mismatch', lastPath,
        `The model ends in ${fmt(outputShape)} but the data has ${classes} classes: the last layer should be a dense layer with ${classes} units.`));
    }
    if (activation !== 'softmax' && activation !== 'linear') {
      problems.push(problem('loss.activation-mismatch', lastPath,
        `categoricalCrossentropy needs class probabilities (softmax) or raw logits (linear) from the last layer, not "${activation}".`));
    }
  } else if (loss === 'binaryCrossentropy') {
    if (outputShape.length !== 1 || outputShape[0] !== 1 || (classes !== undefined && classes !== 2)) {
      problems.push(problem('shape.output-mismatch', lastPath,
        `binaryCrossentropy needs 2 classes and a single output unit; this model ends in ${fmt(outputShape)}${classes ? ` with ${classes} classes` : ''}.`));
    }
    if (activation !== 'sigmoid' && activation !== 'linear') {
      problems.push(problem('loss.activation-mismatch', lastPath,
        `binaryCrossentropy needs a probability (sigmoid) or a logit (linear) from the last layer, not "${activation}".`));
    }
  } else if (classes === undefined || config.data.dataset.kind === 'csv' || config.data.dataset.kind === 'images') {
    // Regression (or CSV or image-folder classification whose class count is known only after reading the data).
    if (config.data.dataset.kind === 'csv' && config.data.dataset.task === 'regression' && (outputShape.length !== 1 || outputShape[0] !== 1)) {
      problems.push(problem('shape.output-mismatch', lastPath, `Regression predicts one number: end the model with a dense layer of 1 unit, not ${fmt(outputShape)}.`));
    }
  } else if (outputShape.length !== 1 || outputShape[0] !== classes) {
    problems.push(problem('shape.output-mismatch', lastPath,
      `The model ends in ${fmt(outputShape)} but the data has ${classes} classes.`));
  }
  return problems;
}
