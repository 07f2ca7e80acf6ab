// Problems found in a config file: each has a stable code, a message a user can act on and the
// place in the config it concerns, so an editor can underline it and a terminal can print line:col.

export type JsonPath = (string | number)[];

export interface SourceRange {
  /** 0-based character offset into the file text. */
  offset: number;
  length: number;
  /** 1-based line and column of the start, for terminals. */
  line: number;
  column: number;
}

export interface ConfigProblem {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  path: JsonPath;
  range?: SourceRange;
}

/** Thrown by loaders that cannot go on; carries every problem found so far. */
export class ConfigProblemError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map((p) => `${p.code}: ${p.message}`).join('\n'));
    this.name = 'ConfigProblemError';
  }
}

export function problem(code: string, path: JsonPath, message: string, severity: ConfigProblem['severity'] = 'error'): ConfigProblem {
  return { code, severity, message, path };
}

export function formatPath(path: JsonPath): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}
