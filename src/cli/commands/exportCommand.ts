// `training-doctor export <file> --to keras-json|pytorch|keras [--out F]`: the config's model as
// Keras functional-model JSON (model.to_json() format, to stdout by default), or the whole
// experiment as a PyTorch or Keras training script (train_<name>.py in the current folder by
// default; `--out -` prints it).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { mnistDigitFile } from '../../core/data/mnistDataset';
import { exportKerasJson } from '../../core/interop/keras/exportKerasJson';
import { exportKerasScript } from '../../core/interop/keras/exportKerasScript';
import { exportPytorchScript, trainingScriptName } from '../../core/interop/pytorch/exportPytorchScript';
import { UsageError } from '../cliArguments';
import { EXIT, runnableConfig, type CommandContext, type RunnableConfig } from '../commandContext';
import { relativeToCwd } from '../formatting';

const TARGETS = ['keras-json', 'pytorch', 'keras'] as const;
type Target = (typeof TARGETS)[number];

function scriptText(target: Exclude<Target, 'keras-json'>, file: RunnableConfig): string {
  const options = { configText: file.text, configPath: file.filePath, baseDir: file.baseDir, mnistDir: mnistFolder() };
  return target === 'pytorch' ? exportPytorchScript(file.config, file.shapes, options) : exportKerasScript(file.config, file.shapes, options);
}

/** Where the `mnist` package's digit files are on this machine (the script's default MNIST source). */
function mnistFolder(): string | undefined {
  try {
    return path.dirname(mnistDigitFile(0));
  } catch {
    return undefined;
  }
}

export async function runExport(context: CommandContext): Promise<number> {
  const { flags, stdout, stderr } = context;
  const target = flags.to;
  if (typeof target !== 'string' || !(TARGETS as readonly string[]).includes(target)) {
    throw new UsageError(`export needs --to keras-json, pytorch or keras${typeof target === 'string' ? `, not ${JSON.stringify(target)}` : ''}.`);
  }
  const file = runnableConfig(context);
  if (!file) return EXIT.usage;
  if (target === 'keras-json') {
    const text = JSON.stringify(exportKerasJson(file.config, file.shapes), null, 2) + '\n';
    if (typeof flags.out !== 'string') {
      stdout.write(text);
      return EXIT.ok;
    }
    const out = path.resolve(flags.out);
    fs.writeFileSync(out, text);
    stderr.write(`Wrote ${relativeToCwd(out)} (Keras 2 functional model JSON; load it with keras.models.model_from_json or tf.models.modelFromJSON).\n`);
    return EXIT.ok;
  }
  const text = scriptText(target as Exclude<Target, 'keras-json'>, file);
  if (flags.out === '-') {
    stdout.write(text);
    return EXIT.ok;
  }
  const out = path.resolve(typeof flags.out === 'string' ? flags.out : trainingScriptName(file.config.name));
  fs.writeFileSync(out, text);
  const how = target === 'pytorch'
    ? `PyTorch training script: python ${relativeToCwd(out)} --logdir runs, or torchrun --nproc_per_node N ${relativeToCwd(out)}`
    : `Keras (TensorFlow 2) training script: python ${relativeToCwd(out)} --logdir logs`;
  stderr.write(`Wrote ${relativeToCwd(out)} (${how}).\n`);
  return EXIT.ok;
}
