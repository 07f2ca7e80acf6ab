// data.unnormalized: inputs that reach the network far from zero mean and unit spread. The
// initializers' variance rules assume inputs of scale ~1 centred at 0: a large offset makes every
// first-layer unit see one big shared input (all its weights' gradients share a sign and the
// updates zig-zag), a large or tiny spread scales every activation after it, and features on very
// different scales stretch the loss surface into a narrow valley where one learning rate is too
// big for some weights and too small for others.
//
// Judged on the raw training statistics when the data is loaded, else on what the config says
// (synthetic datasets) or on typical MNIST pixel statistics; CSV files are only judged once loaded.
// Inputs already in [0, 1] or [-1, 1] (raw MNIST pixels: mean 0.13, std 0.31) are the
// conventional input of countless working models: info at most, unless a table's features differ
// in scale by more than maxScaleRatio: min-max scaling gives every feature a spread of 0.1–0.5, so
// such a table had some features squeezed (scaled twice, or by a far larger range). The warning
// thresholds sit a decade off unit scale (reached, not just passed): features of order one (raw iris measurements, means up
// to ~6) only slow the first steps, and working models are fed them everywhere. Pixels flattened into CSV rows are
// still pixels: their columns share one scale (near-constant border columns are left out of the
// spread of feature scales by the statistics), and they are standardized per channel, since
// per-feature standardization blows up the nearly empty border pixels.

import type { TrainConfig } from '../../config/trainConfig';
import { fixReference } from '../fixes/fixReference';
import type { FindingDraft, RuleSettings, StaticContext, StaticRule } from '../rule';
import { estimateRawInputs, type RawInputEstimate } from '../varianceModel';
import { firstWrittenPath } from './findingLocation';
import { listText, num } from './messageText';

/**
 * Why per channel: colour channels differ in mean and spread (VGG's and ResNet's per-channel
 * statistics); grey pictures (MNIST) have nearly empty borders that per-pixel stds would blow up.
 */
function standardizeText(config: TrainConfig, pixels: boolean): string {
  if (!pixels) return ', per feature.';
  if (isImage(config) && config.model.input[2] === 3) {
    return ', per channel, as VGG and ResNet do (the colour channels differ in mean and spread; one mean and std per channel keeps every position of a picture on the same scale).';
  }
  return ', per channel (per-feature statistics would blow up the nearly empty border pixels).';
}

function isImage(config: TrainConfig): boolean {
  return config.model.input.length === 3;
}

/** Flat rows of at least this many features, all in a pixel range, that form a square (or 3 squares) are images. */
const MIN_FLAT_IMAGE_FEATURES = 64;

function isSquareImage(features: number): boolean {
  const side = (n: number) => Number.isInteger(Math.sqrt(n));
  return features >= MIN_FLAT_IMAGE_FEATURES && (side(features) || (features % 3 === 0 && side(features / 3)));
}

/** Pixels share one unit, so their different spreads are content, not scale: no feature-ratio check. */
function isPixels(config: TrainConfig, raw: RawInputEstimate): boolean {
  if (isImage(config) || config.data.dataset.kind === 'mnist') return true;
  const features = config.model.input.reduce((a, b) => a * b, 1);
  const pixelRange = raw.min !== undefined && raw.max !== undefined && raw.min >= 0 && (raw.max <= 1 || raw.max <= 255);
  return config.model.input.length === 1 && pixelRange && isSquareImage(features);
}

/** [0, 1] and [-1, 1] are the conventional input ranges: never worse than info. */
function inConventionalRange(raw: RawInputEstimate): boolean {
  const slack = 1e-6;
  return raw.min !== undefined && raw.max !== undefined && raw.min >= -1 - slack && raw.max <= 1 + slack;
}

function sourceText(config: TrainConfig, raw: RawInputEstimate): string {
  switch (raw.source) {
    case 'measured': return 'measured on the training split';
    case 'config': return 'from the synthetic dataset\'s settings';
    case 'typical': return config.data.dataset.kind === 'images' ? 'typical photo pixel statistics, until the images are read' : 'typical MNIST pixel statistics';
    case 'unknown': return 'unknown';
  }
}

/** Colour images: each channel's own mean and std, which "per": "channel" standardizes one by one. */
function channelText(stats: StaticContext['inputStats']): string {
  if (!stats?.channelMeans || !stats.channelStds || stats.channelMeans.length !== 3) return '';
  const names = ['R', 'G', 'B'];
  const each = (values: number[]) => values.map((v, c) => `${names[c]} ${num(v)}`).join(', ');
  return ` Per channel, the means are ${each(stats.channelMeans)} and the stds ${each(stats.channelStds)}.`;
}

interface Observation {
  kind: 'offset' | 'spread' | 'ratio';
  text: string;
  serious: boolean;
}

const WHY: Record<Observation['kind'], string> = {
  offset: 'Off-centre inputs give every first-layer unit one large shared component, so the gradients of its weights share a sign and the updates zig-zag.',
  spread: 'The initializers assume inputs with a spread near 1; a much larger or smaller spread scales every activation after the first layer by that factor.',
  ratio: 'Features on very different scales stretch the loss surface into a narrow valley: no single learning rate suits the weights of both the large and the small features.',
};

function observe(config: TrainConfig, raw: RawInputEstimate, t: Record<string, number>): Observation[] {
  const { normalize, per } = config.data.preprocess;
  const image = isImage(config);
  // "per": "channel" on non-image data is a single mean/std for all features.
  const perFeature = per === 'feature' || image;
  const seen: Observation[] = [];
  const offset = raw.featureMeanAbsMax ?? Math.abs(raw.mean);
  if (normalize === 'none') {
    if (offset >= t.maxAbsMean) seen.push({ kind: 'offset', text: `${raw.featureMeanAbsMax !== undefined ? 'a feature has mean' : 'the mean is'} ${num(offset)}`, serious: true });
    else if (Math.abs(raw.mean) > t.infoAbsMean) seen.push({ kind: 'offset', text: `the mean is ${num(raw.mean)}`, serious: false });
  }
  if (normalize === 'none' || (normalize === 'meanSubtract' && perFeature)) {
    if (raw.std >= t.maxStd || raw.std < t.minStd) seen.push({ kind: 'spread', text: `the std is ${num(raw.std)}`, serious: true });
    else if (raw.std > t.infoMaxStd || raw.std < t.infoMinStd) seen.push({ kind: 'spread', text: `the std is ${num(raw.std)}`, serious: false });
  }
  const scaled = normalize === 'standardize' && perFeature;
  const { featureStdMin: low, featureStdMax: high } = raw;
  if (!scaled && !isPixels(config, raw) && low !== undefined && high !== undefined && low > 0 && high / low > t.maxScaleRatio) {
    seen.push({ kind: 'ratio', text: `feature stds range from ${num(low)} to ${num(high)} (${num(high / low)}×)`, serious: true });
  }
  return inConventionalRange(raw) ? seen.map((o) => ({ ...o, serious: o.serious && o.kind === 'ratio' })) : seen;
}

export const dataUnnormalizedRule: StaticRule = {
  id: 'data.unnormalized',
  kind: 'static',
  defaultSeverity: 'warning',
  thresholds: { maxAbsMean: 10, minStd: 0.05, maxStd: 10, maxScaleRatio: 20, infoAbsMean: 0.1, infoMinStd: 0.25, infoMaxStd: 2.5 },
  docs: {
    title: 'Inputs are not normalized',
    description:
      'Initializers assume inputs centred at 0 with a spread of about 1. Off-centre inputs make every unit of the first ' +
      'layer see one large shared component (the gradients of its weights share a sign and the updates zig-zag); a large or ' +
      'tiny spread scales every activation after it; features on very different scales stretch the loss surface so that no ' +
      'single learning rate suits all weights. Standardizing (subtract the training mean, divide by the training std; per ' +
      'channel for images) fixes all three. Warning when a feature mean reaches maxAbsMean, the std reaches maxStd or falls below minStd, ' +
      'or feature stds differ by more than maxScaleRatio (also for a table already in [0, 1]: min-max scaled features share a ' +
      'spread); info for milder cases (|mean| > infoAbsMean, std outside [infoMinStd, infoMaxStd]), such as raw MNIST pixels ' +
      'or raw iris measurements.',
  },
  fixes: ['fix.normalize-inputs'],
  check(context: StaticContext, settings: RuleSettings): FindingDraft[] {
    const { config, inputStats } = context;
    const raw = estimateRawInputs(config, inputStats);
    if (raw.source === 'unknown') return [];
    const seen = observe(config, raw, settings.thresholds);
    if (seen.length === 0) return [];
    const serious = seen.some((o) => o.serious);
    const { normalize, per } = config.data.preprocess;
    const setting = normalize === 'none' ? '"normalize": "none"' : `"normalize": "${normalize}" per "${per}"`;
    const pixels = isPixels(config, raw);
    const oneForAll = normalize !== 'none' && per === 'channel' && !pixels
      ? ' "per": "channel" on data that is not an image uses one mean and std for all features, so their different scales remain.'
      : '';
    const reasons = [...new Set(seen.map((o) => o.kind))].map((kind) => WHY[kind]).join(' ');
    const squeezed = serious ? ', but min-max scaled features would share a spread, so some features were squeezed (scaled twice, or by far too large a range)' : '';
    const conventional = inConventionalRange(raw) ? ` The values lie in [${num(raw.min!)}, ${num(raw.max!)}], a conventional input range${squeezed}.` : '';
    const why = serious ? reasons : `This is workable, but centred, unit-scale inputs usually train faster. ${reasons}`;
    return [{
      severity: serious ? undefined : 'info',
      message:
        `The inputs reach the network with ${setting}: ${listText(seen.map((o) => o.text))} (${sourceText(config, raw)}).${channelText(inputStats)}${conventional}${oneForAll} ${why} ` +
        'Standardize them: subtract the training mean and divide by the training std' +
        standardizeText(config, pixels),
      path: firstWrittenPath(context, [['data', 'preprocess', 'normalize'], ['data', 'preprocess'], ['data', 'dataset']]),
      evidence: { ...raw, normalize, per, imageLike: pixels, ...(inputStats?.channelMeans ? { channelMeans: inputStats.channelMeans, channelStds: inputStats.channelStds } : {}) },
      fixes: [fixReference('fix.normalize-inputs', config, pixels && !isImage(config) ? { per: 'channel' } : undefined, true)],
    }];
  },
};
