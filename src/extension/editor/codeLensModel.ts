// The actions above a *.train.json file's root object: train it, probe its initialization, find
// its learning rate. The commands check workspace trust and the config's validity themselves;
// the lenses only need a root object to sit on. In a workspace the user has not trusted, one
// lens says why nothing runs and opens the trust editor, instead of three that would only refuse. A config with errors keeps them (the parse is
// error-tolerant), so they do not vanish and come back, shifting the text, at every keystroke.

import type { ParsedConfig } from '../../core/config/parseConfig';
import type { TextPositions, TextSpan } from './textPositions';

export interface ConfigLens {
  title: string;
  command: string;
  tooltip: string;
  /** Where it shows: the root object's opening brace. */
  span: TextSpan;
}

const LENSES: Omit<ConfigLens, 'span'>[] = [
  { title: '▶ Train', command: 'trainingDoctor.trainModel', tooltip: 'Train this model and watch it in the Training Doctor dashboard' },
  { title: 'Probe init', command: 'trainingDoctor.probeInitialization', tooltip: 'Push one batch through the initialized model and report per-layer statistics' },
  { title: 'Find learning rate', command: 'trainingDoctor.findLearningRate', tooltip: 'Run a learning-rate range test from the initial weights' },
];

const UNTRUSTED_LENS: Omit<ConfigLens, 'span'> = {
  title: '$(shield) Training needs a trusted workspace',
  command: 'workbench.trust.manage',
  tooltip: 'Training, probing and the learning-rate search run the workspace\'s data and code, so they run only in a trusted workspace. Linting and quick fixes work everywhere. Click to manage workspace trust.',
};

export function configLenses(parsed: ParsedConfig, positions: TextPositions, { trusted = true }: { trusted?: boolean } = {}): ConfigLens[] {
  const root = parsed.tree;
  if (!root || root.type !== 'object') return [];
  const span = positions.span(root.offset, 1);
  return (trusted ? LENSES : [UNTRUSTED_LENS]).map((lens) => ({ ...lens, span }));
}
