// `training-doctor train`: a full run with a progress display (or JSON events with --json),
// cancellable with Ctrl+C (the run is then recorded as cancelled, its data kept).

import * as path from 'node:path';
import { runTraining } from '../../core/engine/trainingSession';
import { RunDiagnosis } from '../../core/diagnosis/runDiagnosis';
import { positiveInteger } from '../cliArguments';
import { formatFinding } from '../../core/report/textFormat';
import { EXIT, refusesPlaceholderData, runnableConfig, runtimeFor, type CommandContext } from '../commandContext';
import { TrainProgress } from '../trainProgress';

export async function runTrain(context: CommandContext): Promise<number> {
  const { flags, stdout } = context;
  const json = flags.json === true;
  // With --json the output is one event per line, so a config error is an event too.
  const envelope = (problems: object[]) => ({ type: 'config-error', file: context.file.filePath, problems });
  const file = runnableConfig(context, envelope);
  if (!file || refusesPlaceholderData(context, file, 'train', envelope)) return EXIT.usage;
  const config = file.config;
  const runtime = await runtimeFor(context, file);
  const progress = json ? undefined : new TrainProgress(stdout);
  const abort = new AbortController();
  const onSignal = () => {
    if (abort.signal.aborted) process.exit(EXIT.cancelled); // a second Ctrl+C means now
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const ended = await runTraining(config, {
      runtime,
      baseDir: file.baseDir,
      runsDir: typeof flags.out === 'string' ? path.resolve(flags.out) : undefined,
      workspaceDir: process.cwd(),
      configText: file.text,
      configPath: file.filePath,
      epochs: positiveInteger(flags, 'epochs'),
      signal: abort.signal,
      monitors: [new RunDiagnosis(config, file.shapes, file.tree)],
      onEvent: (event) => {
        if (json) stdout.write(JSON.stringify(event) + '\n');
        else progress?.handle(event);
      },
    });
    if (!json) {
      const findings = ended.findings;
      stdout.write(findings.length === 0 ? 'Findings: none.\n' : `Findings (${findings.length}):\n${findings.map((f) => `  ${formatFinding(f)}`).join('\n')}\n`);
    }
    if (ended.status === 'cancelled') return EXIT.cancelled;
    return ended.status === 'failed' ? EXIT.failed : EXIT.ok;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
