// A disk cache for what loading data recomputes on every start: the decoded MNIST digits (0.7 s
// of JSON parsing) and each data config's statistics (0.4 s for MNIST), so a second `train`
// starts at once and `lint` needs no data at all. Entries live in one folder per user:
//   $TRAINING_DOCTOR_CACHE (a folder, or "off" to disable), else the OS cache folder:
//   $XDG_CACHE_HOME or ~/.cache on Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows,
//   each + /training-doctor.
// An entry is named by a hash of its key (what it was computed from: the config's data section,
// the seed, the source files' size and modification time, and CACHE_FORMAT) and repeats the key
// inside, so a changed source or option simply misses. Whatever is read back is treated as
// untrusted: a wrong size, key, checksum or value makes it a miss and the caller recomputes.
// Failing to write is never an error (a read-only home still trains, just without the cache).

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Bump when a loader or a statistic changes what it computes: every older entry then misses. */
export const CACHE_FORMAT = 1;

export function cacheDirectory(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | undefined {
  const chosen = env.TRAINING_DOCTOR_CACHE;
  if (chosen !== undefined && chosen !== '') return chosen === 'off' ? undefined : path.resolve(chosen);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'training-doctor', 'Cache');
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', 'training-doctor');
  return path.join(env.XDG_CACHE_HOME || path.join(home, '.cache'), 'training-doctor');
}

/** A stable text for a key: the same values give the same text whatever the order of object fields. */
export function keyText(key: unknown): string {
  return JSON.stringify(key, (_, value: unknown) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

/** Size and modification time: what tells a source file changed without reading it. */
export function fileIdentity(file: string): { file: string; size: number; modified: number } | undefined {
  try {
    const stat = fs.statSync(file);
    return { file, size: stat.size, modified: stat.mtimeMs };
  } catch {
    return undefined;
  }
}

function entryPath(kind: string, keyString: string, extension: string): string | undefined {
  const dir = cacheDirectory();
  if (!dir) return undefined;
  const hash = createHash('sha256').update(`${CACHE_FORMAT}\n${kind}\n${keyString}`).digest('hex').slice(0, 32);
  return path.join(dir, `${kind}-${hash}.${extension}`);
}

/** Reads an entry's bytes when it exists and is at most `maxBytes` long (a bigger file is not ours). */
function readBounded(file: string, maxBytes: number): Buffer | undefined {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile() || stat.size > maxBytes) return undefined;
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes through a temporary file and a rename, so a reader never sees half an entry. */
function writeAtomically(file: string, bytes: Uint8Array): void {
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(temporary, bytes);
    fs.renameSync(temporary, file);
  } catch {
    try {
      fs.rmSync(temporary, { force: true });
    } catch {
      // Nothing more to do: the cache is an optimization.
    }
  }
}

const MAX_JSON_ENTRY = 4 * 1024 * 1024;

/**
 * A JSON entry: `validate` gets the parsed value (anything: the file is untrusted) and returns
 * the typed value, or undefined to reject it.
 */
export function readJsonEntry<T>(kind: string, key: unknown, validate: (value: unknown) => T | undefined): T | undefined {
  const keyString = keyText(key);
  const file = entryPath(kind, keyString, 'json');
  const bytes = file && readBounded(file, MAX_JSON_ENTRY);
  if (!bytes) return undefined;
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as { key?: unknown; value?: unknown };
    if (typeof parsed !== 'object' || parsed === null || parsed.key !== keyString) return undefined;
    return validate(parsed.value);
  } catch {
    return undefined;
  }
}

export function writeJsonEntry(kind: string, key: unknown, value: unknown): void {
  const keyString = keyText(key);
  const file = entryPath(kind, keyString, 'json');
  if (file) writeAtomically(file, Buffer.from(JSON.stringify({ key: keyString, value })));
}

// A binary entry: "TDC1", the key's length and text, the payload's length and 32-bit checksum,
// then the payload (float32 arrays, little-endian as every platform Node runs on).
const MAGIC = 0x31434454; // "TDC1" read as a little-endian uint32

function checksum(bytes: Uint8Array): number {
  const whole = bytes.length >> 2;
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, whole);
  let hash = 0x811c9dc5;
  for (let i = 0; i < whole; i++) hash = Math.imul(hash ^ words[i], 0x01000193);
  for (let i = whole * 4; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193);
  return hash >>> 0;
}

/** The payload of a binary entry whose key and checksum match, at most `maxPayloadBytes` long. */
export function readBinaryEntry(kind: string, key: unknown, maxPayloadBytes: number): Uint8Array | undefined {
  const keyString = keyText(key);
  const file = entryPath(kind, keyString, 'bin');
  const keyBytes = Buffer.from(keyString);
  const headerBytes = 16 + keyBytes.length;
  const bytes = file && readBounded(file, headerBytes + maxPayloadBytes);
  if (!bytes || bytes.length < headerBytes) return undefined;
  if (bytes.readUInt32LE(0) !== MAGIC || bytes.readUInt32LE(4) !== keyBytes.length || !bytes.subarray(8, 8 + keyBytes.length).equals(keyBytes)) return undefined;
  const payloadBytes = bytes.length - headerBytes;
  if (bytes.readUInt32LE(8 + keyBytes.length) !== payloadBytes) return undefined;
  // Copied to a fresh, aligned buffer: Node's file buffers may start at any byte offset.
  const payload = new Uint8Array(payloadBytes);
  payload.set(bytes.subarray(headerBytes));
  return checksum(payload) === bytes.readUInt32LE(12 + keyBytes.length) ? payload : undefined;
}

export function writeBinaryEntry(kind: string, key: unknown, payload: Uint8Array): void {
  const keyString = keyText(key);
  const file = entryPath(kind, keyString, 'bin');
  if (!file) return;
  const keyBytes = Buffer.from(keyString);
  const header = Buffer.alloc(16 + keyBytes.length);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt32LE(keyBytes.length, 4);
  keyBytes.copy(header, 8);
  header.writeUInt32LE(payload.length, 8 + keyBytes.length);
  header.writeUInt32LE(checksum(payload), 12 + keyBytes.length);
  writeAtomically(file, Buffer.concat([header, payload]));
}
