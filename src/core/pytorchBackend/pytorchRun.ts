// A run on the pytorch backend: the exported PyTorch script, written into the run folder (so the
// user sees exactly what ran), runs under the user's Python with `--events-jsonl` and streams its
// training events over stdout, one JSON object per line. Each line is checked like any event from
// outside; a bad one becomes a located warning. The good ones go through the same RunRecorder as
// our own engine's (run folder, TensorBoard log, live rules, findings), so everything downstream
// sees a run like any other. The findings are ours: the script reports measurements only.
//
// Stopping (the user, a live rule, a full disk): SIGINT, on which the script finishes its step and
// reports the run as cancelled; SIGTERM and then SIGKILL if it does not exit in time. A Python
// that dies on its own (a traceback, the OOM killer) ends the run as failed, with the last lines
// of its stderr as the reason; the events it sent before are kept.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TrainConfig } from '../config/trainConfig';
import { RunRecorder, type RunMonitor } from '../engine/runRecorder';
import { createRunFolder, finalValues, type TrainingOptions } from '../engine/trainingSession';
import type { EpochEndEvent, RunEndedEvent, RunStartedEvent, RunStatus, TrainingEvent } from '../engine/trainingEvents';
import { describeCrash } from '../trainerProcess/trainerClient';
import { readEventLine } from './eventLine';
import { LineSplitter } from './lineSplitter';

export interface PytorchRunOptions extends Pick<TrainingOptions, 'workspaceDir' | 'runsDir' | 'configText' | 'configPath' | 'epochs' | 'signal' | 'onEvent'> {
  monitors?: RunMonitor[];
  /** The interpreter: a Python that can import torch (tests: any program that speaks the protocol). */
  python: { command: string; torchVersion?: string };
  /** The generated script and its file name in the run folder. */
  script: { text: string; fileName: string };
  /** The script's working folder: where the config's relative data paths start. */
  cwd: string;
  /** Recorded right after the run-started event (a note on which Python was chosen). */
  initialEvents?: TrainingEvent[];
  /** After the first SIGINT, how long the script may take to exit before SIGTERM (SIGKILL at 3×). */
  stopGraceMs?: number;
}

/** Warnings about bad stdout lines are reported one by one up to this many, then counted. */
const REPORTED_BAD_LINES = 20;
const STDERR_TAIL = 8000;
/** The script's stderr (its progress lines, warnings, a traceback) is kept in the run folder up to this size. */
const STDERR_LOG_BYTES = 1024 * 1024;
export const STDERR_LOG = 'script-stderr.log';

export function runPytorchTraining(config: TrainConfig, options: PytorchRunOptions): Promise<RunEndedEvent> {
  return new PytorchRun(config, options).run();
}

class PytorchRun {
  private recorder!: RunRecorder;
  private started?: RunStartedEvent;
  private scriptEnd?: RunEndedEvent;
  private lastEpoch?: EpochEndEvent;
  private epochsCompleted = 0;
  private steps = 0;
  private badLines = 0;
  private stderrTail = '';
  private stopping?: 'user' | 'recorder';
  private readonly timers: NodeJS.Timeout[] = [];
  private killedAfterGrace = false;

  constructor(private readonly config: TrainConfig, private readonly options: PytorchRunOptions) {}

  async run(): Promise<RunEndedEvent> {
    const { options } = this;
    // Throws a DiskWriteError (for the caller to report) when there is nowhere to record the run.
    const folder = createRunFolder(this.config, options);
    this.recorder = new RunRecorder(folder, options.onEvent, options.monitors);
    let scriptPath: string;
    try {
      const dir = folder?.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'training-doctor-pytorch-'));
      scriptPath = path.join(dir, options.script.fileName);
      fs.writeFileSync(scriptPath, options.script.text);
    } catch (error) {
      return this.end({ status: 'failed', reason: `The PyTorch script could not be written: ${error instanceof Error ? error.message : String(error)}` });
    }
    const exit = await this.runScript(scriptPath);
    return this.end(this.outcome(exit));
  }

  private runScript(scriptPath: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError?: string }> {
    const { options } = this;
    const args = [scriptPath, '--events-jsonl', ...(options.epochs !== undefined ? ['--epochs', String(options.epochs)] : [])];
    return new Promise((resolve) => {
      const child = spawn(options.python.command, args, {
        cwd: options.cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, PYTHONUNBUFFERED: '1' },
        // Its own process group: a Ctrl+C in the terminal reaches the CLI alone, which forwards
        // it once (a second SIGINT could interrupt the script's own cleanup).
        detached: process.platform !== 'win32',
      });
      let spawnError: string | undefined;
      const lines = new LineSplitter({
        line: (text, n) => this.receiveLine(text, n),
        overlong: (n, length, start) => this.badLine(`stdout line ${n}: ${length} characters without a newline, skipped: ${start}…`),
      });
      child.stdout.on('data', (chunk: Buffer) => lines.push(chunk));
      const stderrLog = new BoundedLog(path.join(path.dirname(scriptPath), STDERR_LOG), STDERR_LOG_BYTES);
      child.stderr.on('data', (chunk: Buffer) => {
        this.stderrTail = (this.stderrTail + chunk.toString()).slice(-STDERR_TAIL);
        stderrLog.write(chunk);
      });
      const requestStop = (who: 'user' | 'recorder') => {
        if (this.stopping || child.exitCode !== null || child.signalCode !== null) return;
        this.stopping = who;
        child.kill('SIGINT');
        const grace = options.stopGraceMs ?? 5000;
        this.timers.push(setTimeout(() => {
          this.killedAfterGrace = true;
          child.kill('SIGTERM');
        }, grace));
        this.timers.push(setTimeout(() => child.kill('SIGKILL'), grace * 3));
      };
      this.stopChild = requestStop;
      const onAbort = () => requestStop('user');
      options.signal?.addEventListener('abort', onAbort);
      if (options.signal?.aborted) onAbort();
      child.on('error', (error) => {
        spawnError = error.message;
        // A command that cannot start never closes its pipes: nothing more will come.
        if (child.pid === undefined) finish(null, null);
      });
      let done = false;
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (done) return;
        done = true;
        lines.end();
        stderrLog.close();
        options.signal?.removeEventListener('abort', onAbort);
        for (const timer of this.timers) clearTimeout(timer);
        resolve({ code, signal, spawnError });
      };
      // 'close': the process has exited and its stdout is read to the end.
      child.on('close', finish);
    });
  }

  private stopChild?: (who: 'user' | 'recorder') => void;

  private receiveLine(text: string, lineNumber: number): void {
    const read = readEventLine(text, lineNumber);
    if (read.kind === 'blank') return;
    if (read.kind === 'problem') return this.badLine(read.message);
    for (const note of read.notes) this.warn(`The PyTorch script's ${note}`);
    this.receiveEvent(read.event, lineNumber);
    // A live rule's verdict or a full disk: the script stops at its next step.
    if (this.recorder.stopRequest) this.stopChild?.('recorder');
  }

  private receiveEvent(event: TrainingEvent, lineNumber: number): void {
    const at = `stdout line ${lineNumber}`;
    if (this.scriptEnd) return this.badLine(`${at}: a ${event.type} event after run-ended, ignored`);
    switch (event.type) {
      case 'run-started': {
        if (this.started) return this.badLine(`${at}: a second run-started event, ignored`);
        const folder = this.recorder.folder;
        const detail = `${event.backendDetail || `PyTorch ${this.options.python.torchVersion ?? ''}`.trim()}; ${this.options.python.command}`;
        this.started = {
          ...event, runId: folder?.id ?? 'in-memory', runDir: folder?.dir, configPath: this.options.configPath,
          configName: this.config.name, backend: 'pytorch', backendDetail: detail,
        };
        if (this.started.runDir === undefined) delete this.started.runDir;
        if (this.started.configPath === undefined) delete this.started.configPath;
        folder?.update({ backend: 'pytorch', backendDetail: detail });
        this.recorder.emit(this.started);
        return this.emitInitialEvents();
      }
      case 'finding':
        return this.badLine(`${at}: a finding from the script, ignored (findings are Training Doctor's own)`);
      case 'run-ended':
        this.scriptEnd = event;
        return;
      case 'log':
        return this.recorder.emit(event);
      default:
        if (!this.started) return this.badLine(`${at}: a ${event.type} event before run-started, ignored`);
        if (event.type === 'step') this.steps = Math.max(this.steps, event.step + 1);
        if (event.type === 'epoch-end') {
          this.lastEpoch = event;
          this.epochsCompleted = event.epoch + 1;
          this.recorder.emit(event);
          this.recorder.folder?.update({ epochsCompleted: this.epochsCompleted, steps: this.steps });
          return;
        }
        return this.recorder.emit(event);
    }
  }

  /** Readers expect run-started first in metrics.jsonl; a script that never started gets them at its end. */
  private emitInitialEvents(): void {
    for (const event of this.options.initialEvents?.splice(0) ?? []) this.recorder.emit(event);
  }

  private badLine(message: string): void {
    this.badLines++;
    if (this.badLines <= REPORTED_BAD_LINES) this.warn(`The PyTorch script's ${message}`);
    else if (this.badLines === REPORTED_BAD_LINES + 1) this.warn(`The PyTorch script wrote more lines that are not training events; they are no longer reported one by one.`);
  }

  private warn(message: string): void {
    this.recorder.emit({ type: 'log', level: 'warning', message });
  }

  /** The run's status from how the script ended, who asked it to stop, and what it said. */
  private outcome(exit: { code: number | null; signal: NodeJS.Signals | null; spawnError?: string }): { status: RunStatus; reason?: string } {
    const said = this.scriptEnd;
    if (exit.spawnError && exit.code === null && exit.signal === null) {
      return { status: 'failed', reason: `The Python ${this.options.python.command} could not be started: ${exit.spawnError}` };
    }
    const crash = () => describeCrash(exit.code, exit.signal, this.stderrTail, 'The PyTorch script');
    if (this.stopping === 'recorder' && this.recorder.stopRequest) return this.recorder.stopRequest;
    // A stop that came as the script was finishing anyway: what it said stands.
    if (this.stopping === 'user' && !(said && said.status !== 'cancelled' && exit.code === 0)) {
      const forced = this.killedAfterGrace && !said ? ` The script did not stop within ${Math.round((this.options.stopGraceMs ?? 5000) / 1000)} s and was killed.` : '';
      return { status: 'cancelled', reason: `Cancelled by the user.${forced}` };
    }
    if (!said) {
      return { status: 'failed', reason: exit.code === 0 ? `The PyTorch script ended without reporting the end of its run.${this.stderrTail.trim() ? ` ${crash()}` : ''}` : crash() };
    }
    // 130: the script's answer to a SIGINT it got from elsewhere (a terminal's Ctrl+C) is a cancelled run.
    if (exit.code !== 0 && said.status !== 'failed' && !(said.status === 'cancelled' && exit.code === 130)) return { status: 'failed', reason: crash() };
    return { status: said.status, reason: said.reason };
  }

  private end(outcome: { status: RunStatus; reason?: string }): RunEndedEvent {
    this.emitInitialEvents();
    const said = this.scriptEnd;
    if (outcome.status === 'failed' && outcome.reason && said?.status !== 'failed') this.recorder.emit({ type: 'log', level: 'error', message: outcome.reason });
    return this.recorder.finish({
      status: outcome.status, reason: outcome.reason,
      epochsCompleted: said?.epochsCompleted ?? this.epochsCompleted, steps: said?.steps ?? this.steps,
      bestEpoch: said?.bestEpoch, final: said?.final ?? finalValues(this.lastEpoch),
    });
  }
}

/** Appends to a file up to a size, then notes the cut once; a file that cannot be written is given up quietly (the tail is kept in memory anyway). */
class BoundedLog {
  private fd?: number;
  private written = 0;

  constructor(file: string, private readonly limit: number) {
    try {
      this.fd = fs.openSync(file, 'a');
    } catch {
      this.fd = undefined;
    }
  }

  write(chunk: Buffer): void {
    if (this.fd === undefined || this.written >= this.limit) return;
    try {
      const room = this.limit - this.written;
      fs.writeSync(this.fd, chunk.length <= room ? chunk : Buffer.concat([chunk.subarray(0, room), Buffer.from(`\n[… cut at ${this.limit} bytes]\n`)]));
      this.written += chunk.length;
    } catch {
      this.close();
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      // Nothing to keep.
    }
    this.fd = undefined;
  }
}
