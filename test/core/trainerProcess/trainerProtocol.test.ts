import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHostMessage, parseTrainerMessage } from '../../../src/core/trainerProcess/trainerProtocol';

describe('host messages are checked on arrival', () => {
  it('accepts a well-formed start and stop', () => {
    const start = { type: 'start', job: 'train', configPath: '/w/a.train.json', workspaceDir: '/w', epochs: 3, backend: 'wasm' };
    assert.deepEqual(parseHostMessage(start), { ...start, configText: undefined });
    assert.deepEqual(parseHostMessage({ type: 'stop' }), { type: 'stop' });
    assert.equal((parseHostMessage({ ...start, allowDataOutside: true }) as { allowDataOutside?: boolean }).allowDataOutside, true);
  });

  it('accepts the pytorch backend with the Python choice, keeping only the known fields', () => {
    const python = { named: { command: '/opt/py', source: 'the setting', extra: 1 }, preferred: [{ command: 'py', source: 'ext' }] };
    const start = { type: 'start', job: 'train', configPath: '/w/a.train.json', workspaceDir: '/w', backend: 'pytorch', python };
    assert.deepEqual(parseHostMessage(start), {
      ...start, configText: undefined, epochs: undefined,
      python: { named: { command: '/opt/py', source: 'the setting' }, preferred: [{ command: 'py', source: 'ext' }] },
    });
    for (const bad of [{ named: { command: '' , source: 's' } }, { preferred: 'py' }, { preferred: [{ command: 'py' }] }, 'python3']) {
      assert.equal(parseHostMessage({ ...start, python: bad }), undefined, JSON.stringify(bad));
    }
  });

  it('rejects unknown types, unknown jobs, missing paths, bad epochs and bad backends', () => {
    for (const bad of [
      null, 'start', [], { type: 'begin' },
      { type: 'start', job: 'fit', configPath: 'a', workspaceDir: 'w' },
      { type: 'start', job: 'train', workspaceDir: 'w' },
      { type: 'start', job: 'train', configPath: 'a', workspaceDir: 'w', epochs: 0 },
      { type: 'start', job: 'train', configPath: 'a', workspaceDir: 'w', epochs: 1.5 },
      { type: 'start', job: 'train', configPath: 'a', workspaceDir: 'w', backend: 'gpu' },
      { type: 'start', job: 'train', configPath: 'a', workspaceDir: 'w', configText: 42 },
      { type: 'start', job: 'train', configPath: 'a', workspaceDir: 'w', allowDataOutside: 'yes' },
    ]) assert.equal(parseHostMessage(bad), undefined, JSON.stringify(bad));
  });
});

describe('trainer messages are checked on arrival', () => {
  it('accepts each kind in its shape', () => {
    for (const good of [
      { type: 'ready', pid: 12, nodeVersion: 'v20' },
      { type: 'event', event: { type: 'step', step: 0 } },
      { type: 'probe-result', report: { layers: [] } },
      { type: 'lr-find-result', result: { points: [] } },
      { type: 'problems', problems: [] },
      { type: 'failed', message: 'x' },
      { type: 'finished', findings: [] },
    ]) assert.ok(parseTrainerMessage(good), JSON.stringify(good));
  });

  it('rejects malformed ones', () => {
    for (const bad of [
      undefined, { type: 'ready' }, { type: 'event', event: { type: 'explode' } }, { type: 'event' },
      { type: 'finished' }, { type: 'failed', message: 3 }, { type: 'whatever' },
    ]) assert.equal(parseTrainerMessage(bad), undefined, JSON.stringify(bad));
  });
});
