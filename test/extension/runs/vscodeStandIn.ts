// A stand-in `vscode` module for extension code that needs only its EventEmitter (the run store),
// or a few members a test supplies, so those tests run without VS Code: modules are required while
// `vscode` resolves to it.

import Module from 'node:module';

class EventEmitter<T> {
  private listeners: ((value: T) => void)[] = [];
  readonly event = (listener: (value: T) => void) => {
    this.listeners.push(listener);
    return { dispose: () => void (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(value: T): void {
    for (const listener of this.listeners) listener(value);
  }
  dispose(): void {
    this.listeners = [];
  }
}

/**
 * Runs `load` (which requires the modules under test) with `vscode` resolving to the stand-in;
 * `more`: further members of the stand-in (a test's own `workspace`, `extensions`), read at call time.
 */
export function withVscodeStandIn<T>(load: () => T, more: Record<string, unknown> = {}): T {
  const loader = Module as unknown as { _load(request: string, ...rest: unknown[]): unknown };
  const original = loader._load;
  const standIn = { EventEmitter, ...more };
  loader._load = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? standIn : original.call(this, request, ...rest);
  };
  try {
    return load();
  } finally {
    loader._load = original;
  }
}
