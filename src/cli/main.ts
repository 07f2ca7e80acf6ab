// `training-doctor`: the headless front end of the engine, for terminals and CI pipelines.
//   lint <file> [--json]                                  validation errors (and static findings)
//   probe <file> [--json] [--batch N]                     init-time per-layer statistics
//   train <file> [--json] [--out DIR] [--epochs N]        train, report, record a run folder
//   lr-find <file> [--json] [--steps N] [--out DIR]       learning-rate range test
//   fix <file> --rule ID [--fix ID] [--layer N] [--dry-run]  apply a finding's fix to the config
//   import <model.json|.keras> [--out F] [--data SPEC]     a Keras / TF.js model → *.train.json
//   export <file> --to keras-json [--out F]               the config's model as Keras JSON
// Exit codes: 0 ok, 1 errors found / run failed, 2 usage or config error, 130 cancelled.

import * as path from 'node:path';
import { loadConfigFile } from '../core/config/loadConfigFile';
import { parseArguments, positiveInteger, UsageError, type FlagSpec } from './cliArguments';
import { backendFlag, EXIT, type CommandContext } from './commandContext';
import { runLint } from './commands/lintCommand';
import { runExport } from './commands/exportCommand';
import { runFix } from './commands/fixCommand';
import { runImport } from './commands/importCommand';
import { runLrFind } from './commands/lrFindCommand';
import { runProbe } from './commands/probeCommand';
import { runTrain } from './commands/trainCommand';

const USAGE = `Usage: training-doctor <command> <config.train.json> [options]

Commands:
  lint   <file> [--json]                          check a config without running it
  probe  <file> [--json] [--batch N]              per-layer statistics of the model at init
  train  <file> [--json] [--out DIR] [--epochs N] train and report; writes a run folder
  lr-find <file> [--json] [--steps N] [--out DIR] learning-rate range test: suggests a rate
  fix    <file> --rule ID [--fix ID] [--layer N] [--dry-run]
                                                  apply a finding's fix (preferred by default), print the diff
  import <model.json | model.keras> [--out F.train.json] [--data SPEC] [--output LAYER] [--force]
                                                  a Keras or TF.js model definition → a config
  export <file> --to keras-json [--out F]         the config's model as Keras JSON (model.to_json())

Options:
  --json           machine-readable output (train: one JSON event per line)
  --batch N        probe: examples in the batch pushed through the model (default 256, fewer for
                   models whose layer outputs would pass 300 MB: 2 for ResNet50 at 224×224)
  --out DIR        train: folder that receives the run folder (default: ./.training-doctor/runs)
  --epochs N       train: override training.epochs
  --steps N        lr-find: steps of the sweep from 1e-7 to 10 (default 200)
  --backend NAME   auto | tensorflow | wasm | cpu (default: the config's "backend", else auto)
  --data SPEC      import: mnist | synthetic | csv:<path> (target: --label COLUMN, else the last column);
                   without it, placeholder N(0, 1) inputs: lint and probe work, train waits for real data
  --output LAYER   import: the output layer to import from a model with several outputs
`;

const FLAGS: Record<string, Record<string, FlagSpec>> = {
  lint: { json: {} },
  probe: { json: {}, batch: { value: true }, backend: { value: true } },
  train: { json: {}, out: { value: true }, epochs: { value: true }, backend: { value: true } },
  fix: { rule: { value: true }, fix: { value: true }, layer: { value: true }, 'dry-run': {}, backend: { value: true } },
  'lr-find': { json: {}, out: { value: true }, steps: { value: true }, backend: { value: true } },
  import: { json: {}, out: { value: true }, data: { value: true }, label: { value: true }, output: { value: true }, force: {} },
  export: { to: { value: true }, out: { value: true } },
};

export async function main(argv: string[], stdout = process.stdout, stderr = process.stderr): Promise<number> {
  const [command, ...rest] = argv;
  const wantsHelp = (arg: string) => arg === '--help' || arg === '-h' || arg === 'help';
  if (!command || wantsHelp(command) || rest.some((arg) => arg === '--help' || arg === '-h')) {
    stdout.write(USAGE);
    return command ? EXIT.ok : EXIT.usage;
  }
  try {
    const spec = FLAGS[command];
    if (!spec) throw new UsageError(`Unknown command "${command}".`);
    const { positionals, flags } = parseArguments(rest, spec);
    if (positionals.length !== 1) throw new UsageError(`${command} takes exactly one ${command === 'import' ? 'model file' : 'config file'}.`);
    if (command === 'import') return await runImport({ modelPath: positionals[0], flags, stdout, stderr });
    positiveInteger(flags, 'batch');
    positiveInteger(flags, 'epochs');
    positiveInteger(flags, 'steps');
    if (flags.layer !== undefined && !/^\d+$/.test(String(flags.layer))) throw new UsageError(`--layer needs a layer index (0, 1, ...), not ${JSON.stringify(flags.layer)}.`);
    backendFlag(flags);
    const file = await loadConfigFile(path.resolve(positionals[0]));
    const context: CommandContext = { file, flags, stdout, stderr };
    switch (command) {
      case 'lint': return await runLint(context);
      case 'probe': return await runProbe(context);
      case 'lr-find': return await runLrFind(context);
      case 'fix': return await runFix(context);
      case 'export': return await runExport(context);
      default: return await runTrain(context);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      stderr.write(`training-doctor: ${error.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    stderr.write(`training-doctor: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    return EXIT.failed;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
