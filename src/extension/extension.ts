// The extension's entry point: wires the editor features (diagnostics, quick fixes, hints,
// CodeLens), the run store, the training controller (which drives the trainer child process) and
// the dashboards, and registers the commands. Nothing here loads TensorFlow.js: training happens
// in the child process, so activation stays fast and the extension host stays responsive.

import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { TrainerJob } from '../core/trainerProcess/trainerProtocol';
import { registerDashboards } from './dashboard/registerDashboards';
import { registerOpenRuleDocs, RULE_DOCS_LINK } from './editor/openRuleDocs';
import { registerEditorFeatures } from './editor/registerEditorFeatures';
import { registerExportScript } from './exporting/registerExportScript';
import { registerImportModel } from './importing/registerImportModel';
import { RunStore } from './runs/runStore';
import { TrainingController } from './runs/trainingController';
import { registerTensorboardLogs } from './tensorboard/registerTensorboardLogs';

const CONFIG_GLOB = '**/*.train.json';

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const editor = registerEditorFeatures(context, context.extensionUri);
  // The store logs what it skips in bad run folders to the controller's output channel (created just below).
  const store = new RunStore(() => (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath), (issue) => controller.log(`Run history: ${issue}`));
  const controller = new TrainingController(context.extensionUri, store, editor);
  registerOpenRuleDocs(context);
  registerImportModel(context);
  registerExportScript(context);
  const dashboards = registerDashboards(context, store, {
    applyFix: (runId, findingIndex, fixId) => controller.applyFix(runId, findingIndex, fixId),
    rerun: (runId) => controller.rerun(runId),
    stop: () => controller.stop(),
    openRun: (runId) => dashboards.openPanel(runId),
    compare: (runId, otherRunId) => compareRuns(runId, otherRunId),
    revealConfig: (runId, findingIndex) => controller.revealConfig(runId, findingIndex),
  }, { docsUrl: RULE_DOCS_LINK, log: (line) => controller.log(line) });
  context.subscriptions.push(store, controller, controller.onDidStartRun((runId) => dashboards.openPanel(runId)));
  // Runs of other frameworks, from their TensorBoard event files (found after activation, read on demand).
  registerTensorboardLogs(context, store, (runId) => dashboards.openPanel(runId), (line) => controller.log(line));

  // Runs written by another window or the CLI show up in the history.
  const watcher = vscode.workspace.createFileSystemWatcher('**/.training-doctor/runs/*/run.json');
  const refresh = () => store.refreshHistory();
  context.subscriptions.push(watcher, watcher.onDidCreate(refresh), watcher.onDidChange(refresh), watcher.onDidDelete(refresh));

  const job = (kind: TrainerJob) => async (uri?: vscode.Uri) => {
    const target = uri instanceof vscode.Uri ? uri : await pickConfig(kind);
    if (target) await controller.start(kind, target);
  };

  const compareRuns = async (runId?: string, otherRunId?: string) => {
    const runs = store.listRuns();
    if (runs.length < 2) {
      void vscode.window.showInformationMessage('Training Doctor: comparing needs at least two runs in this workspace.');
      return;
    }
    const toItem = (r: (typeof runs)[number]) => ({ label: r.configName, description: `${r.status} · ${r.startedAt.replace('T', ' ').slice(0, 19)}`, detail: r.runId, runId: r.runId });
    const first = runId ?? (await vscode.window.showQuickPick(runs.map(toItem), { title: 'Compare runs: the first run' }))?.runId;
    if (!first) return;
    const second = otherRunId ?? (await vscode.window.showQuickPick(runs.filter((r) => r.runId !== first).map(toItem), { title: 'Compare runs: the run to overlay' }))?.runId;
    if (second) dashboards.openPanel(first, second);
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('trainingDoctor.trainModel', job('train')),
    vscode.commands.registerCommand('trainingDoctor.probeInitialization', job('probe')),
    vscode.commands.registerCommand('trainingDoctor.findLearningRate', job('lr-find')),
    vscode.commands.registerCommand('trainingDoctor.stopTraining', () => controller.stop()),
    vscode.commands.registerCommand('trainingDoctor.openDashboard', (runId?: unknown) => {
      const id = typeof runId === 'string' ? runId : store.activeRunId ?? store.listRuns()[0]?.runId;
      if (!id) {
        void vscode.window.showInformationMessage('Training Doctor: no runs yet. Train a *.train.json config first.');
        return;
      }
      dashboards.openPanel(id);
    }),
    vscode.commands.registerCommand('trainingDoctor.compareRuns', () => compareRuns()),
  );
  // Wall time depends on what else the machine runs; the CPU time is the extension's own work.
  const cpu = process.cpuUsage(cpuBefore);
  controller.log(`Training Doctor activated in ${(performance.now() - started).toFixed(1)} ms (${((cpu.user + cpu.system) / 1000).toFixed(1)} ms of CPU; no TensorFlow.js in the extension host).`);
}

/** The config to act on: the active editor's when it is one, else the user's pick among the workspace's. */
async function pickConfig(kind: TrainerJob): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document;
  if (active && active.uri.fsPath.endsWith('.train.json')) return active.uri;
  const files = await vscode.workspace.findFiles(CONFIG_GLOB, '**/node_modules/**', 200);
  if (files.length === 0) {
    void vscode.window.showInformationMessage('Training Doctor: no *.train.json config in this workspace.');
    return undefined;
  }
  if (files.length === 1) return files[0];
  const titles: Record<TrainerJob, string> = { train: 'Train which config?', probe: 'Probe which config?', 'lr-find': 'Find a learning rate for which config?' };
  const items = files
    .map((uri) => ({ label: path.basename(uri.fsPath), description: vscode.workspace.asRelativePath(path.dirname(uri.fsPath)), uri }))
    .sort((a, b) => a.description.localeCompare(b.description) || a.label.localeCompare(b.label));
  return (await vscode.window.showQuickPick(items, { title: titles[kind], matchOnDescription: true }))?.uri;
}

export function deactivate(): void {
  // Disposables (the trainer process included) are released through context.subscriptions.
}
