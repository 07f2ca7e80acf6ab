// Runs the end-to-end scenarios one after the other, each in a fresh session (code-server with
// the packaged extension, a copy of the fixture workspace, Chromium), and prints TAP:
//
//   node --import tsx test/e2e/runScenarios.ts [id-or-number ...]
//
// (test/e2e/run.mjs runs the set-up and packaging first, then this.) Every session is closed,
// processes ended by process group, also when a scenario fails, hangs past its time limit, or
// this process gets SIGINT/SIGTERM. A summary goes to artifacts/results.json.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { ARTIFACTS_DIR } from './harness/paths';
import { reapOrphans } from './harness/processes';
import { Checks, type Scenario } from './harness/scenario';
import { Session } from './harness/session';
import { allScenarios } from './scenarios';

interface Result { id: string; title: string; ok: boolean; seconds: number; skipped?: string; error?: string; notes: string[]; warnings: string[]; timings?: Record<string, number> }

let current: Session | undefined;

function select(args: string[]): Scenario[] {
  if (args.length === 0) return allScenarios;
  // An exact pick (number, id, "s3", "3") wins over a substring, so that "1" or "s1" is not also s10.
  const exact = (s: Scenario, i: number, a: string) => a === String(i + 1) || s.id === a || s.id.startsWith(`${a}-`) || s.id.startsWith(`s${a}-`);
  const matches = (a: string) => {
    const exactly = allScenarios.filter((s, i) => exact(s, i, a));
    return exactly.length ? exactly : allScenarios.filter((s) => s.id.includes(a));
  };
  const picked = allScenarios.filter((s) => args.some((a) => matches(a).includes(s)));
  if (picked.length === 0) {
    console.error(`No scenario matches ${args.join(' ')}. Scenarios: ${allScenarios.map((s, i) => `${i + 1}=${s.id}`).join(', ')}`);
    process.exit(2);
  }
  return picked;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
    }),
  ]);
}

async function runOne(scenario: Scenario): Promise<Result> {
  const t0 = Date.now();
  const result: Result = { id: scenario.id, title: scenario.title, ok: false, seconds: 0, notes: [], warnings: [] };
  const skipped = scenario.skip?.();
  if (skipped) return { ...result, ok: true, skipped, seconds: +((Date.now() - t0) / 1000).toFixed(1) };
  try {
    current = await withTimeout(Session.start({ name: scenario.id, ...scenario.session }), 150_000, 'starting the session');
    const checks = new Checks(current);
    result.notes = checks.notes;
    result.warnings = checks.warnings;
    await withTimeout(scenario.run(current, checks), scenario.timeoutMs, `scenario ${scenario.id}`);
    if (checks.failures.length) throw new Error(`${checks.failures.length} check(s) failed:\n- ${checks.failures.join('\n- ')}`);
    result.ok = true;
  } catch (error) {
    const shot = current ? await current.failureShot('failed') : undefined;
    result.error = `${(error as Error)?.stack ?? error}${shot ? `\nfinal screenshot: ${shot}` : ''}`;
  } finally {
    if (current) {
      result.timings = current.timings;
      await current.close();
      const left = current.stillRunning();
      if (left.length) {
        result.ok = false;
        result.error = `${result.error ?? ''}\nprocesses left after close: ${left.join(' ')}`;
      }
    }
    current = undefined;
  }
  result.seconds = +((Date.now() - t0) / 1000).toFixed(1);
  return result;
}

async function main(): Promise<void> {
  const scenarios = select(process.argv.slice(2));
  const t0 = Date.now();
  const reaped = await reapOrphans((line) => console.log(`# ${line}`));
  if (reaped) console.log(`# reaped ${reaped} process group(s) left by an earlier run`);
  console.log('TAP version 13');
  console.log(`1..${scenarios.length}`);
  const results: Result[] = [];
  for (const [i, scenario] of scenarios.entries()) {
    console.log(`# ${scenario.id}: ${scenario.title}`);
    const r = await runOne(scenario);
    results.push(r);
    console.log(`${r.ok ? 'ok' : 'not ok'} ${i + 1} - ${scenario.id}: ${scenario.title} # ${r.skipped ? `SKIP ${r.skipped}` : `${r.seconds} s`}`);
    for (const w of r.warnings) console.log(`# WARNING ${scenario.id}: ${w}`);
    if (!r.ok) {
      console.log('  ---');
      for (const line of (r.error ?? '').split('\n').slice(0, 25)) console.log(`  ${line}`);
      console.log('  ...');
    }
  }
  const passed = results.filter((r) => r.ok && !r.skipped).length;
  const skippedCount = results.filter((r) => r.skipped).length;
  const failed = results.length - passed - skippedCount;
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(ARTIFACTS_DIR, 'results.json'), JSON.stringify({ finishedAt: new Date().toISOString(), seconds: (Date.now() - t0) / 1000, results }, null, 2));
  console.log(`# scenarios took ${((Date.now() - t0) / 1000).toFixed(1)} s; artifacts in ${path.relative(process.cwd(), ARTIFACTS_DIR) || ARTIFACTS_DIR}`);
  const warnings = results.reduce((n, r) => n + r.warnings.length, 0);
  if (warnings) console.log(`# ${warnings} warning(s): see the WARNING lines above`);
  console.log(`${passed} passed, ${failed} failed${skippedCount ? `, ${skippedCount} skipped` : ''}`);
  process.exitCode = failed ? 1 : 0;
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    console.log(`# got ${signal}: closing the session`);
    void (current?.close() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}
// Last resort when the process goes down some other way: SIGKILL the groups synchronously.
process.on('exit', () => current?.killNow());

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
