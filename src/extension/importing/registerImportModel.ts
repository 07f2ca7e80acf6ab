// `Training Doctor: Import Model…`: a Keras or TF.js model definition → a *.train.json beside it
// (opened when written), with the data the user picks; what cannot be imported is listed in the
// Problems view, located in the model file. Also offered as a CodeLens on model files. Import
// only reads JSON and writes a config, so it works in untrusted workspaces too.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { importKerasModel, type ImportDataSpec } from '../../core/interop/keras/importKerasModel';
import type { ImportProblem } from '../../core/interop/keras/importProblem';
import { looksLikeKerasModel } from './kerasModelDetection';

const COMMAND = 'trainingDoctor.importModel';

export function registerImportModel(context: vscode.ExtensionContext): void {
  const problems = vscode.languages.createDiagnosticCollection('Training Doctor import');
  const lenses = new ImportCodeLensProvider();
  context.subscriptions.push(
    problems,
    vscode.languages.registerCodeLensProvider({ language: 'json' }, lenses),
    vscode.commands.registerCommand(COMMAND, (uri?: unknown) => importModel(uri instanceof vscode.Uri ? uri : undefined, problems)),
  );
}

class ImportCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const head = document.getText(new vscode.Range(0, 0, Math.min(document.lineCount, 200), 0));
    if (!looksLikeKerasModel(document.fileName, head)) return [];
    return [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), {
      title: 'Import into Training Doctor…', command: COMMAND, arguments: [document.uri],
      tooltip: 'Write a *.train.json that builds this model, to lint and probe it',
    })];
  }
}

async function modelToImport(uri: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
  if (uri) return uri;
  const active = vscode.window.activeTextEditor?.document;
  if (active && looksLikeKerasModel(active.fileName, active.getText())) return active.uri;
  const picked = await vscode.window.showOpenDialog({
    title: 'Import a Keras or TF.js model', canSelectMany: false, openLabel: 'Import',
    filters: { 'Keras / TF.js model': ['json', 'keras'] },
  });
  return picked?.[0];
}

async function dataToUse(outDir: string): Promise<ImportDataSpec | undefined> {
  const items: (vscode.QuickPickItem & { spec?: ImportDataSpec; csv?: true })[] = [
    { label: 'Placeholder data', description: 'N(0, 1) inputs: lint and probe now, set real data before training', spec: { kind: 'placeholder' } },
    { label: 'MNIST', description: '28×28 digits, 10 classes', spec: { kind: 'mnist' } },
    { label: 'Synthetic Gaussian data', description: 'flat inputs, one class per output unit', spec: { kind: 'synthetic' } },
    { label: 'A CSV file…', description: 'one row per example, a label column', csv: true },
  ];
  const choice = await vscode.window.showQuickPick(items, { title: 'Data for the imported model' });
  if (!choice) return undefined;
  if (choice.spec) return choice.spec;
  const csv = (await vscode.window.showOpenDialog({ title: 'CSV data', canSelectMany: false, filters: { CSV: ['csv'] } }))?.[0];
  if (!csv) return undefined;
  const header = new TextDecoder().decode(await vscode.workspace.fs.readFile(csv)).split(/\r?\n/, 1)[0] ?? '';
  const columns = header.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1')).filter((c) => c.length > 0);
  const label = await vscode.window.showQuickPick([...columns].reverse(), { title: 'The column to predict' });
  if (!label) return undefined;
  return { kind: 'csv', path: path.relative(outDir, csv.fsPath).split(path.sep).join('/'), label };
}

async function importModel(target: vscode.Uri | undefined, problems: vscode.DiagnosticCollection): Promise<void> {
  const uri = await modelToImport(target);
  if (!uri) return;
  const bytes = await vscode.workspace.fs.readFile(uri);
  // What cannot be imported is said before the user is asked which data to use for it.
  const trial = importKerasModel(bytes, uri.fsPath, { data: { kind: 'placeholder' } });
  if (!trial.ok) return reportProblems(uri, trial.problems, problems);
  const outDir = path.dirname(uri.fsPath);
  const data = await dataToUse(outDir);
  if (!data) return;
  let out = vscode.Uri.file(path.join(outDir, `${path.basename(uri.fsPath).replace(/\.(json|keras)$/i, '')}.train.json`));
  const exists = await vscode.workspace.fs.stat(out).then(() => true, () => false);
  if (exists) {
    const saved = await vscode.window.showSaveDialog({ defaultUri: out, title: 'Save the imported config as', filters: { 'Training Doctor config': ['train.json'] } });
    if (!saved) return;
    out = saved;
  }
  const result = importKerasModel(bytes, uri.fsPath, { data, name: path.basename(out.fsPath).replace(/\.train\.json$/, '') });
  if (!result.ok) return reportProblems(uri, result.problems, problems);
  problems.delete(uri);
  await vscode.workspace.fs.writeFile(out, new TextEncoder().encode(result.text));
  await vscode.window.showTextDocument(out);
  const s = result.summary;
  void vscode.window.showInformationMessage(
    `Imported ${s.kerasLayers} Keras layers → ${s.configLayers} config layers, ${s.params.toLocaleString('en-US')} parameters.` +
    (data.kind === 'placeholder' ? ' Placeholder data: lint and probe now; set real data before training.' : ''));
}

async function reportProblems(uri: vscode.Uri, found: ImportProblem[], problems: vscode.DiagnosticCollection): Promise<void> {
  problems.set(uri, found.map((p) => {
    const start = p.range ? new vscode.Position(p.range.line - 1, p.range.column - 1) : new vscode.Position(0, 0);
    const diagnostic = new vscode.Diagnostic(new vscode.Range(start, start.translate(0, Math.max(1, p.range?.length ?? 1))), p.message, vscode.DiagnosticSeverity.Error);
    diagnostic.source = 'Training Doctor';
    diagnostic.code = p.code;
    return diagnostic;
  }));
  const action = await vscode.window.showErrorMessage(
    `Training Doctor cannot import ${path.basename(uri.fsPath)}: ${found.length} problem${found.length === 1 ? '' : 's'} (no config was written).`, 'Show Problems');
  if (action) await vscode.commands.executeCommand('workbench.actions.view.problems');
}
