// The config's layers as PyTorch modules. Tensors inside the exported model are channels-first
// (PyTorch's NCHW / NCL) while the config, the data and Keras are channels-last: the model turns
// its input around once, and flatten / reshape go through the channels-last order, so every layer
// sees what the Keras layer would. TensorFlow's asymmetric "same" padding is computed here from the
// static shapes and applied as explicit padding.

import type { LayerShape, ShapeReport } from '../../config/shapeInference';
import type { InitializerConfig, LayerConfig, RegularizerConfig } from '../../config/trainConfig';
import { initializerCall, initializerNote, type Fans } from './pytorchInitializers';
import { indent, pyFloat, pyValue } from './pythonSource';

const LEAKY_RELU_ALPHA = 0.3; // Keras' and tfjs's LeakyReLU default, as the engine uses.

/** TF "same" padding along one axis: [before, after], the extra one after. */
function samePadding(size: number, kernel: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** (left, right, top, bottom), as nn.ZeroPad2d takes it; undefined for "valid" or no padding needed. */
function padding2d(padding: 'valid' | 'same', input: number[], kernel: [number, number], strides: [number, number]): string | undefined {
  if (padding === 'valid') return undefined;
  const [top, bottom] = samePadding(input[0], kernel[0], strides[0]);
  const [left, right] = samePadding(input[1], kernel[1], strides[1]);
  return top + bottom + left + right === 0 ? undefined : `(${left}, ${right}, ${top}, ${bottom})`;
}

function padding1d(padding: 'valid' | 'same', input: number[], kernel: number, stride: number): string | undefined {
  if (padding === 'valid') return undefined;
  const [left, right] = samePadding(input[0], kernel, stride);
  return left + right === 0 ? undefined : `(${left}, ${right})`;
}

function regularizerArg(name: string, value: RegularizerConfig | undefined): string[] {
  return value && (value.l1 > 0 || value.l2 > 0) ? [`${name}=(${pyFloat(value.l1)}, ${pyFloat(value.l2)})`] : [];
}

function init(initializer: InitializerConfig, fans: Fans): string {
  return initializerCall(initializer, fans);
}

/** `Name(arg, arg, ...)`, its arguments packed into lines of at most ~100 characters; a note as a comment above. */
function call(name: string, args: string[], note?: string): string {
  const oneLine = `${name}(${args.join(', ')})`;
  let text = oneLine;
  if (oneLine.length > 100) {
    const lines: string[] = [];
    let line = '';
    for (const arg of args) {
      if (line.length > 0 && line.length + arg.length + 2 > 96) {
        lines.push(`${line},`);
        line = '';
      }
      line = line.length > 0 ? `${line}, ${arg}` : arg;
    }
    lines.push(line);
    text = `${name}(\n${indent(lines.join('\n'))}\n)`;
  }
  return note ? `# ${note}\n${text}` : text;
}

/** The measured activation of a config layer, as the engine's layer summaries name it. */
export function measuredActivation(layer: LayerConfig): string {
  switch (layer.type) {
    case 'dense': case 'conv2d': case 'conv1d': case 'depthwiseConv2d': case 'separableConv2d': case 'activation':
      return layer.activation;
    case 'batchNormalization': return 'batchNormalization';
    default: return 'none';
  }
}

/** A Python expression building one config layer, given its inferred shapes. */
export function layerExpression(layer: LayerConfig, shape: LayerShape): string {
  const input = shape.inputShape;
  const channels = input[input.length - 1];
  switch (layer.type) {
    case 'dense': {
      const args = [
        String(input[0]), String(layer.units), `activation=${pyValue(layer.activation)}`, `use_bias=${pyValue(layer.useBias)}`,
        `kernel_init=${init(layer.kernelInitializer, { fanIn: input[0], fanOut: layer.units })}`,
        `bias_init=${init(layer.biasInitializer, { fanIn: layer.units, fanOut: layer.units })}`,
        ...regularizerArg('kernel_l1l2', layer.kernelRegularizer), ...regularizerArg('bias_l1l2', layer.biasRegularizer),
      ];
      return call('Dense', args, initializerNote(layer.kernelInitializer));
    }
    case 'conv2d': {
      const [kh, kw] = layer.kernelSize;
      const args = [
        String(channels), String(layer.filters), `kernel_size=(${kh}, ${kw})`, `strides=(${layer.strides.join(', ')})`,
        `padding=${padding2d(layer.padding, input, layer.kernelSize, layer.strides) ?? 'None'}`,
        `activation=${pyValue(layer.activation)}`, `use_bias=${pyValue(layer.useBias)}`,
        `kernel_init=${init(layer.kernelInitializer, { fanIn: kh * kw * channels, fanOut: kh * kw * layer.filters })}`,
        `bias_init=${init(layer.biasInitializer, { fanIn: layer.filters, fanOut: layer.filters })}`,
        ...regularizerArg('kernel_l1l2', layer.kernelRegularizer), ...regularizerArg('bias_l1l2', layer.biasRegularizer),
      ];
      return call('conv2d', args, initializerNote(layer.kernelInitializer));
    }
    case 'conv1d': {
      const k = layer.kernelSize;
      const args = [
        String(channels), String(layer.filters), `kernel_size=${k}`, `stride=${layer.strides}`,
        `padding=${padding1d(layer.padding, input, k, layer.strides) ?? 'None'}`,
        `activation=${pyValue(layer.activation)}`, `use_bias=${pyValue(layer.useBias)}`,
        `kernel_init=${init(layer.kernelInitializer, { fanIn: k * channels, fanOut: k * layer.filters })}`,
        `bias_init=${init(layer.biasInitializer, { fanIn: layer.filters, fanOut: layer.filters })}`,
        ...regularizerArg('kernel_l1l2', layer.kernelRegularizer), ...regularizerArg('bias_l1l2', layer.biasRegularizer),
      ];
      return call('conv1d', args, initializerNote(layer.kernelInitializer));
    }
    case 'depthwiseConv2d': {
      const [kh, kw] = layer.kernelSize;
      const m = layer.depthMultiplier;
      const args = [
        String(channels), `depth_multiplier=${m}`, `kernel_size=(${kh}, ${kw})`, `strides=(${layer.strides.join(', ')})`,
        `padding=${padding2d(layer.padding, input, layer.kernelSize, layer.strides) ?? 'None'}`,
        `activation=${pyValue(layer.activation)}`, `use_bias=${pyValue(layer.useBias)}`,
        `kernel_init=${init(layer.kernelInitializer, { fanIn: kh * kw * channels, fanOut: kh * kw * m })}`,
        `bias_init=${init(layer.biasInitializer, { fanIn: channels * m, fanOut: channels * m })}`,
        ...regularizerArg('kernel_l1l2', layer.kernelRegularizer), ...regularizerArg('bias_l1l2', layer.biasRegularizer),
      ];
      return call('depthwise_conv2d', args, 'fans of the Keras kernel [kh, kw, in, multiplier]');
    }
    case 'separableConv2d': {
      const [kh, kw] = layer.kernelSize;
      const m = layer.depthMultiplier;
      const args = [
        String(channels), String(layer.filters), `depth_multiplier=${m}`, `kernel_size=(${kh}, ${kw})`, `strides=(${layer.strides.join(', ')})`,
        `padding=${padding2d(layer.padding, input, layer.kernelSize, layer.strides) ?? 'None'}`,
        `activation=${pyValue(layer.activation)}`, `use_bias=${pyValue(layer.useBias)}`,
        `depthwise_init=${init(layer.depthwiseInitializer, { fanIn: kh * kw * channels, fanOut: kh * kw * m })}`,
        `kernel_init=${init(layer.kernelInitializer, { fanIn: channels * m, fanOut: layer.filters })}`,
        `bias_init=${init(layer.biasInitializer, { fanIn: layer.filters, fanOut: layer.filters })}`,
        ...regularizerArg('kernel_l1l2', layer.kernelRegularizer), ...regularizerArg('bias_l1l2', layer.biasRegularizer),
      ];
      return call('SeparableConv2d', args);
    }
    case 'maxPooling2d':
    case 'averagePooling2d': {
      const pad = padding2d(layer.padding, input, layer.poolSize, layer.strides);
      const cls = layer.type === 'maxPooling2d' ? 'max_pool2d' : 'AvgPool2d';
      return call(cls, [`pool_size=(${layer.poolSize.join(', ')})`, `strides=(${layer.strides.join(', ')})`, `padding=${pad ?? 'None'}`]);
    }
    case 'maxPooling1d': {
      const pad = padding1d(layer.padding, input, layer.poolSize, layer.strides);
      return call('max_pool1d', [`pool_size=${layer.poolSize}`, `stride=${layer.strides}`, `padding=${pad ?? 'None'}`]);
    }
    case 'globalAveragePooling2d': return 'GlobalAvgPool2d()';
    case 'globalMaxPooling2d': return 'GlobalMaxPool2d()';
    case 'zeroPadding2d': {
      const [[top, bottom], [left, right]] = layer.padding;
      return `nn.ZeroPad2d((${left}, ${right}, ${top}, ${bottom}))`;
    }
    case 'flatten': return 'ChannelsLastFlatten()';
    case 'reshape': return `ChannelsLastReshape(${pyValue(shape.outputShape)})`;
    case 'batchNormalization':
      return call('BatchNorm', [
        String(channels), `rank=${input.length}`, `keras_momentum=${pyFloat(layer.momentum)}`, `epsilon=${pyFloat(layer.epsilon)}`,
        `center=${pyValue(layer.center)}`, `scale=${pyValue(layer.scale)}`,
        `gamma_init=${init(layer.gammaInitializer, { fanIn: channels, fanOut: channels })}`,
        `beta_init=${init(layer.betaInitializer, { fanIn: channels, fanOut: channels })}`,
      ], `torch momentum = 1 - ${layer.momentum}`);
    case 'layerNormalization':
      return call('LayerNorm', [
        String(channels), `epsilon=${pyFloat(layer.epsilon)}`, `center=${pyValue(layer.center)}`, `scale=${pyValue(layer.scale)}`,
        `gamma_init=${init(layer.gammaInitializer, { fanIn: channels, fanOut: channels })}`,
        `beta_init=${init(layer.betaInitializer, { fanIn: channels, fanOut: channels })}`,
      ]);
    case 'dropout': return `nn.Dropout(${pyFloat(layer.rate)})`;
    case 'activation':
      return `make_activation(${pyValue(layer.activation)}${layer.activation === 'leakyRelu' ? `, alpha=${pyFloat(layer.alpha ?? LEAKY_RELU_ALPHA)}` : ''})`;
    case 'residual': return residualExpression(layer, shape);
  }
}

function chain(layers: LayerConfig[], shapes: LayerShape[]): string {
  return `[\n${indent(layers.map((inner, i) => `${layerExpression(inner, shapes[i])},`).join('\n'))}\n]`;
}

function residualExpression(layer: Extract<LayerConfig, { type: 'residual' }>, shape: LayerShape): string {
  const branch = `branch=${chain(layer.layers, shape.branch ?? [])}`;
  let shortcut: string | undefined;
  if (layer.shortcut) shortcut = `shortcut=${chain(layer.shortcut, shape.shortcut ?? [])}`;
  else if (shape.projection?.kind === 'dense') shortcut = `shortcut=[dense_projection(${shape.inputShape[0]}, ${shape.outputShape[0]})]`;
  else if (shape.projection?.kind === 'conv1x1') {
    const [sh, sw] = shape.projection.strides;
    shortcut = `shortcut=[conv_projection(${shape.inputShape[2]}, ${shape.outputShape[2]}, strides=(${sh}, ${sw}))]`;
  }
  return `Residual(\n${indent([branch, ...(shortcut ? [shortcut] : [])].join(',\n'))},\n)`;
}

/** One short line per top-level layer, for the comment above it. */
function describeLayer(layer: LayerConfig, shape: LayerShape): string {
  return `${layer.type} → ${JSON.stringify(shape.outputShape)}, ${shape.params} parameters`;
}

/** The `layers` list of the exported model, one commented entry per top-level config layer. */
export function modelLayersCode(layers: LayerConfig[], shapes: ShapeReport): string {
  return layers.map((layer, i) => `# ${i}: ${describeLayer(layer, shapes.layers[i])}\n${layerExpression(layer, shapes.layers[i])},`).join('\n');
}

/** What the instruments need to know of each top-level layer (names as the engine gives them). */
export function layerTable(layers: LayerConfig[], shapes: ShapeReport): string {
  const rows = layers.map((layer, i) => pyValue({
    index: i, name: `${i}:${layer.type}`, type: layer.type, activation: measuredActivation(layer), outputShape: shapes.layers[i].outputShape,
  }));
  return `LAYERS = [\n${indent(rows.map((r) => `${r},`).join('\n'))}\n]`;
}

export const MODEL_HELPERS = String.raw`
# ---------------------------------------------------------------------------------------------
# Building blocks: one per layer type of the Training Doctor config format. Tensors are
# channels-first inside the model (PyTorch's layout); flatten and reshape go through the
# channels-last order of the config (and Keras) so that they give the same vectors.
# ---------------------------------------------------------------------------------------------
class KerasHardSigmoid(nn.Module):
    """Keras/tfjs hard sigmoid: clip(0.2·x + 0.5, 0, 1) (PyTorch's Hardsigmoid uses x/6 + 0.5)."""
    def forward(self, x):
        return torch.clamp(0.2 * x + 0.5, 0.0, 1.0)


def make_activation(name, alpha=0.3):
    """The activations of the config format; softmax over the channel axis (dim 1 here, the last axis in Keras)."""
    table = {
        "linear": nn.Identity, "relu": nn.ReLU, "relu6": nn.ReLU6, "elu": nn.ELU, "selu": nn.SELU,
        "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "hardSigmoid": KerasHardSigmoid, "softplus": nn.Softplus,
        "softsign": nn.Softsign, "swish": nn.SiLU, "mish": nn.Mish, "gelu": nn.GELU,
    }
    if name == "leakyRelu":
        return nn.LeakyReLU(alpha)
    if name == "softmax":
        return nn.Softmax(dim=1)
    return table[name]()


def channels_first(x):
    """[N, ..., C] → [N, C, ...] (a flat [N, F] stays as it is)."""
    return x if x.dim() <= 2 else x.permute(0, x.dim() - 1, *range(1, x.dim() - 1))


def channels_last(x):
    """[N, C, ...] → [N, ..., C]."""
    return x if x.dim() <= 2 else x.permute(0, *range(2, x.dim()), 1)


class Weighted(nn.Module):
    """A layer with a main weight (kernel, or BatchNorm's gamma), reported as the layer's weights,
    and L1/L2 penalties on its tensors, added to the loss as Keras regularizers are."""
    def __init__(self):
        super().__init__()
        self._penalized = []

    def regularize(self, tensor, l1l2):
        if tensor is not None and l1l2 is not None:
            self._penalized.append((tensor, l1l2[0], l1l2[1]))

    def set_up(self, module, use_bias, kernel_init, bias_init, kernel_l1l2, bias_l1l2):
        """Initializes a Linear/Conv module's weight and bias (if any) and registers their penalties."""
        kernel_init(module.weight)
        if use_bias:
            bias_init(module.bias)
        self.regularize(module.weight, kernel_l1l2)
        self.regularize(module.bias, bias_l1l2)

    def penalty(self):
        total = 0.0
        for tensor, l1, l2 in self._penalized:
            if l1 > 0:
                total = total + l1 * tensor.abs().sum()
            if l2 > 0:
                total = total + l2 * tensor.pow(2).sum()
        return total

    def main_weight(self):
        raise NotImplementedError


class Dense(Weighted):
    def __init__(self, in_features, units, activation, use_bias, kernel_init, bias_init, kernel_l1l2=None, bias_l1l2=None):
        super().__init__()
        self.linear = nn.Linear(in_features, units, bias=use_bias)
        self.set_up(self.linear, use_bias, kernel_init, bias_init, kernel_l1l2, bias_l1l2)
        self.activation = make_activation(activation)

    def forward(self, x):
        return self.activation(self.linear(x))

    def main_weight(self):
        return self.linear.weight


class Convolution(Weighted):
    """A Keras convolution: "same" padding made explicit (TensorFlow's way: the odd one after), the convolution, its activation."""
    def __init__(self, pad, conv, activation, use_bias, kernel_init, bias_init, kernel_l1l2=None, bias_l1l2=None):
        super().__init__()
        self.pad, self.conv = pad, conv
        self.set_up(self.conv, use_bias, kernel_init, bias_init, kernel_l1l2, bias_l1l2)
        self.activation = make_activation(activation)

    def forward(self, x):
        return self.activation(self.conv(self.pad(x)))

    def main_weight(self):
        return self.conv.weight


def conv2d(in_channels, filters, kernel_size, strides, padding, groups=1, use_bias=True, **options):
    """Keras Conv2D; padding: (left, right, top, bottom) zeros, or None."""
    pad = nn.ZeroPad2d(padding) if padding else nn.Identity()
    return Convolution(pad, nn.Conv2d(in_channels, filters, kernel_size, stride=strides, groups=groups, bias=use_bias), use_bias=use_bias, **options)


def depthwise_conv2d(in_channels, depth_multiplier, **options):
    """Keras DepthwiseConv2D: a grouped convolution, one group per input channel (output c·m + k as in Keras)."""
    return conv2d(in_channels, in_channels * depth_multiplier, groups=in_channels, **options)


def conv1d(in_channels, filters, kernel_size, stride, padding, use_bias=True, **options):
    """Keras Conv1D; padding: (left, right) zeros, or None."""
    pad = nn.ConstantPad1d(padding, 0.0) if padding else nn.Identity()
    return Convolution(pad, nn.Conv1d(in_channels, filters, kernel_size, stride=stride, bias=use_bias), use_bias=use_bias, **options)


class SeparableConv2d(Weighted):
    """Keras SeparableConv2D: depthwise (no bias) then pointwise 1×1; kernel_l1l2 applies to the pointwise kernel, as in Keras."""
    def __init__(self, in_channels, filters, depth_multiplier, kernel_size, strides, padding, activation, use_bias,
                 depthwise_init, kernel_init, bias_init, kernel_l1l2=None, bias_l1l2=None):
        super().__init__()
        self.pad = nn.ZeroPad2d(padding) if padding else nn.Identity()
        self.depthwise = nn.Conv2d(in_channels, in_channels * depth_multiplier, kernel_size, stride=strides, groups=in_channels, bias=False)
        self.pointwise = nn.Conv2d(in_channels * depth_multiplier, filters, 1, bias=use_bias)
        depthwise_init(self.depthwise.weight)
        self.set_up(self.pointwise, use_bias, kernel_init, bias_init, kernel_l1l2, bias_l1l2)
        self.activation = make_activation(activation)

    def forward(self, x):
        return self.activation(self.pointwise(self.depthwise(self.pad(x))))

    def main_weight(self):
        # tfjs lists the depthwise kernel first; the engine reports it as the layer's weights.
        return self.depthwise.weight


class PaddedMaxPool(nn.Module):
    """Max pooling after "same" padding with -inf, so the padding never wins (TensorFlow ignores it)."""
    def __init__(self, pad, pool):
        super().__init__()
        self.pad, self.pool = pad, pool

    def forward(self, x):
        return self.pool(self.pad(x))


def max_pool2d(pool_size, strides, padding):
    return PaddedMaxPool(nn.ConstantPad2d(padding, -math.inf) if padding else nn.Identity(), nn.MaxPool2d(pool_size, strides))


def max_pool1d(pool_size, stride, padding):
    return PaddedMaxPool(nn.ConstantPad1d(padding, -math.inf) if padding else nn.Identity(), nn.MaxPool1d(pool_size, stride))


class AvgPool2d(nn.Module):
    """"same" averages over the real pixels only, as TensorFlow does."""
    def __init__(self, pool_size, strides, padding):
        super().__init__()
        self.padding = padding
        self.pool = nn.AvgPool2d(pool_size, strides)

    def forward(self, x):
        if not self.padding:
            return self.pool(x)
        ones = torch.ones_like(x[:1, :1])
        return self.pool(F.pad(x, self.padding)) / self.pool(F.pad(ones, self.padding))


class GlobalAvgPool2d(nn.Module):
    def forward(self, x):
        return x.mean(dim=(2, 3))


class GlobalMaxPool2d(nn.Module):
    def forward(self, x):
        return x.amax(dim=(2, 3))


class ChannelsLastFlatten(nn.Module):
    """Keras Flatten: flattens in channels-last order."""
    def forward(self, x):
        return channels_last(x).flatten(1)


class ChannelsLastReshape(nn.Module):
    """Keras Reshape (target shape without the batch), in channels-last order."""
    def __init__(self, target_shape):
        super().__init__()
        self.target_shape = list(target_shape)

    def forward(self, x):
        return channels_first(channels_last(x).reshape(x.shape[0], *self.target_shape))


class Normalization(Weighted):
    """A normalization with gamma (scale) and beta (center); one the config leaves out is a frozen
    1 or 0, which computes the same. Its main weight is the first trainable one, as in tfjs."""
    def __init__(self, norm, center, scale, gamma_init, beta_init):
        super().__init__()
        self.norm = norm
        if scale:
            gamma_init(self.norm.weight)
        else:
            self.norm.weight.requires_grad_(False)
        if center:
            beta_init(self.norm.bias)
        else:
            nn.init.zeros_(self.norm.bias)
            self.norm.bias.requires_grad_(False)

    def main_weight(self):
        trainable = [p for p in (self.norm.weight, self.norm.bias) if p.requires_grad]
        return trainable[0] if trainable else None


class BatchNorm(Normalization):
    """Keras BatchNormalization over the channel axis. Keras keeps moving = m·moving + (1−m)·batch,
    PyTorch running = (1−p)·running + p·batch: p = 1 − m. (PyTorch updates the running variance
    with the unbiased batch variance, tfjs with the biased one: a factor n/(n−1), negligible.)"""
    def __init__(self, channels, rank, keras_momentum, epsilon, **options):
        norm = nn.BatchNorm2d if rank == 3 else nn.BatchNorm1d
        super().__init__(norm(channels, eps=epsilon, momentum=1.0 - keras_momentum, affine=True), **options)

    def forward(self, x):
        return self.norm(x)


class LayerNorm(Normalization):
    """Keras LayerNormalization over the last (channel) axis."""
    def __init__(self, channels, epsilon, **options):
        super().__init__(nn.LayerNorm(channels, eps=epsilon, elementwise_affine=True), **options)

    def forward(self, x):
        return channels_first(self.norm(channels_last(x)))


class Residual(nn.Module):
    """x + F(x), or shortcut(x) + F(x)."""
    def __init__(self, branch, shortcut=None):
        super().__init__()
        self.branch = nn.Sequential(*branch)
        self.shortcut = nn.Sequential(*shortcut) if shortcut else nn.Identity()

    def forward(self, x):
        return self.shortcut(x) + self.branch(x)


def dense_projection(in_features, out_features):
    """The projection the engine adds on a residual skip path whose size changes: glorot_uniform, no bias."""
    layer = nn.Linear(in_features, out_features, bias=False)
    variance_scaling(1.0, fan=(in_features + out_features) / 2, distribution="uniform")(layer.weight)
    return layer


def conv_projection(in_channels, out_channels, strides):
    layer = nn.Conv2d(in_channels, out_channels, 1, stride=strides, bias=False)
    variance_scaling(1.0, fan=(in_channels + out_channels) / 2, distribution="uniform")(layer.weight)
    return layer


class Model(nn.Module):
    """The config's layers in order; input channels-last as the data comes, turned channels-first once."""
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList(build_layers())

    def forward(self, x):
        x = channels_first(x)
        for layer in self.layers:
            x = layer(x)
        return x

    def penalty(self):
        """The L1/L2 regularization terms of every layer (a tensor, or 0.0 without any)."""
        total = 0.0
        for module in self.modules():
            if isinstance(module, Weighted):
                total = total + module.penalty()
        return total


def main_weights(layer):
    """The main weights of a top-level layer (all of them in a residual block; never a bias or an automatic projection)."""
    found = [m.main_weight() for m in layer.modules() if isinstance(m, Weighted)]
    return [w for w in found if w is not None]


def trainable(layer):
    return [p for p in layer.parameters() if p.requires_grad]


def keras_param_count(layer):
    """Parameters as Keras counts them: trainable tensors plus BatchNorm's moving mean and variance."""
    count = sum(p.numel() for p in trainable(layer))
    for module in layer.modules():
        if isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
            count += module.running_mean.numel() + module.running_var.numel()
    return count
`;
