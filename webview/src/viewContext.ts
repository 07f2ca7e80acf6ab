// What every part of the dashboard view needs: the host line, the persisted UI state, the theme
// palette and a way to ask for a redraw.

import type { ChartPalette } from './charts/chartTheme';
import type { HostApi } from './hostApi';
import type { UiState } from './uiState';

export class UiStateStore {
  private current: UiState;

  constructor(private readonly host: HostApi) {
    this.current = host.readState();
  }

  get state(): Readonly<UiState> {
    return this.current;
  }

  update(patch: Partial<UiState>): void {
    this.current = { ...this.current, ...patch };
    for (const key of Object.keys(patch) as (keyof UiState)[]) if (patch[key] === undefined) delete this.current[key];
    this.host.writeState(this.current);
  }

  isCollapsed(sectionId: string): boolean {
    return this.current.collapsed.includes(sectionId);
  }

  setCollapsed(sectionId: string, collapsed: boolean): void {
    const others = this.current.collapsed.filter((id) => id !== sectionId);
    this.update({ collapsed: collapsed ? [...others, sectionId] : others });
  }
}

export interface ViewContext {
  host: HostApi;
  ui: UiStateStore;
  palette(): ChartPalette;
  requestRedraw(): void;
  /** Address of the rules' documentation (see ruleDocsHref), when the host gave one. */
  docsUrl?: string;
}
