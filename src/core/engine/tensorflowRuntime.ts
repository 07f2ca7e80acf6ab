// Chooses the TensorFlow.js backend at run time. The native binding (@tensorflow/tfjs-node) is
// optional: its install downloads libtensorflow, which fails on machines without internet, so we
// try it (the workspace's own node_modules first, then ours), fall back to the WebAssembly
// backend, then to plain JavaScript, and record why each step was passed over.
//
// tfjs-node brings its own copy of tfjs-core, so when it loads we must use the namespace it
// exports for everything; hence the engine receives `tf` from here instead of importing it.

import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { registerBatchNormGradient } from './batchNormGradient';
import { registerMissingWasmKernels } from './wasmKernels';
import type { WasmThreadChoice } from './wasmThreadChoice';
import { nodeSupportsWasmThreads, threadedGluePath, withThreadedBuildBridges } from './wasmThreadedBuild';

export type Tf = typeof import('@tensorflow/tfjs');
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

export interface BackendAttempt {
  backend: BackendName;
  source?: string;
  error: string;
}

export interface TensorflowRuntime {
  tf: Tf;
  backend: BackendName;
  /** Where the backend came from, e.g. the path of the tfjs-node package, or "WebAssembly with SIMD, 1 thread: …". */
  detail: string;
  /** Backends tried before the one in use, with the reason each was passed over. */
  skipped: BackendAttempt[];
}

export interface RuntimeOptions {
  preference?: BackendPreference;
  /** Folders whose node_modules may hold a user-installed @tensorflow/tfjs-node, tried in order. */
  searchDirs?: string[];
  /**
   * Threads for the WebAssembly backend (see wasmThreadChoice.ts), decided before it loads: tfjs
   * starts it once per process, so the first wasm runtime's choice holds for the later ones.
   * Without it, the single-threaded build.
   */
  wasmThreads?: WasmThreadChoice;
}

const cached = new Map<string, Promise<TensorflowRuntime>>();

/** Loads (once per preference) and initializes a backend. */
export function loadTensorflow(options: RuntimeOptions = {}): Promise<TensorflowRuntime> {
  const key = JSON.stringify([options.preference ?? 'auto', options.searchDirs ?? [], options.wasmThreads?.threads ?? 1]);
  let runtime = cached.get(key);
  if (!runtime) {
    runtime = initialize(options);
    cached.set(key, runtime);
    runtime.catch(() => cached.delete(key));
  }
  // tfjs has one global backend: loading another preference since then switched it, so a cached
  // runtime switches it back, or it would run on a backend other than the one it reports.
  return runtime.then(async (loaded) => {
    if (loaded.tf.getBackend() !== loaded.backend) await withQuietConsole(() => loaded.tf.setBackend(loaded.backend));
    return loaded;
  });
}

async function initialize(options: RuntimeOptions): Promise<TensorflowRuntime> {
  const preference = options.preference ?? 'auto';
  const order: BackendName[] = preference === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : [preference];
  const skipped: BackendAttempt[] = [];
  for (const backend of order) {
    try {
      if (backend === 'tensorflow') {
        const found = findTfjsNode(options.searchDirs ?? [], skipped);
        if (!found) continue;
        registerBatchNormGradient(found.tf);
        return { ...found, skipped };
      }
      const tf = bundledTensorflow();
      registerBatchNormGradient(tf);
      if (backend === 'wasm') return { tf, backend, detail: await initWasm(tf, options.wasmThreads), skipped };
      await withQuietConsole(async () => {
        await tf.setBackend('cpu');
        // The greeting comes with the backend's first tensor, not with setBackend.
        tf.dispose(tf.scalar(0));
      });
      await tf.ready();
      return { tf, backend: 'cpu', detail: 'pure JavaScript (slow: no native or WebAssembly kernels)', skipped };
    } catch (error) {
      skipped.push({ backend, error: errorText(error) });
    }
  }
  const reasons = skipped.map((s) => `${s.backend}${s.source ? ` (${s.source})` : ''}: ${s.error}`).join('; ');
  throw new Error(`No TensorFlow.js backend could be started (${reasons}).`);
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0];
}

/** Candidate places for @tensorflow/tfjs-node: each search dir, then our own install. */
export function tfjsNodeCandidates(searchDirs: string[]): { source: string; load: () => unknown }[] {
  const candidates = searchDirs.map((dir) => {
    const requireFrom = createRequire(path.join(path.resolve(dir), 'package.json'));
    return { source: dir, load: () => requireFrom('@tensorflow/tfjs-node') };
  });
  candidates.push({ source: 'training-doctor', load: () => require('@tensorflow/tfjs-node') });
  return candidates;
}

function findTfjsNode(searchDirs: string[], skipped: BackendAttempt[]): Omit<TensorflowRuntime, 'skipped'> | undefined {
  for (const candidate of tfjsNodeCandidates(searchDirs)) {
    try {
      const tf = candidate.load() as Tf;
      if (typeof tf?.getBackend !== 'function' || !tf.findBackend?.('tensorflow')) {
        throw new Error('the package loaded but registered no "tensorflow" backend');
      }
      tf.setBackend('tensorflow');
      return { tf, backend: 'tensorflow', detail: `@tensorflow/tfjs-node from ${candidate.source}` };
    } catch (error) {
      const text = errorText(error);
      const notInstalled = /Cannot find module '@tensorflow\/tfjs-node'/.test(text);
      skipped.push({ backend: 'tensorflow', source: candidate.source, error: notInstalled ? 'not installed' : text });
    }
  }
  return undefined;
}

function bundledTensorflow(): Tf {
  return require('@tensorflow/tfjs') as Tf;
}

/** The folder holding the backend's .wasm binaries: next to the bundle, else in node_modules. */
export function wasmBinaryDir(): string {
  const besideBundle = path.join(__dirname, 'wasm');
  if (fs.existsSync(path.join(besideBundle, 'tfjs-backend-wasm.wasm'))) return besideBundle;
  const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return path.join(path.dirname(pkg), 'dist');
}

const SINGLE_THREAD: WasmThreadChoice = { threads: 1, reason: 'no threads asked for' };

/** What the wasm backend, once started in this process, runs with (it cannot be restarted with other threads). */
let wasmStarted: Promise<WasmThreadChoice> | undefined;

async function initWasm(tf: Tf, requested: WasmThreadChoice = SINGLE_THREAD): Promise<string> {
  const first = !wasmStarted;
  wasmStarted ??= startWasm(tf, requested);
  let started: WasmThreadChoice;
  try {
    started = await wasmStarted;
  } catch (error) {
    wasmStarted = undefined;
    throw error;
  }
  if (tf.getBackend() !== 'wasm') await withQuietConsole(() => tf.setBackend('wasm'));
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const build = simd ? 'WebAssembly with SIMD' : 'WebAssembly';
  const reason = first ? started.reason
    : started.threads === requested.threads ? requested.reason : `the process started it for an earlier run (${started.reason})`;
  return `${build}, ${started.threads} thread${started.threads === 1 ? '' : 's'}: ${reason}`;
}

async function startWasm(tf: Tf, requested: WasmThreadChoice): Promise<WasmThreadChoice> {
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  const dir = wasmBinaryDir();
  wasm.setWasmPaths(dir + path.sep);
  const unsupported = requested.threads > 1 ? nodeSupportsWasmThreads() : undefined;
  if (requested.threads > 1 && !unsupported && await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    wasm.setThreadsCount(requested.threads);
    try {
      await withThreadedBuildBridges(requested.threads, threadedGluePath(dir), () => setWasmBackend(tf));
      const threads = wasm.getThreadsCount();
      return threads === requested.threads ? requested : { threads, reason: `${requested.threads} asked for, the build started ${threads}` };
    } catch (error) {
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      await setWasmBackend(tf);
      return { threads: 1, reason: `the threaded build failed to start (${errorText(error)})` };
    }
  }
  await setWasmBackend(tf);
  if (requested.threads === 1) return requested;
  return { threads: 1, reason: unsupported ?? 'the threaded build needs SIMD' };
}

async function setWasmBackend(tf: Tf): Promise<void> {
  // Emscripten's runtime installs process-wide handlers that rethrow every uncaught error and
  // unhandled rejection, turning any later crash into a dump of its minified source. Whoever
  // embeds the engine (the CLI, the trainer process) keeps its own error handling instead.
  const uncaught = process.listeners('uncaughtException');
  const unhandled = process.listeners('unhandledRejection');
  let ok: boolean;
  try {
    ok = await tf.setBackend('wasm');
    await tf.ready();
  } finally {
    for (const l of process.listeners('uncaughtException')) if (!uncaught.includes(l)) process.removeListener('uncaughtException', l);
    for (const l of process.listeners('unhandledRejection')) if (!unhandled.includes(l)) process.removeListener('unhandledRejection', l);
  }
  if (!ok) throw new Error('the WebAssembly backend failed to initialize');
  registerMissingWasmKernels(tf);
}

/** tfjs greets Node users of the cpu backend on the console; keep our output clean. */
async function withQuietConsole<T>(body: () => T | Promise<T>): Promise<T> {
  const warn = console.warn;
  const log = console.log;
  console.warn = () => undefined;
  console.log = () => undefined;
  try {
    return await body();
  } finally {
    console.warn = warn;
    console.log = log;
  }
}
