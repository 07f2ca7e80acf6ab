// The CLI on the threaded WebAssembly build (a config's `wasmThreads`): the run says so, and the
// pool's worker threads neither keep the command running once its work is done nor stop Ctrl+C.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { interruptAfterFirstEpoch, readJson, runCli, runFolders, show, suiteWorkspaces, writeSpiralsConfig } from './cliTestHelpers';

const WIDE = [
  { type: 'dense', units: 256, activation: 'relu', kernelInitializer: 'heNormal' },
  { type: 'dense', units: 2, activation: 'softmax' },
];

/** The spirals config on two wasm threads. */
function writeThreadedConfig(cwd: string, file: string, epochs: number): void {
  const written = writeSpiralsConfig(cwd, file, { name: 'cli-threads', epochs, layers: WIDE });
  const text = fs.readFileSync(written, 'utf8').replace('"seed": 3,', '"seed": 3,\n  "wasmThreads": 2,\n  "backend": "wasm",');
  fs.writeFileSync(written, text);
}

describe('training-doctor on the threaded WebAssembly build', () => {
  const workspace = suiteWorkspaces('threads');

  it('train exits 0 when the run ends, and run.json records the threads', async () => {
    const cwd = workspace('train');
    writeThreadedConfig(cwd, 'threads.train.json', 2);
    // runCli fails the test if the command has not ended within its guard (before the pool's
    // workers were kept from holding the process open, it never ended).
    const result = await runCli(['train', 'threads.train.json'], { cwd });
    assert.equal(result.code, 0, show(result));
    assert.match(result.stdout, /^Training "cli-threads" on wasm \(WebAssembly with SIMD, 2 threads: the config's wasmThreads\)/m);
    const [folder] = runFolders(path.join(cwd, '.training-doctor', 'runs'));
    assert.equal(readJson(path.join(folder, 'run.json')).backendDetail, "WebAssembly with SIMD, 2 threads: the config's wasmThreads");
  });

  it('probe exits 0 too', async () => {
    const cwd = workspace('probe');
    writeThreadedConfig(cwd, 'threads.train.json', 2);
    const result = await runCli(['probe', 'threads.train.json', '--json'], { cwd });
    assert.equal(result.code, 0, show(result));
  });

  it('Ctrl+C during a threaded run: exit 130, the run cancelled', async () => {
    const cwd = workspace('cancel');
    writeThreadedConfig(cwd, 'long.train.json', 1000);
    const { result, signalled } = await interruptAfterFirstEpoch('long.train.json', 1000, cwd);
    assert.ok(signalled, `the first epoch line appeared:\n${show(result)}`);
    assert.equal(result.code, 130, show(result));
    assert.match(result.stdout, /^Run cancelled after \d+ epoch\(s\)/m);
  });
});
