// Runs every unit and integration test under test/ (except the end-to-end suite, which has its
// own runner) with Node's built-in test runner, TypeScript loaded through tsx.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const only = process.argv.slice(2);

function findTests(dir) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'e2e' || entry.name === 'node_modules' || entry.name === 'fixtures') continue;
      found.push(...findTests(full));
    } else if (entry.name.endsWith('.test.ts')) {
      found.push(full);
    }
  }
  return found;
}

const files = findTests(path.join(root, 'test'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}
// The data cache (src/core/data/dataCache.ts) of this run only: tests neither read entries another
// version wrote nor fill the user's cache folder.
const cache = process.env.TRAINING_DOCTOR_CACHE ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'td-test-cache-'));
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files.map((f) => path.relative(root, f))], {
  cwd: root,
  stdio: 'inherit',
  env: cache ? { ...process.env, TRAINING_DOCTOR_CACHE: cache } : process.env,
});
if (cache) fs.rmSync(cache, { recursive: true, force: true });
process.exit(result.status ?? 1);
