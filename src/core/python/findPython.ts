// Finds a Python interpreter that can import PyTorch, for the exported training scripts (their
// tests, and the pytorch backend that runs them). Probing runs each candidate once with a tiny
// program; a candidate that is missing, hangs or fails is simply not the one.

import { spawnSync } from 'node:child_process';

export interface PythonWithTorch {
  /** The command as given (a name on PATH or an absolute path). */
  command: string;
  torchVersion: string;
  pythonVersion: string;
}

export interface PythonSearch {
  found?: PythonWithTorch;
  /** Why each candidate was passed over, in words (for a skip message or an error). */
  rejected: string[];
}

export interface PythonCandidate {
  command: string;
  /** Where it came from, in words: "the setting trainingDoctor.pythonPath", "PATH". */
  source: string;
}

/**
 * Where to look when no Python was named, in order: what PATH gives (`python3`, then `python`),
 * then, on Linux, the system's own (Debian's python3-torch lives there, while PATH may lead to a
 * pyenv or venv Python without torch). The one list for the pytorch backend, tests and benches.
 */
export function defaultPythonCandidates(platform: NodeJS.Platform = process.platform): PythonCandidate[] {
  const onPath = ['python3', 'python'].map((command) => ({ command, source: 'PATH' }));
  return platform === 'linux' ? [...onPath, { command: '/usr/bin/python3', source: 'the system Python' }] : onPath;
}

const PROBE = 'import sys, torch; print(torch.__version__); print("%d.%d.%d" % sys.version_info[:3])';
const PROBE_TIMEOUT_MS = 60_000;

export function probePython(command: string): { ok: true; python: PythonWithTorch } | { ok: false; reason: string } {
  const result = spawnSync(command, ['-c', PROBE], { encoding: 'utf8', timeout: PROBE_TIMEOUT_MS, env: { ...process.env, PYTHONWARNINGS: 'ignore' } });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    return { ok: false, reason: `${command}: ${code === 'ENOENT' ? 'not found' : code === 'ETIMEDOUT' ? 'timed out' : result.error.message}` };
  }
  if (result.status !== 0) {
    const lastLine = (result.stderr ?? '').trim().split('\n').pop() ?? '';
    const noTorch = /No module named ['"]?torch/.test(result.stderr ?? '');
    return { ok: false, reason: `${command}: ${noTorch ? 'no torch module' : lastLine || `exit ${result.status}`}` };
  }
  const [torchVersion = '', pythonVersion = ''] = result.stdout.trim().split('\n');
  return { ok: true, python: { command, torchVersion, pythonVersion } };
}

/** The first candidate that imports torch, and why the ones before it did not. */
export function findPythonWithTorch(candidates: string[] = defaultPythonCandidates().map((c) => c.command)): PythonSearch {
  const rejected: string[] = [];
  for (const command of candidates) {
    const probe = probePython(command);
    if (probe.ok) return { found: probe.python, rejected };
    rejected.push(probe.reason);
  }
  return { rejected };
}
