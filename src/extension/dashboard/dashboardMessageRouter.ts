// Where a webview's messages enter the host: validated by parseWebviewMessage (anything
// malformed is dropped), then routed to the dashboard actions. A fix's outcome goes back to the
// webview as `fix-applied`, failures included, so its button never stays "Applying…".

import {
  parseWebviewMessage, type HostToWebview, type WebviewToHost,
} from '../../core/dashboard/dashboardProtocol';
import type { DashboardActions } from './dashboardActions';

export interface RouterHooks {
  /** The webview loaded and listens: time for a snapshot. */
  ready(): void;
  post(message: HostToWebview): unknown;
  /** An action failed (other than a fix, whose failure is posted back). */
  report?(error: unknown, message: WebviewToHost): void;
  /** The webview reports a problem it survived (bad data skipped, an error caught). */
  log?(level: 'warning' | 'error', message: string): void;
}

/** Routes one raw message; returns the validated message, or undefined when it was dropped. */
export async function routeWebviewMessage(raw: unknown, actions: DashboardActions, hooks: RouterHooks): Promise<WebviewToHost | undefined> {
  const message = parseWebviewMessage(raw);
  if (!message) return undefined;
  try {
    switch (message.type) {
      case 'ready':
        hooks.ready();
        break;
      case 'apply-fix': {
        let outcome: { ok: boolean; message: string };
        try {
          outcome = await actions.applyFix(message.runId, message.findingIndex, message.fixId);
        } catch (error) {
          outcome = { ok: false, message: `The fix could not be applied: ${errorText(error)}` };
        }
        hooks.post({ type: 'fix-applied', fixId: message.fixId, ok: Boolean(outcome?.ok), message: String(outcome?.message ?? '') });
        break;
      }
      case 'rerun':
        await actions.rerun(message.runId);
        break;
      case 'stop-run':
        await actions.stop(message.runId);
        break;
      case 'open-run':
        await actions.openRun(message.runId);
        break;
      case 'compare':
        await actions.compare(message.runId, message.otherRunId);
        break;
      case 'reveal-config':
        await actions.revealConfig(message.runId, message.findingIndex);
        break;
      case 'log':
        hooks.log?.(message.level, message.message);
        break;
    }
  } catch (error) {
    hooks.report?.(error, message);
  }
  return message;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
