// `training-doctor watch <logdir>`: diagnoses runs logged in TensorBoard event files by any
// framework, and Training Doctor run folders (an exported PyTorch script's --logdir, or
// .training-doctor/runs) with our own diagnosis. Lists the runs found, maps their tags onto training events, runs the live rules and
// prints findings as they appear; with --once it reads what is there and stops. Ctrl+C or SIGTERM
// ends the watch cleanly (exit 0: stopping is how a watch ends).

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../../core/diagnosis/finding';
import type { DiscoveredRun } from '../../core/interop/tensorboard/logdirScan';
import { loadOverrides, TensorboardWatcher, type WatchedRunReport } from '../../core/interop/tensorboard/tensorboardWatcher';
import { isRunFolder, RunFolderWatcher, type WatchedRunFolder } from '../../core/diagnosis/runFolderWatcher';
import { formatFinding } from '../../core/report/textFormat';
import { UsageError } from '../cliArguments';
import { EXIT } from '../commandContext';

export interface WatchContext {
  logdir: string;
  flags: Record<string, string | true>;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Ends a live watch (tests); Ctrl+C and SIGTERM do it from a terminal. */
  signal?: AbortSignal;
  pollMs?: number;
}

/** `--map "loss/train=loss,val/acc=val_metric:accuracy"`. */
export function parseMapFlag(value: string | true | undefined): Record<string, string> {
  if (value === undefined) return {};
  if (value === true) throw new UsageError('--map needs TAG=ROLE pairs, separated by commas.');
  const tags: Record<string, string> = {};
  for (const pair of value.split(',').map((p) => p.trim()).filter((p) => p.length > 0)) {
    const at = pair.lastIndexOf('=');
    if (at <= 0) throw new UsageError(`--map: "${pair}" is not TAG=ROLE.`);
    tags[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return tags;
}

export async function runWatch(context: WatchContext): Promise<number> {
  const { flags, stdout, stderr } = context;
  const json = flags.json === true;
  const once = flags.once === true;
  const logdir = path.resolve(context.logdir);
  if (!fs.existsSync(logdir)) throw new UsageError(`${context.logdir}: no such folder or file.`);
  const extraTags = parseMapFlag(flags.map);
  const mappingFile = typeof flags.mapping === 'string' ? path.resolve(flags.mapping) : undefined;
  if (mappingFile && !fs.existsSync(mappingFile)) throw new UsageError(`--mapping ${flags.mapping}: no such file.`);
  // `watch ... --json | head`: once the reader has gone (EPIPE, or any other failure of the output),
  // stop writing and watching, quietly.
  let readerGone = false;
  const onOutputError = () => {
    readerGone = true;
  };
  stdout.on('error', onOutputError);
  try {
    return await watchLogs();
  } finally {
    stdout.off('error', onOutputError);
  }

  async function watchLogs(): Promise<number> {
    const write = (line: string) => {
      if (!readerGone) stdout.write(line + '\n');
    };
    const emit = (run: string, event: object) => write(JSON.stringify({ run, ...event }));

    const overridesFor = async (run: DiscoveredRun) => {
      const loaded = await loadOverrides(run.dir, fs.statSync(logdir).isFile() ? path.dirname(logdir) : logdir, extraTags, mappingFile);
      for (const problem of loaded.problems) {
        if (json) emit(run.name, { type: 'log', level: 'warning', message: problem });
        else stderr.write(`training-doctor: ${problem}\n`);
      }
      return loaded.overrides;
    };
    // Training Doctor run folders (ours, or an exported script's --logdir) are read from their
    // metrics.jsonl, which carries every statistic; their TensorBoard file would say less.
    const watcher = new TensorboardWatcher(logdir, overridesFor, isRunFolder);
    const folders = new RunFolderWatcher(fs.statSync(logdir).isFile() ? path.dirname(logdir) : logdir);
    const findings: Finding[] = [];

    let firstPoll = true;
    const pollOnce = async (final: boolean) => {
      const result = await watcher.poll(final);
      for (const issue of result.issues) {
        if (json) emit(path.relative(logdir, issue.file) || path.basename(issue.file), { type: 'log', level: 'warning', message: issue.message });
        else stderr.write(`training-doctor: warning: ${issue.message}\n`);
      }
      const runs = watcher.watchedRuns();
      if (!json && result.newRuns.length > 0) {
        write(`Found ${result.newRuns.length} ${firstPoll ? '' : 'new '}run${result.newRuns.length === 1 ? '' : 's'} under ${logdir}:`);
        for (const name of result.newRuns) write(`  ${name}: ${describeSources(runs.find((r) => r.name === name)!.run)}`);
      }
      const firstRound = firstPoll;
      firstPoll = false;
      for (const update of result.updates) {
        findings.push(...update.findings);
        if (json) for (const event of update.events) emit(update.run, event);
        else for (const finding of update.findings) write(`  ${update.run}: ${formatFinding(finding)}`);
      }
      pollFolders(firstRound);
      return result;
    };
    const pollFolders = (firstRound: boolean) => {
      if (fs.statSync(logdir).isFile()) return;
      const polled = folders.poll();
      for (const issue of polled.issues) {
        if (json) emit(path.relative(logdir, issue.file) || path.basename(issue.file), { type: 'log', level: 'warning', message: issue.message });
        else stderr.write(`training-doctor: warning: ${issue.message}\n`);
      }
      if (!json && polled.newRuns.length > 0) {
        write(`Found ${polled.newRuns.length} ${firstRound ? '' : 'new '}Training Doctor run folder${polled.newRuns.length === 1 ? '' : 's'} under ${logdir}:`);
        for (const name of polled.newRuns) write(`  ${name}`);
      }
      for (const update of polled.updates) {
        findings.push(...update.findings);
        if (json) for (const event of update.events) emit(update.run, event);
        else for (const finding of update.findings) write(`  ${update.run}: ${formatFinding(finding)}`);
      }
    };

    await pollOnce(once);
    if (watcher.watchedRuns().length === 0 && folders.watchedRuns().length === 0) {
      const none = `No TensorBoard event files (events.out.tfevents.*) or Training Doctor run folders (metrics.jsonl) under ${logdir}`;
      if (json) emit('', { type: 'log', level: 'warning', message: `${none}.` });
      else write(`${none}${once ? '.' : ' yet.'}`);
      if (once) return EXIT.ok;
    }

    if (!once) {
      if (!json) write('Watching for new records (Ctrl+C to stop)...');
      const abort = new AbortController();
      const stop = () => abort.abort();
      context.signal?.addEventListener('abort', stop);
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      try {
        while (!abort.signal.aborted && !readerGone) {
          await sleep(context.pollMs ?? 500, abort.signal);
          if (!abort.signal.aborted) await pollOnce(false);
        }
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        context.signal?.removeEventListener('abort', stop);
      }
    }

    for (const run of folders.watchedRuns()) {
      if (json) continue;
      write('');
      write(folderSummary(run));
    }
    for (const run of watcher.watchedRuns()) {
      if (json) {
        if (once) emit(run.name, { type: 'tensorboard-summary', tags: run.mapped?.tags ?? [], layers: run.mapped?.layers ?? [], rulesWithoutData: run.rulesWithoutData, setAside: run.setAside });
        continue;
      }
      write('');
      write(summary(run));
    }
    if (!json) write(findings.length === 0 ? 'Findings: none.' : `Findings: ${findings.length}.`);
    return findings.some((f) => f.severity === 'error') ? EXIT.failed : EXIT.ok;
  }
}

function describeSources(run: DiscoveredRun): string {
  return run.sources.map((s) => `${s.split} (${path.basename(s.dir)}/: ${s.files.length} event file${s.files.length === 1 ? '' : 's'})`).join(', ');
}

function summary(run: WatchedRunReport): string {
  const lines = [`Run ${run.name}`];
  const mapped = run.mapped;
  if (!mapped) return `${lines[0]}: nothing read yet.`;
  const used = mapped.tags.filter((t) => t.used);
  const unused = mapped.tags.filter((t) => !t.used);
  const where = (t: { split: string }) => (t.split === 'validation' ? ' [validation]' : '');
  lines.push(`  tags used (${used.length}): ${used.length === 0 ? 'none' : used.map((t) => `${t.tag}${where(t)} → ${t.role}`).join('; ')}`);
  if (unused.length > 0) lines.push(`  tags not used (${unused.length}): ${unused.map((t) => `${t.tag}${where(t)} (${t.reason})`).join('; ')}`);
  const setAside = Object.entries(run.setAside);
  if (setAside.length > 0) lines.push(`  set aside (not used for diagnosis): ${setAside.map(([kind, count]) => `${kind} ×${count}`).join(', ')}`);
  if (mapped.layers.length > 0) {
    lines.push(`  layers: ${mapped.layers.map((l) => `${l.name} [${Object.entries(l.has).filter(([, v]) => v).map(([k]) => k).join(', ')}; ${l.activationSource === 'unknown' ? 'activation unknown' : l.activation}]`).join(', ')}`);
  }
  if (mapped.data.gradientLayers > 0) lines.push('  gradient norms are estimated from the gradient histograms.');
  const missing = run.rulesWithoutData;
  if (missing.length > 0) lines.push(`  rules that could not run: ${missing.map((m) => `${m.rule} (${m.reason})`).join('; ')}`);
  lines.push(`  findings: ${run.findings.length === 0 ? 'none' : run.findings.length}`);
  return lines.join('\n');
}

function folderSummary(run: WatchedRunFolder): string {
  const lines = [`Run ${run.name} (Training Doctor run folder${run.status ? `, ${run.status}` : ''}): ${run.events} events`];
  if (run.undiagnosed) lines.push(`  not diagnosed: ${run.undiagnosed}`);
  lines.push(`  findings: ${run.findings.length === 0 ? 'none' : run.findings.map((f) => f.rule).join(', ')}`);
  return lines.join('\n');
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
