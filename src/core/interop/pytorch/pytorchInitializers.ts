// Config initializers as calls of the exported script's init helpers, with the fans computed here
// the way Keras and tfjs compute them for the kernel's own layout ([in, out] for dense,
// [kh, kw, in, out] for convolutions). PyTorch's nn.init would take the fans from its
// [out, in, kh, kw] layout, which differs for depthwise kernels, so the fans are passed explicitly.

import type { InitializerConfig } from '../../config/trainConfig';
import { pyFloat } from './pythonSource';

export interface Fans {
  fanIn: number;
  fanOut: number;
}

/** A Python expression: a function that fills a tensor in place. */
export function initializerCall(init: InitializerConfig, fans: Fans): string {
  const avg = (fans.fanIn + fans.fanOut) / 2;
  switch (init.type) {
    case 'zeros': return 'constant(0.0)';
    case 'ones': return 'constant(1.0)';
    case 'constant': return `constant(${pyFloat(init.value)})`;
    // Keras: truncated normal (±2σ) with σ = √(scale/fan)/0.8796, i.e. the std of the named scheme exactly.
    case 'heNormal': return `variance_scaling(2.0, fan=${fans.fanIn}, distribution="truncated_normal")`;
    case 'heUniform': return `variance_scaling(2.0, fan=${fans.fanIn}, distribution="uniform")`;
    case 'leCunNormal': return `variance_scaling(1.0, fan=${fans.fanIn}, distribution="truncated_normal")`;
    case 'leCunUniform': return `variance_scaling(1.0, fan=${fans.fanIn}, distribution="uniform")`;
    case 'glorotNormal': return `variance_scaling(1.0, fan=${pyFloat(avg)}, distribution="truncated_normal")`;
    case 'glorotUniform': return `variance_scaling(1.0, fan=${pyFloat(avg)}, distribution="uniform")`;
    case 'orthogonal': return `orthogonal(gain=${pyFloat(init.gain)})`;
    case 'randomNormal': return `random_normal(mean=${pyFloat(init.mean)}, std=${pyFloat(init.stddev)})`;
    case 'randomUniform': return `random_uniform(low=${pyFloat(init.minval)}, high=${pyFloat(init.maxval)})`;
    case 'truncatedNormal': return `truncated_normal(mean=${pyFloat(init.mean)}, std=${pyFloat(init.stddev)})`;
  }
}

/** A short comment naming the PyTorch equivalent, where there is a well-known one. */
export function initializerNote(init: InitializerConfig): string | undefined {
  switch (init.type) {
    case 'heNormal': return "he_normal: std of kaiming_normal_(mode='fan_in', nonlinearity='relu'), truncated at ±2σ as in Keras";
    case 'heUniform': return "he_uniform = kaiming_uniform_(mode='fan_in', nonlinearity='relu')";
    case 'glorotNormal': return 'glorot_normal: std of xavier_normal_, truncated at ±2σ as in Keras';
    case 'glorotUniform': return 'glorot_uniform = xavier_uniform_';
    case 'leCunNormal': return "lecun_normal: std of kaiming_normal_(mode='fan_in', nonlinearity='linear'), truncated at ±2σ";
    case 'leCunUniform': return "lecun_uniform = kaiming_uniform_(mode='fan_in', nonlinearity='linear')";
    case 'truncatedNormal': return 'tfjs truncatedNormal: cut at ±2·std without widening, so the std comes out 0.88·std';
    default: return undefined;
  }
}

/** The Python helpers the calls above use. */
export const INITIALIZER_HELPERS = String.raw`
# ---------------------------------------------------------------------------------------------
# Initializers, as Keras and TensorFlow.js define them. The fans are given explicitly, computed
# for the Keras kernel layout ([in, out] for dense, [kh, kw, in, out] for convolutions, a
# depthwise kernel's fan_in being kh·kw·in): PyTorch's own fan rules read its [out, in, kh, kw]
# layout and disagree for depthwise kernels.
# ---------------------------------------------------------------------------------------------
TRUNCATED_UNIT_STD = 0.87962566103423978  # std of a unit normal truncated at ±2


def variance_scaling(scale, fan, distribution):
    """Keras VarianceScaling: variance scale/fan; a normal one truncated at ±2σ, σ widened to keep that variance."""
    def init(tensor):
        with torch.no_grad():
            if distribution == "truncated_normal":
                std = math.sqrt(scale / fan) / TRUNCATED_UNIT_STD
                nn.init.trunc_normal_(tensor, 0.0, std, -2.0 * std, 2.0 * std)
            else:
                limit = math.sqrt(3.0 * scale / fan)
                nn.init.uniform_(tensor, -limit, limit)
    return init


def constant(value):
    return lambda tensor: nn.init.constant_(tensor, value)


def random_normal(mean, std):
    return lambda tensor: nn.init.normal_(tensor, mean, std)


def random_uniform(low, high):
    return lambda tensor: nn.init.uniform_(tensor, low, high)


def truncated_normal(mean, std):
    """TensorFlow.js truncatedNormal: N(mean, std²) cut at ±2·std and not widened."""
    return lambda tensor: nn.init.trunc_normal_(tensor, mean, std, mean - 2.0 * std, mean + 2.0 * std)


def orthogonal(gain):
    return lambda tensor: nn.init.orthogonal_(tensor, gain)
`;
