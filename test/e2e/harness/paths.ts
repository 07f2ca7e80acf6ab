// Where the end-to-end suite keeps things: the repository, the artifacts a person looks at, the
// gitignored local cache, and the toolchain the installer (setup/install.mjs) put in its cache.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const E2E_DIR = path.resolve(__dirname, '..');
export const REPO_ROOT = path.resolve(E2E_DIR, '..', '..');
/** Screenshots (<name>.png) and logs (logs/<scenario>/): gitignored. */
export const ARTIFACTS_DIR = process.env.TD_E2E_ARTIFACTS ? path.resolve(process.env.TD_E2E_ARTIFACTS) : path.join(E2E_DIR, 'artifacts');
/** Per-clone scratch (pid records, the VSIX copy, the electron suite bundle): gitignored. */
export const LOCAL_CACHE_DIR = path.join(E2E_DIR, '.cache');
export const FIXTURES_DIR = path.join(E2E_DIR, 'fixtures');

/** Same rule as setup/install.mjs: TD_E2E_CACHE, else ~/.cache/training-doctor-e2e. */
export function toolchainCacheDir(): string {
  return path.resolve(process.env.TD_E2E_CACHE || path.join(os.homedir(), '.cache', 'training-doctor-e2e'));
}

export interface Toolchain {
  node24: string;
  codeServerEntry: string;
  chromium: string;
  versions: { node?: string; codeServer?: string; chromium?: string };
}

export function readToolchain(): Toolchain {
  const manifest = path.join(toolchainCacheDir(), 'toolchain.json');
  if (!fs.existsSync(manifest)) {
    throw new Error(`No toolchain at ${manifest}: run "node test/e2e/setup/install.mjs" (or "npm run test:e2e", which runs it) first.`);
  }
  const t = JSON.parse(fs.readFileSync(manifest, 'utf8')) as Toolchain;
  for (const file of [t.node24, t.codeServerEntry, t.chromium]) {
    if (!fs.existsSync(file)) throw new Error(`${file} (from ${manifest}) is missing: run "node test/e2e/setup/install.mjs" again.`);
  }
  return t;
}

/** The VSIX the runner packaged (TD_E2E_VSIX overrides). */
export function vsixPath(): string {
  const vsix = process.env.TD_E2E_VSIX ? path.resolve(process.env.TD_E2E_VSIX) : path.join(REPO_ROOT, 'training-doctor.vsix');
  if (!fs.existsSync(vsix)) throw new Error(`No VSIX at ${vsix}: run "npm run package" (or "npm run test:e2e", which does).`);
  return vsix;
}
