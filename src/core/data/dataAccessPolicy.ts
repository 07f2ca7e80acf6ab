// Which files a config may make the tool read. A config is often someone else's text (a pull
// request in CI, a repository opened in Restricted Mode) and `data.dataset.csv` is a path, so left
// unchecked it could read any file the user can. Every reader of data (CLI, editor diagnostics,
// trainer) asks here: the path is resolved with its symlinks followed, then must lie inside one of
// the allowed folders. A path outside is refused before anything tells whether it exists.

import * as fs from 'node:fs';
import * as path from 'node:path';

export type DataAccess =
  | { type: 'anywhere' }
  | {
    type: 'inside';
    /** Folders (absolute) that data must resolve inside; none means no data file at all. */
    roots: string[];
    /** Ends a refusal: says which folders these are and how to allow more. */
    hint: string;
  };

/** Where a config's data is read from: relative paths start at `baseDir`; `dataAccess` bounds where they may lead (the config's project when absent). */
export interface DataLocation {
  baseDir: string;
  dataAccess?: DataAccess;
}

export const DATA_ANYWHERE: DataAccess = { type: 'anywhere' };

export function dataInside(roots: string[], hint: string): DataAccess {
  return { type: 'inside', roots: [...new Set(roots.map((root) => path.resolve(root)))], hint };
}

/** The nearest folder at or above `dir` that holds `.git` (a folder, or a worktree's file). */
export function repositoryRoot(dir: string): string | undefined {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (fs.existsSync(path.join(current, '.git'))) return current;
    if (path.dirname(current) === current) return undefined;
  }
}

/** The config's project: its repository, or its own folder when it is in none. */
export function projectFolder(configDir: string): string {
  return repositoryRoot(configDir) ?? path.resolve(configDir);
}

/** What a library caller gets without choosing: data inside the config's project only. */
export function defaultDataAccess(configDir: string): DataAccess {
  const project = projectFolder(configDir);
  return dataInside([project], `Data is read only inside the config's project (${project}).`);
}

/** True when `target` is `folder` or lies below it (both absolute, already resolved). */
export function isInsideFolder(target: string, folder: string): boolean {
  const relative = path.relative(folder, target);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

/** The real path (symlinks resolved) of an existing file, or its plain resolved path when it cannot be resolved. */
function realPathOf(file: string): string {
  try {
    return fs.realpathSync.native(file);
  } catch {
    return path.resolve(file);
  }
}

/** `file`'s real path when it lies inside one of `roots` (roots resolved the same way), else undefined. */
export function realPathInside(file: string, roots: readonly string[]): string | undefined {
  const real = realPathOf(file);
  const realRoots = roots.map(realPathOf);
  return realRoots.some((root) => isInsideFolder(real, root)) ? real : undefined;
}

export type DataFileDecision =
  | { type: 'allowed'; path: string }
  | { type: 'refused'; message: string };

/**
 * Where to read `file` (as written in the config, relative to `baseDir`) under `access`. The
 * resolved path is checked first (so a path outside is refused without looking at it), then its
 * real path (so a symlink inside cannot lead outside). A missing file inside is allowed: the
 * reader reports it as missing.
 */
export function resolveDataFile(baseDir: string, file: string, access: DataAccess): DataFileDecision {
  const resolved = path.resolve(baseDir, file);
  if (access.type === 'anywhere') return { type: 'allowed', path: resolved };
  const where = access.roots.length === 0 ? 'no folder is open to read data from' : `it is outside ${describeRoots(access.roots)}`;
  const refusal = (shown: string): DataFileDecision => ({
    type: 'refused',
    message: `The data file "${file}" was not read: ${shown}, and ${where}. ${access.hint}`,
  });
  if (!access.roots.some((root) => isInsideFolder(resolved, root))) return refusal(`it resolves to ${resolved}`);
  const real = realPathOf(resolved);
  if (!access.roots.map(realPathOf).some((root) => isInsideFolder(real, root))) return refusal(`it leads (through a symbolic link) to ${real}`);
  return { type: 'allowed', path: real };
}

function describeRoots(roots: readonly string[]): string {
  return roots.length === 1 ? roots[0] : `${roots.slice(0, -1).join(', ')} and ${roots[roots.length - 1]}`;
}
