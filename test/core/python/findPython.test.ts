import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultPythonCandidates, findPythonWithTorch } from '../../../src/core/python/findPython';

describe('findPythonWithTorch', () => {
  it('passes over missing and failing candidates, saying why', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'td-python-'));
    const failing = path.join(dir, 'python-without-torch');
    fs.writeFileSync(failing, '#!/bin/sh\necho "ModuleNotFoundError: No module named \'torch\'" >&2\nexit 1\n', { mode: 0o755 });
    const search = findPythonWithTorch([path.join(dir, 'missing-python'), failing]);
    assert.equal(search.found, undefined);
    assert.deepEqual(search.rejected, [`${path.join(dir, 'missing-python')}: not found`, `${failing}: no torch module`]);
  });

  it('takes the first candidate that imports torch and reports its versions', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'td-python-'));
    const fake = path.join(dir, 'python-with-torch');
    fs.writeFileSync(fake, '#!/bin/sh\necho 2.1.0\necho 3.12.1\n', { mode: 0o755 });
    const search = findPythonWithTorch([path.join(dir, 'missing'), fake, '/bin/false']);
    assert.deepEqual(search.found, { command: fake, torchVersion: '2.1.0', pythonVersion: '3.12.1' });
    assert.equal(search.rejected.length, 1);
  });

  it('by default tries the pytorch backend\'s list, in its order: PATH\'s python3, then python, then the system\'s', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'td-python-'));
    fs.writeFileSync(path.join(dir, 'python3'), '#!/bin/sh\necho "ModuleNotFoundError: No module named \'torch\'" >&2\nexit 1\n', { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'python'), '#!/bin/sh\necho 2.1.0\necho 3.12.1\n', { mode: 0o755 });
    const savedPath = process.env.PATH;
    process.env.PATH = `${dir}${path.delimiter}${savedPath}`;
    try {
      const search = findPythonWithTorch();
      assert.equal(search.found?.command, 'python', `rejected: ${search.rejected.join('; ')}`);
      assert.deepEqual(search.rejected, ['python3: no torch module']);
      assert.deepEqual(defaultPythonCandidates('linux').map((c) => c.command), ['python3', 'python', '/usr/bin/python3']);
    } finally {
      process.env.PATH = savedPath;
    }
  });
});
