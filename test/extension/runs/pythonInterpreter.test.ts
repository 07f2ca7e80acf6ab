// The Python the editor hands the trainer for the pytorch backend: the setting alone when set,
// else the Python extension's selected interpreter (its environments API, else its older settings
// API), asked only then; an absent or failing Python extension leaves the defaults.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withVscodeStandIn } from './vscodeStandIn';

type Api = Record<string, unknown>;
interface World {
  setting?: string;
  extension?: { isActive: boolean; exports?: Api; activate?: () => Promise<Api> };
}

const world: World = {};
let extensionAsked = 0;
const vscode = {
  workspace: { getConfiguration: () => ({ get: (key: string) => (key === 'pythonPath' ? world.setting : undefined) }) },
  extensions: {
    getExtension: (id: string) => {
      extensionAsked++;
      return id === 'ms-python.python' ? world.extension : undefined;
    },
  },
};
const { pythonChoiceFor } = withVscodeStandIn(() => require('../../../src/extension/runs/pythonInterpreter') as typeof import('../../../src/extension/runs/pythonInterpreter'), vscode);
const resource = { fsPath: '/w/a.train.json' } as never;

describe('the Python for the pytorch backend, in the editor', () => {
  it('the setting wins, alone, without waking the Python extension', async () => {
    Object.assign(world, { setting: ' /opt/py/bin/python ', extension: { isActive: false, activate: () => assert.fail('not activated') } });
    extensionAsked = 0;
    assert.deepEqual(await pythonChoiceFor(resource), { named: { command: '/opt/py/bin/python', source: 'the setting trainingDoctor.pythonPath' } });
    assert.equal(extensionAsked, 0);
  });

  it('else the interpreter selected in the Python extension, activated on demand, tried first', async () => {
    const api = {
      environments: {
        getActiveEnvironmentPath: () => ({ id: 'venv', path: '/w/.venv' }),
        resolveEnvironment: async () => ({ executable: { uri: { fsPath: '/w/.venv/bin/python' } } }),
      },
    };
    Object.assign(world, { setting: '', extension: { isActive: false, activate: async () => api } });
    assert.deepEqual(await pythonChoiceFor(resource), { preferred: [{ command: '/w/.venv/bin/python', source: 'the interpreter selected in the Python extension' }] });
  });

  it('the older settings API of the Python extension', async () => {
    const api = { settings: { getExecutionDetails: () => ({ execCommand: ['/usr/local/bin/python3.12'] }) } };
    Object.assign(world, { setting: undefined, extension: { isActive: true, exports: api } });
    assert.deepEqual(await pythonChoiceFor(resource), { preferred: [{ command: '/usr/local/bin/python3.12', source: 'the interpreter selected in the Python extension' }] });
  });

  it('no Python extension, or one whose activation fails: the defaults', async () => {
    Object.assign(world, { setting: undefined, extension: undefined });
    assert.deepEqual(await pythonChoiceFor(resource), {});
    Object.assign(world, { extension: { isActive: false, activate: async () => { throw new Error('activation failed'); } } });
    assert.deepEqual(await pythonChoiceFor(resource), {});
  });
});
