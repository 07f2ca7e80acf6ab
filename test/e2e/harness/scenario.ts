// What a scenario is: a name, a title, the session it needs, and a body that drives the workbench
// and asserts what is on the screen. The runner (runScenarios.ts) starts a fresh session for each,
// enforces its time limit and always closes the session.

import { Session, type SessionOptions } from './session';

export interface Scenario {
  /** Short id used in artifact names and to pick it on the command line: "s1-quickfix". */
  id: string;
  title: string;
  /** Session options besides the name (fixture, settings). */
  session?: Omit<SessionOptions, 'name' | 'log'>;
  /** Why the scenario cannot run on this machine (checked before its session starts), or undefined. */
  skip?: () => string | undefined;
  /** Upper bound for the body (the session's start and close are extra). */
  timeoutMs: number;
  run(session: Session, t: Checks): Promise<void>;
}

/** Assertions that say what was expected and what was seen; `note` lines end up in the report. */
export class Checks {
  readonly notes: string[] = [];
  /** Things that work but look wrong to a user: reported, not failed. */
  readonly warnings: string[] = [];
  /** Failed soft checks (expect): the scenario goes on and fails at its end. */
  readonly failures: string[] = [];
  constructor(private readonly session: Session) {}

  note(line: string): void {
    this.notes.push(line);
    this.session.log(`  · ${line}`);
  }

  warn(line: string): void {
    this.warnings.push(line);
    this.session.log(`  ! WARNING ${line}`);
  }

  async ok(condition: unknown, message: string): Promise<void> {
    if (condition) return;
    const shot = await this.session.failureShot(message);
    throw new Error(`${message}${shot ? ` (screenshot: ${shot})` : ''}`);
  }

  /** A check whose failure fails the scenario at its end, after the remaining steps ran. */
  async expect(condition: unknown, message: string): Promise<boolean> {
    if (condition) return true;
    const shot = await this.session.failureShot(message);
    this.failures.push(`${message}${shot ? ` (screenshot: ${shot})` : ''}`);
    this.session.log(`  ✗ ${message}`);
    return false;
  }

  async equal<T>(actual: T, expected: T, message: string): Promise<void> {
    if (Object.is(actual, expected)) return;
    await this.ok(false, `${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}
