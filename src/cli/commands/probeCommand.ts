// `training-doctor probe`: the model at init, one real batch forward and backward, per-layer
// statistics as a table (or JSON), the seeds' "activation std by layer" pictures in numbers.

import type { OverfitBatchResult } from '../../core/engine/overfitBatch';
import { defaultProbeBatch, ProbeOutOfMemoryError, probeMemory, probeModel } from '../../core/engine/probe';
import { probeBatchCaveat } from '../../core/engine/probeBatchCaveat';
import { positiveInteger } from '../cliArguments';
import { formatFinding, formatProbeTable, num } from '../../core/report/textFormat';
import { location } from '../formatting';
import { locatePath } from '../../core/config/parseConfig';
import { diagnoseProbe } from '../../core/diagnosis/runDiagnosis';
import { EXIT, runnableConfig, runtimeFor, type CommandContext } from '../commandContext';

function overfitBatchText(result: OverfitBatchResult): string {
  const curve = result.curve.map(([step, loss]) => `${step}: ${num(loss)}`).join(', ');
  return `One-batch overfit check: ${result.examples} examples, ${result.steps} steps, loss ${num(result.initialLoss)} → ${num(result.finalLoss)} ` +
    `(${num(result.fraction * 100)}% of the initial loss) in ${(result.durationMs / 1000).toFixed(1)} s\n  loss by step: ${curve}`;
}

export async function runProbe(context: CommandContext): Promise<number> {
  const { flags, stdout } = context;
  const json = flags.json === true;
  const file = runnableConfig(context);
  if (!file) return EXIT.usage;
  const config = file.config;
  const batchSize = positiveInteger(flags, 'batch') ?? defaultProbeBatch(config);
  const runtime = await runtimeFor(context, file, probeMemory(batchSize));
  const overfitSteps = positiveInteger(flags, 'overfit-steps');
  const overfitBatch = flags['overfit-batch'] === true || overfitSteps !== undefined ? { steps: overfitSteps } : undefined;
  let probed: Awaited<ReturnType<typeof probeModel>>;
  try {
    probed = await probeModel(config, { runtime, baseDir: file.baseDir, dataAccess: file.dataAccess, batchSize, overfitBatch });
  } catch (error) {
    if (!(error instanceof ProbeOutOfMemoryError)) throw error;
    context.stderr.write(`training-doctor: ${error.message}\n`);
    return EXIT.failed;
  }
  const { report, stats, inputStats } = probed;
  report.findings = diagnoseProbe(config, file.shapes, { stats, loss: report.loss, inputStats, overfitBatch: report.overfitBatch }, file.tree);
  if (json) {
    stdout.write(JSON.stringify(report, null, 2) + '\n');
    return EXIT.ok;
  }
  stdout.write(`Probe of "${report.config}" at initialization on ${report.backend} (${report.backendDetail})\n`);
  stdout.write(`  batch: ${report.batchSize} training examples of ${report.dataset}; loss ${num(report.loss)}\n`);
  const caveat = probeBatchCaveat(config, report.batchSize);
  stdout.write(caveat ? `  note: ${caveat}\n\n` : '\n');
  stdout.write(formatProbeTable(report) + '\n');
  if (report.overfitBatch) stdout.write(`\n${overfitBatchText(report.overfitBatch)}\n`);
  stdout.write(report.findings.length === 0 ? '\nFindings: none.\n' : `\nFindings (${report.findings.length}):\n`);
  for (const f of report.findings) stdout.write(`  ${formatFinding(f, location(file.filePath, locatePath(f.path, file.tree, file.text)))}\n`);
  return EXIT.ok;
}
