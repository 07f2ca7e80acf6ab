// The script the pytorch backend runs: the config exported by `training-doctor export --to
// pytorch` (src/core/interop/pytorch/), with the data where this machine has it.

import * as path from 'node:path';
import type { ShapeReport } from '../config/shapeInference';
import type { TrainConfig } from '../config/trainConfig';
import { mnistDigitFile } from '../data/mnistDataset';

export interface ScriptSource {
  configText?: string;
  configPath?: string;
  baseDir: string;
}

export function generatedScript(config: TrainConfig, shapes: ShapeReport, source: ScriptSource): { text: string; fileName: string } {
  void shapes;
  void source;
  void mnistFolder;
  throw new Error('The PyTorch export is not part of this build yet.');
}

/** The MNIST digit files as our own engine reads them (next to the bundle, else the `mnist` package). */
function mnistFolder(): string {
  return path.dirname(mnistDigitFile(0));
}

/** train_<config name>.py, as `export` names it. */
export function scriptFileName(config: TrainConfig): string {
  return `train_${config.name.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'model'}.py`;
}
