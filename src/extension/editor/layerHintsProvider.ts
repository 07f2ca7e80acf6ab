// Inlay hints after each layer of a *.train.json file: the predicted activation std at
// initialization, ⚠ where it vanishes or explodes. Off with trainingDoctor.inlayHints.enabled.

import * as vscode from 'vscode';
import type { ConfigDiagnosticsEngine } from './configDiagnosticsEngine';
import type { ConfigAnalysis } from './configAnalysis';
import { layerHints, type LayerHint } from './layerHintModel';
import { configDocument, toPosition } from './vscodeConversions';

export const INLAY_HINTS_SETTING = 'trainingDoctor.inlayHints.enabled';

export class LayerHintsProvider implements vscode.InlayHintsProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  /** VS Code asks per visible range and after scrolling: compute each analysis' hints once. */
  private readonly computed = new WeakMap<ConfigAnalysis, LayerHint[]>();
  readonly onDidChangeInlayHints = this.changeEmitter.event;

  constructor(private readonly engine: ConfigDiagnosticsEngine) {}

  /** The data statistics arrived or the setting changed: VS Code asks again. */
  refresh(): void {
    this.changeEmitter.fire();
  }

  provideInlayHints(document: vscode.TextDocument, range: vscode.Range): vscode.InlayHint[] {
    if (!vscode.workspace.getConfiguration().get<boolean>(INLAY_HINTS_SETTING, true)) return [];
    const analysis = this.engine.analysisFor(configDocument(document));
    let hints = this.computed.get(analysis);
    if (!hints) {
      hints = layerHints(analysis.parsed, analysis.positions, analysis.inputStats);
      this.computed.set(analysis, hints);
    }
    return hints
      .filter((h) => range.contains(toPosition(h.position)))
      .map((h) => {
        const hint = new vscode.InlayHint(toPosition(h.position), h.label);
        hint.paddingLeft = true;
        hint.tooltip = new vscode.MarkdownString(h.tooltip);
        return hint;
      });
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}
