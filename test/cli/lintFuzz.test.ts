// Fuzz test of the built command: seeded mutants of the examples whose data is cheap to load go
// through `training-doctor lint --json` in a child process, two at a time. Each must exit with a
// documented code, print parseable JSON or a one-line error (never a stack trace), and end.
// A few mutants are saved as UTF-16, as some Windows editors do.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { asUtf16le, mutants } from '../support/configMutator';
import { assertBuilt, EXAMPLES, removeDir, runCli, tempDir } from './cliTestHelpers';

const SOURCES = [
  'spirals-mlp.train.json',
  'houses-regression.train.json',
  'broken/unnormalized-inputs.train.json',
  'broken/bias-regularized.train.json',
  'broken/exploding-relu-init.train.json',
  'broken/typos.train.json',
];
const MUTANTS_PER_SOURCE = 50;
const UTF16_EVERY = 10;
/** Lint ends in well under a second; only a hang reaches this. */
const HANG_MS = 60_000;
const DOCUMENTED_EXITS = new Set([0, 1, 2]);

const dir = tempDir('fuzz');
after(() => removeDir(dir));

interface Case {
  name: string;
  bytes: Buffer;
}

function cases(): Case[] {
  fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
  fs.copyFileSync(path.join(EXAMPLES, 'data', 'houses.csv'), path.join(dir, 'data', 'houses.csv'));
  const all: Case[] = [];
  for (const [sourceIndex, source] of SOURCES.entries()) {
    const original = fs.readFileSync(path.join(EXAMPLES, source), 'utf8');
    let index = 0;
    for (const text of mutants(original, 2000 + sourceIndex, MUTANTS_PER_SOURCE)) {
      const utf16 = index % UTF16_EVERY === UTF16_EVERY - 1;
      all.push({ name: `${path.basename(source, '.train.json')}-${index++}${utf16 ? '-utf16' : ''}.train.json`, bytes: utf16 ? asUtf16le(text) : Buffer.from(text, 'utf8') });
    }
  }
  return all;
}

async function check(item: Case): Promise<string | undefined> {
  fs.writeFileSync(path.join(dir, item.name), item.bytes);
  const result = await runCli(['lint', item.name, '--json'], { cwd: dir, timeoutMs: HANG_MS }).catch((error: Error) => error);
  if (result instanceof Error) return `${item.name}: ${result.message.split('\n')[0]}`;
  if (result.signal || result.code === null || !DOCUMENTED_EXITS.has(result.code)) return `${item.name}: exit ${result.code} ${result.signal ?? ''}`;
  if (/^\s+at .+:\d+:\d+\)?$/m.test(result.stderr)) return `${item.name}: stack trace on stderr: ${result.stderr.slice(0, 300)}`;
  if (result.code === 2 && result.stdout === '') {
    // A file lint cannot read at all (too large, wrong encoding) is a usage-level error: one located line.
    if (!/\S/.test(result.stderr)) return `${item.name}: exit 2 with nothing said`;
    return undefined;
  }
  try {
    const report = JSON.parse(result.stdout) as { problems?: { range?: unknown }[] };
    const unlocated = (report.problems ?? []).filter((p) => !p.range);
    if (unlocated.length > 0) return `${item.name}: ${unlocated.length} problems without a location`;
  } catch {
    return `${item.name}: stdout is not JSON: ${result.stdout.slice(0, 200)}`;
  }
  return undefined;
}

test('lint --json survives seeded mutants through the CLI: documented exit codes, JSON out, no stack traces, no hangs', { timeout: 900_000 }, async () => {
  assertBuilt();
  const queue = cases();
  const total = queue.length;
  const failures: string[] = [];
  const worker = async () => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      const failure = await check(item);
      if (failure) failures.push(failure);
    }
  };
  await Promise.all([worker(), worker()]);
  assert.equal(failures.length, 0, `${failures.length} of ${total} mutants failed:\n${failures.slice(0, 20).join('\n')}`);
  assert.ok(total >= 300, `only ${total} mutants`);
});
