// The same behaviours as the code-server scenarios, in desktop VS Code (Electron), through the
// VS Code API (suite/index.ts), with @vscode/test-electron:
//
//   npm run build && npx tsx test/e2e/electron/runElectronTests.ts
//
// It downloads VS Code (TD_E2E_VSCODE_VERSION, default "stable") into test/e2e/.cache/vscode-test/ unless
// VSCODE_EXECUTABLE points at an installed `code` binary. It needs update.code.visualstudio.com
// for the download and a display (use xvfb-run on a headless Linux machine). It cannot run on the
// machines this suite's main runner targets (no download, no display): there, only its
// compilation is checked (npm run typecheck), and test/e2e/run.mjs covers the same ground in
// code-server. TD_E2E_ONLY=1,3 runs some of the five checks.

import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { FIXTURES_DIR, LOCAL_CACHE_DIR, REPO_ROOT } from '../harness/paths';

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'extension.js'))) {
    throw new Error('dist/extension.js is missing: run "npm run build" first.');
  }
  // VS Code loads the suite with require() in its extension host: bundle it to one CommonJS file.
  const suite = path.join(LOCAL_CACHE_DIR, 'electron', 'suite.js');
  await esbuild.build({
    entryPoints: [path.join(__dirname, 'suite', 'index.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    outfile: suite,
    logLevel: 'warning',
  });

  // A throw-away copy of the fixture workspace and a fresh profile.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'td-e2e-electron-'));
  const workspace = path.join(scratch, 'workspace');
  fs.cpSync(path.join(FIXTURES_DIR, 'workspace'), workspace, { recursive: true });
  const userData = path.join(scratch, 'user-data');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'chat.disableAIFeatures': true,
  }, null, 2));

  try {
    const code = await runTests({
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: suite,
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE || undefined,
      version: process.env.VSCODE_EXECUTABLE ? undefined : process.env.TD_E2E_VSCODE_VERSION || 'stable',
      cachePath: path.join(LOCAL_CACHE_DIR, 'vscode-test'), // gitignored, instead of ./.vscode-test
      launchArgs: [workspace, '--user-data-dir', userData, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
      extensionTestsEnv: { TD_E2E_ONLY: process.env.TD_E2E_ONLY },
    });
    process.exitCode = code;
  } finally {
    if (!process.env.TD_E2E_KEEP) fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`electron e2e: ${(error as Error)?.message ?? error}`);
  process.exitCode = 1;
});
