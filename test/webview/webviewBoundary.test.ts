// The webview app and the extension host are separate worlds: webview/ imports neither `vscode`
// nor Node's modules or globals, only its own modules, chart.js and the shared core types and
// pure functions of the dashboard protocol.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { ROOT } from './webviewHarness';

const WEBVIEW = path.join(ROOT, 'webview', 'src');
const ALLOWED_CORE = new Set([
  'src/core/dashboard/dashboardValidation.ts', 'src/core/dashboard/payloadReader.ts', 'src/core/dashboard/trainingEventValidation.ts',
  'src/core/dashboard/dashboardProtocol.ts', 'src/core/dashboard/runData.ts', 'src/core/engine/trainingEvents.ts',
  'src/core/engine/layerStatistics.ts', 'src/core/diagnosis/finding.ts',
]);

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sources(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

test('webview sources import only webview modules, chart.js and the dashboard core', () => {
  for (const file of sources(WEBVIEW)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^\s*(import|export)\s[^'"]*?from\s+'([^']+)'/gm)) {
      const specifier = match[2];
      const where = `${path.relative(ROOT, file)} imports ${specifier}`;
      if (specifier === 'chart.js') continue;
      assert.ok(specifier.startsWith('.'), `${where}: only relative imports and chart.js`);
      const target = path.relative(ROOT, path.resolve(path.dirname(file), specifier)) + '.ts';
      const inWebview = target.startsWith(`webview${path.sep}`);
      assert.ok(inWebview || ALLOWED_CORE.has(target.split(path.sep).join('/')), `${where}: outside webview/ only the dashboard core`);
      // Engine and diagnosis modules are shared for their types only; their code needs Node.
      if (!inWebview && !target.includes('dashboard')) assert.match(match[0], /import type/, `${where}: types only`);
    }
  }
});

test('webview sources use no Node or VS Code globals', () => {
  for (const file of sources(WEBVIEW)) {
    const code = fs.readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '');
    for (const forbidden of [/\brequire\(/, /\bprocess\./, /\b__dirname\b/, /\bBuffer\./, /from 'vscode'/, /from 'node:/]) {
      assert.doesNotMatch(code, forbidden, `${path.relative(ROOT, file)} uses ${forbidden}`);
    }
  }
});
