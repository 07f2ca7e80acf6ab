// Config files that are not configs, through the built command: one located problem or a bounded
// list, in moments, never a stack trace or hundreds of megabytes of JSON.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, removeDir, runCli, show, tempDir } from './cliTestHelpers';

describe('training-doctor lint on hostile files', () => {
  let dir: string;
  before(() => {
    assertBuilt();
    dir = tempDir('hostile');
  });
  after(() => removeDir(dir));

  /** Pretty JSON of `n` layers with a misspelled activation: one problem per layer. */
  const misspelled = (n: number) => JSON.stringify({
    data: { dataset: 'mnist' },
    model: { input: [784], layers: Array.from({ length: n }, () => ({ type: 'dense', units: 8, activation: 'reluu' })) },
    training: { epochs: 1, optimizer: { type: 'adam' } },
  }, null, 2);

  it('a 3.6 MB UTF-16LE file: file.too-large, a few hundred bytes of JSON (was 325 MB)', async () => {
    const file = path.join(dir, 'big-utf16.train.json');
    let text = misspelled(1);
    while (text.length < 1_800_000) text += ' ';
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const result = await runCli(['lint', file, '--json'], { cwd: dir });
    assert.equal(result.code, 1, show(result));
    assert.ok(result.stdout.length < 2000, `${result.stdout.length} bytes of output`);
    assert.deepEqual(JSON.parse(result.stdout).problems.map((p: { code: string }) => p.code), ['file.too-large']);
  });

  it('a UTF-16LE config: file.encoding at 1:1, saying to save it as UTF-8', async () => {
    const file = path.join(dir, 'utf16.train.json');
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(misspelled(3), 'utf16le')]));
    const result = await runCli(['lint', file], { cwd: dir });
    assert.equal(result.code, 1, show(result));
    assert.match(result.stdout, /^(.*\/)?utf16\.train\.json:1:1: error file\.encoding: .*UTF-16.*save it as UTF-8\.$/m);
    assert.equal(result.stdout.trim().split('\n').length, 1, show(result));
  });

  it('300 problems: 100 listed, then "200 more problems"', async () => {
    const file = path.join(dir, 'many.train.json');
    fs.writeFileSync(file, misspelled(300));
    const result = await runCli(['lint', file, '--json'], { cwd: dir });
    const problems = JSON.parse(result.stdout).problems as { code: string; message: string; range: { line: number } }[];
    assert.equal(problems.length, 101);
    assert.equal(problems[100].code, 'problems.truncated');
    assert.match(problems[100].message, /^200 more problems/);
    assert.ok(problems[100].range.line > 1);
  });

  it('residual blocks nested 560 deep: json.too-deep, located, no stack trace', async () => {
    let layer: unknown = { type: 'dense', units: 8 };
    for (let i = 0; i < 560; i++) layer = { type: 'residual', layers: [layer] };
    const file = path.join(dir, 'deep.train.json');
    fs.writeFileSync(file, JSON.stringify({ data: { dataset: 'mnist' }, model: { input: [784], layers: [layer] }, training: { epochs: 1, optimizer: { type: 'adam' } } }));
    const result = await runCli(['lint', file], { cwd: dir });
    assert.equal(result.code, 1, show(result));
    assert.match(result.stdout, /deep\.train\.json:1:\d+: error json\.too-deep: /);
    assert.equal(result.stderr, '');
  });
});
