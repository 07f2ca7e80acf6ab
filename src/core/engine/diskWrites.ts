// The few ways the engine writes files, made safe against the disk it is given: a file appears
// whole or not at all (write a temporary, then rename), folders are created one level at a time
// (Node's recursive mkdir spins forever on paths such as /proc/runs), and every failure becomes
// an error that says what could not be written and why, in words.

import * as fs from 'node:fs';
import * as path from 'node:path';

/** A file or folder the engine could not write; its message is meant for the user. */
export class DiskWriteError extends Error {
  constructor(message: string, readonly code?: string) {
    super(message);
    this.name = 'DiskWriteError';
  }
}

const CAUSES: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'it is a folder',
  ENOENT: 'a part of the path does not exist',
  EEXIST: 'something else already has that name',
  ENAMETOOLONG: 'the path is too long',
  EIO: 'an input/output error occurred',
};

/** `Cannot write <what> (<path>): <cause> (<code>).` for an error thrown by fs. */
export function describeWriteError(what: string, target: string, error: unknown): DiskWriteError {
  if (error instanceof DiskWriteError) return error;
  const code = (error as NodeJS.ErrnoException)?.code;
  const cause = (code && CAUSES[code]) ?? (error instanceof Error ? error.message : String(error));
  return new DiskWriteError(`Cannot write ${what} (${target}): ${cause}${code ? ` (${code})` : ''}.`, code);
}

/** Writes `file` through a temporary beside it and a rename, so no reader ever sees half of it. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, data);
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * Creates `dir` and its missing parents, one level at a time, and checks that it ends up a
 * writable folder. Throws a DiskWriteError saying which part is wrong (a file in the way, a
 * read-only or pseudo file system, no permission); never loops.
 */
export function makeWritableDirectory(dir: string, what: string): void {
  const target = path.resolve(dir);
  const missing: string[] = [];
  let existing = target;
  for (;;) {
    const stat = statOrUndefined(existing);
    if (stat) {
      if (!stat.isDirectory()) throw new DiskWriteError(`Cannot write ${what} (${target}): ${existing} is not a folder.`, 'ENOTDIR');
      break;
    }
    const parent = path.dirname(existing);
    if (parent === existing) break;
    missing.unshift(existing);
    existing = parent;
  }
  try {
    for (const level of missing) {
      try {
        fs.mkdirSync(level);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // Made meanwhile by someone else: fine if it is a folder (checked below).
        if (code === 'EEXIST') continue;
        // Its parent exists, so a pseudo file system (/proc, /sys) refuses new folders.
        if (code === 'ENOENT') throw new DiskWriteError(`Cannot write ${what} (${target}): ${path.dirname(level)} does not allow new folders (ENOENT).`, code);
        throw error;
      }
    }
    if (!fs.statSync(target).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
    // Permission bits say nothing to root or on a read-only mount: ask the file system itself.
    fs.accessSync(target, fs.constants.W_OK);
    const probe = path.join(target, `.write-check-${process.pid}`);
    fs.writeFileSync(probe, '');
    fs.rmSync(probe, { force: true });
  } catch (error) {
    throw describeWriteError(what, target, error);
  }
}

function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}
