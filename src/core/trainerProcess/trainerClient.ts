// The host's side of a trainer child process: forks it, waits for its `ready`, sends the job,
// validates every message it sends back, and turns any way it can end (finished, crashed, killed,
// out of memory, hung on stop) into exactly one outcome. No vscode import: the extension and the
// tests use it alike.

import { fork, type ChildProcess } from 'node:child_process';
import { parseTrainerMessage, type StartMessage, type TrainerMessage } from './trainerProtocol';

export interface TrainerOutcome {
  /**
   * finished: the job ran to its end (whatever the run's own status); failed: the job reported an
   * error (a `failed` message) and the process ended without finishing; crashed: the process died
   * without a word; stopped: it was stopped before it could finish cleanly.
   */
  kind: 'finished' | 'failed' | 'crashed' | 'stopped';
  /** For failures and crashes: what happened, in words. */
  reason?: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

export interface TrainerClientOptions {
  /** The bundled trainer script (dist/trainer.js). */
  script: string;
  start: StartMessage;
  onMessage: (message: TrainerMessage) => void;
  onExit: (outcome: TrainerOutcome) => void;
  /** Flags for the child's Node (e.g. a memory limit); none by default. */
  execArgv?: string[];
  /** How long the process may take to say `ready` (loading tfjs can take a few seconds). */
  readyTimeoutMs?: number;
  /** After `stop`, how long to wait for a clean exit before SIGTERM, then SIGKILL. */
  stopGraceMs?: number;
}

/** How much of the child's stderr is kept: its start (where the error usually is) and its end. */
const STDERR_HEAD = 8000;
const STDERR_TAIL = 4000;

export class TrainerClient {
  private readonly child: ChildProcess;
  private stderrHead = '';
  private stderrTail = '';
  private stderrBytes = 0;
  private finished = false;
  /** The last `failed` message, if the job reported one. */
  private failure?: string;
  private stopRequested = false;
  private exited = false;
  private readonly timers: NodeJS.Timeout[] = [];

  private constructor(private readonly options: TrainerClientOptions) {
    this.child = fork(options.script, [], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      execArgv: options.execArgv ?? [],
      serialization: 'json',
    });
    this.child.stderr?.on('data', (chunk: Buffer) => this.keepStderr(chunk.toString()));
    this.child.on('message', (raw) => this.receive(raw));
    this.child.on('error', (error) => this.keepStderr(`\n${error.message}`));
    this.child.on('exit', (code, signal) => this.exit(code, signal));
    this.timers.push(setTimeout(() => {
      if (!this.ready) this.kill(`The trainer did not start within ${Math.round((options.readyTimeoutMs ?? 60_000) / 1000)} s.`);
    }, options.readyTimeoutMs ?? 60_000));
  }

  private ready = false;
  private killReason?: string;

  static start(options: TrainerClientOptions): TrainerClient {
    return new TrainerClient(options);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private keepStderr(text: string): void {
    if (this.stderrHead.length < STDERR_HEAD) {
      const room = STDERR_HEAD - this.stderrHead.length;
      this.stderrHead += text.slice(0, room);
      text = text.slice(room);
    }
    this.stderrBytes += text.length;
    this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL);
  }

  /** The stderr kept: all of it when short, else its start and end with the gap marked. */
  private get stderr(): string {
    const skipped = this.stderrBytes - this.stderrTail.length;
    return this.stderrHead + (skipped > 0 ? `\n[… ${skipped} characters …]\n` : '') + this.stderrTail;
  }

  private receive(raw: unknown): void {
    const message = parseTrainerMessage(raw);
    if (!message) {
      this.options.onMessage({ type: 'failed', message: `The trainer sent a malformed message: ${JSON.stringify(raw)?.slice(0, 200)}` });
      return;
    }
    if (message.type === 'ready') {
      this.ready = true;
      this.child.send(this.options.start);
      if (this.stopRequested) this.child.send({ type: 'stop' });
    }
    if (message.type === 'finished') this.finished = true;
    if (message.type === 'failed') this.failure = message.message;
    this.options.onMessage(message);
  }

  /** Asks the job to stop at its next step; escalates to signals if it does not exit in time. */
  stop(): void {
    if (this.exited) return;
    this.stopRequested = true;
    if (this.child.connected) this.child.send({ type: 'stop' });
    const grace = this.options.stopGraceMs ?? 1500;
    this.timers.push(setTimeout(() => this.child.kill('SIGTERM'), grace));
    this.timers.push(setTimeout(() => this.child.kill('SIGKILL'), grace * 3));
  }

  /** Ends the process at once (window closing, extension deactivating). */
  kill(reason = 'The trainer was killed.'): void {
    if (this.exited) return;
    this.killReason = reason;
    this.child.kill('SIGKILL');
  }

  private exit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.exited) return;
    this.exited = true;
    for (const timer of this.timers) clearTimeout(timer);
    if (this.finished && code === 0) {
      this.options.onExit({ kind: 'finished', exitCode: code, signal });
      return;
    }
    if (this.failure && !this.killReason) {
      this.options.onExit({ kind: 'failed', exitCode: code, signal, reason: this.failure });
      return;
    }
    if (this.stopRequested && !this.killReason) {
      this.options.onExit({ kind: 'stopped', exitCode: code, signal, reason: 'Stopped before the job could finish cleanly.' });
      return;
    }
    this.options.onExit({ kind: 'crashed', exitCode: code, signal, reason: this.killReason ?? describeCrash(code, signal, this.stderr) });
  }
}

/** At most this many stderr lines are quoted, each cut to LINE_LIMIT characters. */
const QUOTED_LINES = 8;
const LINE_LIMIT = 300;
/** The line that names the error: `TypeError: …`, `Error [ERR_…]: …`, `FATAL ERROR: …`. */
const ERROR_LINE = /^\s*(?:Uncaught\s+)?(?:[A-Z]\w*(?:Error|Exception)\b|Error\b|FATAL ERROR\b)/;

/**
 * Words for a process death, from its exit code, signal and stderr. Quotes the first line that
 * names an error (Node prints it above the stack, so the last lines alone would drop it) and the
 * last lines that are not stack frames, bounded in lines and length. `who`: the process, in words
 * (the pytorch backend's Python says its own name; its traceback's last line names the error).
 */
export function describeCrash(code: number | null, signal: NodeJS.Signals | null, stderr: string, who = 'The trainer process'): string {
  if (/heap out of memory|Allocation failed|out of memory/i.test(stderr)) {
    return `${who === 'The trainer process' ? 'The trainer' : who} ran out of memory. Use a smaller batch size, a smaller model or less data.`;
  }
  const lines = stderr.split('\n').map((line) => line.trimEnd()).filter((line) => line.trim() && !/^\s+at /.test(line) && !/^Node\.js v\d/.test(line));
  const errorAt = lines.findIndex((line) => ERROR_LINE.test(line));
  const tail = lines.slice(-QUOTED_LINES);
  const quoted = errorAt >= 0 && errorAt < lines.length - tail.length
    ? [lines[errorAt], ...(errorAt < lines.length - tail.length - 1 ? ['…'] : []), ...tail.slice(1)]
    : tail;
  const text = quoted.map((line) => (line.length > LINE_LIMIT ? `${line.slice(0, LINE_LIMIT)}…` : line)).join('\n');
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  return `${who} ${how}${text ? `:\n${text}` : '.'}`;
}
