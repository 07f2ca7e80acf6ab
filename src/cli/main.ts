// `training-doctor`: the headless front end of the engine, for terminals and CI pipelines.
//   lint <file> [--json]                                  validation errors (and static findings)
//   probe <file> [--json] [--batch N] [--overfit-batch]   init-time per-layer statistics (and one-batch overfit check)
//   train <file> [--json] [--out DIR] [--epochs N]        train, report, record a run folder
//   lr-find <file> [--json] [--steps N] [--out DIR]       learning-rate range test
//   fix <file> --rule ID [--fix ID] [--layer N] [--dry-run]  apply a finding's fix to the config
//   watch <logdir> [--once] [--json] [--map TAG=ROLE,...]  diagnose TensorBoard logs of any framework, and run folders
//   import <model.json|.keras> [--out F] [--data SPEC]     a Keras / TF.js model → *.train.json
//   export <file> --to keras-json [--out F]               the config's model as Keras JSON
//   export <file> --to pytorch|keras [--out F]            the experiment as a PyTorch / Keras training script
//   every config command takes --allow-data-outside: read data beyond the config's repository and the cwd
// Exit codes: 0 ok, 1 errors found / run failed, 2 usage or config error (incl. an --out that cannot be
// written), 130 cancelled, 141 output closed (`| head`).

import * as path from 'node:path';
import { ConfigProblemError } from '../core/config/configProblem';
import { loadConfigFile, type LoadedConfigFile } from '../core/config/loadConfigFile';
import { locateProblems } from '../core/config/parseConfig';
import { DATA_ANYWHERE, dataInside, projectFolder, type DataAccess } from '../core/data/dataAccessPolicy';
import { parseArguments, positiveInteger, UsageError, type FlagSpec } from './cliArguments';
import { EXIT_OUTPUT_CLOSED, stopQuietlyWhenOutputCloses } from './closedOutput';
import { backendFlag, EXIT, type CommandContext } from './commandContext';
import { runLint } from './commands/lintCommand';
import { runExport } from './commands/exportCommand';
import { runFix } from './commands/fixCommand';
import { runImport } from './commands/importCommand';
import { runLrFind } from './commands/lrFindCommand';
import { runProbe } from './commands/probeCommand';
import { runTrain } from './commands/trainCommand';
import { runWatch } from './commands/watchCommand';
import { formatProblem } from './formatting';

const USAGE = `Usage: training-doctor <command> <config.train.json> [options]

Commands:
  lint   <file> [--json]                          check a config without running it
  probe  <file> [--json] [--batch N] [--overfit-batch [--overfit-steps N]]
                                                  per-layer statistics of the model at init
  train  <file> [--json] [--out DIR] [--epochs N] train and report; writes a run folder
  lr-find <file> [--json] [--steps N] [--out DIR] learning-rate range test: suggests a rate
  fix    <file> --rule ID [--fix ID] [--layer N] [--dry-run]
                                                  apply a finding's fix (preferred by default), print the diff
  watch  <logdir> [--once] [--json] [--map TAG=ROLE,...] [--mapping FILE]
                                                  diagnose runs logged as TensorBoard event files
                                                  (PyTorch, Keras, TF, ...) or as Training Doctor run
                                                  folders (an exported script's --logdir), live unless --once
  import <model.json | model.keras> [--out F.train.json] [--data SPEC] [--output LAYER] [--force]
                                                  a Keras or TF.js model definition → a config
  export <file> --to keras-json [--out F]         the config's model as Keras JSON (model.to_json())
  export <file> --to pytorch|keras [--out F]      the experiment as a training script (PyTorch: DDP-ready)
                                                  (default F: train_<name>.py here; - prints it)

Options:
  --json           machine-readable output (train: one JSON event per line)
  --batch N        probe: examples in the batch pushed through the model (default 256, fewer for
                   models whose layer outputs would pass 300 MB: 2 for ResNet50 at 224×224)
  --overfit-batch  probe: also train a copy of the model on 32 examples and check it can memorize them
  --overfit-steps N  probe: steps of that check (default 100; implies --overfit-batch)
  --out DIR        train: folder that receives the run folder (default: ./.training-doctor/runs)
  --epochs N       train: override training.epochs
  --steps N        lr-find: steps of the sweep from 1e-7 to 10 (default 200)
  --backend NAME   auto | tensorflow | wasm | cpu | pytorch (default: the config's "backend", else auto);
                   pytorch: train runs the exported PyTorch script under a Python with torch (probe,
                   lr-find and fix stay on TensorFlow.js)
  --python PATH    train --backend pytorch: the Python to run it (default: $TRAINING_DOCTOR_PYTHON, else
                   the first of python3, python, /usr/bin/python3 that can import torch)
  --allow-data-outside
                   read data files anywhere; by default a config's data must lie inside its
                   repository (the nearest folder with .git) or the current directory
  --once           watch: read what is there, report and stop (default: follow the files until Ctrl+C)
  --map T=R,...    watch: give tags their roles (loss, val_loss, lr, grad_norm, metric:NAME, val_metric:NAME,
                   weights:LAYER, gradients:LAYER, activations:LAYER, ignore); see README
  --mapping FILE   watch: a *.tb.json mapping file (default: the first *.tb.json in the run or log folder)
  --data SPEC      import: mnist | synthetic | csv:<path> (target: --label COLUMN, else the last column);
                   without it, placeholder N(0, 1) inputs: lint and probe work, train waits for real data
  --output LAYER   import: the output layer to import from a model with several outputs
`;

const ALLOW_DATA_OUTSIDE = 'allow-data-outside';
const FLAGS: Record<string, Record<string, FlagSpec>> = {
  lint: { json: {}, [ALLOW_DATA_OUTSIDE]: {} },
  probe: { json: {}, batch: { value: true }, backend: { value: true }, 'overfit-batch': {}, 'overfit-steps': { value: true }, [ALLOW_DATA_OUTSIDE]: {} },
  train: { json: {}, out: { value: true }, epochs: { value: true }, backend: { value: true }, python: { value: true }, [ALLOW_DATA_OUTSIDE]: {} },
  fix: { rule: { value: true }, fix: { value: true }, layer: { value: true }, 'dry-run': {}, backend: { value: true }, [ALLOW_DATA_OUTSIDE]: {} },
  'lr-find': { json: {}, out: { value: true }, steps: { value: true }, backend: { value: true }, [ALLOW_DATA_OUTSIDE]: {} },
  watch: { json: {}, once: {}, map: { value: true }, mapping: { value: true } },
  import: { json: {}, out: { value: true }, data: { value: true }, label: { value: true }, output: { value: true }, force: {} },
  export: { to: { value: true }, out: { value: true }, [ALLOW_DATA_OUTSIDE]: {} },
};

/**
 * CI runs this on pull requests nobody has reviewed yet, so a config may read data only inside
 * its repository or the working directory, unless the caller says otherwise.
 */
function cliDataAccess(configPath: string, allowOutside: boolean): DataAccess {
  if (allowOutside) return DATA_ANYWHERE;
  return dataInside([projectFolder(path.dirname(configPath)), process.cwd()],
    'The command line reads data only inside the config\'s repository and the current directory; pass --allow-data-outside to read it anyway.');
}

export async function main(argv: string[], stdout = process.stdout, stderr = process.stderr): Promise<number> {
  const [command, ...rest] = argv;
  const wantsHelp = (arg: string) => arg === '--help' || arg === '-h' || arg === 'help';
  if (!command || wantsHelp(command) || rest.some((arg) => arg === '--help' || arg === '-h')) {
    stdout.write(USAGE);
    return command ? EXIT.ok : EXIT.usage;
  }
  let file: LoadedConfigFile | undefined;
  try {
    const spec = Object.hasOwn(FLAGS, command) ? FLAGS[command] : undefined;
    if (!spec) throw new UsageError(`Unknown command "${command}".`);
    const { positionals, flags } = parseArguments(rest, spec);
    if (command === 'watch') {
      if (positionals.length !== 1) throw new UsageError('watch takes exactly one log folder (or event file).');
      return await runWatch({ logdir: positionals[0], flags, stdout, stderr });
    }
    if (positionals.length !== 1) throw new UsageError(`${command} takes exactly one ${command === 'import' ? 'model file' : 'config file'}.`);
    if (command === 'import') return await runImport({ modelPath: positionals[0], flags, stdout, stderr });
    positiveInteger(flags, 'batch');
    positiveInteger(flags, 'epochs');
    positiveInteger(flags, 'steps');
    positiveInteger(flags, 'overfit-steps');
    if (flags.layer !== undefined && !/^\d+$/.test(String(flags.layer))) throw new UsageError(`--layer needs a layer index (0, 1, ...), not ${JSON.stringify(flags.layer)}.`);
    backendFlag(flags);
    const configPath = path.resolve(positionals[0]);
    file = await loadConfigFile(configPath, undefined, cliDataAccess(configPath, flags[ALLOW_DATA_OUTSIDE] === true));
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
    if (error instanceof ConfigProblemError && file) {
      // Found once the backend was known (a model too big for it): a config error like lint's, located.
      for (const p of locateProblems(error.problems, file.tree, file.text)) stderr.write(formatProblem(file.filePath, p) + '\n');
      return EXIT.usage;
    }
    stderr.write(`training-doctor: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    return EXIT.failed;
  }
}

/** The command as run from a shell: the process's streams, its exit code. */
export function runCommandLine(argv: string[]): void {
  stopQuietlyWhenOutputCloses([process.stdout, process.stderr]);
  main(argv).then((code) => {
    // A closed output decided the exit code (141), unless the command stopped cleanly on its own terms.
    if (process.exitCode !== EXIT_OUTPUT_CLOSED || code === EXIT.cancelled) process.exitCode = code;
  });
}

if (require.main === module) runCommandLine(process.argv.slice(2));
