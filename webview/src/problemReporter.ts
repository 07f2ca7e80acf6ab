// Where the webview says what went wrong without stopping: bad data it skipped (a warning) and
// errors it caught (an error), on the webview's console and to the host's log. The host hears
// about the first few only, so a stream of bad messages cannot flood it.

import { WEBVIEW_LOG_LENGTH, type WebviewLogMessage } from '../../src/core/dashboard/dashboardProtocol';
import type { HostApi } from './hostApi';

/** Log messages posted to the host per page; later problems go to the console only. */
export const MAX_HOST_REPORTS = 20;

export class ProblemReporter {
  private posted = 0;

  constructor(private readonly host: HostApi, private readonly maxReports = MAX_HOST_REPORTS) {}

  /** Data that was skipped: the view goes on without it. */
  skipped(what: string): void {
    console.warn(`Training Doctor dashboard: ${what}`);
    this.post('warning', what);
  }

  /** An error caught in a handler (a bug, or bad data that got through): the view goes on. */
  caught(where: string, error: unknown): void {
    const text = `${where}: ${error instanceof Error ? error.message : String(error)}`;
    console.error(`Training Doctor dashboard: ${text}`, error);
    this.post('error', text);
  }

  private post(level: WebviewLogMessage['level'], text: string): void {
    if (this.posted > this.maxReports) return;
    this.posted++;
    const message = this.posted > this.maxReports
      ? `more problems than the ${this.maxReports} reported; the rest are on the webview's console only`
      : text.length > WEBVIEW_LOG_LENGTH ? `${text.slice(0, WEBVIEW_LOG_LENGTH - 1)}…` : text;
    try {
      this.host.post({ type: 'log', level, message });
    } catch {
      // The host may be gone (a closing panel): the console has it.
    }
  }
}
