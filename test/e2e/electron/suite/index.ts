// The end-to-end scenarios of test/e2e/scenarios/, through the VS Code API instead of the screen,
// for desktop VS Code (Electron) started by @vscode/test-electron (see ../runElectronTests.ts).
// VS Code loads the bundle of this file (test/e2e/.cache/electron/suite.js) in the extension host
// and calls run(); a thrown error fails the run. No test framework: six sequential checks.
//
//   1 quick fix     diagnostics (languages.getDiagnostics) and the quick fix
//                   (vscode.executeCodeActionProvider) on the zero-initialized config; its
//                   CodeLens; on the misspelled config, completion from the JSON schema
//                   (vscode.executeCompletionItemProvider) and no diagnostic from another source
//   2 train         trainingDoctor.trainModel on the MNIST example: run.json completed, a
//                   "Training: mnist-small" dashboard tab (trainingDoctor.dashboard)
//   3 fix finding   the deep tanh config: its run's finding as a diagnostic, its quick fix,
//                   a re-run without it
//   4 stop          trainingDoctor.stopTraining mid-run: cancelled within seconds, data kept
//   5 dashboard     closing the dashboard and trainingDoctor.openDashboard brings it back
//                   (Reload Window cannot be tested from inside the window it reloads)

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

const SOURCE = 'Training Doctor';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the suite needs the fixture workspace open (runElectronTests.ts passes it)');
  return folder.uri.fsPath;
}

function uriOf(relativePath: string): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceDir(), relativePath));
}

async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what} (last: ${String(last)})`);
    await sleep(200);
  }
}

function codeOf(d: vscode.Diagnostic): string {
  const code = d.code;
  return typeof code === 'object' && code !== null ? String(code.value) : String(code ?? '');
}

function ours(uri: vscode.Uri, rule?: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE && (rule === undefined || codeOf(d) === rule));
}

interface RunRecord { id: string; status: string; steps: number; epochsCompleted: number }

function runs(): { dir: string; record: RunRecord }[] {
  const root = path.join(workspaceDir(), '.training-doctor', 'runs');
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root).sort().flatMap((id) => {
    try {
      return [{ dir: path.join(root, id), record: JSON.parse(fs.readFileSync(path.join(root, id, 'run.json'), 'utf8')) as RunRecord }];
    } catch {
      return [];
    }
  });
}

function dashboardTabs(label?: string): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) =>
    t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('trainingDoctor.dashboard') && (label === undefined || t.label === label));
}

async function applyQuickFix(uri: vscode.Uri, diagnostic: vscode.Diagnostic, titlePart: RegExp): Promise<string> {
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
  const fix = actions.find((a): a is vscode.CodeAction => 'kind' in a && titlePart.test(a.title));
  assert.ok(fix?.edit, `a quick fix matching ${titlePart} for ${codeOf(diagnostic)} (got: ${actions.map((a) => a.title).join(' | ')})`);
  assert.ok(await vscode.workspace.applyEdit(fix.edit), 'the editor applied the fix');
  const document = await vscode.workspace.openTextDocument(uri);
  await document.save();
  return fix.title;
}

// ---- the scenarios ---------------------------------------------------------------------------

async function quickFix(): Promise<void> {
  const uri = uriOf('broken/zero-init.train.json');
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  const found = await waitFor('two init.symmetry diagnostics', () => ours(uri, 'init.symmetry').length === 2 && ours(uri, 'init.symmetry'));
  for (const d of found) assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
  const layer0 = found.find((d) => d.message.startsWith('Layer 0'));
  assert.ok(layer0, 'a diagnostic for layer 0');
  const title = await applyQuickFix(uri, layer0, /heNormal.*layer 0/);
  const text = fs.readFileSync(uri.fsPath, 'utf8');
  assert.match(text, /"kernelInitializer": "heNormal"/, `"${title}" is in the file on disk`);
  await waitFor('the layer-0 diagnostic to go', () => {
    const left = ours(uri, 'init.symmetry');
    return left.length === 1 && left[0].message.startsWith('Layer 1');
  });
}

async function train(): Promise<void> {
  const uri = uriOf('mnist-small.train.json');
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  const before = runs().length;
  await vscode.commands.executeCommand('trainingDoctor.trainModel', uri); // resolves when the run ends
  const run = await waitFor('a completed run.json', () => runs().length > before && runs()[runs().length - 1].record.status === 'completed' && runs()[runs().length - 1]);
  assert.equal(run.record.epochsCompleted, 2);
  assert.ok(run.record.steps > 0);
  await waitFor('a "Training: mnist-small" dashboard tab', () => dashboardTabs('Training: mnist-small').length > 0, 15_000);
}

async function fixFinding(): Promise<void> {
  const uri = uriOf('deep-tanh.train.json');
  const rules = ['init.vanishing-activations', 'grad.vanishing'];
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  await vscode.commands.executeCommand('trainingDoctor.trainModel', uri);
  const finding = await waitFor('a vanishing finding on the config', () => ours(uri).find((d) => rules.includes(codeOf(d))));
  await applyQuickFix(uri, finding, /glorot/i);
  assert.match(fs.readFileSync(uri.fsPath, 'utf8'), /glorot/i);
  const before = runs().length;
  await vscode.commands.executeCommand('trainingDoctor.trainModel', uri);
  await waitFor('the re-run to complete', () => runs().length > before && runs()[runs().length - 1].record.status === 'completed');
  await waitFor('no vanishing diagnostics after the re-run', () => !ours(uri).some((d) => rules.includes(codeOf(d))), 15_000);
}

async function stop(): Promise<void> {
  const uri = uriOf('mnist-long.train.json');
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  const before = runs().length;
  const training = vscode.commands.executeCommand('trainingDoctor.trainModel', uri);
  const run = await waitFor('the long run to be training', () => {
    const all = runs();
    const last = all[all.length - 1];
    return all.length > before && last.record.status === 'running' && last.record.epochsCompleted >= 1 && last;
  }, 60_000);
  const t0 = Date.now();
  await vscode.commands.executeCommand('trainingDoctor.stopTraining');
  await training;
  const stopped = await waitFor('run.json cancelled', () => {
    const r = runs().find((x) => x.record.id === run.record.id);
    return r?.record.status === 'cancelled' && r;
  }, 15_000);
  assert.ok(Date.now() - t0 < 10_000, `stopped within 10 s (${Date.now() - t0} ms)`);
  assert.ok(stopped.record.steps > 0 && stopped.record.epochsCompleted < 30);
  assert.ok(fs.readFileSync(path.join(stopped.dir, 'metrics.jsonl'), 'utf8').trim().split('\n').length > 10, 'metrics.jsonl kept');
}

async function dashboardComesBack(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await waitFor('no dashboard tabs', () => dashboardTabs().length === 0, 10_000);
  await vscode.commands.executeCommand('trainingDoctor.openDashboard');
  await waitFor('a dashboard tab again', () => dashboardTabs().length > 0, 15_000);
}

async function editorSchema(): Promise<void> {
  const zeroInit = uriOf('broken/zero-init.train.json');
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', zeroInit);
  const titles = lenses.map((l) => l.command?.title ?? '');
  assert.ok(titles.includes('▶ Train') && titles.includes('Probe init'), `CodeLens titles: ${titles.join(' | ')}`);

  const uri = uriOf('broken/typos.train.json');
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);
  await waitFor('the schema problems of typos.train.json', () => ['schema.unknown-property', 'layer.unknown-type', 'schema.invalid-value'].every((code) => ours(uri, code).length > 0));
  // Line 11 (0-based 10): `      { "type": "dense", "units": 10, ... }`; inside it, after "{ ".
  const line = document.lineAt(10).text;
  const position = new vscode.Position(10, line.indexOf('{') + 2);
  const completions = await waitFor('completion of a dense layer\'s properties', async () => {
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, position);
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    return labels.includes('kernelInitializer') ? labels : undefined;
  });
  assert.ok(!completions.includes('filters'), `a dense layer is not offered "filters": ${completions.join(', ')}`);
  // VS Code's JSON service has answered, so it has validated too: nothing may be listed twice.
  const foreign = vscode.languages.getDiagnostics(uri).filter((d) => d.source !== SOURCE);
  assert.deepEqual(foreign.map((d) => `${d.source}: ${d.message}`), [], 'diagnostics from another source than Training Doctor');
}

export async function run(): Promise<void> {
  const tests: [string, () => Promise<void>][] = [
    ['1 quick fix on a broken config', quickFix],
    ['1b CodeLens, completion, nothing listed twice', editorSchema],
    ['2 train the MNIST example', train],
    ['3 fix a finding and re-run', fixFinding],
    ['4 stop a run mid-way', stop],
    ['5 dashboard reopens', dashboardComesBack],
  ];
  const only = process.env.TD_E2E_ONLY?.split(',').filter(Boolean);
  const failures: string[] = [];
  for (const [name, test] of tests) {
    if (only && !only.some((o) => name.startsWith(o))) continue;
    const t0 = Date.now();
    try {
      await test();
      console.log(`ok - ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (error) {
      failures.push(name);
      console.log(`not ok - ${name}: ${(error as Error)?.stack ?? error}`);
    }
  }
  console.log(`${tests.length - failures.length} passed, ${failures.length} failed`);
  if (failures.length) throw new Error(`failed: ${failures.join(', ')}`);
}
