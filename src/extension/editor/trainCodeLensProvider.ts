// "▶ Train | Probe init | Find learning rate" above a *.train.json file's root object; each
// command receives the document's Uri (and checks workspace trust itself).

import * as vscode from 'vscode';
import { configLenses } from './codeLensModel';
import type { ConfigDiagnosticsEngine } from './configDiagnosticsEngine';
import { configDocument, toRange } from './vscodeConversions';

export class TrainCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fired when a document's analysis is published: VS Code may have asked before it existed. */
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly engine: ConfigDiagnosticsEngine) {}

  refresh(): void {
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const { parsed, positions } = this.engine.analysisFor(configDocument(document));
    return configLenses(parsed, positions, { trusted: vscode.workspace.isTrusted }).map((lens) =>
      new vscode.CodeLens(toRange(lens.span), { title: lens.title, command: lens.command, tooltip: lens.tooltip, arguments: [document.uri] }));
  }
}
