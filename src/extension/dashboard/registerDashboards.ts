// Wires the dashboards into the extension: the panel serializer (panels come back after a
// reload), the side-bar view provider, and the entry points the commands use.

import * as vscode from 'vscode';
import type { DashboardActions } from './dashboardActions';
import type { RunSource } from './dashboardFeed';
import { DASHBOARD_PANEL_TYPE, DashboardPanelManager } from './dashboardPanelManager';
import type { DashboardWebviewOptions } from './dashboardWebview';
import { SIDEBAR_VIEW_ID, SidebarViewProvider } from './sidebarViewProvider';

export interface Dashboards {
  /**
   * Opens (or reveals) the dashboard panel of a run: `runId`, else the live run, else the latest.
   * With `compareRunId`, that run is overlaid (dashed) on the loss curves.
   */
  openPanel(runId?: string, compareRunId?: string): void;
  /** Run ids of the open dashboard panels. */
  openPanelRunIds(): string[];
}

export function registerDashboards(
  context: vscode.ExtensionContext,
  store: RunSource,
  actions: DashboardActions,
  options: DashboardWebviewOptions = {},
): Dashboards {
  const panels = new DashboardPanelManager(context.extensionUri, store, actions, options);
  const sidebar = new SidebarViewProvider(context.extensionUri, store, actions, options);
  context.subscriptions.push(
    panels,
    sidebar,
    vscode.window.registerWebviewPanelSerializer(DASHBOARD_PANEL_TYPE, panels),
    vscode.window.registerWebviewViewProvider(SIDEBAR_VIEW_ID, sidebar),
  );
  return {
    openPanel(runId?: string, compareRunId?: string): void {
      const id = runId ?? store.activeRunId ?? store.listRuns()[0]?.runId;
      if (!id) {
        void vscode.window.showInformationMessage('Training Doctor: no runs yet. Train a *.train.json config first.');
        return;
      }
      panels.open(id, compareRunId);
    },
    openPanelRunIds: () => panels.openRunIds(),
  };
}
