import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PassThrough } from 'node:stream';
import { parseArguments, positiveInteger, UsageError, type FlagSpec } from '../../src/cli/cliArguments';
import { main } from '../../src/cli/main';

const SPEC: Record<string, FlagSpec> = { json: {}, 'dry-run': {}, out: { value: true }, epochs: { value: true } };

function usageError(fn: () => unknown, message: RegExp | string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof UsageError, `expected a UsageError, got ${String(error)}`);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  });
}

describe('parseArguments', () => {
  it('separates positionals from switches and valued flags, in any order', () => {
    assert.deepEqual(parseArguments(['a.json', '--json', '--out', 'runs', '--epochs', '3'], SPEC), {
      positionals: ['a.json'],
      flags: { json: true, out: 'runs', epochs: '3' },
    });
    assert.deepEqual(parseArguments(['--out', 'runs', 'a.json', '--dry-run'], SPEC), {
      positionals: ['a.json'],
      flags: { out: 'runs', 'dry-run': true },
    });
    assert.deepEqual(parseArguments([], SPEC), { positionals: [], flags: {} });
  });

  it('accepts --name=value, keeping everything after the first "="', () => {
    assert.deepEqual(parseArguments(['--out=dir=with=equals', 'x'], SPEC).flags, { out: 'dir=with=equals' });
    assert.deepEqual(parseArguments(['--out=--odd'], SPEC).flags, { out: '--odd' });
  });

  it('treats everything after -- as positional', () => {
    assert.deepEqual(parseArguments(['--json', '--', '--out', 'b'], SPEC), { positionals: ['--out', 'b'], flags: { json: true } });
  });

  it('takes a single-dash word (a negative number) as a value or positional', () => {
    assert.deepEqual(parseArguments(['--epochs', '-1', '-x'], SPEC), { positionals: ['-x'], flags: { epochs: '-1' } });
  });

  it('rejects unknown flags instead of ignoring them', () => {
    usageError(() => parseArguments(['a.json', '--verbose'], SPEC), /^Unknown option --verbose\.$/);
    usageError(() => parseArguments(['--verbose=1'], SPEC), /^Unknown option --verbose\.$/);
    usageError(() => parseArguments(['--x'], {}), /^Unknown option --x\.$/);
  });

  it('rejects a switch given a value', () => {
    usageError(() => parseArguments(['--json=yes'], SPEC), /^--json takes no value\.$/);
  });

  it('rejects a valued flag without its value: at the end, or followed by another flag', () => {
    usageError(() => parseArguments(['a.json', '--out'], SPEC), /^--out needs a value\.$/);
    usageError(() => parseArguments(['--epochs', '--json', 'a.json'], SPEC), /^--epochs needs a value\.$/);
  });
});

describe('positiveInteger', () => {
  it('is undefined for an absent flag and the number for a whole number of at least 1', () => {
    assert.equal(positiveInteger({}, 'epochs'), undefined);
    assert.equal(positiveInteger({ epochs: '1' }, 'epochs'), 1);
    assert.equal(positiveInteger({ epochs: '250' }, 'epochs'), 250);
  });

  it('rejects zero, negatives, fractions, words, empty values and a bare switch, naming the flag and the value', () => {
    for (const raw of ['0', '-3', '1.5', 'ten', '', 'NaN', 'Infinity']) {
      usageError(() => positiveInteger({ epochs: raw }, 'epochs'), `--epochs needs a whole number of at least 1, not ${JSON.stringify(raw)}.`);
    }
    usageError(() => positiveInteger({ steps: true }, 'steps'), '--steps needs a whole number of at least 1, not true.');
  });
});

describe('names of Object.prototype members are not commands or options', () => {
  it('--constructor, --toString and --__proto__ are unknown options', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      assert.throws(() => parseArguments([`--${name}`], { json: {} }), (e: unknown) => e instanceof UsageError && e.message === `Unknown option --${name}.`, name);
    }
  });

  it('"constructor" and "toString" are unknown commands (exit 2), not a train', async () => {
    for (const command of ['constructor', 'toString', '__proto__']) {
      const out = new PassThrough();
      const err = new PassThrough();
      let written = '';
      err.on('data', (chunk) => (written += chunk));
      const code = await main([command, 'missing.train.json'], out as never, err as never);
      assert.equal(code, 2, command);
      assert.match(written, new RegExp(`Unknown command "${command}"`));
    }
  });
});
