// fix.normalize-inputs and fix.augment: the data section.

import type { TrainConfig } from '../../config/trainConfig';
import type { FixArgs, FixContext, FixDefinition } from './fixDefinition';

function isImageData(config: TrainConfig): boolean {
  return config.model.input.length === 3;
}

/**
 * Image data gets one mean/std per channel (as ResNet does), other data one per feature. A rule
 * that knows more (pixels flattened into a CSV row are image-like too) says so with `args.per`.
 */
function normalizationGranularity(config: TrainConfig, args: FixArgs): 'channel' | 'feature' {
  if (args.per === 'channel' || args.per === 'feature') return args.per;
  return isImageData(config) ? 'channel' : 'feature';
}

export const normalizeInputsFix: FixDefinition = {
  id: 'fix.normalize-inputs',
  title(config: TrainConfig, args: FixArgs) {
    return `Set "preprocess": {"normalize": "standardize", "per": "${normalizationGranularity(config, args)}"} (subtract the training mean, divide by the training std)`;
  },
  apply({ config, args, editor }: FixContext) {
    editor.set(['data', 'preprocess', 'normalize'], 'standardize');
    editor.set(['data', 'preprocess', 'per'], normalizationGranularity(config, args));
  },
};

function augmentation(config: TrainConfig, args: FixArgs): { key: 'translate' | 'noise'; value: number } {
  if (isImageData(config)) return { key: 'translate', value: typeof args.translate === 'number' ? Math.round(args.translate) : 2 };
  return { key: 'noise', value: typeof args.noise === 'number' ? args.noise : 0.05 };
}

export const augmentFix: FixDefinition = {
  id: 'fix.augment',
  title(config: TrainConfig, args: FixArgs) {
    const { key, value } = augmentation(config, args);
    return key === 'translate'
      ? `Set data.augment "translate": ${value} (shift training images by up to ${value} pixels)`
      : `Set data.augment "noise": ${value} (add Gaussian noise of std ${value} to training inputs)`;
  },
  apply({ config, args, editor }: FixContext) {
    const { key, value } = augmentation(config, args);
    editor.set(['data', 'augment', key], value);
  },
};
