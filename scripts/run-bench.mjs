// Runs the benchmarks: every scripts/bench/*.ts (or those whose name contains one of the
// arguments), one after the other, each in its own process through tsx. Each prints its own table
// of figures and ratios; nothing here passes or fails on a number (the timed checks of `npm test`
// are relative to a baseline measured in the same run). Exits non-zero only when a script crashes.
//   npm run bench [-- <name-substring> ...] [-- --long]   (--long: the scripts that read BENCH_LONG run longer)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const dir = path.join(root, 'scripts', 'bench');
const only = process.argv.slice(2).filter((a) => a !== '--long');
const env = process.argv.includes('--long') ? { ...process.env, BENCH_LONG: '1' } : process.env;

const scripts = fs.readdirSync(dir)
  .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
  .filter((name) => only.length === 0 || only.some((o) => name.includes(o)))
  .sort();
if (scripts.length === 0) {
  console.error(`run-bench: no benchmark in scripts/bench matches ${only.join(', ')}`);
  process.exit(1);
}

const cpus = os.cpus();
console.log(`# ${new Date().toISOString()} · Node ${process.version} · ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'} · load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const crashed = [];
for (const name of scripts) {
  console.log(`\n## ${name.replace(/\.ts$/, '')}`);
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, name)], { cwd: root, stdio: 'inherit', env });
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (result.status !== 0) crashed.push(`${name} (${result.signal ?? `exit ${result.status}`})`);
}
if (crashed.length > 0) {
  console.error(`\nrun-bench: ${crashed.join(', ')} did not finish`);
  process.exit(1);
}
