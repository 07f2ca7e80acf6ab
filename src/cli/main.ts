// `training-doctor`: the headless front end of the engine, for terminals and CI pipelines.
//   lint <file> [--json]                                  validation errors (and static findings)
//   probe <file> [--json] [--batch N] [--overfit-batch]   init-time per-layer statistics (and one-batch overfit check)
//   train <file> [--json] [--out DIR] [--epochs N]        train, report, record a run folder
//   lr-find <file> [--json] [--steps N] [--out DIR]       learning-rate range test
//   fix <file> --rule ID [--fix ID] [--layer N] [--dry-run]  apply a finding's fix to the config
// Exit codes: 0 ok, 1 errors found / run failed, 2 usage or config error, 130 cancelled.

import * as path from 'node:path';
import { loadConfigFile } from '../core/config/loadConfigFile';
import { parseArguments, positiveInteger, UsageError, type FlagSpec } from './cliArguments';
import { backendFlag, EXIT, type CommandContext } from './commandContext';
import { runLint } from './commands/lintCommand';
import { runFix } from './commands/fixCommand';
import { runLrFind } from './commands/lrFindCommand';
import { runProbe } from './commands/probeCommand';
import { runTrain } from './commands/trainCommand';

const USAGE = `Usage: training-doctor <command> <config.train.json> [options]

Commands:
  lint   <file> [--json]                          check a config without running it
  probe  <file> [--json] [--batch N] [--overfit-batch [--overfit-steps N]]
                                                  per-layer statistics of the model at init
  train  <file> [--json] [--out DIR] [--epochs N] train and report; writes a run folder
  lr-find <file> [--json] [--steps N] [--out DIR] learning-rate range test: suggests a rate
  fix    <file> --rule ID [--fix ID] [--layer N] [--dry-run]
                                                  apply a finding's fix (preferred by default), print the diff

Options:
  --json           machine-readable output (train: one JSON event per line)
  --batch N        probe: examples in the batch pushed through the model (default 256)
  --overfit-batch  probe: also train a copy of the model on 32 examples and check it can memorize them
  --overfit-steps N  probe: steps of that check (default 100; implies --overfit-batch)
  --out DIR        train: folder that receives the run folder (default: ./.training-doctor/runs)
  --epochs N       train: override training.epochs
  --steps N        lr-find: steps of the sweep from 1e-7 to 10 (default 200)
  --backend NAME   auto | tensorflow | wasm | cpu (default: the config's "backend", else auto)
`;

const FLAGS: Record<string, Record<string, FlagSpec>> = {
  lint: { json: {} },
  probe: { json: {}, batch: { value: true }, backend: { value: true }, 'overfit-batch': {}, 'overfit-steps': { value: true } },
  train: { json: {}, out: { value: true }, epochs: { value: true }, backend: { value: true } },
  fix: { rule: { value: true }, fix: { value: true }, layer: { value: true }, 'dry-run': {}, backend: { value: true } },
  'lr-find': { json: {}, out: { value: true }, steps: { value: true }, backend: { value: true } },
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
    if (positionals.length !== 1) throw new UsageError(`${command} takes exactly one config file.`);
    positiveInteger(flags, 'batch');
    positiveInteger(flags, 'epochs');
    positiveInteger(flags, 'steps');
    positiveInteger(flags, 'overfit-steps');
    if (flags.layer !== undefined && !/^\d+$/.test(String(flags.layer))) throw new UsageError(`--layer needs a layer index (0, 1, ...), not ${JSON.stringify(flags.layer)}.`);
    backendFlag(flags);
    const file = await loadConfigFile(path.resolve(positionals[0]));
    const context: CommandContext = { file, flags, stdout, stderr };
    switch (command) {
      case 'lint': return await runLint(context);
      case 'probe': return await runProbe(context);
      case 'lr-find': return await runLrFind(context);
      case 'fix': return await runFix(context);
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
