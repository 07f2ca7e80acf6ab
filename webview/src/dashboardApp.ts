// The dashboard app: folds host messages into the model at once and redraws the view (panel or
// side bar) on a throttled animation frame; keeps the small UI state (selected sample, scroll,
// collapsed sections) in the webview state so it survives the view being hidden and reloaded.

import { parseHostToWebview, type DashboardKind, type HostToWebview } from '../../src/core/dashboard/dashboardProtocol';
import { PayloadIssues } from '../../src/core/dashboard/payloadReader';
import { readPalette, type ChartPalette } from './charts/chartTheme';
import { allCharts } from './charts/managedChart';
import { DashboardModel } from './dashboardModel';
import type { HostApi } from './hostApi';
import { ProblemReporter } from './problemReporter';
import { RedrawScheduler, type FrameClock } from './redrawScheduler';
import { UiStateStore, type ViewContext } from './viewContext';
import type { DashboardView } from './views/dashboardView';
import { PanelView } from './views/panelView';
import { SidebarView } from './views/sidebarView';

export interface AppOptions {
  kind: DashboardKind;
  docsUrl?: string;
  clock: FrameClock;
}

export interface DrawStats {
  /** Draw calls (a redraw in two parts counts twice). */
  draws: number;
  lastDrawMs: number;
  maxDrawMs: number;
  redrawPending: boolean;
  /** The last complete redraw's cost, its frames included, and the interval that follows from it. */
  redrawCostMs: number;
  redrawIntervalMs: number;
}

export class DashboardApp {
  readonly model: DashboardModel;
  readonly ui: UiStateStore;
  readonly problems: ProblemReporter;
  private view: DashboardView;
  private palette: ChartPalette;
  private readonly scheduler: RedrawScheduler;
  private readonly context: ViewContext;
  private readonly stats = { draws: 0, lastDrawMs: 0, maxDrawMs: 0 };
  private restoreScrollTo: number | undefined;
  private scrollTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly root: HTMLElement, host: HostApi, private readonly options: AppOptions) {
    this.model = new DashboardModel(options.kind);
    this.ui = new UiStateStore(host);
    this.problems = new ProblemReporter(host);
    this.palette = readPalette();
    this.scheduler = new RedrawScheduler(() => this.draw(), options.clock, undefined, (error) => this.problems.caught('drawing the dashboard', error));
    this.context = {
      host,
      ui: this.ui,
      palette: () => this.palette,
      requestRedraw: () => this.scheduler.request(),
      docsUrl: options.docsUrl,
    };
    this.view = this.createView(options.kind);
    this.restoreScrollTo = this.ui.state.scrollY;
    this.scheduler.request();
    window.addEventListener('scroll', () => this.rememberScroll(), { passive: true });
    this.watchTheme();
  }

  /**
   * A message from the host, as it arrived: validated first (bad items dropped and reported), and
   * whatever goes wrong with one message stays with it, so the next one is shown.
   */
  receiveRaw(data: unknown): void {
    const issues = new PayloadIssues();
    try {
      const message = parseHostToWebview(data, issues);
      if (issues.count > 0) {
        const what = message ? `the host's ${message.type} message` : 'a message from the host (dropped)';
        this.problems.skipped(`skipped bad data in ${what}: ${issues.summary()}`);
      }
      if (message) this.receive(message);
    } catch (error) {
      this.problems.caught('handling a message from the host', error);
      this.scheduler.request();
    }
  }

  receive(message: HostToWebview): void {
    if (!this.model.apply(message)) return;
    if (message.type === 'snapshot') this.onSnapshot();
    this.scheduler.request();
  }

  drawStats(): DrawStats {
    return { ...this.stats, redrawPending: this.scheduler.pending, redrawCostMs: this.scheduler.lastRedrawCostMs, redrawIntervalMs: this.scheduler.intervalMs };
  }

  private onSnapshot(): void {
    if (this.model.kind !== this.options.kind) {
      for (const chart of allCharts()) chart.destroy();
      this.options.kind = this.model.kind;
      this.view = this.createView(this.model.kind);
    }
    const runId = this.model.run?.runId;
    const compareRunId = this.model.compare?.runId;
    // The selected sample and scroll position belong to the run they were chosen on.
    if (this.ui.state.runId !== runId) {
      this.ui.update({ runId, compareRunId, selectedStep: undefined, scrollY: undefined });
      this.restoreScrollTo = undefined;
    } else if (this.ui.state.compareRunId !== compareRunId) {
      this.ui.update({ compareRunId });
    }
  }

  private createView(kind: DashboardKind): DashboardView {
    const view = kind === 'sidebar' ? new SidebarView(this.context, this.model) : new PanelView(this.context, this.model);
    this.root.replaceChildren(view.element);
    document.body.classList.toggle('kind-sidebar', kind === 'sidebar');
    document.body.classList.toggle('kind-panel', kind === 'panel');
    return view;
  }

  private draw(): boolean {
    const start = performance.now();
    const more = this.view.render();
    const ms = performance.now() - start;
    this.stats.draws++;
    this.stats.lastDrawMs = ms;
    this.stats.maxDrawMs = Math.max(this.stats.maxDrawMs, ms);
    // Restored once the whole page is drawn (the last part), so it is as tall as when it was left.
    if (!more && this.restoreScrollTo !== undefined && this.model.loaded) {
      window.scrollTo(0, this.restoreScrollTo);
      this.restoreScrollTo = undefined;
    }
    return more;
  }

  private rememberScroll(): void {
    if (this.scrollTimer !== undefined) clearTimeout(this.scrollTimer);
    this.scrollTimer = setTimeout(() => this.ui.update({ scrollY: Math.round(window.scrollY) }), 200);
  }

  /** VS Code changes the theme by rewriting the CSS variables on <html> and the class of <body>. */
  private watchTheme(): void {
    const observer = new MutationObserver(() => {
      try {
        this.palette = readPalette();
        for (const chart of allCharts()) chart.applyTheme(this.palette);
      } catch (error) {
        this.problems.caught('applying the theme', error);
      }
      this.scheduler.request();
    });
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
    observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }
}
