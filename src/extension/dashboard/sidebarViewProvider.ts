// The side-bar view (trainingDoctor.sidebar): the same dashboard app in its compact form, showing
// the live run or else the latest one, with the findings and the run history.

import * as vscode from 'vscode';
import type { HostToWebview } from '../../core/dashboard/dashboardProtocol';
import type { DashboardActions } from './dashboardActions';
import { DashboardFeed, type RunSource } from './dashboardFeed';
import { errorText, routeWebviewMessage } from './dashboardMessageRouter';
import { postSafely, setDashboardHtml, webviewLogLine, type DashboardWebviewOptions } from './dashboardWebview';

export const SIDEBAR_VIEW_ID = 'trainingDoctor.sidebar';

export class SidebarViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private feed: DashboardFeed | undefined;
  private view: vscode.WebviewView | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly source: RunSource,
    private readonly actions: DashboardActions,
    private readonly options: DashboardWebviewOptions = {},
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.feed?.dispose();
    this.view = view;
    const post = (message: HostToWebview) => postSafely(view.webview, message);
    const feed = new DashboardFeed(this.source, post, 'sidebar', 'active-or-latest', view.visible);
    this.feed = feed;
    const subscriptions = [
      view.webview.onDidReceiveMessage((raw) => routeWebviewMessage(raw, this.actions, {
        ready: () => feed.onReady(),
        post,
        report: (error, message) => void vscode.window.showErrorMessage(`Training Doctor: ${message.type} failed: ${errorText(error)}`),
        log: (level, message) => this.options.log?.(webviewLogLine('sidebar', level, message)),
      })),
      view.onDidChangeVisibility(() => feed.setVisible(view.visible)),
    ];
    view.onDidDispose(() => {
      feed.dispose();
      for (const subscription of subscriptions) subscription.dispose();
      if (this.feed === feed) this.feed = undefined;
      if (this.view === view) this.view = undefined;
    });
    setDashboardHtml(view.webview, this.extensionUri, 'sidebar', 'Training Doctor', this.options);
  }

  /** Whether the view is resolved and showing (for tests). */
  get isVisible(): boolean {
    return this.view?.visible ?? false;
  }

  dispose(): void {
    this.feed?.dispose();
    this.feed = undefined;
  }
}
