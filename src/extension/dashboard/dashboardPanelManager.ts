// The dashboard editor panels, one per run: opened on a run (and maybe a run to compare with),
// revealed when already open, restored after a window reload by the serializer (the webview's
// state holds the run ids). Not retained when hidden: the host keeps the data and the feed
// sends a snapshot when the page loads again.

import * as vscode from 'vscode';
import type { HostToWebview } from '../../core/dashboard/dashboardProtocol';
import type { DashboardActions } from './dashboardActions';
import { DashboardFeed, readPanelState, type RunSource } from './dashboardFeed';
import { errorText, routeWebviewMessage } from './dashboardMessageRouter';
import {
  dashboardWebviewOptions, postSafely, setDashboardHtml, webviewLogLine, type DashboardWebviewOptions,
} from './dashboardWebview';

export const DASHBOARD_PANEL_TYPE = 'trainingDoctor.dashboard';

interface OpenPanel {
  panel: vscode.WebviewPanel;
  feed: DashboardFeed;
}

export class DashboardPanelManager implements vscode.Disposable, vscode.WebviewPanelSerializer {
  private readonly panels = new Map<string, OpenPanel>();
  private readonly historySubscription: { dispose(): unknown };

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly source: RunSource,
    private readonly actions: DashboardActions,
    private readonly options: DashboardWebviewOptions = {},
  ) {
    // A run's name is known once it starts; panels opened earlier get their title then.
    this.historySubscription = source.onDidChangeHistory(() => {
      for (const [runId, { panel }] of this.panels) panel.title = this.title(runId);
    });
  }

  /** Opens (or reveals) the panel of `runId`; with `compareRunId`, overlays that run on its curves. */
  open(runId: string, compareRunId?: string): void {
    const existing = this.panels.get(runId);
    if (existing) {
      if (compareRunId !== undefined && compareRunId !== existing.feed.compareRunId) existing.feed.setChoice({ runId, compareRunId });
      existing.panel.reveal(undefined, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(DASHBOARD_PANEL_TYPE, this.title(runId), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      ...dashboardWebviewOptions(this.extensionUri, this.options),
      // The host keeps the data; a hidden panel's page is discarded and gets a snapshot when shown.
      retainContextWhenHidden: false,
      enableFindWidget: true,
    });
    this.attach(panel, runId, compareRunId);
  }

  /** WebviewPanelSerializer: a panel that was open before the window reloaded. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const restored = readPanelState(state);
    const runId = restored?.runId ?? this.source.activeRunId ?? this.source.listRuns()[0]?.runId;
    if (!runId || this.panels.has(runId)) {
      panel.dispose();
      return;
    }
    this.attach(panel, runId, restored?.compareRunId);
  }

  /** The run ids of the open panels (for tests and commands). */
  openRunIds(): string[] {
    return [...this.panels.keys()];
  }

  private attach(panel: vscode.WebviewPanel, runId: string, compareRunId: string | undefined): void {
    const post = (message: HostToWebview) => postSafely(panel.webview, message);
    const feed = new DashboardFeed(this.source, post, 'panel', { runId, compareRunId }, panel.visible);
    this.panels.set(runId, { panel, feed });
    panel.title = this.title(runId);
    panel.iconPath = {
      light: vscode.Uri.joinPath(this.extensionUri, 'media', 'dashboard-light.svg'),
      dark: vscode.Uri.joinPath(this.extensionUri, 'media', 'dashboard-dark.svg'),
    };
    const subscriptions = [
      panel.webview.onDidReceiveMessage((raw) => routeWebviewMessage(raw, this.actions, {
        ready: () => feed.onReady(),
        post,
        report: (error, message) => void vscode.window.showErrorMessage(`Training Doctor: ${message.type} failed: ${errorText(error)}`),
        log: (level, message) => this.options.log?.(webviewLogLine('panel', level, message)),
      })),
      panel.onDidChangeViewState((event) => feed.setVisible(event.webviewPanel.visible)),
    ];
    panel.onDidDispose(() => {
      feed.dispose();
      for (const subscription of subscriptions) subscription.dispose();
      if (this.panels.get(runId)?.panel === panel) this.panels.delete(runId);
    });
    setDashboardHtml(panel.webview, this.extensionUri, 'panel', panel.title, this.options);
  }

  private title(runId: string): string {
    const entry = this.source.getRunData(runId)?.started ?? this.source.listRuns().find((r) => r.runId === runId);
    return `Training: ${entry?.configName ?? runId}`;
  }

  dispose(): void {
    this.historySubscription.dispose();
    for (const { panel } of [...this.panels.values()]) panel.dispose();
    this.panels.clear();
  }
}
