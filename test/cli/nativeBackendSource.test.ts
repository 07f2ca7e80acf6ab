// The CLI loads native code (tfjs-node) only from where it is run, never from beside the config:
// a config folder in an untrusted pull request can carry a node_modules of its own, and loading
// it would run that code in CI.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { assertBuilt, removeDir, runCli, show, tempDir, writeSpiralsConfig } from './cliTestHelpers';

const dir = tempDir('native');
after(() => removeDir(dir));

test('probe does not load a tfjs-node committed beside the config', async () => {
  assertBuilt();
  const project = path.join(dir, 'pr');
  const marker = path.join(dir, 'loaded-from-the-pull-request');
  const pkg = path.join(project, 'node_modules', '@tensorflow', 'tfjs-node');
  fs.mkdirSync(pkg, { recursive: true });
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node', version: '4.22.0', main: 'index.js' }));
  fs.writeFileSync(path.join(pkg, 'index.js'), `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran'); throw new Error('hostile');`);
  const config = writeSpiralsConfig(project, 'model.train.json');
  const runner = path.join(dir, 'ci');
  fs.mkdirSync(runner);
  const result = await runCli(['probe', config, '--json', '--backend', 'auto', '--batch', '16'], { cwd: runner, timeoutMs: 120_000 });
  assert.equal(result.code, 0, show(result));
  assert.equal(fs.existsSync(marker), false, 'the package beside the config was not loaded');
  assert.equal(JSON.parse(result.stdout).backend, 'wasm');
});
