// Fuzz test of lint, in-process: thousands of seeded mutants of the bundled examples go through
// the same path as `training-doctor lint` and the editor's diagnostics (load, validate, static
// rules). Each must end without an exception, in bounded time, with every problem located in the
// file, a bounded report, and no global state touched (no prototype pollution).

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { loadConfigFile } from '../../../src/core/config/loadConfigFile';
import { locatePath } from '../../../src/core/config/parseConfig';
import { lintFindings } from '../../../src/core/diagnosis/lintConfig';
import { mutants } from '../../support/configMutator';

const EXAMPLES = path.resolve(__dirname, '../../../examples');
const MUTANTS_PER_EXAMPLE = 300;
/** Far above a normal lint (milliseconds): only a hang or a resource bomb comes near it. */
const HANG_MS = 10_000;
/** A report larger than this is a flood, whatever its cause. */
const MAX_REPORT_BYTES = 1_000_000;

function exampleFiles(): string[] {
  const found: string[] = [];
  for (const dir of [EXAMPLES, path.join(EXAMPLES, 'broken'), path.join(EXAMPLES, 'seeds')]) {
    for (const name of fs.readdirSync(dir)) if (name.endsWith('.train.json')) found.push(path.join(dir, name));
  }
  return found.sort();
}

/** The message and the frame that threw: enough to find the defect, short enough to list 20. */
function firstLines(stack: string): string {
  return stack.split('\n').slice(0, 2).map((line) => line.slice(0, 300)).join(' | ');
}

function lineCount(text: string): number {
  return text.split(/\r\n|\r|\n|\u2028|\u2029/).length;
}

test('lint survives seeded mutants of every example: no exception, no hang, every problem located', { timeout: 600_000 }, async () => {
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
  const failures: string[] = [];
  let checked = 0;
  for (const [exampleIndex, file] of exampleFiles().entries()) {
    const original = fs.readFileSync(file, 'utf8');
    let index = 0;
    for (const text of mutants(original, 1000 + exampleIndex, MUTANTS_PER_EXAMPLE)) {
      const where = `${path.relative(EXAMPLES, file)} mutant ${index++} (seed ${1000 + exampleIndex})`;
      const started = Date.now();
      try {
        const loaded = await loadConfigFile(file, text);
        const { findings } = await lintFindings(loaded, { measureData: false });
        const elapsed = Date.now() - started;
        if (elapsed > HANG_MS) failures.push(`${where}: took ${elapsed} ms`);
        const lines = lineCount(text);
        for (const p of loaded.problems) {
          const r = p.range;
          if (!r || r.line < 1 || r.line > lines || r.column < 1 || r.offset < 0 || r.offset > text.length) {
            failures.push(`${where}: problem ${p.code} is not located in the file (${JSON.stringify(r)})`);
          }
        }
        for (const f of findings) {
          if (!locatePath(f.path, loaded.tree, text)) failures.push(`${where}: finding ${f.rule} at ${JSON.stringify(f.path)} is not located`);
        }
        const report = JSON.stringify({ problems: loaded.problems, findings });
        if (report.length > MAX_REPORT_BYTES) failures.push(`${where}: a ${report.length}-byte report (${loaded.problems.length} problems)`);
      } catch (error) {
        failures.push(`${where}: threw ${firstLines((error as Error).stack ?? String(error))}`);
      }
      checked++;
      if (failures.length >= 20) break;
    }
    if (failures.length >= 20) break;
  }
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), prototypeKeys, 'Object.prototype was changed');
  assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was polluted');
  assert.equal(failures.length, 0, `${failures.length} of ${checked} mutants failed:\n${failures.join('\n')}`);
  assert.ok(checked >= 3000, `only ${checked} mutants were checked`);
});
