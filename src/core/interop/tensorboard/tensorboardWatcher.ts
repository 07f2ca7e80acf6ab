// Follows the runs of a TensorBoard log folder: finds runs and event files (again on every poll,
// so new runs and new files after a restart are picked up), reads what was appended since the
// last poll, maps the tags onto training events and runs the live rules on the events not seen
// before. `poll()` once with `final` for a finished run; repeatedly without it to follow a live one.

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { parse as parseJson, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { LineIndex } from '../../config/parseConfig';
import type { Finding } from '../../diagnosis/finding';
import type { TrainingEvent } from '../../engine/trainingEvents';
import { EventDecoder } from './eventDecoding';
import { EventFileTail, type ReadIssue } from './eventFileTail';
import { discoverRuns, type DiscoveredRun, type Split } from './logdirScan';
import { parseOverrides, type TagOverrides } from './tagMapping';
import { missingData, standInConfig, TensorboardDiagnosis } from './tensorboardDiagnosis';
import { RunSeries } from './tensorboardSeries';
import { mapRun, runStartedEvent, type MappedRun } from './tensorboardTrainingEvents';
import { allLiveRules } from '../../diagnosis/liveRules/allLiveRules';

export interface RunUpdate {
  run: string;
  /** Training events new since the last poll (run-started first, on the run's first update). */
  events: TrainingEvent[];
  findings: Finding[];
}

export interface WatchedRunReport {
  name: string;
  run: DiscoveredRun;
  mapped?: MappedRun;
  findings: Finding[];
  rulesWithoutData: { rule: string; reason: string }[];
  /** Records and values of kinds not used (images, graphs, text, ...), counted by kind. */
  setAside: Record<string, number>;
}

export interface PollResult {
  updates: RunUpdate[];
  issues: ReadIssue[];
  /** Runs seen for the first time in this poll. */
  newRuns: string[];
}

class WatchedRun {
  readonly series: RunSeries;
  private readonly tails = new Map<string, { tail: EventFileTail; split: Split }>();
  private readonly decoder = new EventDecoder();
  private readonly emitted = new Set<string>();
  private diagnosis?: TensorboardDiagnosis;
  private changed = true;
  private holdingBack = false;
  latest?: MappedRun;
  readonly findings: Finding[] = [];

  constructor(public run: DiscoveredRun, overrides: TagOverrides | undefined) {
    this.series = new RunSeries(overrides);
  }

  async read(run: DiscoveredRun): Promise<ReadIssue[]> {
    this.run = run;
    const issues: ReadIssue[] = [];
    for (const source of run.sources) {
      for (const file of source.files) {
        let entry = this.tails.get(file);
        if (!entry) this.tails.set(file, (entry = { tail: new EventFileTail(file, { decoder: this.decoder }), split: source.split }));
        const split = entry.split;
        const read = await entry.tail.readNew((event) => this.series.ingest(split, event));
        issues.push(...read.issues);
        if (read.count > 0) this.changed = true;
      }
    }
    return issues;
  }

  update(final: boolean): RunUpdate {
    const update: RunUpdate = { run: this.run.name, events: [], findings: [] };
    // The last step is held back while more of its values may come; a poll that finds nothing new
    // settles it, so that a slow run's latest step shows within a poll or two.
    const settle = final || (!this.changed && this.holdingBack);
    if (!this.changed && !settle) return update;
    this.changed = false;
    this.holdingBack = !settle;
    const mapped = mapRun(this.series, { final, settled: settle, plannedEpochs: this.series.overrides?.epochs });
    this.latest = mapped;
    const fresh = mapped.events.filter((e) => !this.emitted.has(e.key));
    if (fresh.length === 0 && this.diagnosis) return update;
    if (!this.diagnosis) {
      if (fresh.length === 0) return update;
      const firstLr = mapped.events.find((e) => e.event.type === 'step' && Number.isFinite(e.event.learningRate))?.event as { learningRate: number } | undefined;
      this.diagnosis = new TensorboardDiagnosis(standInConfig(this.run.name, mapped.layers, firstLr?.learningRate, mapped.epochs), mapped.layers);
      const started = runStartedEvent(this.run.name, this.run.dir, mapped);
      update.events.push(started);
      this.record(update, this.diagnosis.observe(started));
    }
    for (const { key, event } of fresh) {
      this.emitted.add(key);
      update.events.push(event);
      this.record(update, this.diagnosis.observe(event));
    }
    return update;
  }

  /** Rules that cannot judge this run for lack of data, with the reason. */
  rulesWithoutData(): { rule: string; reason: string }[] {
    if (!this.latest) return [];
    const latest = this.latest;
    return allLiveRules.flatMap((rule) => {
      const reason = missingData(rule.id, latest.data, latest.layers);
      return reason ? [{ rule: rule.id, reason }] : [];
    });
  }

  private record(update: RunUpdate, findings: Finding[]): void {
    for (const finding of findings) {
      update.findings.push(finding);
      this.findings.push(finding);
      update.events.push({ type: 'finding', finding });
    }
  }
}

export class TensorboardWatcher {
  private readonly runs = new Map<string, WatchedRun>();

  /** `skipRun`: runs read another way (a Training Doctor run folder's event file: its metrics.jsonl says more). */
  constructor(
    readonly logdir: string,
    private readonly overridesFor: (run: DiscoveredRun) => Promise<TagOverrides | undefined> = async () => undefined,
    private readonly skipRun: (dir: string) => boolean = () => false,
  ) {}

  async poll(final: boolean): Promise<PollResult> {
    const result: PollResult = { updates: [], issues: [], newRuns: [] };
    for (const run of await discoverLogs(this.logdir)) {
      if (this.skipRun(run.dir)) continue;
      let watched = this.runs.get(run.dir);
      if (!watched) {
        this.runs.set(run.dir, (watched = new WatchedRun(run, await this.overridesFor(run))));
        result.newRuns.push(run.name);
      }
      result.issues.push(...await watched.read(run));
    }
    for (const watched of this.runs.values()) {
      const update = watched.update(final);
      if (update.events.length > 0) result.updates.push(update);
    }
    return result;
  }

  watchedRuns(): WatchedRunReport[] {
    return [...this.runs.values()].map((w) => ({
      name: w.run.name, run: w.run, mapped: w.latest, findings: w.findings, rulesWithoutData: w.rulesWithoutData(),
      setAside: Object.fromEntries(w.series.skipped),
    }));
  }
}

/** The runs of a log folder, or of a single event file given directly. */
async function discoverLogs(logdir: string): Promise<DiscoveredRun[]> {
  const stat = await fs.stat(logdir).catch(() => undefined);
  if (stat?.isFile()) return [{ name: path.basename(logdir), dir: path.dirname(logdir), sources: [{ dir: path.dirname(logdir), split: 'train', files: [logdir] }] }];
  return discoverRuns(logdir);
}

/**
 * The mapping for a run: the first `*.tb.json` in the run's folder, else in the log folder,
 * then the `--map` entries on top. Problems are reported, never thrown.
 */
export async function loadOverrides(runDir: string, logdir: string, extraTags: Record<string, string>, explicitFile?: string): Promise<{ overrides: TagOverrides; problems: string[]; source?: string }> {
  const problems: string[] = [];
  let source = explicitFile;
  if (!source) {
    for (const dir of [runDir, logdir]) {
      const names = await fs.readdir(dir).catch(() => [] as string[]);
      const found = names.filter((n) => n.endsWith('.tb.json')).sort()[0];
      if (found) {
        source = path.join(dir, found);
        break;
      }
    }
  }
  let overrides: TagOverrides = { tags: {}, activations: {} };
  if (source) {
    try {
      const text = await fs.readFile(source, 'utf8');
      const errors: ParseError[] = [];
      const value: unknown = parseJson(text, errors, { allowTrailingComma: false, disallowComments: true });
      if (errors.length > 0) {
        const { line, character } = new LineIndex(text).position(errors[0].offset);
        const what = printParseErrorCode(errors[0].error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
        problems.push(`${source}:${line + 1}:${character + 1}: not JSON (${what})`);
      } else {
        const parsed = parseOverrides(value, source);
        overrides = parsed.overrides;
        problems.push(...parsed.problems);
      }
    } catch (error) {
      problems.push(`${source}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const flagged = parseOverrides({ tags: extraTags }, '--map');
  problems.push(...flagged.problems);
  return { overrides: { ...overrides, tags: { ...overrides.tags, ...flagged.overrides.tags } }, problems, source };
}
