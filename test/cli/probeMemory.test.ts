// A probe batch larger than the WebAssembly heap (4 GB) can hold: said in words, with the batch
// that fits, instead of the backend's "RuntimeError: Aborted()" and its stack.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, removeDir, runCli, show, tempDir } from './cliTestHelpers';

describe('training-doctor probe: out of memory', () => {
  let dir: string;
  before(() => {
    assertBuilt();
    dir = tempDir('td-probe-memory-');
  });
  after(() => removeDir(dir));

  it('reports a batch whose layer outputs cannot fit the wasm heap, and the default batch for the model', async () => {
    // One 1024×1024×256 conv output is 1 GB per example: 5 examples cannot be allocated at all.
    fs.writeFileSync(path.join(dir, 'huge.train.json'), JSON.stringify({
      name: 'huge', data: { dataset: { synthetic: 'placeholder', shape: [1024, 1024, 3], classes: 2, samples: 8 } },
      model: { input: [1024, 1024, 3], layers: [
        { type: 'conv2d', filters: 256, kernelSize: 3, padding: 'same' }, { type: 'globalAveragePooling2d' }, { type: 'dense', units: 2, activation: 'softmax' },
      ] },
      training: { epochs: 1, optimizer: { type: 'adam' } },
      // Raised past what wasm can hold, so that the probe gets as far as the backend's own limit
      // (without it the memory estimate refuses first: see memoryBudget.test.ts).
      memoryBudget: { modelGiB: 1000 },
    }));
    const result = await runCli(['probe', 'huge.train.json', '--batch', '5', '--backend', 'wasm'], { cwd: dir, timeoutMs: 120_000 });
    assert.equal(result.code, 1, show(result));
    assert.match(result.stderr, /training-doctor: The wasm backend ran out of memory probing 5 examples .* Use a smaller --batch \(the default for this model is 1\)\./);
    assert.doesNotMatch(result.stderr, /RuntimeError|    at /);
  });
});
