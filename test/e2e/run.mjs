#!/usr/bin/env node
// The end-to-end suite from a fresh clone, no manual steps:
//   1. dependencies: `npm ci` when node_modules lacks what the suite needs
//   2. set-up: Debian packages, Node 24 and code-server into the cache (setup/install.mjs)
//   3. package: `npm run package` (build + vsce) → training-doctor.vsix, then a trial install of
//      that VSIX with code-server --install-extension into a throw-away folder
//   4. scenarios: runScenarios.ts (through tsx), one fresh code-server + Chromium per scenario
// Ends with "N passed, N failed" and exits non-zero when anything failed.
//
//   npm run test:e2e                      everything
//   npm run test:e2e -- 1 s3              only scenario 1 and the one whose id starts with s3
//   npm run test:e2e -- --no-package 2    reuse training-doctor.vsix as it is
//   env: TD_E2E_CACHE (toolchain cache), TD_E2E_KEEP=1 (keep run folders), TD_E2E_TIMEOUT_MIN (18)

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureToolchain } from './setup/install.mjs';

const E2E = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(E2E, '..', '..');
const LOCAL_CACHE = path.join(E2E, '.cache');
const ARTIFACTS = process.env.TD_E2E_ARTIFACTS ? path.resolve(process.env.TD_E2E_ARTIFACTS) : path.join(E2E, 'artifacts');
const VSIX = path.join(ROOT, 'training-doctor.vsix');

const argv = process.argv.slice(2);
const flags = new Set(argv.filter((a) => a.startsWith('--')));
const picks = argv.filter((a) => !a.startsWith('--'));
const t0 = Date.now();
const phases = [];
const since = (t) => +((Date.now() - t) / 1000).toFixed(1);

function phase(name, seconds, what) {
  phases.push({ name, seconds, what });
  console.log(`== ${name}: ${what} (${seconds} s)`);
}

function fail(message) {
  console.error(`\ne2e: ${message}`);
  console.log(`0 passed, 1 failed`);
  process.exit(1);
}

function sh(cmd, args, { log, cwd = ROOT, env = process.env, timeoutMs = 20 * 60_000 } = {}) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (log) fs.writeFileSync(log, `$ ${cmd} ${args.join(' ')}\n${output}\nexit ${r.status}\n`);
  return { status: r.error ? -1 : r.status, output, error: r.error };
}
const tail = (text, n = 20) => text.trimEnd().split('\n').slice(-n).map((l) => `    ${l}`).join('\n');

fs.mkdirSync(LOCAL_CACHE, { recursive: true });
fs.mkdirSync(ARTIFACTS, { recursive: true });
// Old screenshots would pass for new ones: start each full run with an empty artifacts folder.
if (!flags.has('--keep-artifacts')) {
  for (const entry of fs.readdirSync(ARTIFACTS)) fs.rmSync(path.join(ARTIFACTS, entry), { recursive: true, force: true });
}

// ---- 1. the repository's own dependencies ---------------------------------------------------
{
  const t = Date.now();
  const needed = ['playwright-core', 'tsx', '@vscode/vsce', 'esbuild', '@tensorflow/tfjs', 'chart.js'];
  const missing = needed.filter((name) => !fs.existsSync(path.join(ROOT, 'node_modules', name, 'package.json')));
  if (missing.length) {
    const useCi = fs.existsSync(path.join(ROOT, 'package-lock.json'));
    console.log(`== dependencies: ${missing.join(', ')} missing, running npm ${useCi ? 'ci' : 'install'} …`);
    const r = sh('npm', [useCi ? 'ci' : 'install'], { log: path.join(LOCAL_CACHE, 'npm-install.log') });
    if (r.status !== 0) fail(`npm ${useCi ? 'ci' : 'install'} failed (see ${path.join(LOCAL_CACHE, 'npm-install.log')}):\n${tail(r.output)}`);
    phase('dependencies', since(t), `npm ${useCi ? 'ci' : 'install'}`);
  } else {
    phase('dependencies', since(t), 'node_modules complete');
  }
}

// ---- 2. toolchain -------------------------------------------------------------------------------
let toolchain;
{
  const t = Date.now();
  console.log('== set-up (setup/install.mjs)');
  try {
    toolchain = await ensureToolchain();
  } catch (error) {
    fail(`set-up failed: ${error.message ?? error}`);
  }
  phase('set-up', since(t), `Node ${toolchain.versions.node}, code-server ${toolchain.versions.codeServer}, Chromium ${toolchain.versions.chromium}`);
}

// ---- 3. package the extension and try the VSIX --------------------------------------------------
{
  const t = Date.now();
  if (flags.has('--no-package') && fs.existsSync(VSIX)) {
    phase('package', since(t), `reusing ${path.relative(ROOT, VSIX)} (--no-package)`);
  } else {
    const log = path.join(LOCAL_CACHE, 'package.log');
    fs.rmSync(VSIX, { force: true });
    // stdin is not a terminal: vsce asks no questions (the repository-field warning included).
    const r = sh('npm', ['run', 'package'], { log });
    if (r.status !== 0 || !fs.existsSync(VSIX)) fail(`npm run package failed (exit ${r.status}); log ${log}:\n${tail(r.output, 30)}`);
    const size = (fs.statSync(VSIX).size / 1024 / 1024).toFixed(1);
    const files = r.output.match(/\((\d+) files?, ([\d.]+ ?[KMG]?B)\)/);
    phase('package', since(t), `npm run package → ${path.relative(ROOT, VSIX)} (${files ? `${files[1]} files, ` : ''}${size} MB)`);
  }
  // A trial install with code-server's CLI: the packaging is only good if VS Code accepts it and
  // the installed folder has what the extension loads at run time.
  const t2 = Date.now();
  const trial = fs.mkdtempSync(path.join(os.tmpdir(), 'td-e2e-vsix-'));
  try {
    const env = {
      ...process.env, PATH: `${path.dirname(toolchain.node24)}:${process.env.PATH}`, EXTENSIONS_GALLERY: '{}', TMPDIR: trial,
      XDG_CONFIG_HOME: path.join(trial, 'config'), XDG_DATA_HOME: path.join(trial, 'data'), XDG_CACHE_HOME: path.join(trial, 'cache'), XDG_STATE_HOME: path.join(trial, 'state'),
    };
    const exts = path.join(trial, 'extensions');
    const r = sh(toolchain.node24, [toolchain.codeServerEntry, '--install-extension', VSIX, '--extensions-dir', exts, '--user-data-dir', path.join(trial, 'user-data')], { env, timeoutMs: 120_000 });
    if (r.status !== 0 || !/successfully installed/i.test(r.output)) fail(`code-server --install-extension ${path.basename(VSIX)} failed:\n${tail(r.output)}`);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const dir = path.join(exts, `${pkg.publisher}.${pkg.name}-${pkg.version}`.toLowerCase());
    const required = ['package.json', 'dist/extension.js', 'dist/trainer.js', 'dist/train.editor.schema.json', 'schemas/train.schema.json', 'docs/rules.md', 'media/activity-bar.svg'];
    const absent = required.filter((f) => !fs.existsSync(path.join(dir, f)));
    if (!fs.existsSync(dir) || absent.length) fail(`the installed extension (${dir}) lacks ${absent.join(', ') || 'its folder'}`);
    const wasm = fs.existsSync(path.join(dir, 'dist', 'wasm')) ? fs.readdirSync(path.join(dir, 'dist', 'wasm')).length : 0;
    const list = sh(toolchain.node24, [toolchain.codeServerEntry, '--list-extensions', '--show-versions', '--extensions-dir', exts, '--user-data-dir', path.join(trial, 'user-data')], { env, timeoutMs: 60_000 });
    const listed = list.output.split('\n').find((l) => l.toLowerCase().startsWith(`${pkg.publisher}.${pkg.name}@`.toLowerCase()))?.trim();
    if (!listed) fail(`code-server --list-extensions does not list ${pkg.publisher}.${pkg.name}:\n${tail(list.output)}`);
    phase('vsix trial install', since(t2), `${listed} installed by code-server; dist/extension.js, dist/trainer.js, ${wasm} wasm files present`);
  } finally {
    fs.rmSync(trial, { recursive: true, force: true });
  }
}

// ---- 4. scenarios ---------------------------------------------------------------------------------
const t4 = Date.now();
const timeoutMin = Number(process.env.TD_E2E_TIMEOUT_MIN || 18);
const child = spawn(process.execPath, ['--import', 'tsx', path.join(E2E, 'runScenarios.ts'), ...picks], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, TD_E2E_VSIX: VSIX, TD_E2E_ARTIFACTS: ARTIFACTS },
});
let timedOut = false;
const watchdog = setTimeout(() => {
  timedOut = true;
  console.log(`# e2e: the scenarios exceeded ${timeoutMin} min: stopping them`);
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
}, timeoutMin * 60_000);
const forward = (signal) => child.kill(signal);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward);
const code = await new Promise((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 128 : 1))));
clearTimeout(watchdog);
// Whatever a killed scenario process left behind is ended by the ids it recorded.
sh(process.execPath, ['--import', 'tsx', path.join(E2E, 'harness', 'reap.ts')], { timeoutMs: 60_000 });

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const results = JSON.parse(fs.readFileSync(path.join(ARTIFACTS, 'results.json'), 'utf8')).results;
  skipped = results.filter((r) => r.skipped).length;
  passed = results.filter((r) => r.ok && !r.skipped).length;
  failed = results.length - passed - skipped;
} catch {
  failed = 1;
}
if ((code !== 0 || timedOut) && failed === 0) failed = 1;
phase('scenarios', since(t4), `${passed + failed} run${skipped ? `, ${skipped} skipped` : ''}`);
console.log(`== total ${since(t0)} s (${phases.map((p) => `${p.name} ${p.seconds} s`).join(', ')})`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);
