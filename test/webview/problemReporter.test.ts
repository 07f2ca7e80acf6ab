// What the webview says about problems it survived: on the console, and to the host's log for
// the first few only, each bounded, so a stream of bad messages cannot flood the host.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseWebviewMessage, type WebviewToHost } from '../../src/core/dashboard/dashboardProtocol';
import type { HostApi } from '../../webview/src/hostApi';
import { MAX_HOST_REPORTS, ProblemReporter } from '../../webview/src/problemReporter';

function quietConsole(run: () => void): string[] {
  const lines: string[] = [];
  const { warn, error } = console;
  console.warn = (...args: unknown[]) => void lines.push(`warn ${String(args[0])}`);
  console.error = (...args: unknown[]) => void lines.push(`error ${String(args[0])}`);
  try {
    run();
  } finally {
    Object.assign(console, { warn, error });
  }
  return lines;
}

test('skipped data and caught errors go to the console and, for the first few, to the host as valid log messages', () => {
  const posted: WebviewToHost[] = [];
  const host: HostApi = { post: (m) => void posted.push(m), readState: () => ({ collapsed: [] }), writeState: () => undefined };
  const reporter = new ProblemReporter(host);
  const lines = quietConsole(() => {
    reporter.skipped('skipped bad data in the host\'s append message: append.events[0]: expected an object');
    reporter.caught('drawing the dashboard', new TypeError('x is null'));
    for (let i = 0; i < 100; i++) reporter.skipped(`note ${i} ${'y'.repeat(10_000)}`);
  });
  assert.equal(lines.length, 102, 'every problem is on the console');
  assert.match(lines[1], /^error Training Doctor dashboard: drawing the dashboard: x is null/);
  assert.equal(posted.length, MAX_HOST_REPORTS + 1, 'the host hears of the first ones, then that there were more');
  assert.deepEqual(posted[1], { type: 'log', level: 'error', message: 'drawing the dashboard: x is null' });
  assert.match((posted.at(-1) as { message: string }).message, /^more problems than the 20 reported/);
  for (const message of posted) assert.deepEqual(parseWebviewMessage(message), message, 'the host accepts each as it is');
});

test('a host that is gone does not make reporting throw', () => {
  const host: HostApi = { post: () => { throw new Error('disposed'); }, readState: () => ({ collapsed: [] }), writeState: () => undefined };
  quietConsole(() => assert.doesNotThrow(() => new ProblemReporter(host).caught('x', 'y')));
});
