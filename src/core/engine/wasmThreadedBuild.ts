// Starts tfjs-backend-wasm's threaded SIMD build under Node, which the package supports only in
// browsers. Three things stand in the way, each bridged here for the moment the backend starts:
// - its `WASM_HAS_MULTITHREAD_SUPPORT` flag is false whenever it runs in Node: we set it after
//   checking that this Node shares WebAssembly memory between threads;
// - its emscripten glue starts each pthread as `new Worker(<blob: URL>)` and sends it the main
//   script as a Blob, neither of which a worker_threads Worker can load: the global `Worker` the
//   glue uses is, while the backend starts, a worker_threads Worker that runs the package's own
//   worker script and hands it the package's glue file (shipped beside the bundle, see
//   scripts/build.mjs) instead of the Blob;
// - the binary sizes its thread pool min(requested, cores ÷ 2), reading the cores from os.cpus()
//   once, as it starts: for that moment os.cpus() lists twice the threads asked for.
// The pool's workers hold the process open only while they load (emscripten refs a worker again
// while its thread runs, and pool threads run for the life of the backend): a CLI command exits
// when its work is done.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker as NodeWorker, type TransferListItem } from 'node:worker_threads';

const GLUE = 'tfjs-backend-wasm-threaded-simd.js';

/** The os module itself (an `import *` gives a copy): the glue calls its cpus(). */
const nodeOs = require('node:os') as { cpus: () => unknown[] };
/** WebAssembly as far as this check needs it (the DOM typings are not in this project's lib). */
const { WebAssembly: wasmApi } = globalThis as unknown as { WebAssembly: { Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => { buffer: unknown } } };

/** The threaded build's emscripten glue, which each pool worker evaluates: beside the bundle, else in node_modules. */
export function threadedGluePath(besideBundle: string): string {
  const shipped = path.join(besideBundle, GLUE);
  if (fs.existsSync(shipped)) return shipped;
  const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return path.join(path.dirname(pkg), 'wasm-out', GLUE);
}

/** Whether this Node can run WebAssembly threads: shared memory and worker_threads. */
export function nodeSupportsWasmThreads(): string | undefined {
  try {
    const memory = new wasmApi.Memory({ initial: 1, maximum: 1, shared: true });
    if (!(memory.buffer instanceof SharedArrayBuffer)) return 'this Node does not share WebAssembly memory';
    if (typeof NodeWorker !== 'function') return 'no worker_threads';
    return undefined;
  } catch (error) {
    return `no shared WebAssembly memory (${error instanceof Error ? error.message : String(error)})`;
  }
}

/**
 * Runs `start` (which starts the wasm backend) with the threaded build's Node bridges in place,
 * asking for `threads` threads. The pool workers created later by the glue use the same bridge.
 */
export async function withThreadedBuildBridges<T>(threads: number, gluePath: string, start: () => Promise<T>): Promise<T> {
  const workerScript = threadedWorkerScript();
  class PoolWorker extends NodeWorker {
    constructor() {
      super(workerScript, { eval: true });
    }
    override postMessage(message: unknown, transfer?: readonly TransferListItem[]): void {
      const load = message as { cmd?: string; urlOrBlob?: unknown } | null;
      super.postMessage(load?.cmd === 'load' && typeof load.urlOrBlob !== 'string' ? { ...load, urlOrBlob: gluePath } : message, transfer);
    }
    override ref(): void {
      // The glue unrefs a worker once it has loaded, and refs it again while it runs a thread:
      // pool threads run (waiting for work) for the backend's whole life, so that ref is skipped.
    }
  }
  // The glue assigns `Worker` when it starts; the getter keeps ours in place for its later pthreads.
  Object.defineProperty(globalThis, 'Worker', { configurable: true, get: () => PoolWorker, set: () => undefined });
  const cpus = nodeOs.cpus;
  const reported = Math.max(2 * threads, cpus().length);
  nodeOs.cpus = () => {
    const real = cpus();
    return Array.from({ length: reported }, (_, i) => real[i % real.length]);
  };
  try {
    return await start();
  } finally {
    nodeOs.cpus = cpus;
  }
}

/** The package's pthread worker script, which it keeps as a string for its blob: URL. */
function threadedWorkerScript(): string {
  const { wasmWorkerContents } = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js') as { wasmWorkerContents: string };
  // The string's "\n" escapes became newlines inside string literals; the package re-escapes them too.
  return wasmWorkerContents.replace(/\n/g, '\\n');
}
