// Reads a data file (as text, or as bytes for images) only when it is a regular file, and never more than a byte budget.
// A path may name a FIFO (whose open blocks until a writer comes, holding one of libuv's four
// file-I/O threads forever), a device such as /dev/zero (endless), or a file that grows: the open
// is non-blocking, the kind is checked on the open descriptor, and reading stops at the budget.

import * as fs from 'node:fs';

export type BoundedRead =
  | { type: 'text'; text: string }
  | BoundedFailure;

export type BoundedBytesRead =
  | { type: 'bytes'; bytes: Buffer }
  | BoundedFailure;

type BoundedFailure =
  | { type: 'missing' }
  | { type: 'directory' }
  /** A FIFO, a socket, a device: `kind` names it. */
  | { type: 'not-a-file'; kind: string }
  | { type: 'too-large'; limit: number };

const CHUNK_BYTES = 1 << 16;

// Windows has neither flag; there a FIFO cannot be opened by path anyway.
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

export async function readRegularFile(file: string, maxBytes: number): Promise<BoundedRead> {
  const read = await readRegularFileBytes(file, maxBytes);
  return read.type === 'bytes' ? { type: 'text', text: read.bytes.toString('utf8') } : read;
}

/** The same rules for binary data (images). */
export async function readRegularFileBytes(file: string, maxBytes: number): Promise<BoundedBytesRead> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, OPEN_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { type: 'missing' };
    if (code === 'EISDIR') return { type: 'directory' };
    // A socket cannot be opened at all.
    if (code === 'ENXIO' || code === 'EOPNOTSUPP') return { type: 'not-a-file', kind: 'a socket' };
    throw error;
  }
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) return { type: 'directory' };
    if (!stats.isFile()) return { type: 'not-a-file', kind: kindOf(stats) };
    if (stats.size > maxBytes) return { type: 'too-large', limit: maxBytes };
    // The size may lie (files under /proc say 0) or grow while we read: count what arrives.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) return { type: 'too-large', limit: maxBytes };
      chunks.push(buffer.subarray(0, bytesRead));
    }
    return { type: 'bytes', bytes: Buffer.concat(chunks, total) };
  } finally {
    await handle.close();
  }
}

function kindOf(stats: fs.Stats): string {
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}
