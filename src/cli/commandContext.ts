// What every CLI command receives and shares: the loaded config file, the flags, the streams,
// exit codes and the common reporting of config problems.

import type { ConfigProblem } from '../core/config/configProblem';
import type { LoadedConfigFile } from '../core/config/loadConfigFile';
import { assertModelFits, type MemoryCheckOptions } from '../core/config/memoryEstimate';
import { locateProblems } from '../core/config/parseConfig';
import { placeholderRefusal } from '../core/data/placeholderDataset';
import type { ShapeReport } from '../core/config/shapeInference';
import type { TrainConfig } from '../core/config/trainConfig';
import { isBackendChoice, tfjsPreference, type BackendChoice } from '../core/engine/backendChoice';
import { loadTensorflow, type TensorflowRuntime } from '../core/engine/tensorflowRuntime';
import { wasmThreadsFor } from '../core/engine/wasmThreadChoice';
import { UsageError } from './cliArguments';
import { formatProblem } from './formatting';

export const EXIT = { ok: 0, failed: 1, usage: 2, cancelled: 130 } as const;

export interface CommandContext {
  file: LoadedConfigFile;
  flags: Record<string, string | true>;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** Prints the config's problems (to `out`); returns false when there are errors. */
export function reportProblems(file: LoadedConfigFile, json: boolean, out: NodeJS.WriteStream): boolean {
  const errors = file.problems.filter((p) => p.severity === 'error');
  if (!json) for (const p of file.problems) out.write(formatProblem(file.filePath, p) + '\n');
  return errors.length === 0;
}

export type RunnableConfig = LoadedConfigFile & { config: TrainConfig; shapes: ShapeReport };

/**
 * What the commands that run the model (probe, train, lr-find, fix) need first: a config without
 * errors. Otherwise the problems are reported (as JSON on stdout with --json) and undefined returned.
 */
export function runnableConfig({ file, flags, stdout, stderr }: CommandContext, jsonEnvelope?: (problems: LoadedConfigFile['problems']) => object): RunnableConfig | undefined {
  const json = flags.json === true;
  if (reportProblems(file, json, stderr) && file.config && file.shapes) return file as RunnableConfig;
  if (json) {
    const body = jsonEnvelope ? jsonEnvelope(file.problems) : { file: file.filePath, problems: file.problems };
    stdout.write(JSON.stringify(body, null, jsonEnvelope ? undefined : 2) + '\n');
  }
  return undefined;
}

/**
 * Training needs real data: a config that still has the placeholder `import` wrote is refused
 * with a located problem (as JSON on stdout with --json). Returns true when refused.
 */
export function refusesPlaceholderData({ flags, stdout, stderr }: CommandContext, file: RunnableConfig, action: string, jsonEnvelope?: (problems: ConfigProblem[]) => object): boolean {
  const refusal = placeholderRefusal(file.config.data, action);
  if (!refusal) return false;
  const [located] = locateProblems([refusal], file.tree, file.text);
  if (flags.json === true) {
    const body = jsonEnvelope ? jsonEnvelope([located]) : { file: file.filePath, problems: [located] };
    stdout.write(JSON.stringify(body, null, jsonEnvelope ? undefined : 2) + '\n');
  } else {
    stderr.write(formatProblem(file.filePath, located) + '\n');
  }
  return true;
}

/**
 * The TensorFlow.js backend the flags or the config ask for ("pytorch" trains with PyTorch, but
 * probes and finds learning rates on the default TensorFlow.js backend). tfjs-node is looked for where the command is run
 * (the project whose dependencies were installed), never beside the config: a config folder of an
 * untrusted pull request could carry a node_modules of its own, and loading it runs its code.
 * A model that backend cannot hold at the training batch (or `memory.batchSize`) is refused here (a
 * ConfigProblemError, which main reports located), before a run folder or the data exist.
 */
export async function runtimeFor({ flags }: CommandContext, file: RunnableConfig, memory: Omit<MemoryCheckOptions, 'backend'> = {}): Promise<TensorflowRuntime> {
  const runtime = await loadTensorflow({
    preference: tfjsPreference(backendFlag(flags) ?? file.config.backend), searchDirs: [process.cwd()], wasmThreads: wasmThreadsFor(file.config, file.shapes),
  });
  assertModelFits(file.config, { ...memory, backend: runtime.backend });
  return runtime;
}

export function backendFlag(flags: Record<string, string | true>): BackendChoice | undefined {
  const value = flags.backend;
  if (value === undefined) return undefined;
  if (isBackendChoice(value)) return value;
  throw new UsageError(`--backend must be auto, tensorflow, wasm, cpu or pytorch, not ${JSON.stringify(value)}.`);
}

