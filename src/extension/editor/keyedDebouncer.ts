// Runs one pending task per key (a document) once nothing new was scheduled for that key for a
// while: typing reschedules, so the work runs once after the last keystroke. The clock is
// injected so tests can drive time by hand.

export interface Clock {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class KeyedDebouncer {
  private readonly pending = new Map<string, unknown>();

  constructor(private readonly clock: Clock) {}

  /** Runs `task` after `delayMs`, replacing whatever was pending for `key`. */
  schedule(key: string, delayMs: number, task: () => void): void {
    this.cancel(key);
    const handle = this.clock.setTimeout(() => {
      this.pending.delete(key);
      task();
    }, delayMs);
    this.pending.set(key, handle);
  }

  cancel(key: string): void {
    const handle = this.pending.get(key);
    if (handle === undefined) return;
    this.clock.clearTimeout(handle);
    this.pending.delete(key);
  }

  isPending(key: string): boolean {
    return this.pending.has(key);
  }

  dispose(): void {
    for (const key of [...this.pending.keys()]) this.cancel(key);
  }
}
