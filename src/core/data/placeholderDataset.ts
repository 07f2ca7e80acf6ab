// The stand-in data `training-doctor import` writes when no data was given: N(0, 1) inputs of the
// model's input shape and random labels. Initialization diagnosis (lint, probe) needs nothing more;
// training on it would be meaningless, so the training entry points refuse it (placeholderRefusal).

import { problem, type ConfigProblem } from '../config/configProblem';
import type { DataConfig, DatasetConfig } from '../config/trainConfig';
import { deriveSeed, SeededRandom } from '../random';
import type { DatasetExamples } from './dataset';

export type PlaceholderConfig = Extract<DatasetConfig, { kind: 'placeholder' }>;

export function loadPlaceholderExamples(config: PlaceholderConfig, seed: number): DatasetExamples {
  const rng = new SeededRandom(deriveSeed(seed, 'placeholder'));
  const featureSize = config.shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(config.samples * featureSize);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  const regression = config.task === 'regression';
  const y = Float32Array.from({ length: config.samples }, () => (regression ? rng.normal() : rng.int(config.classes)));
  const [height, width, channels] = config.shape;
  return {
    task: config.task,
    inputShape: [...config.shape],
    featureSize,
    numClasses: regression ? 1 : config.classes,
    image: config.shape.length === 3 ? { height, width, channels } : undefined,
    examples: { x, y, count: config.samples },
    description: `placeholder data (N(0, 1) inputs of shape [${config.shape.join(', ')}], random ${regression ? 'targets' : 'labels'})`,
  };
}

/** Training needs real data: the problem to report when the config still has the placeholder. */
export function placeholderRefusal(data: DataConfig, action: string): ConfigProblem | undefined {
  if (data.dataset.kind !== 'placeholder') return undefined;
  return problem('data.placeholder', ['data', 'dataset'],
    `Cannot ${action} on placeholder data: data.dataset is {"synthetic": "placeholder"}, random N(0, 1) inputs that ` +
    '`training-doctor import` wrote so the model can be linted and probed. Set data.dataset to real data ("mnist", ' +
    '{"csv": "file.csv", "label": "column"} or a synthetic set) first.');
}
