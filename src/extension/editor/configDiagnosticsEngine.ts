// The life cycle of the diagnostics of the open *.train.json documents, without VS Code: a fast
// pass right on open and ~150 ms after the last change (parse, validate, static rules, with the
// data's statistics when they are cached), then, when they are not, a data pass that loads them
// in the background and publishes again if the document has not changed meanwhile. The findings
// of the file's last probe and run are merged in. The VS Code adapter feeds it document events
// and turns what it publishes into a DiagnosticCollection.

import type { ConfigProblem } from '../../core/config/configProblem';
import type { DataAccess } from '../../core/data/dataAccessPolicy';
import type { Finding } from '../../core/diagnosis/finding';
import { analyzeConfig, withInputStats, type ConfigAnalysis } from './configAnalysis';
import { DataCheckCache, type DataReport } from './dataChecks';
import { buildDiagnostics, type EditorDiagnostic, type ExternalFindings } from './editorDiagnostics';
import { KeyedDebouncer, systemClock, type Clock } from './keyedDebouncer';

/** A document as the engine sees it: a snapshot of one version. */
export interface ConfigDocument {
  /** Identifies the document (its URI as a string). */
  key: string;
  version: number;
  text: string;
  fileName: string;
  /** The folder relative CSV paths are resolved against; undefined for an untitled document without one. */
  baseDir?: string;
  /** Where its data files may be (see editorDataAccess); inside the config's project when absent. */
  dataAccess?: DataAccess;
}

export interface PublishedDiagnostics {
  /** The document version the diagnostics (and their quick fixes) belong to. */
  version: number;
  diagnostics: EditorDiagnostic[];
}

export interface EngineOptions {
  /** The document as it is now; undefined once it is closed. */
  documentFor(key: string): ConfigDocument | undefined;
  publish(key: string, published: PublishedDiagnostics): void;
  clear(key: string): void;
  /** The data statistics of a document arrived (inlay hints depend on them). */
  onDataReady?(key: string): void;
  /**
   * True while VS Code's JSON support validates these files: it already reports syntax errors,
   * so ours would be listed twice.
   */
  editorReportsSyntax?: () => boolean;
  clock?: Clock;
  dataChecks?: DataCheckCache;
  /** Quiet time after the last change before the fast pass (ms). */
  debounceMs?: number;
  /** Quiet time after a change before loading data that is not cached yet (ms): typing in `data` should not load MNIST at every digit. */
  dataDelayMs?: number;
}

interface DocumentState {
  version: number;
  analysis: ConfigAnalysis;
  /** The data report of this version, once known. */
  data?: DataReport;
}

export class ConfigDiagnosticsEngine {
  private readonly openKeys = new Set<string>();
  private readonly states = new Map<string, DocumentState>();
  private readonly published = new Map<string, PublishedDiagnostics>();
  /** The last data problems shown per document, kept while a new report loads (no flicker while typing). */
  private readonly lastDataProblems = new Map<string, ConfigProblem[]>();
  private readonly external = new Map<string, ExternalFindings>();
  private readonly fast: KeyedDebouncer;
  private readonly slow: KeyedDebouncer;
  private readonly dataChecks: DataCheckCache;
  private readonly debounceMs: number;
  private readonly dataDelayMs: number;

  constructor(private readonly options: EngineOptions) {
    const clock = options.clock ?? systemClock;
    this.fast = new KeyedDebouncer(clock);
    this.slow = new KeyedDebouncer(clock);
    this.dataChecks = options.dataChecks ?? new DataCheckCache();
    this.debounceMs = options.debounceMs ?? 150;
    this.dataDelayMs = options.dataDelayMs ?? 400;
  }

  /** A document was opened (or the extension started with it open): diagnose it now. */
  opened(key: string): void {
    this.openKeys.add(key);
    this.fast.cancel(key);
    this.runFastPass(key, 0);
  }

  /** Its text changed: diagnose once the typing pauses. */
  changed(key: string): void {
    if (!this.openKeys.has(key)) return;
    this.fast.schedule(key, this.debounceMs, () => this.runFastPass(key, this.dataDelayMs));
  }

  closed(key: string): void {
    this.openKeys.delete(key);
    this.fast.cancel(key);
    this.slow.cancel(key);
    this.states.delete(key);
    this.published.delete(key);
    this.lastDataProblems.delete(key);
    this.options.clear(key);
  }

  /**
   * Everything open again, e.g. after a CSV file changed on disk or workspace trust was granted
   * (the file's modification time and the data access are part of the cache key): the analyses
   * kept per document version are dropped, so the next pass looks the data up again.
   */
  refreshAll(): void {
    for (const key of this.openKeys) {
      this.states.delete(key);
      this.changed(key);
    }
  }

  /** Replaces the findings of the document's last probe or run (kept until the next one, across close and reopen). */
  setExternalFindings(key: string, origin: 'probe' | 'run', findings: Finding[]): void {
    this.external.set(key, { ...this.external.get(key), [origin]: [...findings] });
    if (this.openKeys.has(key) && !this.fast.isPending(key)) this.runFastPass(key, this.dataDelayMs);
  }

  /** The analysis of this version of the document (cached; computed now when the document is newer). */
  analysisFor(document: ConfigDocument): ConfigAnalysis {
    return this.stateFor(document).analysis;
  }

  /** The diagnostics last published for a document, with the version they belong to. */
  publishedFor(key: string): PublishedDiagnostics | undefined {
    return this.published.get(key);
  }

  dispose(): void {
    this.fast.dispose();
    this.slow.dispose();
    this.openKeys.clear();
    this.states.clear();
    this.published.clear();
  }

  private stateFor(document: ConfigDocument): DocumentState {
    const known = this.states.get(document.key);
    if (known && known.version === document.version) return known;
    let data: DataReport | undefined;
    const analysis = analyzeConfig(document.text, document.fileName, (parsed) => {
      data = this.dataChecks.peek(parsed, document.baseDir, document.dataAccess);
      return data?.inputStats;
    });
    const state: DocumentState = { version: document.version, analysis, data };
    if (this.openKeys.has(document.key)) this.states.set(document.key, state);
    return state;
  }

  private runFastPass(key: string, dataDelayMs: number): void {
    const document = this.options.documentFor(key);
    if (!document || !this.openKeys.has(key)) return;
    const state = this.stateFor(document);
    this.publishState(key, state);
    if (state.data || !state.analysis.parsed.config) {
      this.slow.cancel(key);
      return;
    }
    this.slow.schedule(key, dataDelayMs, () => void this.runDataPass(document));
  }

  private async runDataPass(document: ConfigDocument): Promise<void> {
    const { key, version } = document;
    const state = this.states.get(key);
    if (!state || state.version !== version) return;
    const report = await this.dataChecks.compute(state.analysis.parsed, document.baseDir, document.dataAccess);
    // The document changed (or closed) while the data loaded: a newer pass takes over, and finds the report cached.
    const current = this.states.get(key);
    if (!this.openKeys.has(key) || this.options.documentFor(key)?.version !== version || current !== state) return;
    const updated: DocumentState = { version, analysis: withInputStats(state.analysis, report.inputStats), data: report };
    this.states.set(key, updated);
    this.publishState(key, updated);
    this.options.onDataReady?.(key);
  }

  private publishState(key: string, state: DocumentState): void {
    const { parsed, positions, findings } = state.analysis;
    // Data problems only concern a valid config (as in loadConfigFile); while a new report loads, the last ones stay.
    let dataProblems: ConfigProblem[] = [];
    if (parsed.config) {
      dataProblems = state.data?.problems ?? this.lastDataProblems.get(key) ?? [];
      if (state.data) this.lastDataProblems.set(key, state.data.problems);
    }
    const problems = this.options.editorReportsSyntax?.() ? withoutParserErrors(parsed.problems) : parsed.problems;
    const diagnostics = buildDiagnostics({
      positions, tree: parsed.tree, problems, dataProblems, findings, external: this.external.get(key),
    });
    const published = { version: state.version, diagnostics };
    this.published.set(key, published);
    this.options.publish(key, published);
  }
}

/**
 * Without the syntax errors found by the JSON parser (an empty file, json.empty, is ours alone to
 * report), and without the "N more problems" of a list of syntax errors (such a list holds
 * nothing else).
 */
function withoutParserErrors(problems: ConfigProblem[]): ConfigProblem[] {
  if (!problems.some((p) => p.code === 'json.syntax')) return problems;
  return problems.filter((p) => p.code !== 'json.syntax' && p.code !== 'problems.truncated');
}
