// Shared helpers of the black-box tests of the built `training-doctor` command: spawn
// bin/training-doctor.js (which runs dist/cli.js; `npm run build` first) in a temporary working
// directory, collect its output and exit code, and write small, fast configs to train.

import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '../..');
export const BIN = path.join(REPO, 'bin', 'training-doctor.js');
export const EXAMPLES = path.join(REPO, 'examples');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  /**
   * Kill the child (and fail) after this long: a guard against a hang, not a speed check, so it is
   * generous (the slowest run takes a few seconds here, over ten on a loaded 2-core machine).
   */
  timeoutMs?: number;
  /** Called with the output so far whenever stdout grows; may signal the child. */
  onStdout?: (soFar: string, child: ChildProcess) => void;
}

/** Fails with a clear message when the bundle the command runs has not been built. */
export function assertBuilt(): void {
  assert.ok(fs.existsSync(path.join(REPO, 'dist', 'cli.js')), 'dist/cli.js is missing: run `npm run build` before the CLI tests');
}

export function runCli(args: string[], options: RunOptions): Promise<CliResult> {
  const { cwd, timeoutMs = 120_000, onStdout } = options;
  return new Promise((resolve, reject) => {
    // Pipes, so the command sees no TTY (as in CI logs); NO_COLOR / FORCE_COLOR unset so colour
    // decisions are the command's own.
    const env = { ...process.env };
    delete env.FORCE_COLOR;
    delete env.NO_COLOR;
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      onStdout?.(stdout, child);
    });
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`training-doctor ${args.join(' ')} did not end within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs `train <file>` and sends SIGINT (Ctrl+C) once its first epoch line of `epochs` is out; says whether it got there. */
export async function interruptAfterFirstEpoch(file: string, epochs: number, cwd: string): Promise<{ result: CliResult; signalled: boolean }> {
  let signalled = false;
  const result = await runCli(['train', file], {
    cwd,
    onStdout: (soFar, child) => {
      if (!signalled && new RegExp(`^epoch 1/${epochs} `, 'm').test(soFar)) {
        signalled = true;
        child.kill('SIGINT');
      }
    },
  });
  return { result, signalled };
}

/** A description of a result for assertion messages. */
export function show(result: CliResult): string {
  return `exit ${result.code}${result.signal ? ` (${result.signal})` : ''}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `td-cli-${prefix}-`));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * For a suite that runs the built command: checks the bundle is built, makes a temporary folder
 * before the tests and removes it after; returns a maker of fresh working directories, one per
 * test, so that each test's run folders are its own.
 */
export function suiteWorkspaces(prefix: string): (name: string) => string {
  let dir: string;
  before(() => {
    assertBuilt();
    dir = tempDir(prefix);
  });
  after(() => removeDir(dir));
  return (name) => {
    const cwd = path.join(dir, name);
    fs.mkdirSync(cwd);
    return cwd;
  };
}

export interface SpiralsOptions {
  name?: string;
  epochs?: number;
  samples?: number;
  /** Replaces the default layers. */
  layers?: unknown[];
}

/** A small healthy classifier on synthetic spirals (320 training examples: 10 steps of 32). */
export function writeSpiralsConfig(dir: string, file = 'spirals.train.json', options: SpiralsOptions = {}): string {
  const layers = options.layers ?? [
    { type: 'dense', units: 16, activation: 'relu', kernelInitializer: 'heNormal' },
    { type: 'dense', units: 2, activation: 'softmax' },
  ];
  const text = `// A small config written by the CLI tests.
{
  "name": ${JSON.stringify(options.name ?? 'cli-spirals')},
  "seed": 3,
  "data": {
    "dataset": { "synthetic": "spirals", "samples": ${options.samples ?? 400}, "classes": 2, "noise": 0.05, "turns": 1 },
    "validationSplit": 0.2,
    "preprocess": { "normalize": "standardize" }
  },
  "model": {
    "input": [2],
    "layers": ${JSON.stringify(layers)}
  },
  "training": { "epochs": ${options.epochs ?? 3}, "batchSize": 32, "optimizer": { "type": "adam", "learningRate": 0.01 } }
}
`;
  const file_ = path.join(dir, file);
  fs.writeFileSync(file_, text);
  return file_;
}

/**
 * A regression that overflows within a couple of epochs: unnormalized inputs with means 100 and
 * 1000 (targets in the thousands), mean squared error, plain SGD with learning rate 10.
 */
export function writeDivergingConfig(dir: string, file = 'diverging.train.json'): string {
  let seed = 7;
  const gauss = () => {
    // Deterministic Box-Muller over a small LCG: the CSV is the same on every run.
    const uniform = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) + 1) / 2147483649;
    return Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  };
  const rows = ['a,b,y'];
  for (let k = 0; k < 200; k++) {
    const a = 100 + 10 * gauss();
    const b = 1000 + 100 * gauss();
    rows.push(`${a.toFixed(3)},${b.toFixed(3)},${(3 * a + 0.5 * b).toFixed(3)}`);
  }
  fs.writeFileSync(path.join(dir, 'big-values.csv'), rows.join('\n') + '\n');
  const config = `{
  "name": "cli-diverging",
  "seed": 1,
  "data": { "dataset": { "csv": "big-values.csv", "label": "y", "task": "regression" }, "validationSplit": 0.2,
            "preprocess": { "normalize": "none" } },
  "model": { "input": [2], "layers": [ { "type": "dense", "units": 8, "activation": "relu" }, { "type": "dense", "units": 1 } ] },
  "training": { "epochs": 5, "batchSize": 16, "loss": "meanSquaredError", "optimizer": { "type": "sgd", "learningRate": 10 } }
}
`;
  const file_ = path.join(dir, file);
  fs.writeFileSync(file_, config);
  return file_;
}

/** Parses every stdout line as JSON (fails on a line that is not). */
export function jsonLines(stdout: string): Array<Record<string, unknown> & { type: string }> {
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line, k) => {
      try {
        return JSON.parse(line);
      } catch {
        throw new assert.AssertionError({ message: `stdout line ${k + 1} is not JSON: ${line}` });
      }
    });
}

/** The run folders directly under `root` (a runs directory). */
export function runFolders(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root).map((id) => path.join(root, id)).filter((dir) => fs.statSync(dir).isDirectory());
}

export function readJson(file: string): Record<string, any> {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * Applies a unified diff (as `unifiedDiff` and `fix` print it) to `before`, checking every context
 * and removed line against the text at the hunk header's line numbers. Throws on any mismatch.
 */
export function applyUnifiedDiff(before: string, diff: string): string {
  const endsInNewline = before.endsWith('\n');
  const source = (endsInNewline ? before.slice(0, -1) : before).split('\n');
  const lines = diff.replace(/\n$/, '').split('\n');
  assert.match(lines[0] ?? '', /^--- /, 'a diff starts with ---');
  assert.match(lines[1] ?? '', /^\+\+\+ /, 'then +++');
  const out: string[] = [];
  let consumed = 0; // lines of `source` already copied or replaced
  let k = 2;
  let offset = 0; // new line number minus old line number so far
  while (k < lines.length) {
    const header = /^@@ -(\d+),(\d+) \+(\d+),(\d+) @@$/.exec(lines[k]);
    assert.ok(header, `hunk header expected, got ${JSON.stringify(lines[k])}`);
    const [aStart, aCount, bStart, bCount] = header.slice(1).map(Number);
    assert.ok(aStart - 1 >= consumed, `hunk at old line ${aStart} overlaps the previous one`);
    assert.equal(bStart - aStart, offset, `hunk @@ -${aStart} +${bStart}: new start does not follow from the earlier hunks`);
    out.push(...source.slice(consumed, aStart - 1));
    consumed = aStart - 1;
    k++;
    let seenA = 0;
    let seenB = 0;
    while (k < lines.length && !lines[k].startsWith('@@')) {
      const kind = lines[k][0];
      const text = lines[k].slice(1);
      if (kind === ' ' || kind === '-') {
        assert.equal(source[consumed], text, `old line ${consumed + 1} (hunk @@ -${aStart},${aCount}) is not what the diff says`);
        consumed++;
        seenA++;
      }
      if (kind === ' ' || kind === '+') {
        out.push(text);
        seenB++;
      }
      assert.ok(kind === ' ' || kind === '-' || kind === '+', `unexpected diff line ${JSON.stringify(lines[k])}`);
      k++;
    }
    assert.equal(seenA, aCount, `hunk @@ -${aStart},${aCount}: old line count`);
    assert.equal(seenB, bCount, `hunk +${bStart},${bCount}: new line count`);
    offset += bCount - aCount;
  }
  out.push(...source.slice(consumed));
  return out.join('\n') + (endsInNewline ? '\n' : '');
}
