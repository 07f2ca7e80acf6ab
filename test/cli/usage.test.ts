// The built command's usage handling: help, and exit 2 with a clear message for every misuse.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, removeDir, runCli, show, tempDir, writeSpiralsConfig } from './cliTestHelpers';

const COMMANDS = ['lint', 'probe', 'train', 'lr-find', 'fix'];

describe('training-doctor usage', () => {
  let dir: string;
  let config: string;
  before(() => {
    assertBuilt();
    dir = tempDir('usage');
    config = writeSpiralsConfig(dir);
  });
  after(() => removeDir(dir));

  it('--help prints the usage with every command on stdout and exits 0', async () => {
    for (const flag of ['--help', '-h', 'help']) {
      const result = await runCli([flag], { cwd: dir });
      assert.equal(result.code, 0, show(result));
      assert.match(result.stdout, /^Usage: training-doctor <command>/);
      for (const command of COMMANDS) assert.match(result.stdout, new RegExp(`^  ${command} +<file>`, 'm'), `${flag}: the usage lists ${command}`);
      for (const option of ['--json', '--batch', '--out', '--epochs', '--steps', '--backend', '--rule', '--fix', '--layer', '--dry-run']) {
        assert.ok(result.stdout.includes(option), `${flag}: the usage mentions ${option}`);
      }
      assert.equal(result.stderr, '');
    }
  });

  it('no arguments: the usage and exit 2', async () => {
    const result = await runCli([], { cwd: dir });
    assert.equal(result.code, 2, show(result));
    assert.match(result.stdout + result.stderr, /Usage: training-doctor/);
  });

  const misuses: Array<{ name: string; args: () => string[]; message: RegExp }> = [
    { name: 'an unknown command', args: () => ['frobnicate', config], message: /Unknown command "frobnicate"/ },
    { name: 'an unknown flag', args: () => ['lint', config, '--verbose'], message: /Unknown option --verbose/ },
    { name: 'a flag of another command (--epochs on lint)', args: () => ['lint', config, '--epochs', '2'], message: /Unknown option --epochs/ },
    { name: 'a flag missing its value at the end', args: () => ['train', config, '--out'], message: /--out needs a value/ },
    { name: 'a flag followed by another flag instead of its value', args: () => ['train', config, '--epochs', '--json'], message: /--epochs needs a value/ },
    { name: 'a switch given a value', args: () => ['lint', config, '--json=yes'], message: /--json takes no value/ },
    { name: '--epochs 0', args: () => ['train', config, '--epochs', '0'], message: /--epochs needs a whole number of at least 1, not "0"/ },
    { name: '--epochs 1.5', args: () => ['train', config, '--epochs', '1.5'], message: /--epochs needs a whole number of at least 1, not "1.5"/ },
    { name: '--batch -4', args: () => ['probe', config, '--batch', '-4'], message: /--batch needs a whole number of at least 1, not "-4"/ },
    { name: '--steps abc', args: () => ['lr-find', config, '--steps', 'abc'], message: /--steps needs a whole number/ },
    { name: '--backend gpu', args: () => ['probe', config, '--backend', 'gpu'], message: /--backend must be auto, tensorflow, wasm, cpu or pytorch, not "gpu"/ },
    { name: '--backend gpu on train', args: () => ['train', config, '--backend=gpu'], message: /--backend must be auto, tensorflow, wasm, cpu or pytorch/ },
    { name: 'no config file', args: () => ['lint'], message: /lint takes exactly one config file/ },
    { name: 'two config files', args: () => ['probe', config, config], message: /probe takes exactly one config file/ },
    { name: 'fix without --rule', args: () => ['fix', config], message: /fix needs --rule <rule-id>/ },
    { name: 'fix with a --layer that is not an index', args: () => ['fix', config, '--rule', 'init.symmetry', '--layer', 'first'], message: /--layer needs a layer index/ },
  ];
  for (const misuse of misuses) {
    it(`${misuse.name}: exit 2, the reason on stderr, then the usage`, async () => {
      const result = await runCli(misuse.args(), { cwd: dir });
      assert.equal(result.code, 2, show(result));
      assert.match(result.stderr, /^training-doctor: /);
      const firstLine = result.stderr.split('\n')[0];
      assert.match(firstLine, misuse.message);
      assert.match(result.stderr, /Usage: training-doctor/);
      assert.equal(result.stdout, '', 'nothing on stdout');
      assert.deepEqual(fs.readdirSync(dir), ['spirals.train.json'], 'nothing written');
    });
  }
});
