// `training-doctor export --to pytorch`: a config as a self-contained, commented PyTorch training
// script that builds the same model (layers, initializers, regularizers), reads the same data
// (same split and preprocessing), trains it with the same optimizer, schedule, early stopping and
// clipping, and reports Training Doctor's training events, on one process or under torchrun.

import * as path from 'node:path';
import { finalActivation, type ShapeReport } from '../../config/shapeInference';
import type { TrainConfig } from '../../config/trainConfig';
import { dataConstants, datasetImports, sharedSections, taskOf, trainingConstants, type DataLocationOptions } from './pythonDataPipeline';
import { EVENT_SINKS } from './pytorchEventSinks';
import { INITIALIZER_HELPERS } from './pytorchInitializers';
import { DISTRIBUTED, INSTRUMENTS, TRAINING_LOOP } from './pytorchLoop';
import { layerTable, MODEL_HELPERS, modelLayersCode } from './pytorchModel';
import { lossCode, optimizerCode } from './pytorchTraining';
import { indent, pyFloat, pyValue, trainingScriptName } from './pythonSource';

export interface PytorchExportOptions extends DataLocationOptions {
  /** The config's text as written (comments kept): the run folders' config.train.json. */
  configText?: string;
  /** The config file's path (events and run folders name it). */
  configPath?: string;
}


function header(config: TrainConfig, options: PytorchExportOptions): string {
  const source = options.configPath ? path.basename(options.configPath) : `${config.name}.train.json`;
  const script = trainingScriptName(config.name);
  return `#!/usr/bin/env python3
"""${config.name}: a PyTorch training script exported by Training Doctor from ${source}.

It builds the config's model (same layers, initializers and regularizers), reads the same data
(same split, preprocessing statistics from the training split only, same augmentation), and trains
it with the same optimizer, learning-rate schedule, early stopping, gradient clipping and seed as
Training Doctor's engine. Random streams (initial weights, dropout masks) are PyTorch's own, so a
run is not bit-for-bit Training Doctor's; the data order and split are.

Run it:
    python ${script}                                      # one process (CUDA if available)
    torchrun --nproc_per_node 4 ${script}                 # DistributedDataParallel on one machine
    torchrun --nnodes 2 --node_rank 0 --nproc_per_node 4 \\
        --master_addr HOST --master_port 29500 ${script}   # ...and on several (node_rank 1 on the other)

Watch it with Training Doctor:
    python ${script} --logdir runs    # then: training-doctor watch runs  (or the extension's run history)
    python ${script} --events-jsonl   # Training Doctor's training events as JSON lines on stdout

Requires Python 3 and PyTorch 1.13 or later (the tensorboard package is optional).
"""
`;
}

/** The whole script for a validated config and its shape report. */
export { trainingScriptName };

export function exportPytorchScript(config: TrainConfig, shapes: ShapeReport, options: PytorchExportOptions = {}): string {
  const training = config.training;
  const outputShape = shapes.outputShape ?? [1];
  const imports = [...new Set(['argparse', 'copy', 'ctypes', 'datetime', 'json', 'math', 'os', 're', 'signal', 'socket', 'sys', 'threading', 'time', 'traceback', ...datasetImports(config.data.dataset)])].sort();
  const constants = `
# ---------------------------------------------------------------------------------------------
# The experiment, as the config says it.
# ---------------------------------------------------------------------------------------------
CONFIG_NAME = ${pyValue(config.name)}
CONFIG_PATH = ${pyValue(options.configPath ?? null)}
CONFIG_TEXT = ${pyValue(options.configText ?? JSON.stringify(config, null, 2))}
# How a run of this script names its engine in Training Doctor's events; backendDetail says more
# (torch version, device, processes, threads).
EVENT_BACKEND = "pytorch"

${trainingConstants(config, shapes)}
CLIP_NORM = ${training.gradientClipping ? pyFloat(training.gradientClipping.norm) : 'None'}  # clip the global gradient norm to this
STATS_EVERY = ${config.diagnostics.every}  # per-layer statistics every N steps

${dataConstants(config, options)}
`;
  const model = `
# ---------------------------------------------------------------------------------------------
# The model: one entry per layer of the config (index = the config's layer index).
# ---------------------------------------------------------------------------------------------
${layerTable(config.model.layers, shapes)}


def build_layers():
    return [
${indent(modelLayersCode(config.model.layers, shapes), 2)}
    ]
`;
  const loss = lossCode({
    task: taskOf(config.data.dataset), loss: training.loss, metrics: training.metrics, outputActivation: finalActivation(config.model.layers),
  }, String(outputShape[outputShape.length - 1]));
  return [
    header(config, options),
    imports.map((m) => `import ${m}`).join('\n'),
    '',
    'import numpy as np',
    'import torch',
    'import torch.distributed as dist',
    'import torch.nn as nn',
    'import torch.nn.functional as F',
    constants,
    INITIALIZER_HELPERS,
    MODEL_HELPERS,
    model,
    `# ---------------------------------------------------------------------------------------------\n# Loss, metrics and optimizer.\n# ---------------------------------------------------------------------------------------------${loss}`,
    optimizerCode(training.optimizer),
    ...sharedSections(config.data.dataset, 'torchvision'),
    EVENT_SINKS,
    INSTRUMENTS,
    DISTRIBUTED,
    TRAINING_LOOP,
  ].join('\n').replace(/\n{3,}/g, '\n\n\n').trimEnd() + '\n';
}
