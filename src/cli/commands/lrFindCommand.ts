// `training-doctor lr-find`: the learning-rate range test. Prints the suggested rate with its
// uncertainty and a small plot of loss against learning rate; writes the curve as JSON.

import * as path from 'node:path';
import { describeWriteError, makeWritableDirectory, writeFileAtomic } from '../../core/engine/diskWrites';
import { findLearningRate } from '../../core/engine/learningRateFinder';
import { positiveInteger } from '../cliArguments';
import { EXIT, refusesPlaceholderData, runnableConfig, runtimeFor, type CommandContext } from '../commandContext';
import { formatRangeTest } from '../../core/report/textFormat';
import { relativeToCwd } from '../formatting';
import { asciiCurve } from '../asciiCurve';

export async function runLrFind(context: CommandContext): Promise<number> {
  const { flags, stdout } = context;
  const json = flags.json === true;
  const file = runnableConfig(context);
  if (!file || refusesPlaceholderData(context, file, 'run a learning-rate range test')) return EXIT.usage;
  const config = file.config;
  const outDir = path.resolve(typeof flags.out === 'string' ? flags.out : path.join(process.cwd(), '.training-doctor', 'lr-find'));
  const outFile = path.join(outDir, `${config.name.replace(/[^A-Za-z0-9._-]+/g, '-')}.json`);
  try {
    // Before the test runs: a folder that cannot take the curve is a usage error, said at once.
    makeWritableDirectory(outDir, 'the curve');
  } catch (error) {
    context.stderr.write(`training-doctor: ${describeWriteError('the curve', outDir, error).message}\n`);
    return EXIT.usage;
  }
  const runtime = await runtimeFor(context, file);
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  try {
    if (!json) stdout.write(`Learning-rate range test for "${config.name}" (${config.training.optimizer.type}) on ${runtime.backend}...\n`);
    const result = await findLearningRate(config, { runtime, baseDir: file.baseDir, dataAccess: file.dataAccess, steps: positiveInteger(flags, 'steps'), signal: abort.signal });
    const record = { config: file.filePath, backend: runtime.backend, ...result, suggestion: result.suggestion && { ...result.suggestion } };
    try {
      writeFileAtomic(outFile, JSON.stringify(record, null, 2));
    } catch (error) {
      context.stderr.write(`training-doctor: ${describeWriteError('the curve', outFile, error).message}\n`);
      return EXIT.failed;
    }
    if (json) {
      stdout.write(JSON.stringify({ ...record, curveFile: outFile }, null, 2) + '\n');
      return result.stoppedBecause === 'cancelled' ? EXIT.cancelled : EXIT.ok;
    }
    const s = result.suggestion;
    if (s) stdout.write(asciiCurve(result.points.map((p) => p.learningRate), s.smoothed, { width: 60, height: 12, mark: s.suggested }) + '\n');
    stdout.write(formatRangeTest(result) + '\n');
    stdout.write(`Stopped: ${result.stoppedBecause} after ${result.points.length} steps. Curve: ${relativeToCwd(outFile)}\n`);
    return result.stoppedBecause === 'cancelled' ? EXIT.cancelled : EXIT.ok;
  } finally {
    process.off('SIGINT', onSignal);
  }
}
