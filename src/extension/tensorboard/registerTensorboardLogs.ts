// Wires TensorBoard logs into the extension: the workspace's event files in the run history, the
// command "Training Doctor: Open TensorBoard Logs" (a folder picker) and the search again when new
// event files appear. It only reads files, so it works in Restricted Mode too. Nothing here
// reads an event file during activation: the search runs afterwards, and a run is read when a
// dashboard asks for it.

import * as vscode from 'vscode';
import type { RunStore } from '../runs/runStore';
import { TensorboardRuns } from './tensorboardRuns';

const EVENT_FILES = '**/events.out.tfevents.*';
/** Our own runs write event files too; they are in the history already, as runs. */
const NOT_SEARCHED = '{**/node_modules/**,**/.git/**,**/.training-doctor/**}';
/** More event files than this in a workspace: the first ones are listed, the rest opened with the command. */
export const MAX_EVENT_FILES = 500;
/** Dashboards opened at once by the command; the other runs wait in the history. */
const MAX_PANELS_OPENED = 4;

export function registerTensorboardLogs(
  context: vscode.ExtensionContext,
  store: RunStore,
  openPanel: (runId: string) => void,
  log: (line: string) => void,
): TensorboardRuns {
  const runs = new TensorboardRuns(store, {
    findEventFiles: async () => {
      const files = await vscode.workspace.findFiles(EVENT_FILES, NOT_SEARCHED, MAX_EVENT_FILES);
      if (files.length >= MAX_EVENT_FILES) log(`TensorBoard logs: the first ${MAX_EVENT_FILES} event files of the workspace are listed; open other log folders with "Training Doctor: Open TensorBoard Logs".`);
      return files.map((uri) => uri.fsPath);
    },
    // Outside the workspace (a folder opened with the command): the full path.
    displayName: (dir) => vscode.workspace.asRelativePath(dir),
    log,
  });
  store.addExternalRuns(runs);
  context.subscriptions.push({ dispose: () => runs.dispose() });

  const search = () => void runs.discoverWorkspace();
  const watcher = vscode.workspace.createFileSystemWatcher(EVENT_FILES, false, true, true);
  context.subscriptions.push(watcher, watcher.onDidCreate(search), vscode.workspace.onDidChangeWorkspaceFolders(search));
  // After activation: the search runs in VS Code's search process, not in activate().
  setTimeout(search, 0);

  context.subscriptions.push(vscode.commands.registerCommand('trainingDoctor.openTensorboardLogs', async (uri?: unknown) => {
    const folder = uri instanceof vscode.Uri ? uri : (await vscode.window.showOpenDialog({
      canSelectFolders: true, canSelectFiles: false, canSelectMany: false,
      openLabel: 'Watch TensorBoard Logs', title: 'A folder of TensorBoard event files (runs/, logs/, lightning_logs/ ...)',
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    }))?.[0];
    if (!folder) return;
    const found = await runs.openFolder(folder.fsPath);
    if (found.length === 0) {
      void vscode.window.showInformationMessage(`Training Doctor: no TensorBoard event files (events.out.tfevents.*) in ${folder.fsPath} yet; watching it, new runs appear in the run history.`);
      return;
    }
    for (const runId of found.slice(0, MAX_PANELS_OPENED)) openPanel(runId);
    if (found.length > MAX_PANELS_OPENED) {
      void vscode.window.showInformationMessage(`Training Doctor: ${found.length} runs in ${folder.fsPath}; the first ${MAX_PANELS_OPENED} are open, the others are in the run history.`);
    }
  }));
  return runs;
}
