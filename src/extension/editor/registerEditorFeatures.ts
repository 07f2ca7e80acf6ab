// What a *.train.json file gets in the editor: diagnostics as you type (validation problems,
// static findings, data checks, and the findings of its last probe and run), quick fixes, the
// predicted activation std after each layer, Train / Probe / Find-learning-rate lenses, and a
// hover and path completion for an image folder.
// The one entry point of src/extension/editor; everything below it that can be is plain
// TypeScript without VS Code (see the *Model and engine modules and their tests).

import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { anchorLines } from './rulesDocLinks';
import { DataCheckCache } from './dataChecks';
import { workerDataLoaders } from './workerDataLoaders';
import type { Finding } from '../../core/diagnosis/finding';
import { ConfigDiagnosticsEngine } from './configDiagnosticsEngine';
import { ImageFolderCompletionProvider, ImageFolderHoverProvider } from './imageFolderProviders';
import { INLAY_HINTS_SETTING, LayerHintsProvider } from './layerHintsProvider';
import { ConfigQuickFixProvider } from './quickFixProvider';
import { TrainCodeLensProvider } from './trainCodeLensProvider';
import { CONFIG_SELECTOR, configDocument, isConfigDocument, toDiagnostic } from './vscodeConversions';

export interface EditorFeatures extends vscode.Disposable {
  /** The findings of the file's last probe: shown with its diagnostics until the next probe. */
  setProbeFindings(uri: vscode.Uri, findings: Finding[]): void;
  /** The findings of the file's last (or current) run: shown until the next run. */
  setRunFindings(uri: vscode.Uri, findings: Finding[]): void;
}

/** `extensionUri`: the extension's root; the diagnostics' codes link to its docs/rules.md. */
export function registerEditorFeatures(context: vscode.ExtensionContext, extensionUri: vscode.Uri): EditorFeatures {
  const rulesDoc = vscode.Uri.joinPath(extensionUri, 'docs', 'rules.md');
  const anchors = anchorLinesOf(rulesDoc.fsPath);
  const collection = vscode.languages.createDiagnosticCollection('training-doctor');
  const tracked = new Map<string, vscode.TextDocument>();
  let hints: LayerHintsProvider | undefined;
  let lenses: TrainCodeLensProvider | undefined;

  const engine = new ConfigDiagnosticsEngine({
    documentFor(key) {
      const document = tracked.get(key);
      return document && !document.isClosed ? configDocument(document) : undefined;
    },
    publish(key, published) {
      const document = tracked.get(key);
      if (document) collection.set(document.uri, published.diagnostics.map((d) => toDiagnostic(d, rulesDoc, anchors, document.uri)));
      lenses?.refresh();
    },
    clear(key) {
      collection.delete(vscode.Uri.parse(key));
    },
    onDataReady: () => hints?.refresh(),
    // VS Code's JSON language features report syntax errors unless the user turned validation off.
    editorReportsSyntax: () => vscode.workspace.getConfiguration('json').get<boolean>('validate.enable', true),
    // Data loads in a worker thread so the extension host never waits on MNIST or a big CSV.
    dataChecks: new DataCheckCache(workerDataLoaders(vscode.Uri.joinPath(extensionUri, 'dist', 'dataWorker.js').fsPath)),
  });
  hints = new LayerHintsProvider(engine);
  lenses = new TrainCodeLensProvider(engine);

  const open = (document: vscode.TextDocument) => {
    if (!isConfigDocument(document)) return;
    const key = document.uri.toString();
    tracked.set(key, document);
    engine.opened(key);
  };
  const close = (document: vscode.TextDocument) => {
    const key = document.uri.toString();
    if (!tracked.delete(key)) return;
    engine.closed(key);
  };

  // A changed CSV changes its modification time, which is part of the data cache's key: re-check the open configs.
  // So does an image added to or removed from an image folder's class folder.
  const csvWatcher = vscode.workspace.createFileSystemWatcher('**/*.csv');
  const imageWatcher = vscode.workspace.createFileSystemWatcher('**/*.{png,jpg,jpeg,PNG,JPG,JPEG}', false, true, false);
  const disposables: vscode.Disposable[] = [
    collection,
    hints,
    csvWatcher,
    imageWatcher,
    vscode.languages.registerCodeActionsProvider(CONFIG_SELECTOR, new ConfigQuickFixProvider(engine), ConfigQuickFixProvider.metadata),
    vscode.languages.registerInlayHintsProvider(CONFIG_SELECTOR, hints),
    vscode.languages.registerHoverProvider(CONFIG_SELECTOR, new ImageFolderHoverProvider()),
    vscode.languages.registerCompletionItemProvider(CONFIG_SELECTOR, new ImageFolderCompletionProvider(), ...ImageFolderCompletionProvider.triggerCharacters),
    lenses,
    vscode.languages.registerCodeLensProvider(CONFIG_SELECTOR, lenses),
    vscode.workspace.onDidOpenTextDocument(open),
    vscode.workspace.onDidCloseTextDocument(close),
    vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.contentChanges.length > 0 && tracked.has(event.document.uri.toString())) engine.changed(event.document.uri.toString());
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(INLAY_HINTS_SETTING)) hints?.refresh();
      if (event.affectsConfiguration('json.validate.enable')) engine.refreshAll();
    }),
    // Granting trust swaps the "needs a trusted workspace" lens for the Train/Probe/LR ones, and
    // lets data outside the workspace folders be read (editorDataAccess); so do other folders.
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      lenses?.refresh();
      engine.refreshAll();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => engine.refreshAll()),
    csvWatcher.onDidChange(() => engine.refreshAll()),
    csvWatcher.onDidCreate(() => engine.refreshAll()),
    csvWatcher.onDidDelete(() => engine.refreshAll()),
    // Re-checks are debounced per document, so a script writing hundreds of images costs one.
    imageWatcher.onDidCreate(() => engine.refreshAll()),
    imageWatcher.onDidDelete(() => engine.refreshAll()),
  ];
  // Configs already open are diagnosed right after activation, not during it: activate() only
  // registers, so VS Code (and extensions waiting on the same events) can go on at once.
  const initial = setTimeout(() => {
    // A document opened meanwhile was diagnosed by onDidOpenTextDocument already.
    for (const document of vscode.workspace.textDocuments) if (!document.isClosed && tracked.get(document.uri.toString()) !== document) open(document);
  }, 0);
  disposables.push({ dispose: () => clearTimeout(initial) });

  const features: EditorFeatures = {
    setProbeFindings: (uri, findings) => engine.setExternalFindings(uri.toString(), 'probe', findings),
    setRunFindings: (uri, findings) => engine.setExternalFindings(uri.toString(), 'run', findings),
    dispose() {
      engine.dispose();
      for (const d of disposables) d.dispose();
      tracked.clear();
    },
  };
  context.subscriptions.push(features);
  return features;
}

function anchorLinesOf(file: string): Map<string, number> {
  try {
    return anchorLines(fs.readFileSync(file, 'utf8'));
  } catch {
    return new Map(); // links then carry the anchor name only
  }
}
