// `training-doctor fix <file> --rule <id> [--fix <fix-id>] [--layer N] [--dry-run]`: applies one
// of a finding's fixes to the config text (a minimal edit that keeps comments and formatting),
// prints the diff and checks the result is still a valid config. The finding is looked for in
// the static findings, then in a probe (for init-time rules), then in the config's latest run.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseTrainConfig } from '../../core/config/parseConfig';
import { applyFix } from '../../core/diagnosis/fixes/applyFix';
import { currentFindings, isOpen, type Finding, type FixReference } from '../../core/diagnosis/finding';
import { fixReference } from '../../core/diagnosis/fixes/fixReference';
import { checkRecordedFinding } from '../../core/diagnosis/fixes/recordedFindingCheck';
import type { TrainConfig } from '../../core/config/trainConfig';
import { lintFindings } from '../../core/diagnosis/lintConfig';
import { cannotOverfitBatch } from '../../core/diagnosis/liveRules/cannotOverfitBatch';
import { diagnoseProbe } from '../../core/diagnosis/runDiagnosis';
import { probeMemory, probeModel } from '../../core/engine/probe';
import { runsRoot } from '../../core/engine/runFolder';
import { readRun } from '../../core/engine/runFolderReader';
import { UsageError } from '../cliArguments';
import { EXIT, runnableConfig, runtimeFor, type CommandContext } from '../commandContext';
import { relativeToCwd } from '../formatting';
import { unifiedDiff } from '../lineDiff';

/**
 * Findings of `rule` in the most recent recorded run of this config file (an interrupted run
 * counts: its findings so far are real). A run folder may be committed by anyone: bad lines of its
 * metrics.jsonl are skipped and told, findings with an unknown rule, fix or argument are skipped.
 */
export function findingsFromLatestRun(workspaceDir: string, configPath: string, rule: string, stderr?: NodeJS.WritableStream): Finding[] {
  const root = runsRoot(workspaceDir);
  let runs: string[];
  try {
    runs = fs.readdirSync(root).sort().reverse();
  } catch {
    return [];
  }
  for (const id of runs) {
    const { record, events, issues } = readRun(path.join(root, id));
    const started = events.find((e) => e.type === 'run-started');
    if ((record?.configPath ?? started?.configPath) !== configPath) continue;
    for (const issue of issues) stderr?.write(`training-doctor: ${issue}\n`);
    // Only findings that pass the check, as the run left them: each id's latest version, withdrawn ones left out.
    const recorded = events.flatMap((e) => {
      const checked = e.type === 'finding' ? checkRecordedFinding(e.finding) : undefined;
      return checked?.type === 'ok' ? [checked.finding] : [];
    });
    return currentFindings(recorded).filter((f) => f.rule === rule && isOpen(f));
  }
  return [];
}

export async function runFix(context: CommandContext): Promise<number> {
  const { flags, stdout, stderr } = context;
  const rule = flags.rule;
  if (typeof rule !== 'string') throw new UsageError('fix needs --rule <rule-id>.');
  const file = runnableConfig(context);
  if (!file) {
    stderr.write('The config has errors; fix those first (they are listed above).\n');
    return EXIT.usage;
  }
  const config = file.config;
  let candidates = (await lintFindings(file)).findings.filter((f) => f.rule === rule);
  let source = 'the static checks';
  if (candidates.length === 0) {
    const runtime = await runtimeFor(context, file, probeMemory());
    // The one-batch overfit check trains, so it only runs when its own finding is asked for.
    const overfitBatch = rule === cannotOverfitBatch.id ? {} : undefined;
    const { report, stats, inputStats } = await probeModel(config, { runtime, baseDir: file.baseDir, dataAccess: file.dataAccess, overfitBatch });
    candidates = diagnoseProbe(config, file.shapes, { stats, loss: report.loss, inputStats, overfitBatch: report.overfitBatch }, file.tree).filter((f) => f.rule === rule);
    source = overfitBatch ? 'a probe with the one-batch overfit check' : 'a probe at initialization';
  }
  if (candidates.length === 0) {
    candidates = findingsFromLatestRun(process.cwd(), file.filePath, rule, stderr);
    source = 'the latest run of this config';
  }
  const layer = typeof flags.layer === 'string' ? Number(flags.layer) : undefined;
  if (layer !== undefined) candidates = candidates.filter((f) => f.layer === layer || f.layers?.includes(layer));
  const finding = candidates[0];
  if (!finding) {
    stderr.write(`No ${rule} finding for ${relativeToCwd(file.filePath)}${flags.layer ? ` at layer ${flags.layer}` : ''} (checked the static rules, a probe and the latest run).\n`);
    return EXIT.failed;
  }
  const wanted = typeof flags.fix === 'string' ? flags.fix : undefined;
  const offeredFix = wanted ? finding.fixes.find((f) => f.id === wanted) : finding.fixes.find((f) => f.preferred) ?? finding.fixes[0];
  const fix = offeredFix && layer !== undefined ? narrowedToLayer(offeredFix, layer, config) : offeredFix;
  if (!fix) {
    const offered = finding.fixes.map((f) => f.id).join(', ') || 'none';
    stderr.write(wanted ? `The ${rule} finding does not offer ${wanted}; it offers: ${offered}.\n` : `The ${rule} finding offers no fix.\n`);
    return EXIT.failed;
  }
  const result = applyFix(file.text, finding, fix);
  if ('error' in result) {
    stderr.write(`Cannot apply ${fix.id}: ${result.error}\n`);
    return EXIT.failed;
  }
  const check = parseTrainConfig(result.text, file.filePath);
  const errors = check.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) {
    stderr.write(`${fix.id} would leave the config invalid (${errors.map((e) => e.message).join(' ')}); nothing was written.\n`);
    return EXIT.failed;
  }
  stdout.write(`${rule} (from ${source}): applying ${fix.id}: ${fix.title}\n`);
  stdout.write(unifiedDiff(file.text, result.text, relativeToCwd(file.filePath)));
  if (flags['dry-run'] === true) {
    stdout.write('Dry run: the file was not changed.\n');
    return EXIT.ok;
  }
  fs.writeFileSync(file.filePath, result.text);
  stdout.write(`Wrote ${relativeToCwd(file.filePath)}.\n`);
  return EXIT.ok;
}

/** `--layer N` on a finding that groups several layers: the fix for layer N alone (a nested index path counts by its top-level layer). */
function narrowedToLayer(fix: FixReference, layer: number, config: TrainConfig): FixReference {
  const targets = fix.args?.layers;
  if (!Array.isArray(targets)) return fix;
  const mine = targets.filter((t) => t === layer || (Array.isArray(t) && t[0] === layer));
  if (mine.length === 0 || mine.length === targets.length) return fix;
  return fixReference(fix.id, config, { ...fix.args, layers: mine }, fix.preferred);
}
