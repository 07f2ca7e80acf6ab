// CI runs `training-doctor` on untrusted pull requests: a config must not make it read files
// outside its repository or the working directory (an absolute path, ../, a symbolic link), unless
// --allow-data-outside says so; and what it reads is never echoed beyond short header names.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, removeDir, runCli, show, tempDir } from './cliTestHelpers';

const SECRET_LINE = 'root:$6$Zk1Tq9$VeryLongSecretHashThatMustNeverBeEchoedIntoAnyMessage0123456789abcdef:19000:0:99999:7:::';

function writeCsvConfig(dir: string, csv: string): string {
  const file = path.join(dir, 'hostile.train.json');
  fs.writeFileSync(file, `{
  "name": "hostile",
  "data": { "dataset": { "csv": ${JSON.stringify(csv)}, "label": "species" }, "validationSplit": 0.5 },
  "model": { "input": [1], "layers": [ { "type": "dense", "units": 2, "activation": "softmax" } ] },
  "training": { "epochs": 1, "optimizer": { "type": "adam" } }
}
`);
  return file;
}

describe('training-doctor and data outside the project', () => {
  let top: string;
  let project: string;
  let secret: string;
  before(() => {
    assertBuilt();
    top = fs.realpathSync(tempDir('outside'));
    project = path.join(top, 'project');
    fs.mkdirSync(path.join(project, '.git'), { recursive: true });
    fs.mkdirSync(path.join(project, 'configs'));
    fs.mkdirSync(path.join(top, 'elsewhere'));
    secret = path.join(top, 'elsewhere', 'shadow');
    fs.writeFileSync(secret, `${SECRET_LINE}\ndaemon:*:19000:0:99999:7:::\n`);
    fs.writeFileSync(path.join(project, 'iris.csv'), 'x,species\n1,a\n2,b\n3,a\n4,b\n');
  });
  after(() => removeDir(top));

  it('lint refuses an absolute path outside: a located data.outside-workspace problem at "csv", nothing read', async () => {
    const config = writeCsvConfig(path.join(project, 'configs'), secret);
    const result = await runCli(['lint', config], { cwd: path.join(project, 'configs') });
    assert.equal(result.code, 1, show(result));
    const text = fs.readFileSync(config, 'utf8');
    const line = text.split('\n').findIndex((l) => l.includes('"csv"')) + 1;
    assert.match(result.stdout, new RegExp(`^hostile\\.train\\.json:${line}:\\d+: error data\\.outside-workspace: .*--allow-data-outside`, 'm'), show(result));
    assert.doesNotMatch(result.stdout + result.stderr, /VeryLongSecretHash/);
  });

  it('lint refuses ../ and a symbolic link leading outside, from inside the repository', async () => {
    fs.symlinkSync(secret, path.join(project, 'innocent.csv'));
    for (const csv of ['../../elsewhere/shadow', '../innocent.csv']) {
      const config = writeCsvConfig(path.join(project, 'configs'), csv);
      const result = await runCli(['lint', config, '--json'], { cwd: project });
      assert.equal(result.code, 1, show(result));
      const report = JSON.parse(result.stdout);
      assert.deepEqual(report.problems.map((p: { code: string }) => p.code), ['data.outside-workspace'], csv);
      assert.doesNotMatch(result.stdout, /VeryLongSecretHash/);
    }
  });

  it('reads data anywhere in the repository, and in the working directory', async () => {
    const config = writeCsvConfig(path.join(project, 'configs'), '../iris.csv');
    const inRepository = await runCli(['lint', config], { cwd: top });
    assert.equal(inRepository.code, 0, show(inRepository));
    // Without a repository the working directory is what allows it.
    const loose = path.join(top, 'loose');
    fs.mkdirSync(path.join(loose, 'configs'), { recursive: true });
    fs.copyFileSync(path.join(project, 'iris.csv'), path.join(loose, 'iris.csv'));
    const looseConfig = writeCsvConfig(path.join(loose, 'configs'), '../iris.csv');
    assert.equal((await runCli(['lint', looseConfig], { cwd: loose })).code, 0);
    const refused = await runCli(['lint', looseConfig], { cwd: path.join(loose, 'configs') });
    assert.equal(refused.code, 1, show(refused));
    assert.match(refused.stdout, /data\.outside-workspace/);
  });

  it('--allow-data-outside reads it, and the missing label column still echoes no raw line', async () => {
    const config = writeCsvConfig(path.join(project, 'configs'), secret);
    const result = await runCli(['lint', config, '--allow-data-outside'], { cwd: project });
    assert.equal(result.code, 1, show(result));
    assert.match(result.stdout, /error data\.csv-label-missing: /);
    assert.doesNotMatch(result.stdout + result.stderr, /VeryLongSecretHash|root:/);
  });

  it('the usage documents --allow-data-outside, and every command accepts it', async () => {
    const help = await runCli(['--help'], { cwd: project });
    assert.match(help.stdout, /--allow-data-outside/);
    const config = writeCsvConfig(path.join(project, 'configs'), '../iris.csv');
    for (const command of ['probe', 'train', 'lr-find', 'fix']) {
      const result = await runCli([command, config, '--allow-data-outside', '--epochs', 'x'], { cwd: project });
      assert.doesNotMatch(result.stderr, /Unknown option --allow-data-outside/, `${command}: ${show(result)}`);
    }
  });
});
