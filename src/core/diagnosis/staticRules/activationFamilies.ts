// Which initializer suits which activation, the pairing the seeds' lectures derive: He/Kaiming
// (var = 2/fan_in) undoes the halving of the second moment by ReLU-like activations; Glorot/Xavier
// (var ≈ 1/fan_in) keeps the scale through tanh, sigmoid and linear layers; LeCun is selu's partner.

import type { ActivationName, InitializerConfig } from '../../config/trainConfig';

/** Activations that zero (or nearly zero) half of a centred input, so He init keeps their scale. */
const HE_FAMILY: ReadonlySet<ActivationName> = new Set<ActivationName>(['relu', 'relu6', 'leakyRelu', 'elu', 'gelu', 'swish', 'mish', 'softplus']);

/** Activations that are close to linear around 0, so Glorot/LeCun init keeps their scale. */
const GLOROT_FAMILY: ReadonlySet<ActivationName> = new Set<ActivationName>(['tanh', 'sigmoid', 'hardSigmoid', 'softsign', 'linear', 'softmax']);

/** Activations that flatten out for large inputs: too large an init pushes them into saturation. */
const SATURATING: ReadonlySet<ActivationName> = new Set<ActivationName>(['tanh', 'sigmoid', 'hardSigmoid', 'softsign']);

export type InitializerFamily = 'he' | 'glorot' | 'lecun' | 'orthogonal' | 'constant' | 'explicit';

export function isHeFamilyActivation(activation: ActivationName): boolean {
  return HE_FAMILY.has(activation);
}

export function isGlorotFamilyActivation(activation: ActivationName): boolean {
  return GLOROT_FAMILY.has(activation);
}

export function isSaturating(activation: ActivationName): boolean {
  return SATURATING.has(activation);
}

export function initializerFamily(init: InitializerConfig): InitializerFamily {
  switch (init.type) {
    case 'heNormal':
    case 'heUniform': return 'he';
    case 'glorotNormal':
    case 'glorotUniform': return 'glorot';
    case 'leCunNormal':
    case 'leCunUniform': return 'lecun';
    case 'orthogonal': return 'orthogonal';
    case 'zeros':
    case 'ones':
    case 'constant': return 'constant';
    default: return 'explicit';
  }
}
