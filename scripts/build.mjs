// Bundles the entry points with esbuild and copies the WebAssembly backend's binaries next to
// them. tfjs-node stays external: it is optional and native, found at run time if installed.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const require = createRequire(import.meta.url);
const dist = path.join(root, 'dist');
const watch = process.argv.includes('--watch');

const nodeEntries = {
  cli: 'src/cli/main.ts',
  trainer: 'src/trainer/main.ts',
};

fs.mkdirSync(dist, { recursive: true });
const options = {
  absWorkingDir: root,
  entryPoints: nodeEntries,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // jsonc-parser's UMD build hides its requires from bundlers; its ESM build does not.
  mainFields: ['module', 'main'],
  outdir: dist,
  sourcemap: 'linked',
  external: ['@tensorflow/tfjs-node', 'vscode'],
  logLevel: 'warning',
  // tfjs probes for optional packages it does not need in Node.
  logOverride: { 'require-resolve-not-external': 'silent' },
};

const wasmDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
fs.mkdirSync(path.join(dist, 'wasm'), { recursive: true });
for (const file of fs.readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) {
  fs.copyFileSync(path.join(wasmDir, file), path.join(dist, 'wasm', file));
}

if (watch) {
  const context = await esbuild.context(options);
  await context.watch();
} else {
  await esbuild.build(options);
}
