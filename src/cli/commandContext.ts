// What every CLI command receives and shares: the loaded config file, the flags, the streams,
// exit codes and the common reporting of config problems.

import type { LoadedConfigFile } from '../core/config/loadConfigFile';
import type { BackendPreference } from '../core/engine/tensorflowRuntime';
import { UsageError } from './cliArguments';
import { formatProblem } from './formatting';

export const EXIT = { ok: 0, failed: 1, usage: 2, cancelled: 130 } as const;

export interface CommandContext {
  file: LoadedConfigFile;
  flags: Record<string, string | true>;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** Prints the config's problems; returns false when there are errors. */
export function reportProblems(file: LoadedConfigFile, json: boolean, stderr: NodeJS.WriteStream): boolean {
  const errors = file.problems.filter((p) => p.severity === 'error');
  if (!json) for (const p of file.problems) stderr.write(formatProblem(file.filePath, p) + '\n');
  return errors.length === 0;
}

export function backendFlag(flags: Record<string, string | true>): BackendPreference | undefined {
  const value = flags.backend;
  if (value === undefined) return undefined;
  if (value === 'auto' || value === 'tensorflow' || value === 'wasm' || value === 'cpu') return value;
  throw new UsageError(`--backend must be auto, tensorflow, wasm or cpu, not ${JSON.stringify(value)}.`);
}

