// The VS Code side of imageFolderEditorModel: a hover on the `images` path of a config (classes,
// counts, sizes) and the completion of that path.

import * as vscode from 'vscode';
import { imageFolderCompletions, imageFolderHoverText, imagesValueAt, summarizeImageFolder } from './imageFolderEditorModel';
import { configDocument } from './vscodeConversions';

export class ImageFolderHoverProvider implements vscode.HoverProvider {
  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const config = configDocument(document);
    const value = imagesValueAt(config.text, document.offsetAt(position));
    if (!value || config.baseDir === undefined) return undefined;
    const summary = await summarizeImageFolder(value.value, config.baseDir, config.dataAccess);
    const range = new vscode.Range(document.positionAt(value.offset), document.positionAt(value.offset + value.length));
    return new vscode.Hover(new vscode.MarkdownString(imageFolderHoverText(value.value, summary)), range);
  }
}

export class ImageFolderCompletionProvider implements vscode.CompletionItemProvider {
  static readonly triggerCharacters = ['"', '/'];

  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] | undefined {
    const config = configDocument(document);
    const value = imagesValueAt(config.text, document.offsetAt(position));
    if (!value || config.baseDir === undefined) return undefined;
    // What is typed between the opening quote and the cursor.
    const typed = config.text.slice(value.offset + 1, document.offsetAt(position));
    const inside = new vscode.Range(document.positionAt(value.offset + 1), document.positionAt(value.offset + value.length - 1));
    return imageFolderCompletions(config.baseDir, typed, config.dataAccess).map((folder, index) => {
      const item = new vscode.CompletionItem(folder.path, vscode.CompletionItemKind.Folder);
      item.range = inside;
      item.detail = folder.imageFolder ? 'image folder (class sub-folders with images)' : 'folder';
      item.sortText = String(index).padStart(4, '0');
      if (!folder.imageFolder) item.command = { command: 'editor.action.triggerSuggest', title: 'Go on' };
      return item;
    });
  }
}
