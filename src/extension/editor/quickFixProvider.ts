// The lightbulb on Training Doctor's diagnostics: one quick fix per fix of the diagnostic's
// finding (the rule's preferred one marked preferred), applied as a WorkspaceEdit so that it keeps
// the file's formatting and can be undone. Diagnostics published for an older version of the
// document get no fixes until the next pass has caught up. The edit itself is computed when a fix
// is chosen (resolveCodeAction), not every time the cursor moves.

import * as vscode from 'vscode';
import type { ConfigDiagnosticsEngine } from './configDiagnosticsEngine';
import { diagnosticKey, editorDiagnosticKey, type EditorDiagnostic } from './editorDiagnostics';
import { quickFixEdits, quickFixesFor, type QuickFix } from './quickFixModel';
import { DIAGNOSTIC_SOURCE, diagnosticCode, toRange } from './vscodeConversions';

class ConfigQuickFix extends vscode.CodeAction {
  constructor(readonly quickFix: QuickFix, readonly document: vscode.TextDocument, diagnostic: vscode.Diagnostic) {
    super(quickFix.title, vscode.CodeActionKind.QuickFix);
    this.diagnostics = [diagnostic];
    this.isPreferred = quickFix.isPreferred;
  }
}

export class ConfigQuickFixProvider implements vscode.CodeActionProvider<ConfigQuickFix> {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly engine: ConfigDiagnosticsEngine) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): ConfigQuickFix[] {
    if (context.only && !vscode.CodeActionKind.QuickFix.intersects(context.only)) return [];
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    if (ours.length === 0) return [];
    const published = this.engine.publishedFor(document.uri.toString());
    if (!published || published.version !== document.version) return [];

    // The diagnostics in the request are copies: find ours again by range, code and message.
    const byKey = new Map<string, EditorDiagnostic>(published.diagnostics.map((d) => [editorDiagnosticKey(d), d]));
    const requested = new Map<EditorDiagnostic, vscode.Diagnostic>();
    for (const d of ours) {
      const model = byKey.get(diagnosticKey(d.range.start, d.range.end, diagnosticCode(d), d.message));
      if (model) requested.set(model, d);
    }
    return quickFixesFor(published, document.version, [...requested.keys()])
      .map((fix) => new ConfigQuickFix(fix, document, requested.get(fix.diagnostic) as vscode.Diagnostic));
  }

  resolveCodeAction(action: ConfigQuickFix): ConfigQuickFix {
    const { document } = action;
    const result = quickFixEdits(action.quickFix, { version: document.version, text: document.getText() });
    if ('error' in result) {
      void vscode.window.showWarningMessage(`Training Doctor: ${result.error}`);
      return action;
    }
    const edit = new vscode.WorkspaceEdit();
    for (const e of result.edits) edit.replace(document.uri, toRange(e.span), e.newText);
    action.edit = edit;
    return action;
  }
}
