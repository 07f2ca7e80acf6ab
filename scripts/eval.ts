// Evaluates the diagnosis rules against the suites of known faults and healthy configs in
// test/diagnosis/ (see its README): the constructed cases, the healthy zoo and the real faults. Runs
// every case at its stage, compares the findings with the expected ones, and prints per suite recall
// and precision per rule (for the tuning split, the held-out split and all cases), the share of
// healthy configs flagged, the findings per run, the time to the first expected finding, and
// whether each offered fix removes its finding when the case is run again.
// A report, not a test: it exits 0 unless it crashes itself.
//   npm run eval [-- --suite cases|zoo-healthy|real-faults|new|all] [--split tune|holdout] [--only name,name] [--no-fixes]

import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfigFile } from '../src/core/config/loadConfigFile';
import { loadDataset } from '../src/core/data/loadDataset';
import { ruleCatalog, runStaticRules } from '../src/core/diagnosis/diagnosisRegistry';
import { isAlarm, type Finding, type FixReference } from '../src/core/diagnosis/finding';
import { applyFix } from '../src/core/diagnosis/fixes/applyFix';
import { diagnoseProbe, RunDiagnosis } from '../src/core/diagnosis/runDiagnosis';
import { probeModel } from '../src/core/engine/probe';
import { loadTensorflow, type TensorflowRuntime } from '../src/core/engine/tensorflowRuntime';
import type { TrainingEvent } from '../src/core/engine/trainingEvents';
import { runTraining, type RunMonitor } from '../src/core/engine/trainingSession';
import { NEW_RULE_IDS, KNOWN_RULE_IDS, SUITES, loadSuite, type EvalSplit, type EvalStage, type EvalSuiteName } from '../test/diagnosis/evalManifest';
import { alarmRules, score, scoreSplit, type CaseResult, type SplitScore, type StageResult, type SuiteCase } from './evalScoring';

const ROOT = path.dirname(__dirname);
const OUTPUT = path.join(ROOT, '.training-doctor', 'eval', 'last-eval.json');
/** Each suite's goals (issue 10): recall where it has faults, the share of healthy configs flagged where it has healthy ones. */
const GOALS: Record<EvalSuiteName, { recall?: number; flaggedRate?: number }> = {
  'cases': { recall: 0.95, flaggedRate: 0.05 },
  'zoo-healthy': { flaggedRate: 0.05 },
  'real-faults': { recall: 0.9 },
};

const caseFile = (c: SuiteCase): string => path.join(SUITES[c.suite].dir, c.file);

// ------------------------------------------------------------------------------------ running

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Keeps a run going when a rule throws, and records the exception instead. */
class GuardedMonitor implements RunMonitor {
  constructor(private readonly inner: RunMonitor, private readonly errors: string[]) {}

  observe(event: TrainingEvent): ReturnType<RunMonitor['observe']> {
    try {
      return this.inner.observe(event);
    } catch (error) {
      const text = `on ${event.type}: ${message(error)}`;
      if (!this.errors.includes(text) && this.errors.length < 5) this.errors.push(text);
      return undefined;
    }
  }
}

async function runStage(file: string, stage: EvalStage, runtime: TensorflowRuntime, overfitBatch = false): Promise<StageResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const result: StageResult = { findings: [], firstAlarm: {}, durationMs: 0, diagnosisErrors: [] };
  const stamp = (findings: Finding[], step?: number) => {
    for (const f of findings) if (isAlarm(f) && !result.firstAlarm[f.rule]) result.firstAlarm[f.rule] = { ms: elapsed(), step: f.step ?? step };
  };
  try {
    const loaded = await loadConfigFile(file);
    const errors = loaded.problems.filter((p) => p.severity === 'error');
    if (!loaded.config || !loaded.shapes || errors.length > 0) {
      result.error = `invalid config: ${errors.map((p) => p.message).join(' ') || 'no config'}`;
      return result;
    }
    const { config, shapes, baseDir } = loaded;
    if (stage === 'static') {
      const data = await loadDataset(config.data, config.seed, baseDir);
      result.findings = runStaticRules({ config, shapes, inputStats: data.rawInputStats, tree: loaded.tree });
      stamp(result.findings);
    } else if (stage === 'probe') {
      const probe = await probeModel(config, { runtime, baseDir, overfitBatch: overfitBatch ? {} : undefined });
      result.findings = diagnoseProbe(config, shapes, { stats: probe.stats, loss: probe.report.loss, inputStats: probe.inputStats, overfitBatch: probe.report.overfitBatch }, loaded.tree);
      stamp(result.findings, 0);
    } else {
      let step = 0;
      const ended = await runTraining(config, {
        runtime, baseDir,
        monitors: [new GuardedMonitor(new RunDiagnosis(config, shapes, loaded.tree), result.diagnosisErrors)],
        onEvent: (event) => {
          if (event.type === 'step') step = event.step;
          else if (event.type === 'finding') stamp([event.finding], step);
        },
      });
      result.findings = ended.findings;
      result.run = { status: ended.status, reason: ended.reason, steps: ended.steps, epochs: ended.epochsCompleted };
    }
  } catch (error) {
    result.error = message(error);
  } finally {
    result.durationMs = elapsed();
  }
  return result;
}

// ------------------------------------------------------------------------------------ fixes

interface FixOutcome {
  case: string;
  rule: string;
  /** The preferred (or first) fix of each of the rule's findings in the case, deduplicated. */
  fixes: string[];
  /** The fixes applied and the config still loads without errors. */
  valid: boolean;
  /** The rule raised no warning/error when the fixed config ran the same stage again. */
  removed: boolean;
  /** Alarms in the re-run that the original run did not raise. */
  newAlarms: string[];
  error?: string;
}

/** Where a fix edits: the highest layer it names (fixes are applied from the last layer up, so
 *  that one inserting a layer does not move the layers the next one points at). */
function anchorLayer(finding: Finding, fix: FixReference): number {
  const layers = fix.args?.layers;
  if (Array.isArray(layers) && layers.every((l) => typeof l === 'number')) return Math.max(-1, ...(layers as number[]));
  return finding.layer ?? -1;
}

/**
 * Applies the preferred fix of every finding the rule raised in the case (one per layer, for
 * per-layer rules), writes the result next to the original (relative data paths keep working),
 * runs the same stage again and checks that the rule is quiet.
 */
async function tryFixes(c: SuiteCase, original: StageResult, rule: string, runtime: TensorflowRuntime): Promise<FixOutcome> {
  const picks = new Map<string, { finding: Finding; fix: FixReference }>();
  for (const finding of original.findings.filter((f) => f.rule === rule && isAlarm(f))) {
    const fix = finding.fixes.find((f) => f.preferred) ?? finding.fixes[0];
    if (fix) picks.set(`${fix.id} ${JSON.stringify(fix.args ?? {})}`, { finding, fix });
  }
  const ordered = [...picks.values()].sort((a, b) => anchorLayer(b.finding, b.fix) - anchorLayer(a.finding, a.fix));
  const outcome: FixOutcome = { case: c.file, rule, fixes: [...new Set(ordered.map((p) => p.fix.id))], valid: false, removed: false, newAlarms: [] };
  let text = fs.readFileSync(caseFile(c), 'utf8');
  for (const { finding, fix } of ordered) {
    let applied: ReturnType<typeof applyFix>;
    try {
      applied = applyFix(text, finding, fix);
    } catch (error) {
      return { ...outcome, error: `applyFix threw: ${message(error)}` };
    }
    if ('error' in applied) return { ...outcome, error: applied.error };
    text = applied.text;
  }
  const fixedFile = path.join(SUITES[c.suite].dir, `.eval-fix-${process.pid}-${c.file}`);
  try {
    fs.writeFileSync(fixedFile, text);
    const loaded = await loadConfigFile(fixedFile);
    const errors = loaded.problems.filter((p) => p.severity === 'error');
    if (!loaded.config || errors.length > 0) return { ...outcome, error: `fixed config is invalid: ${errors.map((p) => p.message).join(' ')}` };
    const rerun = await runStage(fixedFile, c.stage, runtime, c.overfitBatch);
    if (rerun.error) return { ...outcome, valid: true, error: `re-run failed: ${rerun.error}` };
    const before = alarmRules(original);
    const after = alarmRules(rerun);
    return { ...outcome, valid: true, removed: !after.has(rule), newAlarms: [...after].filter((r) => !before.has(r)).sort() };
  } finally {
    fs.rmSync(fixedFile, { force: true });
  }
}

// ------------------------------------------------------------------------------------ printing

const pct = (v: number | null): string => (v === null ? '-' : v.toFixed(2));
const seconds = (ms: number): string => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);
const caseName = (file: string): string => file.replace(/\.train\.json$/, '');

function table(headers: string[], rows: string[][], alignRight: number[] = []): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => (alignRight.includes(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function printSplit(title: string, s: SplitScore): void {
  console.log(`\n${title}: ${s.cases} cases${s.errors ? `, ${s.errors} with errors` : ''}${s.outOfScope ? `, ${s.outOfScope} out of scope (not counted)` : ''}`);
  const rows = s.rules
    .filter((r) => r.expected > 0 || r.alarms > 0)
    .map((r) => [r.rule, String(r.expected), String(r.detected), pct(r.recall), String(r.alarms), String(r.allowed), String(r.falseAlarms), pct(r.precision)]);
  rows.push(['all rules', String(s.total.expected), String(s.total.detected), pct(s.total.recall), '', '', String(s.total.falseAlarms), pct(s.total.precision)]);
  console.log(table(['rule', 'expected', 'detected', 'recall', 'alarms', 'allowed', 'false', 'precision'], rows, [1, 2, 3, 4, 5, 6, 7]));
  console.log(`healthy configs flagged (false alarm at warning or error): ${s.healthy.withFalseAlarms}/${s.healthy.cases} = ${pct(s.healthy.rate)}` +
    (s.healthy.names.length ? ` (${s.healthy.names.map(caseName).join(', ')})` : ''));
  console.log(`findings per run: ${pct(s.perRun.findings)} (warnings and errors: ${pct(s.perRun.alarms)})`);
}

function printCases(results: CaseResult[]): void {
  console.log('\nCases (✓ found, ✗ missed; first = time to the first expected finding from the start of the stage, and its step in a run):');
  const rows = results.map((r) => {
    const verdict = r.failed ? 'ERROR' : r.missed.length ? 'MISS' : r.falseAlarms.length ? 'FALSE' : 'ok';
    const expected = r.case.outOfScope ? '(out of scope)' : r.case.expect.length ? r.case.expect.map((rule) => `${r.detected.includes(rule) ? '✓' : '✗'}${rule}`).join(' ') : '(healthy)';
    const first = r.firstExpected ? `${seconds(r.firstExpected.ms)}${r.case.stage === 'train' ? ` @${r.firstExpected.step ?? '?'}` : ''}` : '';
    const run = r.result.run ? `${r.result.run.status}, ${r.result.run.steps} steps` : '';
    return [verdict, r.case.suite, r.case.split, r.case.stage, caseName(r.case.file), expected, first, r.falseAlarms.join(' '), r.allowedSeen.join(' '), r.info.join(' '), run, seconds(r.result.durationMs)];
  });
  console.log(table(['', 'suite', 'split', 'stage', 'case', 'expected', 'first', 'false alarms', 'allowed', 'info', 'run', 'time'], rows, [6, 11]));
  for (const r of results.filter((x) => x.failed)) {
    const errors = [r.result.error, ...r.result.diagnosisErrors].filter(Boolean).join('; ');
    console.log(`  ERROR ${caseName(r.case.file)}: ${errors}`);
  }
}

function printFixes(fixes: FixOutcome[], withoutFixes: string[], skipped: boolean): void {
  console.log('\nFixes (for each detected expected finding: the preferred fix of each of its rule\'s findings in the case, applied, and the same stage run again):');
  if (skipped) console.log('  skipped (--no-fixes)');
  if (withoutFixes.length) console.log(`  detected rules that offered no fix: ${withoutFixes.join(', ')}`);
  if (fixes.length === 0) return;
  console.log(table(['rule', 'fix', 'case', 'valid', 'removed', 'new alarms', 'error'],
    fixes.map((f) => [f.rule, f.fixes.join(' + '), caseName(f.case), f.valid ? 'yes' : 'no', f.removed ? 'yes' : 'no', f.newAlarms.join(' '), f.error ?? ''])));
  const byFix = new Map<string, { rule: string; fix: string; applied: number; removed: number }>();
  for (const f of fixes) {
    const fix = f.fixes.join(' + ');
    const key = `${f.rule} ${fix}`;
    const entry = byFix.get(key) ?? { rule: f.rule, fix, applied: 0, removed: 0 };
    entry.applied++;
    if (f.removed) entry.removed++;
    byFix.set(key, entry);
  }
  const removed = fixes.filter((f) => f.removed).length;
  console.log('');
  console.log(table(['rule', 'fix', 'removed'], [...byFix.values()].map((e) => [e.rule, e.fix, `${e.removed}/${e.applied}`]), [2]));
  console.log(`fixes that removed their finding: ${removed}/${fixes.length}`);
}

// ------------------------------------------------------------------------------------ main

interface Options { suites: EvalSuiteName[]; split?: EvalSplit; only: string[]; fixes: boolean }

const SUITE_CHOICES: Record<string, EvalSuiteName[]> = {
  'cases': ['cases'], 'zoo-healthy': ['zoo-healthy'], 'real-faults': ['real-faults'],
  'new': ['zoo-healthy', 'real-faults'], 'all': ['cases', 'zoo-healthy', 'real-faults'],
};

function parseOptions(argv: string[]): Options {
  const options: Options = { suites: [], only: [], fixes: true };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    if (name === '--split') {
      const split = value();
      if (split !== 'tune' && split !== 'holdout') throw new Error(`--split must be tune or holdout, not ${split}`);
      options.split = split;
    } else if (name === '--suite') {
      for (const choice of value().split(',')) {
        const suites = SUITE_CHOICES[choice];
        if (!suites) throw new Error(`--suite must be one of ${Object.keys(SUITE_CHOICES).join(', ')}, not ${choice}`);
        options.suites.push(...suites.filter((s) => !options.suites.includes(s)));
      }
    } else if (name === '--only') options.only.push(...value().split(','));
    else if (name === '--no-fixes') options.fixes = false;
    else throw new Error(`unknown option ${argv[i]} (use --suite ${Object.keys(SUITE_CHOICES).join('|')}, --split tune|holdout, --only name,name, --no-fixes)`);
  }
  if (options.suites.length === 0) options.suites = SUITE_CHOICES.all;
  return options;
}

interface SuiteReport {
  suite: EvalSuiteName;
  splits: { tune: SplitScore; holdout: SplitScore; all: SplitScore };
  goals: { recall?: { goal: number; value: number | null; met: boolean }; flaggedRate?: { goal: number; value: number | null; met: boolean } };
}

function reportSuite(suite: EvalSuiteName, results: CaseResult[], ruleIds: string[]): SuiteReport {
  const splits = {
    tune: scoreSplit(results.filter((r) => r.case.split === 'tune'), ruleIds),
    holdout: scoreSplit(results.filter((r) => r.case.split === 'holdout'), ruleIds),
    all: scoreSplit(results, ruleIds),
  };
  const goal = GOALS[suite];
  const { total, healthy } = splits.all;
  return {
    suite, splits,
    goals: {
      recall: goal.recall === undefined ? undefined : { goal: goal.recall, value: total.recall, met: total.recall !== null && total.recall >= goal.recall },
      flaggedRate: goal.flaggedRate === undefined ? undefined : { goal: goal.flaggedRate, value: healthy.rate, met: healthy.rate !== null && healthy.rate <= goal.flaggedRate },
    },
  };
}

function printGoals(report: SuiteReport, filtered: boolean): void {
  const { all, holdout } = report.splits;
  console.log(`\nGoals, ${SUITES[report.suite].title} (all ${all.cases} cases${filtered ? ', FILTERED RUN' : ''}):`);
  const { recall, flaggedRate } = report.goals;
  const verdict = (goal: { value: number | null; met: boolean }) => (goal.value === null ? 'NOT MEASURED (no such case in this run)' : goal.met ? 'MET' : 'NOT MET');
  if (recall) console.log(`  recall ≥ ${recall.goal}: ${verdict(recall)} (${pct(all.total.recall)}; held-out ${pct(holdout.total.recall)})`);
  if (flaggedRate) console.log(`  healthy configs flagged ≤ ${flaggedRate.goal * 100}%: ${verdict(flaggedRate)} (${pct(all.healthy.rate)}; held-out ${pct(holdout.healthy.rate)})`);
  if (all.errors) console.log(`  ${all.errors} case(s) could not be evaluated (ERROR rows above)`);
}

async function main(options: Options): Promise<void> {
  const started = performance.now();
  const manifest: SuiteCase[] = options.suites.flatMap((suite) => loadSuite(suite).map((c) => ({ ...c, suite })))
    .filter((c) => (!options.split || c.split === options.split) && (options.only.length === 0 || options.only.some((o) => c.file.includes(o))));
  const runtime = await loadTensorflow({ preference: 'wasm' });
  const catalog = ruleCatalog();
  console.log(`Training Doctor evaluation: ${manifest.length} cases (${options.suites.join(', ')}) on ${runtime.backend} (${runtime.detail}); ${catalog.length} rules registered`);

  const results: CaseResult[] = [];
  for (const [i, c] of manifest.entries()) {
    const result = await runStage(caseFile(c), c.stage, runtime, c.overfitBatch);
    const scored = score(c, result);
    results.push(scored);
    process.stderr.write(`[${i + 1}/${manifest.length}] ${c.stage.padEnd(6)} ${caseName(c.file)} ${seconds(result.durationMs)}${scored.failed ? ' ERROR' : ''}\n`);
  }

  const ruleIds = [...new Set([...KNOWN_RULE_IDS, ...NEW_RULE_IDS, ...catalog.map((r) => r.id), ...results.flatMap((r) => r.result.findings.map((f) => f.rule))])];
  const reports = options.suites.map((suite) => reportSuite(suite, results.filter((r) => r.case.suite === suite), ruleIds));

  const fixes: FixOutcome[] = [];
  const withoutFixes = new Set<string>();
  if (options.fixes) {
    for (const r of results) {
      for (const rule of r.detected) {
        if (!r.result.findings.some((f) => f.rule === rule && isAlarm(f) && f.fixes.length > 0)) {
          withoutFixes.add(rule);
          continue;
        }
        const outcome = await tryFixes(r.case, r.result, rule, runtime);
        fixes.push(outcome);
        process.stderr.write(`fix ${outcome.fixes.join(' + ')} for ${rule} on ${caseName(r.case.file)}: ${outcome.removed ? 'removed' : 'NOT removed'}\n`);
      }
    }
  }

  printCases(results);
  for (const report of reports) {
    const title = SUITES[report.suite].title;
    printSplit(`${title}: tuning split`, report.splits.tune);
    printSplit(`${title}: held-out split`, report.splits.holdout);
    printSplit(`${title}: all cases`, report.splits.all);
  }
  printFixes(fixes, [...withoutFixes].sort(), !options.fixes);

  for (const report of reports) printGoals(report, Boolean(options.split || options.only.length));
  const durationMs = Math.round(performance.now() - started);
  console.log(`Evaluation took ${seconds(durationMs)}; full results in ${path.relative(process.cwd(), OUTPUT)}`);

  fs.mkdirSync(path.dirname(OUTPUT), { recursive: true });
  fs.writeFileSync(OUTPUT, JSON.stringify({
    finishedAt: new Date().toISOString(), durationMs, backend: runtime.backend, backendDetail: runtime.detail, options,
    suites: reports,
    cases: results.map((r) => ({
      ...r.case, detected: r.detected, missed: r.missed, falseAlarms: r.falseAlarms, allowedSeen: r.allowedSeen, info: r.info,
      firstExpected: r.firstExpected, durationMs: r.result.durationMs, run: r.result.run, error: r.result.error,
      diagnosisErrors: r.result.diagnosisErrors, findings: r.result.findings,
    })),
    fixes,
  }, null, 2));
}

let options: Options;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  console.error(message(error));
  process.exit(2);
}
main(options).catch((error) => {
  console.error(error);
  process.exit(1);
});
