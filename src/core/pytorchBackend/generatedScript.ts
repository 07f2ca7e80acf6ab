// The script the pytorch backend runs: the config as `training-doctor export --to pytorch` writes
// it (src/core/interop/pytorch/), reading MNIST where our own engine reads it on this machine.

import * as path from 'node:path';
import type { ShapeReport } from '../config/shapeInference';
import type { TrainConfig } from '../config/trainConfig';
import { mnistDigitFile } from '../data/mnistDataset';
import { exportPytorchScript, trainingScriptName } from '../interop/pytorch/exportPytorchScript';

export interface ScriptSource {
  configText?: string;
  configPath?: string;
  /** The config's folder: relative data paths start there. */
  baseDir: string;
}

export function generatedScript(config: TrainConfig, shapes: ShapeReport, source: ScriptSource): { text: string; fileName: string } {
  const mnistDir = config.data.dataset.kind === 'mnist' ? path.dirname(mnistDigitFile(0)) : undefined;
  return { text: exportPytorchScript(config, shapes, { ...source, mnistDir }), fileName: trainingScriptName(config.name) };
}
