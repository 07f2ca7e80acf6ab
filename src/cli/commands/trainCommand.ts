// `training-doctor train`: a full run with a progress display (or JSON events with --json),
// cancellable with Ctrl+C (the run is then recorded as cancelled, its data kept). A run folder
// that cannot be created (--out a file, /dev/null, a read-only or pseudo file system) is a usage
// error, said in one line before anything loads; a write that fails mid-run (a full disk) fails
// the run with that reason, its run-ended event and exit code 1. With the pytorch backend the run
// is the exported PyTorch script under a Python that can import torch; none found is one message
// (what was tried, how to fix it) and exit code 1.

import * as path from 'node:path';
import { DiskWriteError, makeWritableDirectory } from '../../core/engine/diskWrites';
import { runsRoot } from '../../core/engine/runFolder';
import { runTraining } from '../../core/engine/trainingSession';
import { RunDiagnosis } from '../../core/diagnosis/runDiagnosis';
import { positiveInteger } from '../cliArguments';
import { isOpen } from '../../core/diagnosis/finding';
import { formatFinding } from '../../core/report/textFormat';
import type { TrainingEvent } from '../../core/engine/trainingEvents';
import { trainWithPytorch } from '../../core/pytorchBackend/pytorchBackend';
import type { PythonCandidate } from '../../core/python/findPython';
import { PYTHON_ENV_VARIABLE, TorchPythonMissingError } from '../../core/pytorchBackend/torchPython';
import { backendFlag, EXIT, refusesPlaceholderData, runnableConfig, runtimeFor, type CommandContext } from '../commandContext';
import { TrainProgress } from '../trainProgress';

export async function runTrain(context: CommandContext): Promise<number> {
  const { flags, stdout } = context;
  const json = flags.json === true;
  // With --json the output is one event per line, so a config error is an event too.
  const envelope = (problems: object[]) => ({ type: 'config-error', file: context.file.filePath, problems });
  const file = runnableConfig(context, envelope);
  if (!file || refusesPlaceholderData(context, file, 'train', envelope)) return EXIT.usage;
  const config = file.config;
  const runsDir = typeof flags.out === 'string' ? path.resolve(flags.out) : runsRoot(process.cwd());
  try {
    makeWritableDirectory(runsDir, 'the run folder');
  } catch (error) {
    return cannotRecord(context, error);
  }
  const backend = backendFlag(flags) ?? config.backend;
  const runtime = backend === 'pytorch' ? undefined : await runtimeFor(context, file);
  const progress = json ? undefined : new TrainProgress(stdout);
  const abort = new AbortController();
  const onSignal = () => {
    if (abort.signal.aborted) process.exit(EXIT.cancelled); // a second Ctrl+C means now
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const common = {
      baseDir: file.baseDir,
      runsDir,
      configText: file.text,
      configPath: file.filePath,
      epochs: positiveInteger(flags, 'epochs'),
      signal: abort.signal,
      monitors: [new RunDiagnosis(config, file.shapes, file.tree)],
      onEvent: (event: TrainingEvent) => {
        if (json) stdout.write(JSON.stringify(event) + '\n');
        else progress?.handle(event);
      },
    };
    const ended = runtime
      ? await runTraining(config, { ...common, runtime, dataAccess: file.dataAccess })
      : await trainWithPytorch(config, file.shapes, { ...common, python: { named: namedPython(flags) } });
    if (!json) {
      const open = ended.findings.filter(isOpen);
      const resolved = ended.findings.filter((f) => !isOpen(f));
      stdout.write(open.length === 0 ? 'Findings: none.\n' : `Findings (${open.length}):\n${open.map((f) => `  ${formatFinding(f)}`).join('\n')}\n`);
      if (resolved.length > 0) stdout.write(`Resolved during the run (${resolved.length}):\n${resolved.map((f) => `  ${formatFinding(f)}`).join('\n')}\n`);
    }
    if (ended.status === 'cancelled') return EXIT.cancelled;
    return ended.status === 'failed' ? EXIT.failed : EXIT.ok;
  } catch (error) {
    // Only creating the run folder throws (checked above, but the disk may change meanwhile).
    if (error instanceof DiskWriteError) return cannotRecord(context, error);
    if (error instanceof TorchPythonMissingError) {
      context.stderr.write(`training-doctor: ${error.message}\n`);
      return EXIT.failed;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The Python the user named for the pytorch backend: --python, else the environment variable. */
function namedPython(flags: Record<string, string | true>): PythonCandidate | undefined {
  if (typeof flags.python === 'string') return { command: flags.python, source: '--python' };
  const fromEnvironment = process.env[PYTHON_ENV_VARIABLE];
  return fromEnvironment ? { command: fromEnvironment, source: PYTHON_ENV_VARIABLE } : undefined;
}

function cannotRecord({ flags, stderr }: CommandContext, error: unknown): number {
  if (!(error instanceof DiskWriteError)) throw error;
  const hint = typeof flags.out === 'string' ? 'Give --out a folder you can write to.' : 'Run it from a folder you can write to, or give --out one.';
  stderr.write(`training-doctor: ${error.message} ${hint}\n`);
  return EXIT.usage;
}
