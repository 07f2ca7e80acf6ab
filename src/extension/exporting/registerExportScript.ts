// `Training Doctor: Export Training Script…`: the config of the active editor (or the one picked in
// the explorer) as a PyTorch (DDP-ready) or Keras training script, written beside the config and
// opened. Only reads the config and writes a file, so it works in untrusted workspaces too.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseTrainConfig } from '../../core/config/parseConfig';
import { mnistDigitFile } from '../../core/data/mnistDataset';
import { exportKerasScript } from '../../core/interop/keras/exportKerasScript';
import { exportPytorchScript } from '../../core/interop/pytorch/exportPytorchScript';
import { trainingScriptName } from '../../core/interop/pytorch/pythonSource';

const COMMAND = 'trainingDoctor.exportTrainingScript';
const isConfig = (file: string) => file.endsWith('.train.json');

export function registerExportScript(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand(COMMAND, (uri?: unknown) => exportScript(uri instanceof vscode.Uri ? uri : undefined)));
}

async function configToExport(uri: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
  if (uri) return uri;
  const active = vscode.window.activeTextEditor?.document;
  if (active && isConfig(active.fileName)) return active.uri;
  const picked = await vscode.window.showOpenDialog({
    title: 'Export a Training Doctor config as a training script', canSelectMany: false, openLabel: 'Export',
    filters: { 'Training Doctor config': ['json'] },
  });
  return picked?.[0];
}

function mnistFolder(): string | undefined {
  try {
    return path.dirname(mnistDigitFile(0));
  } catch {
    return undefined;
  }
}

async function exportScript(target: vscode.Uri | undefined): Promise<void> {
  const uri = await configToExport(target);
  if (!uri) return;
  const framework = await vscode.window.showQuickPick([
    { label: 'PyTorch', description: 'python or torchrun (DistributedDataParallel); logs what Training Doctor diagnoses', id: 'pytorch' as const },
    { label: 'Keras', description: 'tf.keras (TensorFlow 2)', id: 'keras' as const },
  ], { title: `Export ${path.basename(uri.fsPath)} as a training script for` });
  if (!framework) return;
  // The editor's text when the config is open (unsaved edits included), else the file's.
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  const text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const parsed = parseTrainConfig(text, uri.fsPath);
  const errors = parsed.problems.filter((p) => p.severity === 'error');
  if (!parsed.config || !parsed.shapes || errors.length > 0) {
    const first = errors[0];
    const where = first?.range ? `${path.basename(uri.fsPath)}:${first.range.line}:${first.range.column}: ` : '';
    void vscode.window.showErrorMessage(`Training Doctor cannot export ${path.basename(uri.fsPath)} until its ${errors.length === 1 ? 'problem is' : `${errors.length} problems are`} fixed. ${where}${first?.message ?? ''}`);
    return;
  }
  const options = { configText: text, configPath: uri.fsPath, baseDir: path.dirname(uri.fsPath), mnistDir: mnistFolder() };
  const script = framework.id === 'pytorch'
    ? exportPytorchScript(parsed.config, parsed.shapes, options)
    : exportKerasScript(parsed.config, parsed.shapes, options);
  let out = vscode.Uri.file(path.join(path.dirname(uri.fsPath), trainingScriptName(parsed.config.name)));
  if (await vscode.workspace.fs.stat(out).then(() => true, () => false)) {
    const saved = await vscode.window.showSaveDialog({ defaultUri: out, title: 'Save the training script as', filters: { Python: ['py'] } });
    if (!saved) return;
    out = saved;
  }
  await vscode.workspace.fs.writeFile(out, new TextEncoder().encode(script));
  await vscode.window.showTextDocument(out);
  const run = framework.id === 'pytorch'
    ? `Run it with python ${path.basename(out.fsPath)} --logdir .training-doctor/runs (or torchrun --nproc_per_node N …): the run shows in the run history.`
    : `Run it with python ${path.basename(out.fsPath)} --logdir logs (needs TensorFlow).`;
  void vscode.window.showInformationMessage(`Exported ${framework.label} training script ${path.basename(out.fsPath)}. ${run}`);
}
