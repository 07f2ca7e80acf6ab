// Training on the pytorch backend, for the CLI and the trainer process alike: find the Python,
// generate the script, run it. A missing Python or torch throws TorchPythonMissingError before
// anything is written, for the caller to report in its own way (a line and an exit code, or a
// notification).

import type { ShapeReport } from '../config/shapeInference';
import type { TrainConfig } from '../config/trainConfig';
import type { RunEndedEvent } from '../engine/trainingEvents';
import { generatedScript } from './generatedScript';
import { runPytorchTraining, type PytorchRunOptions } from './pytorchRun';
import { findTorchPython, pythonCandidates, type CandidateChoice } from './torchPython';

export interface PytorchTrainingOptions extends Omit<PytorchRunOptions, 'python' | 'script' | 'cwd'> {
  /** The config's folder: relative data paths start there. */
  baseDir: string;
  python: CandidateChoice;
}

export async function trainWithPytorch(config: TrainConfig, shapes: ShapeReport, options: PytorchTrainingOptions): Promise<RunEndedEvent> {
  const found = findTorchPython(pythonCandidates(options.python));
  const script = generatedScript(config, shapes, { configText: options.configText, configPath: options.configPath, baseDir: options.baseDir });
  const { baseDir, python, ...rest } = options;
  void python;
  const passedOver = found.passedOver.length > 0
    ? [{ type: 'log' as const, level: 'info' as const, message: `PyTorch runs under ${found.command} (${found.source}; torch ${found.torchVersion}); passed over: ${found.passedOver.join('; ')}.` }]
    : [];
  return runPytorchTraining(config, {
    ...rest, cwd: baseDir, script, python: { command: found.command, torchVersion: found.torchVersion }, initialEvents: passedOver,
  });
}
