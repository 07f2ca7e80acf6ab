// Generated classification problems with knobs that provoke specific training troubles on
// purpose: unnormalized inputs (mean/std, scale/offset), label noise, hard non-linear boundaries.
// Everything is drawn from one seeded generator per kind, so a seed names a dataset exactly.

import type { DatasetConfig } from '../config/trainConfig';
import { deriveSeed, SeededRandom } from '../random';
import { DatasetExamples, Split, shuffledCopy } from './dataset';

export type GaussianConfig = Extract<DatasetConfig, { kind: 'gaussian' }>;
export type SpiralsConfig = Extract<DatasetConfig, { kind: 'spirals' }>;
export type BlobsConfig = Extract<DatasetConfig, { kind: 'blobs' }>;
export type SyntheticConfig = GaussianConfig | SpiralsConfig | BlobsConfig;

export function loadSyntheticExamples(config: SyntheticConfig, seed: number): DatasetExamples {
  const rng = new SeededRandom(deriveSeed(seed, `synthetic-${config.kind}`));
  const generated = config.kind === 'gaussian' ? gaussian(config, rng) : config.kind === 'spirals' ? spirals(config, rng) : blobs(config, rng);
  const featureSize = config.kind === 'spirals' ? 2 : config.features;
  return {
    task: 'classification',
    inputShape: [featureSize],
    featureSize,
    numClasses: config.classes,
    classNames: Array.from({ length: config.classes }, (_, k) => `class ${k}`),
    examples: shuffledCopy(generated, featureSize, rng),
    description: describe(config),
  };
}

export function describe(config: SyntheticConfig): string {
  switch (config.kind) {
    case 'gaussian':
      return `synthetic gaussian (${config.features} features, ${config.classes} classes, mean ${config.mean}, std ${config.std})`;
    case 'spirals':
      return `synthetic spirals (${config.classes} arms, ${config.turns} turns)`;
    case 'blobs':
      return `synthetic blobs (${config.features} features, ${config.classes} clusters)`;
  }
}

/**
 * Inputs mean + std·z with z ~ N(0, 1); labels from a random linear teacher on z, so the task is
 * learnable whatever mean/std make the raw inputs look like.
 */
function gaussian(config: GaussianConfig, rng: SeededRandom): Split {
  const { features, samples, classes } = config;
  const teacher = Float64Array.from({ length: classes * features }, () => rng.normal());
  const x = new Float32Array(samples * features);
  const scores = new Float64Array(samples * classes);
  const z = new Float64Array(features);
  for (let i = 0; i < samples; i++) {
    for (let f = 0; f < features; f++) {
      z[f] = rng.normal();
      x[i * features + f] = config.mean + config.std * z[f];
    }
    for (let k = 0; k < classes; k++) {
      let score = config.labelNoise * rng.normal();
      for (let f = 0; f < features; f++) score += teacher[k * features + f] * z[f];
      scores[i * classes + k] = score;
    }
  }
  const bias = balancingBias(scores, samples, classes, Math.sqrt(features + config.labelNoise ** 2));
  const y = new Float32Array(samples);
  for (let i = 0; i < samples; i++) y[i] = argmax(scores, i * classes, classes, bias);
  return { x, y, count: samples };
}

/**
 * A random teacher can give one class a sliver of the space. Rather than reject draws (which
 * would bend the input distribution away from N(mean, std)), nudge a per-class bias until the
 * classes come out balanced-ish; only the labels move.
 */
function balancingBias(scores: Float64Array, samples: number, classes: number, scoreScale: number): Float64Array {
  const bias = new Float64Array(classes);
  const target = samples / classes;
  const counts = new Float64Array(classes);
  for (let round = 0, step = 0.5 * scoreScale; round < 300; round++, step *= 0.98) {
    counts.fill(0);
    for (let i = 0; i < samples; i++) counts[argmax(scores, i * classes, classes, bias)]++;
    let worst = 0;
    for (let k = 0; k < classes; k++) worst = Math.max(worst, Math.abs(counts[k] - target) / target);
    if (worst < 0.05) break;
    for (let k = 0; k < classes; k++) bias[k] += (step * (target - counts[k])) / target;
  }
  return bias;
}

function argmax(scores: Float64Array, offset: number, classes: number, bias: Float64Array): number {
  let best = 0;
  for (let k = 1; k < classes; k++) {
    if (scores[offset + k] + bias[k] > scores[offset + best] + bias[best]) best = k;
  }
  return best;
}

/** K arms from the origin outwards, arm k rotated by 2πk/K: not separable by any straight line. */
function spirals(config: SpiralsConfig, rng: SeededRandom): Split {
  const { samples, classes } = config;
  const x = new Float32Array(samples * 2);
  const y = new Float32Array(samples);
  for (let i = 0; i < samples; i++) {
    const arm = i % classes;
    const t = rng.next();
    const angle = config.turns * 2 * Math.PI * t + (2 * Math.PI * arm) / classes;
    const px = t * Math.cos(angle) + config.noise * rng.normal();
    const py = t * Math.sin(angle) + config.noise * rng.normal();
    x[i * 2] = config.offset + config.scale * px;
    x[i * 2 + 1] = config.offset + config.scale * py;
    y[i] = arm;
  }
  return { x, y, count: samples };
}

/** K gaussian clusters with centers ~ 3·N(0, 1); `spread` decides how much they overlap. */
function blobs(config: BlobsConfig, rng: SeededRandom): Split {
  const { features, samples, classes } = config;
  const centers = Float64Array.from({ length: classes * features }, () => 3 * rng.normal());
  const x = new Float32Array(samples * features);
  const y = new Float32Array(samples);
  for (let i = 0; i < samples; i++) {
    const cluster = i % classes;
    for (let f = 0; f < features; f++) {
      const point = centers[cluster * features + f] + config.spread * rng.normal();
      x[i * features + f] = config.offset + config.scale * point;
    }
    y[i] = cluster;
  }
  return { x, y, count: samples };
}
