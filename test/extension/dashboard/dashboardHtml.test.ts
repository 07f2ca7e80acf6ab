// The dashboard page: a strict CSP whose nonce is the script's, and nothing loaded from
// anywhere but the webview's own resource origin.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createNonce, dashboardCsp, renderDashboardHtml, type DashboardHtmlInput } from '../../../src/extension/dashboard/dashboardHtml';

const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';
const input = (overrides: Partial<DashboardHtmlInput> = {}): DashboardHtmlInput => ({
  kind: 'panel',
  cspSource: CSP_SOURCE,
  nonce: createNonce(),
  scriptUri: `${CSP_SOURCE}/ext/dist/webview.js`,
  styleUri: `${CSP_SOURCE}/ext/dist/webview.css`,
  title: 'Training: mnist-mlp',
  ...overrides,
});

const cspOf = (html: string) => /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1].replace(/&#39;|&apos;/g, "'") ?? '';

test('nonces are fresh, long and need no escaping', () => {
  const nonces = new Set(Array.from({ length: 200 }, () => createNonce()));
  assert.equal(nonces.size, 200);
  for (const nonce of nonces) assert.match(nonce, /^[A-Za-z0-9]{32}$/);
});

test('the CSP allows nothing by default, scripts only with the nonce, styles and images only from the webview origin', () => {
  const { nonce } = input();
  const csp = dashboardCsp(CSP_SOURCE, nonce);
  const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
  assert.deepEqual(directives['default-src'], ["'none'"]);
  assert.deepEqual(directives['script-src'], [`'nonce-${nonce}'`]);
  assert.deepEqual(directives['style-src'], [CSP_SOURCE]);
  assert.deepEqual(directives['img-src'], [CSP_SOURCE, 'data:']);
  assert.deepEqual(directives['font-src'], [CSP_SOURCE]);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:\/\/(?!file\+\.vscode-resource)|\*/);
});

test('the page carries the CSP, and its only script has the same nonce', () => {
  const options = input();
  const html = renderDashboardHtml(options);
  assert.equal(cspOf(html), dashboardCsp(CSP_SOURCE, options.nonce));
  const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]);
  assert.equal(scripts.length, 1);
  assert.match(scripts[0], new RegExp(`nonce="${options.nonce}"`));
  assert.match(scripts[0], /src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\.js"/);
  assert.match(html, /<link rel="stylesheet" href="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\.css">/);
  assert.doesNotMatch(html, /\sstyle=|<style/, 'no inline styles');
  assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
});

test('every URL in the page is on the webview origin', () => {
  const html = renderDashboardHtml(input());
  for (const [, url] of html.matchAll(/(?:src|href)="([^"]+)"/g)) assert.ok(url.startsWith(CSP_SOURCE), url);
});

test('the kind and the docs address reach the app as data attributes, escaped', () => {
  const html = renderDashboardHtml(input({ kind: 'sidebar', docsUrl: 'https://example.test/rules.md?a=1&b="2"', title: '<mnist> & co' }));
  assert.match(html, /<body class="kind-sidebar" data-kind="sidebar" data-docs-url="https:\/\/example\.test\/rules\.md\?a=1&amp;b=&quot;2&quot;">/);
  assert.match(html, /<title>&lt;mnist&gt; &amp; co<\/title>/);
  assert.doesNotMatch(renderDashboardHtml(input()), /data-docs-url/);
});

test('a new render gets a new nonce', () => {
  const a = renderDashboardHtml(input());
  const b = renderDashboardHtml(input());
  assert.notEqual(/nonce="([^"]+)"/.exec(a)?.[1], /nonce="([^"]+)"/.exec(b)?.[1]);
});
