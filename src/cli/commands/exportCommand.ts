// `training-doctor export <file> --to keras-json [--out model.json]`: the config's model as Keras
// functional-model JSON (model.to_json() format), to stdout or a file.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { exportKerasJson } from '../../core/interop/keras/exportKerasJson';
import { UsageError } from '../cliArguments';
import { EXIT, runnableConfig, type CommandContext } from '../commandContext';
import { relativeToCwd } from '../formatting';

export async function runExport(context: CommandContext): Promise<number> {
  const { flags, stdout, stderr } = context;
  if (flags.to !== 'keras-json') throw new UsageError(`export needs --to keras-json${typeof flags.to === 'string' ? `, not ${JSON.stringify(flags.to)}` : ''}.`);
  const file = runnableConfig(context);
  if (!file) return EXIT.usage;
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
