// The webview's only line to the extension host: acquireVsCodeApi, which VS Code defines in the
// webview (once per page), typed with our protocol and UI state.

import type { WebviewToHost } from '../../src/core/dashboard/dashboardProtocol';
import { readUiState, type UiState } from './uiState';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface HostApi {
  post(message: WebviewToHost): void;
  readState(): UiState;
  writeState(state: UiState): void;
}

export function acquireHostApi(): HostApi {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    readState: () => readUiState(api.getState()),
    writeState: (state) => api.setState(state),
  };
}
