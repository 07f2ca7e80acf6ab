// A read-only window onto what the dashboard draws, for the browser tests and for looking
// around in the webview developer tools. It exposes nothing the page does not already show.

import { allCharts, type ChartSummary } from './charts/managedChart';
import type { DashboardApp, DrawStats } from './dashboardApp';
import type { UiState } from './uiState';

export interface DashboardTestHook {
  charts(): ChartSummary[];
  drawStats(): DrawStats;
  uiState(): UiState;
  runSummary(): { runId?: string; steps: number; layerStats: number; findings: number; compareRunId?: string; historyLength: number };
}

export function exposeTestHook(app: DashboardApp): void {
  const hook: DashboardTestHook = {
    charts: () => allCharts().map((chart) => chart.summary()),
    drawStats: () => app.drawStats(),
    uiState: () => ({ ...app.ui.state }),
    runSummary: () => ({
      runId: app.model.run?.runId,
      steps: app.model.run?.steps.step.length ?? 0,
      layerStats: app.model.run?.layerStats.length ?? 0,
      findings: app.model.run?.findings.length ?? 0,
      compareRunId: app.model.compare?.runId,
      historyLength: app.model.history.length,
    }),
  };
  (window as unknown as { trainingDoctorDashboard: DashboardTestHook }).trainingDoctorDashboard = hook;
}
