// The quick fixes of a diagnostic: one per fix of its finding, each the minimal edit applyFix
// computes (comments and formatting kept), as ranges of the current text. As in vscode-eslint,
// diagnostics remember the document version they were computed for, and a document that has
// changed since gets no fixes: its offsets would point at the wrong text.
//
// Listing the fixes is free; computing an edit is not (a fix re-parses the config after each
// change: ~5 ms on a small config, ~100 ms for zero-init-residual on 100 residual blocks), so the
// lightbulb lists them and the edit is computed when one is chosen.

import type { FixReference } from '../../core/diagnosis/finding';
import { applyFix } from '../../core/diagnosis/fixes/applyFix';
import type { PublishedDiagnostics } from './configDiagnosticsEngine';
import type { EditorDiagnostic } from './editorDiagnostics';
import { TextPositions, type TextSpan } from './textPositions';

export interface QuickFixEdit {
  span: TextSpan;
  newText: string;
}

export interface QuickFix {
  title: string;
  isPreferred: boolean;
  fix: FixReference;
  /** The diagnostic the fix resolves (it carries the finding). */
  diagnostic: EditorDiagnostic;
  /** The document version the fix belongs to. */
  version: number;
}

/**
 * The fixes for the given diagnostics of a document, or none when the diagnostics were computed
 * for another version than the document's current one.
 */
export function quickFixesFor(published: PublishedDiagnostics | undefined, documentVersion: number, diagnostics: EditorDiagnostic[]): QuickFix[] {
  if (!published || published.version !== documentVersion) return [];
  return diagnostics.flatMap((diagnostic) => (diagnostic.finding?.fixes ?? []).map((fix) => ({
    title: fix.title,
    isPreferred: fix.preferred === true,
    fix,
    diagnostic,
    version: published.version,
  })));
}

/** The edits of a chosen fix on the document as it is now; an error when it changed or the fix cannot apply. */
export function quickFixEdits(quickFix: QuickFix, document: { version: number; text: string }): { edits: QuickFixEdit[] } | { error: string } {
  const finding = quickFix.diagnostic.finding;
  if (!finding) return { error: 'This diagnostic has no fixes.' };
  if (document.version !== quickFix.version) return { error: 'The config changed since this fix was offered; try again.' };
  const result = applyFix(document.text, finding, quickFix.fix);
  if ('error' in result) return result;
  const positions = new TextPositions(document.text);
  return { edits: result.edits.map((e) => ({ span: positions.span(e.offset, e.length), newText: e.content })) };
}

/** The text after a fix's edits (what the editor shows once the WorkspaceEdit is applied). */
export function applyQuickFixEdits(text: string, edits: QuickFixEdit[]): string {
  let result = text;
  for (const edit of [...edits].sort((a, b) => b.span.offset - a.span.offset)) {
    result = result.slice(0, edit.span.offset) + edit.newText + result.slice(edit.span.offset + edit.span.length);
  }
  return result;
}
