// The dashboard webview's page, for the editor panel and the side-bar view alike. Strict CSP:
// nothing by default, the bundle's script only with this render's nonce, styles and images only
// from the extension's own files (no inline styles, no remote sources). Pure, so it is tested
// without VS Code.

import { randomBytes } from 'node:crypto';
import type { DashboardKind } from '../../core/dashboard/dashboardProtocol';

export interface DashboardHtmlInput {
  kind: DashboardKind;
  /** webview.cspSource: the origin the webview serves the extension's files from. */
  cspSource: string;
  /** A fresh value per render (createNonce). */
  nonce: string;
  /** asWebviewUri of dist/webview.js and dist/webview.css. */
  scriptUri: string;
  styleUri: string;
  title: string;
  /** Where rule ids link (see DashboardWebviewOptions.docsUrl); the app reads it from the body's data-docs-url. */
  docsUrl?: string;
}

/** 32 characters from a CSPRNG, alphanumeric so it needs no escaping anywhere. */
export function createNonce(): string {
  return randomBytes(24).toString('base64').replace(/[^A-Za-z0-9]/g, '').padEnd(32, '0').slice(0, 32);
}

export function dashboardCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function renderDashboardHtml(input: DashboardHtmlInput): string {
  const a = escapeAttribute;
  const docs = input.docsUrl ? ` data-docs-url="${a(input.docsUrl)}"` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${a(dashboardCsp(input.cspSource, input.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${a(input.styleUri)}">
<title>${escapeText(input.title)}</title>
</head>
<body class="kind-${input.kind}" data-kind="${input.kind}"${docs}>
<div id="app" role="main"></div>
<script nonce="${a(input.nonce)}" src="${a(input.scriptUri)}"></script>
</body>
</html>
`;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
