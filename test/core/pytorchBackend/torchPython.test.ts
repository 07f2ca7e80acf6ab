// Which Python runs the pytorch backend: the named one alone, else the editor's interpreter and
// the defaults in order, the first that imports torch; none is one message naming every try.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { defaultPythonCandidates, type probePython } from '../../../src/core/python/findPython';
import { findTorchPython, pythonCandidates, TorchPythonMissingError } from '../../../src/core/pytorchBackend/torchPython';

type Probe = typeof probePython;
const fakeProbe = (withTorch: Record<string, string>): Probe => (command) =>
  command in withTorch
    ? { ok: true, python: { command, torchVersion: withTorch[command], pythonVersion: '3.11.2' } }
    : { ok: false, reason: `${command}: no torch module` };

describe('Python discovery for the pytorch backend', () => {
  it('tries the editor\'s interpreter, then python3, python and (on Linux) /usr/bin/python3', () => {
    const order = pythonCandidates({ preferred: [{ command: '/venv/bin/python', source: 'the Python extension' }], platform: 'linux' }).map((c) => c.command);
    assert.deepEqual(order, ['/venv/bin/python', 'python3', 'python', '/usr/bin/python3']);
    assert.deepEqual(defaultPythonCandidates('darwin').map((c) => c.command), ['python3', 'python']);
  });

  it('takes the first that imports torch, and says which were passed over', () => {
    const found = findTorchPython(pythonCandidates({ platform: 'linux' }), fakeProbe({ '/usr/bin/python3': '1.13.0' }));
    assert.equal(found.command, '/usr/bin/python3');
    assert.equal(found.torchVersion, '1.13.0');
    assert.deepEqual(found.passedOver, ['python3: no torch module (PATH)', 'python: no torch module (PATH)']);
  });

  it('a named Python is the only one tried; without torch, the message says so and how to fix it', () => {
    const named = { command: '/opt/py/bin/python', source: 'the setting trainingDoctor.pythonPath' };
    assert.deepEqual(pythonCandidates({ named, preferred: [{ command: 'x', source: 'y' }] }), [named]);
    assert.throws(() => findTorchPython([named], fakeProbe({ python3: '2.1' })), (error: Error) => {
      assert.ok(error instanceof TorchPythonMissingError);
      assert.match(error.message, /the one named by the setting trainingDoctor\.pythonPath cannot: \/opt\/py\/bin\/python: no torch module/);
      assert.match(error.message, /`\/opt\/py\/bin\/python -m pip install torch`/);
      return true;
    });
  });

  it('none found: one message naming every try, the setting, --python and the environment variable', () => {
    assert.throws(() => findTorchPython(pythonCandidates({ platform: 'linux' }), fakeProbe({})), (error: Error) => {
      assert.ok(error instanceof TorchPythonMissingError);
      assert.match(error.message, /none was found\. Tried: python3: no torch module \(PATH\); python: no torch module \(PATH\); \/usr\/bin\/python3: no torch module \(the system Python\)\./);
      assert.match(error.message, /trainingDoctor\.pythonPath.*--python PATH.*TRAINING_DOCTOR_PYTHON/);
      return true;
    });
  });

  it('finds this machine\'s Python with torch for real', { skip: fs.existsSync('/usr/bin/python3') ? false : 'no /usr/bin/python3 here' }, () => {
    let found;
    try {
      found = findTorchPython(pythonCandidates({}));
    } catch (error) {
      assert.ok(error instanceof TorchPythonMissingError, 'a missing torch is a TorchPythonMissingError, never another error');
      return;
    }
    assert.match(found.torchVersion, /^\d+\.\d+/);
  });
});
