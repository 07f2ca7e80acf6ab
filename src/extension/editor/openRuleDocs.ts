// The command behind every rule link of the dashboards: opens docs/rules.md at the rule's section
// (its live half's for findings of a probe or a run).

import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { docsAnchorFor } from './editorDiagnostics';
import { anchorLines, docsFragment } from './rulesDocLinks';

export const OPEN_RULE_DOCS_COMMAND = 'trainingDoctor.openRuleDocs';

/** A `command:` link for the webviews, with `{rule}` and `{live}` filled in by them. */
export const RULE_DOCS_LINK = `command:${OPEN_RULE_DOCS_COMMAND}?%5B%22{rule}%22%2C{live}%5D`;

export function registerOpenRuleDocs(context: vscode.ExtensionContext): void {
  const rulesDoc = vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules.md');
  let lines: Map<string, number> | undefined;
  context.subscriptions.push(vscode.commands.registerCommand(OPEN_RULE_DOCS_COMMAND, async (rule: unknown, live: unknown) => {
    if (typeof rule !== 'string') return;
    lines ??= anchorLines(fs.readFileSync(rulesDoc.fsPath, 'utf8'));
    const anchor = docsAnchorFor(rule, live === true ? 'run' : 'static') ?? rule;
    const line = Number(docsFragment(anchor, lines).replace(/^L/, ''));
    const position = new vscode.Position(Number.isFinite(line) ? Math.max(0, line - 1) : 0, 0);
    await vscode.window.showTextDocument(rulesDoc, { selection: new vscode.Range(position, position), preview: true });
  }));
}
