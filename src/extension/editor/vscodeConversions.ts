// The editor models' plain shapes as VS Code objects, and VS Code documents as the snapshots the
// models read. The one place where spans become Ranges and severities become DiagnosticSeverity.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { docsFragment } from './rulesDocLinks';
import type { FindingSeverity } from '../../core/diagnosis/finding';
import type { ConfigDocument } from './configDiagnosticsEngine';
import type { EditorDiagnostic } from './editorDiagnostics';
import { editorDataAccess } from './editorDataAccess';
import type { TextPosition, TextSpan } from './textPositions';

export const DIAGNOSTIC_SOURCE = 'Training Doctor';

/** *.train.json files, as the package contributes them (jsonc) or as a user may set them (json); saved or not. */
export const CONFIG_SELECTOR: vscode.DocumentFilter[] = ['jsonc', 'json'].flatMap((language) =>
  ['file', 'untitled'].map((scheme) => ({ language, scheme, pattern: '**/*.train.json' })));

export function isConfigDocument(document: vscode.TextDocument): boolean {
  return vscode.languages.match(CONFIG_SELECTOR, document) > 0;
}

export function toPosition(position: TextPosition): vscode.Position {
  return new vscode.Position(position.line, position.character);
}

export function toRange(span: TextSpan): vscode.Range {
  return new vscode.Range(toPosition(span.start), toPosition(span.end));
}

const SEVERITY: Record<FindingSeverity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** `rulesDoc`: the extension's docs/rules.md; a rule's code links to its section there (`anchors`: their lines). */
/** `document`: the config the diagnostic is in, where a grouped finding's other layers are. */
export function toDiagnostic(d: EditorDiagnostic, rulesDoc: vscode.Uri, anchors: Map<string, number>, document?: vscode.Uri): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(toRange(d.span), d.message, SEVERITY[d.severity]);
  diagnostic.source = DIAGNOSTIC_SOURCE;
  diagnostic.code = d.docsAnchor ? { value: d.code, target: rulesDoc.with({ fragment: docsFragment(d.docsAnchor, anchors) }) } : d.code;
  if (document && d.related && d.related.length > 1) {
    diagnostic.relatedInformation = d.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(document, toRange(r.span)), r.message));
  }
  return diagnostic;
}

/** The code as a plain string, whichever form the diagnostic carries. */
export function diagnosticCode(diagnostic: vscode.Diagnostic): string {
  const code = diagnostic.code;
  if (code === undefined) return '';
  return typeof code === 'object' ? String(code.value) : String(code);
}

/**
 * A document as the models read it. The text is read when asked for, not copied at every
 * keystroke; callers read it in the same tick as the version, so the two always agree.
 */
export function configDocument(document: vscode.TextDocument): ConfigDocument {
  const uri = document.uri;
  const baseDir = uri.scheme === 'file' || path.isAbsolute(uri.fsPath) ? path.dirname(uri.fsPath) : undefined;
  return {
    key: uri.toString(),
    version: document.version,
    get text() {
      return document.getText();
    },
    fileName: document.fileName,
    baseDir,
    dataAccess: editorDataAccess(vscode.workspace.isTrusted, (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath)),
  };
}
