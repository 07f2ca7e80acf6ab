import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadTensorflow, tfjsNodeCandidates, wasmBinaryDir } from '../../../src/core/engine/tensorflowRuntime';
import { tempDir } from './engineFixtures';

const root = tempDir('runtime');
after(root.cleanup);

/** A workspace folder whose node_modules holds a fake @tensorflow/tfjs-node with this index.js. */
function fakeTfjsNode(name: string, indexJs: string): string {
  const dir = path.join(root.dir, name);
  const pkg = path.join(dir, 'node_modules', '@tensorflow', 'tfjs-node');
  fs.mkdirSync(pkg, { recursive: true });
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node', version: '4.22.0', main: 'index.js' }));
  fs.writeFileSync(path.join(pkg, 'index.js'), indexJs);
  return dir;
}

describe('loadTensorflow', () => {
  it('falls back to wasm when a workspace tfjs-node throws on require, recording its error', async () => {
    const dir = fakeTfjsNode('throws', "throw new Error('The specified module could not be found: tfjs_binding.node');");
    const runtime = await loadTensorflow({ searchDirs: [dir] });
    assert.equal(runtime.backend, 'wasm');
    assert.equal(runtime.tf.getBackend(), 'wasm');
    assert.match(runtime.detail, /^WebAssembly/);
    assert.deepEqual(runtime.skipped[0], { backend: 'tensorflow', source: dir, error: 'The specified module could not be found: tfjs_binding.node' });
    // Our own optional dependency is tried last; it is not installed on this machine.
    assert.deepEqual(runtime.skipped.at(-1), { backend: 'tensorflow', source: 'training-doctor', error: 'not installed' });
    assert.equal(runtime.skipped.length, 2);
  });

  it('skips a tfjs-node that loads but registers no "tensorflow" backend, saying so', async () => {
    const dir = fakeTfjsNode('no-backend', 'module.exports = { getBackend: () => "cpu", findBackend: () => undefined };');
    const runtime = await loadTensorflow({ preference: 'auto', searchDirs: [dir] });
    assert.equal(runtime.backend, 'wasm');
    assert.deepEqual(runtime.skipped[0], { backend: 'tensorflow', source: dir, error: 'the package loaded but registered no "tensorflow" backend' });
  });

  it('reports a search dir without tfjs-node as "not installed" and tries the dirs in order', async () => {
    const empty = path.join(root.dir, 'empty');
    fs.mkdirSync(empty, { recursive: true });
    const broken = fakeTfjsNode('broken', "throw new Error('boom');");
    const runtime = await loadTensorflow({ searchDirs: [empty, broken] });
    assert.deepEqual(runtime.skipped.map((s) => [s.source, s.error]), [[empty, 'not installed'], [broken, 'boom'], ['training-doctor', 'not installed']]);
    assert.deepEqual(tfjsNodeCandidates([empty, broken]).map((c) => c.source), [empty, broken, 'training-doctor']);
  });

  it('caches per options: the same options give the same runtime object', async () => {
    const dir = path.join(root.dir, 'throws');
    const a = await loadTensorflow({ searchDirs: [dir] });
    const b = await loadTensorflow({ searchDirs: [dir] });
    assert.equal(a, b);
  });

  it('finds the wasm binaries', () => {
    assert.ok(fs.existsSync(path.join(wasmBinaryDir(), 'tfjs-backend-wasm.wasm')));
  });

  it('preference "cpu" gives the cpu backend, and a cached wasm runtime switches the global backend back', async () => {
    const cpu = await loadTensorflow({ preference: 'cpu' });
    assert.equal(cpu.backend, 'cpu');
    assert.equal(cpu.tf.getBackend(), 'cpu');
    assert.deepEqual(cpu.skipped, []);
    assert.match(cpu.detail, /JavaScript/);
    const wasm = await loadTensorflow({ preference: 'wasm' });
    assert.equal(wasm.backend, 'wasm');
    assert.equal(wasm.tf.getBackend(), 'wasm', 'the runtime must run on the backend it reports');
    assert.equal((await loadTensorflow({ preference: 'cpu' })).tf.getBackend(), 'cpu');
    assert.equal((await loadTensorflow({ preference: 'wasm' })).tf.getBackend(), 'wasm');
  });

  it('a runtime asking for wasm threads after the single-threaded build started says it runs on that one, and why', async () => {
    const single = await loadTensorflow({ preference: 'wasm' });
    assert.equal(single.detail, 'WebAssembly with SIMD, 1 thread: no threads asked for');
    const threaded = await loadTensorflow({ preference: 'wasm', wasmThreads: { threads: 2, reason: 'wide layers' } });
    assert.notEqual(threaded, single, 'the thread choice is part of the cache key');
    assert.equal(threaded.detail, 'WebAssembly with SIMD, 1 thread: the process started it for an earlier run (no threads asked for)');
    assert.equal(threaded.tf.getBackend(), 'wasm');
  });

  it('preference "tensorflow" without tfjs-node fails with every reason', async () => {
    await assert.rejects(loadTensorflow({ preference: 'tensorflow', searchDirs: [path.join(root.dir, 'throws')] }),
      /No TensorFlow.js backend could be started \(tensorflow \(.*throws\): The specified module could not be found: tfjs_binding.node; tensorflow \(training-doctor\): not installed\)/);
  });
});
