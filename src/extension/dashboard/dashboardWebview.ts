// Sets up a webview (a panel's or the side bar's) to run the dashboard app: scripts on, files
// only from dist/ and media/, and the page with a fresh nonce.

import * as vscode from 'vscode';
import type { DashboardKind, HostToWebview } from '../../core/dashboard/dashboardProtocol';
import { createNonce, renderDashboardHtml } from './dashboardHtml';

export interface DashboardWebviewOptions {
  /**
   * Where the rule ids of findings link: an address with `{rule}` and `{live}` placeholders (a
   * `command:` URI is allowed for that one command only), or a base address to which
   * `#<rule id>` is appended. Without it, rule ids are plain text.
   */
  docsUrl?: string;
  /** A line for the extension's log: what a dashboard webview reports it skipped or caught. */
  log?: (line: string) => void;
}

/** How a webview's log message reads in the extension's log. */
export function webviewLogLine(kind: DashboardKind, level: 'warning' | 'error', message: string): string {
  return `Dashboard (${kind === 'panel' ? 'panel' : 'side bar'}) ${level}: ${message}`;
}

export function dashboardWebviewOptions(extensionUri: vscode.Uri, options: DashboardWebviewOptions = {}): vscode.WebviewOptions {
  const command = options.docsUrl?.startsWith('command:') ? /^command:([\w.-]+)/.exec(options.docsUrl)?.[1] : undefined;
  return {
    enableScripts: true,
    enableCommandUris: command ? [command] : false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export function setDashboardHtml(webview: vscode.Webview, extensionUri: vscode.Uri, kind: DashboardKind, title: string, options: DashboardWebviewOptions): void {
  webview.options = dashboardWebviewOptions(extensionUri, options);
  webview.html = renderDashboardHtml({
    kind,
    title,
    cspSource: webview.cspSource,
    nonce: createNonce(),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.css')).toString(),
    docsUrl: options.docsUrl,
  });
}

/** Posts to a webview that may have been closed meanwhile (a fix can outlive its panel): then nothing is sent. */
export function postSafely(webview: vscode.Webview, message: HostToWebview): Thenable<boolean> | undefined {
  try {
    return webview.postMessage(message);
  } catch {
    return undefined;
  }
}
