// Which layers the init.vanishing-activations / init.exploding-activations thresholds would flag,
// layer by layer: the rules report only the first crossing, the editor marks every layer past
// its threshold, from the same walk over the variance model's predictions.

import type { TrainConfig } from '../../core/config/trainConfig';
import { initExplodingActivationsRule } from '../../core/diagnosis/staticRules/initExplodingActivations';
import { initVanishingActivationsRule } from '../../core/diagnosis/staticRules/initVanishingActivations';
import { allScaleViolations, type ScaleDirection, type ScaleLimits } from '../../core/diagnosis/staticRules/activationScale';
import { isActive, resolveSettings } from '../../core/diagnosis/ruleSettings';
import type { LayerVariance } from '../../core/diagnosis/varianceModel';

export interface LayerScaleFlag {
  direction: ScaleDirection;
  rule: string;
  /** level: compared with the scale entering the stack; trend: with the stack's first layer. */
  check: 'level' | 'trend';
  /** The threshold's name in `diagnostics.rules` (minGain, minTrend, maxGain, maxTrend). */
  thresholdName: string;
  value: number;
  threshold: number;
}

function limitsFor(config: TrainConfig): ScaleLimits {
  const limits: ScaleLimits = {};
  const vanishing = resolveSettings(initVanishingActivationsRule, config);
  if (isActive(vanishing)) Object.assign(limits, { minGain: vanishing.thresholds.minGain, minTrend: vanishing.thresholds.minTrend });
  const exploding = resolveSettings(initExplodingActivationsRule, config);
  if (isActive(exploding)) Object.assign(limits, { maxGain: exploding.thresholds.maxGain, maxTrend: exploding.thresholds.maxTrend });
  return limits;
}

const THRESHOLD_NAMES: Record<ScaleDirection, Record<'level' | 'trend', string>> = {
  vanishing: { level: 'minGain', trend: 'minTrend' },
  exploding: { level: 'maxGain', trend: 'maxTrend' },
};

/** Flags by index path ("3", or "3.1" for a layer of the residual block at 3); a layer's first violation wins. */
export function layerScaleFlags(config: TrainConfig, predictions: LayerVariance[]): Map<string, LayerScaleFlag> {
  const flags = new Map<string, LayerScaleFlag>();
  for (const v of allScaleViolations(config, predictions, limitsFor(config))) {
    const key = v.at.indexPath.join('.');
    if (flags.has(key)) continue;
    flags.set(key, {
      direction: v.direction,
      rule: v.direction === 'vanishing' ? initVanishingActivationsRule.id : initExplodingActivationsRule.id,
      check: v.check,
      thresholdName: THRESHOLD_NAMES[v.direction][v.check],
      value: v.value,
      threshold: v.threshold,
    });
  }
  return flags;
}
