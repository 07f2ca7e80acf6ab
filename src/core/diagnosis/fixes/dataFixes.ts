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

/** What fix.augment sets: the image transforms, or noise for other inputs. */
type Augmentation =
  | { type: 'image'; translate: number; rotate: number; flipHorizontal: boolean }
  | { type: 'noise'; noise: number };

/** "Rotating slightly" (the seeds): a few degrees either way keeps any class what it is. */
const SLIGHT_ROTATION_DEGREES = 10;

/**
 * The seeds' label-preserving variations: translation by a few pixels (about 1/16 of the smaller
 * side, at least 2: 2 on MNIST and CIFAR, 4 at 64×64) and a slight rotation for every image. Left-
 * right mirroring only for colour images, taken as natural photos (a mirrored flower is a flower):
 * grey images are MNIST-like symbols, which a mirror turns into another symbol or none.
 */
function augmentation(config: TrainConfig, args: FixArgs): Augmentation {
  if (!isImageData(config)) return { type: 'noise', noise: typeof args.noise === 'number' ? args.noise : 0.05 };
  const [height, width, channels] = config.model.input;
  const translate = typeof args.translate === 'number'
    ? Math.round(args.translate)
    : Math.max(2, Math.round(Math.min(height, width) / 16));
  return { type: 'image', translate, rotate: SLIGHT_ROTATION_DEGREES, flipHorizontal: channels === 3 };
}

export const augmentFix: FixDefinition = {
  id: 'fix.augment',
  title(config: TrainConfig, args: FixArgs) {
    const a = augmentation(config, args);
    if (a.type === 'noise') return `Set data.augment "noise": ${a.noise} (add Gaussian noise of std ${a.noise} to training inputs)`;
    const settings = `"translate": ${a.translate}, "rotate": ${a.rotate}${a.flipHorizontal ? ', "flipHorizontal": true' : ''}`;
    const effects = `shift training images by up to ${a.translate} pixels, rotate them by up to ${a.rotate}°${a.flipHorizontal ? ', mirror them left to right' : ''}`;
    return `Set data.augment ${settings} (${effects})`;
  },
  apply({ config, args, editor }: FixContext) {
    const a = augmentation(config, args);
    if (a.type === 'noise') {
      editor.set(['data', 'augment', 'noise'], a.noise);
      return;
    }
    editor.set(['data', 'augment', 'translate'], a.translate);
    editor.set(['data', 'augment', 'rotate'], a.rotate);
    if (a.flipHorizontal) editor.set(['data', 'augment', 'flipHorizontal'], true);
  },
};
