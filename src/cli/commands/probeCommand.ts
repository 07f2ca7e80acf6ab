// `training-doctor probe`: the model at init, one real batch forward and backward, per-layer
// statistics as a table (or JSON), the seeds' "activation std by layer" pictures in numbers.

import { ProbeOutOfMemoryError, probeModel } from '../../core/engine/probe';
import { positiveInteger } from '../cliArguments';
import { formatFinding, formatProbeTable, num } from '../../core/report/textFormat';
import { location } from '../formatting';
import { locatePath } from '../../core/config/parseConfig';
import { diagnoseProbe } from '../../core/diagnosis/runDiagnosis';
import { EXIT, runnableConfig, runtimeFor, type CommandContext } from '../commandContext';

export async function runProbe(context: CommandContext): Promise<number> {
  const { flags, stdout } = context;
  const json = flags.json === true;
  const file = runnableConfig(context);
  if (!file) return EXIT.usage;
  const config = file.config;
  const runtime = await runtimeFor(context, file);
  let probed: Awaited<ReturnType<typeof probeModel>>;
  try {
    probed = await probeModel(config, { runtime, baseDir: file.baseDir, batchSize: positiveInteger(flags, 'batch') });
  } catch (error) {
    if (!(error instanceof ProbeOutOfMemoryError)) throw error;
    context.stderr.write(`training-doctor: ${error.message}\n`);
    return EXIT.failed;
  }
  const { report, stats, inputStats } = probed;
  report.findings = diagnoseProbe(config, file.shapes, { stats, loss: report.loss, inputStats }, file.tree);
  if (json) {
    stdout.write(JSON.stringify(report, null, 2) + '\n');
    return EXIT.ok;
  }
  stdout.write(`Probe of "${report.config}" at initialization on ${report.backend} (${report.backendDetail})\n`);
  stdout.write(`  batch: ${report.batchSize} training examples of ${report.dataset}; loss ${num(report.loss)}\n\n`);
  stdout.write(formatProbeTable(report) + '\n');
  stdout.write(report.findings.length === 0 ? '\nFindings: none.\n' : `\nFindings (${report.findings.length}):\n`);
  for (const f of report.findings) stdout.write(`  ${formatFinding(f, location(file.filePath, locatePath(f.path, file.tree, file.text)))}\n`);
  return EXIT.ok;
}
