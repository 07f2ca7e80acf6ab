// The path policy every data reader goes through: which folders a config's data may come from,
// with symlinks followed, and a refusal that says why without reading the file.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  DATA_ANYWHERE, dataInside, defaultDataAccess, isInsideFolder, projectFolder, realPathInside, repositoryRoot, resolveDataFile,
} from '../../../src/core/data/dataAccessPolicy';

const top = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'td-policy-')));
after(() => fs.rmSync(top, { recursive: true, force: true }));

const workspace = path.join(top, 'workspace');
const outside = path.join(top, 'outside');
fs.mkdirSync(path.join(workspace, 'configs'), { recursive: true });
fs.mkdirSync(path.join(workspace, 'data'), { recursive: true });
fs.mkdirSync(outside, { recursive: true });
fs.writeFileSync(path.join(workspace, 'data', 'inside.csv'), 'x,y\n1,a\n');
fs.writeFileSync(path.join(outside, 'secret.csv'), 'root:secret\n');
fs.symlinkSync(path.join(outside, 'secret.csv'), path.join(workspace, 'data', 'link-out.csv'));
fs.symlinkSync(path.join(workspace, 'data', 'inside.csv'), path.join(workspace, 'configs', 'link-in.csv'));
fs.symlinkSync(outside, path.join(workspace, 'data', 'dir-out'));

const restricted = dataInside([workspace], 'Trust the workspace to read data elsewhere.');
const configs = path.join(workspace, 'configs');

describe('isInsideFolder', () => {
  it('holds for the folder itself and anything below it', () => {
    assert.equal(isInsideFolder('/a/b', '/a/b'), true);
    assert.equal(isInsideFolder('/a/b/c/d.csv', '/a/b'), true);
    assert.equal(isInsideFolder('/a/b/..c.csv', '/a/b'), true, 'a name starting with two dots is still inside');
  });

  it('fails for a parent, a sibling sharing a prefix, and another root', () => {
    assert.equal(isInsideFolder('/a', '/a/b'), false);
    assert.equal(isInsideFolder('/a/bc/d.csv', '/a/b'), false);
    assert.equal(isInsideFolder('/etc/shadow', '/a/b'), false);
  });
});

describe('resolveDataFile', () => {
  it('allows a relative path inside, with its real path', () => {
    assert.deepEqual(resolveDataFile(configs, '../data/inside.csv', restricted), { type: 'allowed', path: path.join(workspace, 'data', 'inside.csv') });
  });

  it('allows a symlink that stays inside, giving the target', () => {
    assert.deepEqual(resolveDataFile(configs, 'link-in.csv', restricted), { type: 'allowed', path: path.join(workspace, 'data', 'inside.csv') });
  });

  it('allows a missing file inside (the reader reports it missing)', () => {
    assert.equal(resolveDataFile(configs, 'nope.csv', restricted).type, 'allowed');
  });

  it('refuses an absolute path, a ../ path and a missing path outside, saying where and how to allow it', () => {
    for (const file of ['/etc/shadow', '../../outside/secret.csv', '../../outside/missing.csv']) {
      const decision = resolveDataFile(configs, file, restricted);
      assert.equal(decision.type, 'refused', file);
      if (decision.type !== 'refused') continue;
      assert.ok(decision.message.includes(`"${file}"`), decision.message);
      assert.ok(decision.message.includes(`outside ${workspace}`), decision.message);
      assert.ok(decision.message.endsWith('Trust the workspace to read data elsewhere.'), decision.message);
    }
  });

  it('refuses a symlink inside that leads outside, and a path through a symlinked folder', () => {
    for (const file of ['../data/link-out.csv', '../data/dir-out/secret.csv']) {
      const decision = resolveDataFile(configs, file, restricted);
      assert.equal(decision.type, 'refused', file);
      if (decision.type === 'refused') assert.match(decision.message, /symbolic link/);
    }
  });

  it('names each allowed folder once', () => {
    const twice = dataInside([workspace, `${workspace}/`, path.join(workspace, 'configs', '..')], '');
    assert.deepEqual(twice.type === 'inside' && twice.roots, [workspace]);
  });

  it('refuses everything when no folder is open', () => {
    const decision = resolveDataFile(configs, 'link-in.csv', dataInside([], 'Open a folder.'));
    assert.equal(decision.type, 'refused');
    if (decision.type === 'refused') assert.match(decision.message, /no folder is open/);
  });

  it('allows anything when access is anywhere', () => {
    assert.deepEqual(resolveDataFile(configs, '/etc/hostname', DATA_ANYWHERE), { type: 'allowed', path: '/etc/hostname' });
  });

  it('compares real paths when a root itself is reached through a symlink', () => {
    const alias = path.join(top, 'alias');
    fs.symlinkSync(workspace, alias);
    const throughAlias = dataInside([alias], '');
    assert.equal(resolveDataFile(path.join(alias, 'configs'), 'link-in.csv', throughAlias).type, 'allowed');
    assert.equal(resolveDataFile(path.join(alias, 'configs'), '../data/link-out.csv', throughAlias).type, 'refused');
  });
});

describe('the default: the config\'s project', () => {
  it('is the nearest folder with .git (a folder or a worktree\'s file), else the config\'s folder', () => {
    const repo = path.join(top, 'repo');
    fs.mkdirSync(path.join(repo, 'a', 'b'), { recursive: true });
    fs.writeFileSync(path.join(repo, '.git'), 'gitdir: elsewhere\n');
    assert.equal(repositoryRoot(path.join(repo, 'a', 'b')), repo);
    assert.equal(projectFolder(path.join(repo, 'a', 'b')), repo);
    assert.equal(projectFolder(configs), configs, 'no repository above: the config\'s folder');
    const access = defaultDataAccess(path.join(repo, 'a', 'b'));
    assert.deepEqual(access.type === 'inside' && access.roots, [repo]);
  });
});

describe('realPathInside', () => {
  it('gives the real path of a file inside one of the roots, undefined outside', () => {
    assert.equal(realPathInside(path.join(configs, 'link-in.csv'), [workspace]), path.join(workspace, 'data', 'inside.csv'));
    assert.equal(realPathInside(path.join(workspace, 'data', 'link-out.csv'), [workspace]), undefined);
    assert.equal(realPathInside(path.join(outside, 'secret.csv'), [workspace, configs]), undefined);
  });
});
