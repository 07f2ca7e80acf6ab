// Reading data that crossed a boundary (a webview message, a file anyone can edit) without
// trusting it: field readers that check a value and return a copy of what they know, bounds on
// every string and list, and a record of what was dropped and where. A bad item is dropped on
// its own with a located note ("append.events[3].finding.fixes: expected a list") and the good
// ones around it are kept. Values are never echoed in a note (they may be megabytes long).

export const PAYLOAD_LIMITS = {
  /** Run ids and fix ids. */
  idLength: 300,
  /** Names: configs, layers, rules, metrics, backends, dates. */
  nameLength: 1_000,
  /** Free text (messages, reasons, paths): longer text is cut, with an ellipsis. */
  textLength: 20_000,
  /** Per-step points of one run. */
  steps: 5_000_000,
  /** Events of one append; epochs, statistics samples, findings or logs of one run. */
  items: 1_000_000,
  /** Entries of the run history. */
  history: 5_000,
  /** Layers of one model or statistics sample. */
  layers: 10_000,
  /** Buckets of one layer histogram (our runs write 30). */
  histogramBuckets: 100,
  fixes: 50,
  /** Metric names of one step or epoch. */
  metrics: 200,
  /** Characters of a file path. */
  pathCharacters: 4_096,
  /** Elements of a finding's config path. */
  pathLength: 100,
  /** Values in a finding's evidence or a fix's arguments (free-form JSON, shown as text), and their nesting. */
  jsonValues: 5_000,
  jsonDepth: 16,
};

/** Where the notes on dropped items go: the first few are kept, the rest counted. */
export class PayloadIssues {
  readonly notes: string[] = [];
  count = 0;

  constructor(private readonly keep = 10) {}

  add(note: string): void {
    this.count++;
    if (this.notes.length < this.keep) this.notes.push(note);
  }

  /** The kept notes on one line, with how many more there were. */
  summary(): string {
    const more = this.count - this.notes.length;
    return `${this.notes.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
  }
}

/** A field that makes its whole item unusable. */
class Invalid extends Error {}

export function invalid(at: string, expected: string): never {
  throw new Invalid(`${at}: expected ${expected}`);
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Own properties only: a `__proto__` or `constructor` key must not reach a prototype's. */
export const field = (v: Record<string, unknown>, key: string): unknown => (Object.prototype.hasOwnProperty.call(v, key) ? v[key] : undefined);
export const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
/**
 * A measured value: any number, NaN and Infinity included (a run that blew up says so), or
 * null, which is what NaN and Infinity become in JSON (run folders, VS Code's message passing).
 */
export const isMeasured = (v: unknown): v is number => typeof v === 'number' || v === null;
export const finiteOrNull = (v: number | null): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export const oneOf = <T extends string>(set: Record<T, true>, v: unknown): v is T => typeof v === 'string' && Object.prototype.hasOwnProperty.call(set, v);

/** The field readers: each returns the value checked (a copy of what it knows, nothing else) or throws Invalid. */
export class PayloadReader {
  constructor(readonly issues: PayloadIssues) {}

  note(note: string): void {
    this.issues.add(note);
  }

  /** Runs an item's reader; a bad item is noted and gives undefined. */
  attempt<T>(read: () => T): T | undefined {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      this.note(error.message);
      return undefined;
    }
  }

  /** A field whose bad value is replaced (and noted) rather than dropping its item. */
  orElse<T>(read: () => T, fallback: T): T {
    const value = this.attempt(read);
    return value === undefined ? fallback : value;
  }

  record(v: unknown, at: string): Record<string, unknown> {
    return isRecord(v) ? v : invalid(at, 'an object');
  }

  id(v: unknown, at: string): string {
    return typeof v === 'string' && v.length > 0 && v.length <= PAYLOAD_LIMITS.idLength ? v : invalid(at, `an id (1 to ${PAYLOAD_LIMITS.idLength} characters)`);
  }

  name(v: unknown, at: string): string {
    return typeof v === 'string' && v.length <= PAYLOAD_LIMITS.nameLength ? v : invalid(at, `a name of at most ${PAYLOAD_LIMITS.nameLength} characters`);
  }

  /** Free text, cut when absurdly long (the item is still good). */
  text(v: unknown, at: string): string {
    if (typeof v !== 'string') invalid(at, 'a string');
    if (v.length <= PAYLOAD_LIMITS.textLength) return v;
    this.note(`${at}: ${v.length} characters, cut to ${PAYLOAD_LIMITS.textLength}`);
    return `${v.slice(0, PAYLOAD_LIMITS.textLength)}…`;
  }

  /** A file path: never cut (a cut path names another file). */
  path(v: unknown, at: string): string {
    return typeof v === 'string' && v.length <= PAYLOAD_LIMITS.pathCharacters ? v : invalid(at, `a path of at most ${PAYLOAD_LIMITS.pathCharacters} characters`);
  }

  /** An ISO date (or anything Date.parse reads). */
  date(v: unknown, at: string): string {
    return typeof v === 'string' && v.length <= PAYLOAD_LIMITS.nameLength && !Number.isNaN(Date.parse(v)) ? v : invalid(at, 'a date');
  }

  count(v: unknown, at: string): number {
    return isCount(v) ? v : invalid(at, 'a whole number ≥ 0');
  }

  measured(v: unknown, at: string): number {
    return isMeasured(v) ? v : invalid(at, 'a number');
  }

  boolean(v: unknown, at: string): boolean {
    return typeof v === 'boolean' ? v : invalid(at, 'true or false');
  }

  /** Absent stays absent; present, it must be good. */
  optional<T>(v: unknown, at: string, read: (v: unknown, at: string) => T): T | undefined {
    return v === undefined ? undefined : read.call(this, v, at);
  }

  /** Copies `o[key]` to `target[key]` when present; present, it must be good. */
  copyOptional<T, K extends keyof T & string>(target: T, o: Record<string, unknown>, key: K, at: string, read: (v: unknown, at: string) => T[K]): void {
    const value = this.optional(field(o, key), `${at}.${key}`, read);
    if (value !== undefined) target[key] = value;
  }

  /** Like copyOptional, but a bad value is noted and left out rather than spoiling the item. */
  keepOptional<T, K extends keyof T & string>(target: T, o: Record<string, unknown>, key: K, at: string, read: (v: unknown, at: string) => T[K]): void {
    this.attempt(() => this.copyOptional(target, o, key, at, read));
  }

  /** The good items of a list (the bad ones noted and dropped), at most `max` of them. */
  list<T>(v: unknown, at: string, max: number, read: (v: unknown, at: string) => T): T[] {
    if (!Array.isArray(v)) invalid(at, 'a list');
    const n = Math.min(v.length, max);
    if (v.length > max) this.note(`${at}: ${v.length} items, only the first ${max} kept`);
    const out: T[] = [];
    for (let i = 0; i < n; i++) {
      const item = this.attempt(() => read.call(this, v[i], `${at}[${i}]`));
      if (item !== undefined) out.push(item);
    }
    return out;
  }

  /** Metric values by name (accuracy, mae…); a bad entry is dropped on its own. */
  metrics(v: unknown, at: string): Record<string, number> {
    const o = this.record(v, at);
    const metrics: Record<string, number> = {};
    let kept = 0;
    // A plain loop: this runs for every step of a live run.
    for (const name in o) {
      if (!Object.prototype.hasOwnProperty.call(o, name)) continue;
      const value = o[name];
      // "__proto__" would set the prototype rather than a metric.
      if (name === '__proto__' || name.length > PAYLOAD_LIMITS.nameLength || !isMeasured(value)) {
        this.note(`${at}: a metric that is not a named number dropped`);
      } else if (kept++ < PAYLOAD_LIMITS.metrics) {
        metrics[name] = value;
      }
    }
    if (kept > PAYLOAD_LIMITS.metrics) this.note(`${at}: ${kept} metrics, only the first ${PAYLOAD_LIMITS.metrics} kept`);
    return metrics;
  }

  /** Free-form JSON (evidence, fix arguments): bounded in size and depth, strings cut. */
  json(v: unknown, at: string, budget = { values: PAYLOAD_LIMITS.jsonValues }, depth = 0): unknown {
    if (--budget.values < 0) invalid(at, `at most ${PAYLOAD_LIMITS.jsonValues} values`);
    if (v === null || typeof v === 'boolean' || typeof v === 'number') return v;
    if (typeof v === 'string') return this.text(v, at);
    if (depth >= PAYLOAD_LIMITS.jsonDepth) invalid(at, `at most ${PAYLOAD_LIMITS.jsonDepth} levels of nesting`);
    if (Array.isArray(v)) return v.map((item, i) => this.json(item, `${at}[${i}]`, budget, depth + 1));
    if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([key, value]) => [this.name(key, at), this.json(value, `${at}.${key.slice(0, 40)}`, budget, depth + 1)]));
    return invalid(at, 'a JSON value');
  }

  jsonRecord(v: unknown, at: string): Record<string, unknown> {
    return this.json(this.record(v, at), at) as Record<string, unknown>;
  }
}
