// The small UI state a webview keeps across being hidden and reloaded (acquireVsCodeApi's
// getState/setState). The run ids are in it too: the panel serializer reads them to restore a
// panel after a window reload.

export interface UiState {
  runId?: string;
  compareRunId?: string;
  /** The statistics sample the layer charts show, by step; absent = follow the latest. */
  selectedStep?: number;
  scrollY?: number;
  /** Ids of the collapsed sections. */
  collapsed: string[];
}

export function readUiState(raw: unknown): UiState {
  const state: UiState = { collapsed: [] };
  if (typeof raw !== 'object' || raw === null) return state;
  const r = raw as Record<string, unknown>;
  if (typeof r.runId === 'string') state.runId = r.runId;
  if (typeof r.compareRunId === 'string') state.compareRunId = r.compareRunId;
  if (typeof r.selectedStep === 'number' && Number.isFinite(r.selectedStep)) state.selectedStep = r.selectedStep;
  if (typeof r.scrollY === 'number' && Number.isFinite(r.scrollY)) state.scrollY = r.scrollY;
  if (Array.isArray(r.collapsed)) state.collapsed = r.collapsed.filter((c): c is string => typeof c === 'string').slice(0, 50);
  return state;
}
