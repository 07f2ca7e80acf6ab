import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const child = path.join(__dirname, 'fixtures', 'threadedTraining.ts');

/** Trains the fixture's wide model in a process of its own (tfjs starts one wasm build per process). */
function trainWithThreads(threads: number): { detail: string; losses: number[]; layerStats: unknown[] } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', child, String(threads)], { encoding: 'utf8', timeout: 120_000 });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

describe('the threaded WebAssembly build', () => {
  it('starts in Node and trains bit for bit as the single-threaded build does', () => {
    const single = trainWithThreads(1);
    const threaded = trainWithThreads(2);
    assert.match(single.detail, /^WebAssembly with SIMD, 1 thread: asked by the test$/);
    assert.match(threaded.detail, /^WebAssembly with SIMD, 2 threads: asked by the test$/);
    // XNNPACK splits a matmul's output tiles between the threads and each output element is summed
    // in the same order by the same micro-kernel, so nothing may differ: losses of all 8 steps,
    // then every layer's activation, gradient, update and weight statistics after each of them.
    assert.equal(single.losses.length, 8);
    assert.deepEqual(threaded.losses, single.losses);
    assert.deepEqual(threaded.layerStats, single.layerStats);
  });
});
