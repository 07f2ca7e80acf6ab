// Runs the trainer child process for the editor: one job at a time (train, probe or lr-find),
// with a cancellable progress notification, a status bar item (epoch, loss, backend), an output
// channel log, the run's events recorded in the RunStore, and crashes reported as failed runs.
// The extension host only forwards messages: no tensor work ever happens here.

import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { locatePath } from '../../core/config/parseConfig';
import type { Finding } from '../../core/diagnosis/finding';
import { applyFix } from '../../core/diagnosis/fixes/applyFix';
import { markRunFailed } from '../../core/engine/runFolderReader';
import type { RunEndedEvent, TrainingEvent } from '../../core/engine/trainingEvents';
import { isBackendChoice } from '../../core/engine/backendChoice';
import { pythonChoiceFor } from './pythonInterpreter';
import { TrainerClient, type TrainerOutcome } from '../../core/trainerProcess/trainerClient';
import type { TrainerJob, TrainerMessage } from '../../core/trainerProcess/trainerProtocol';
import { formatEpochLine, formatFinding, formatRangeTest } from '../../core/report/textFormat';
import { recordedFindingPath, recordedFix, runConfigInWorkspace } from './runActionGuard';
import { describeProbe } from './trainingLog';
import type { RunStore } from './runStore';

export interface FindingsSink {
  setProbeFindings(uri: vscode.Uri, findings: Finding[]): void;
  setRunFindings(uri: vscode.Uri, findings: Finding[]): void;
}

const JOB_TITLES: Record<TrainerJob, string> = { train: 'Training', probe: 'Probing initialization of', 'lr-find': 'Finding a learning rate for' };

interface ActiveJob {
  job: TrainerJob;
  uri: vscode.Uri;
  client: TrainerClient;
  runId?: string;
  runDir?: string;
  ended?: RunEndedEvent;
  /** When the status bar last showed a step (Date.now()). */
  statusShownAt: number;
}

/** After a stop, how long a pytorch run's trainer may take: the script's step, then the runner's own escalation. */
const PYTORCH_STOP_GRACE_MS = 20_000;

/** The config's own "backend", read from the editor's text (undefined when absent or unreadable). */
function configBackend(text: string): string | undefined {
  const tree = parseTree(text);
  const value = tree ? findNodeAtLocation(tree, ['backend'])?.value : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** The status bar shows the latest step at most this often. */
const STATUS_INTERVAL_MS = 500;

export class TrainingController implements vscode.Disposable {
  private active: ActiveJob | undefined;
  private readonly statusBar: vscode.StatusBarItem;
  private readonly output: vscode.LogOutputChannel;
  private readonly startedEmitter = new vscode.EventEmitter<string>();
  /** A run (its id) has started: dashboards open on it. */
  readonly onDidStartRun = this.startedEmitter.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: RunStore,
    private readonly findings: FindingsSink,
  ) {
    this.statusBar = vscode.window.createStatusBarItem('trainingDoctor.status', vscode.StatusBarAlignment.Left, 50);
    this.statusBar.name = 'Training Doctor';
    this.statusBar.command = 'trainingDoctor.openDashboard';
    // A log channel: every line has a timestamp (when a stop arrived, how long an epoch took).
    this.output = vscode.window.createOutputChannel('Training Doctor', { log: true });
  }

  /** A line in the output channel (the extension reports its own activation time here). */
  log(line: string): void {
    this.output.appendLine(line);
  }

  get isBusy(): boolean {
    return this.active !== undefined;
  }

  /** Starts a job on a config; the editor's unsaved text is what runs. */
  async start(job: TrainerJob, uri: vscode.Uri): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      // Reached from a lens, a dashboard button or another extension; the palette hides these commands.
      const choice = await vscode.window.showWarningMessage('Training Doctor trains, probes and searches learning rates only in a trusted workspace (they run the workspace\'s data and code). Linting and quick fixes work everywhere.', 'Manage Workspace Trust');
      if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
      return;
    }
    if (this.active) {
      const choice = await vscode.window.showWarningMessage(`${JOB_TITLES[this.active.job]} ${path.basename(this.active.uri.fsPath)} is still running.`, 'Stop It', 'Keep It');
      if (choice !== 'Stop It') return;
      await this.stopAndWait();
    }
    const document = await vscode.workspace.openTextDocument(uri);
    const workspaceDir = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? path.dirname(uri.fsPath);
    const setting = vscode.workspace.getConfiguration('trainingDoctor').get<string>('backend');
    const backend = isBackendChoice(setting) && setting !== 'auto' ? setting : undefined;
    // The Python extension is asked (and activated) only for runs that need a Python.
    const pytorch = job === 'train' && (backend ?? configBackend(document.getText())) === 'pytorch';
    const python = pytorch ? await pythonChoiceFor(uri) : undefined;
    this.output.appendLine(`${JOB_TITLES[job]} ${uri.fsPath}`);
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `${JOB_TITLES[job]} ${path.basename(uri.fsPath)}`, cancellable: true },
      (progress, token) => new Promise<void>((resolve) => {
        const client = TrainerClient.start({
          script: vscode.Uri.joinPath(this.extensionUri, 'dist', 'trainer.js').fsPath,
          start: {
            // Trusted (checked above): the config may read data wherever it says, as the README's Safety section tells.
            type: 'start', job, configPath: uri.fsPath, configText: document.getText(), workspaceDir, allowDataOutside: vscode.workspace.isTrusted,
            backend, ...(python ? { python } : {}),
          },
          // The trainer stays responsive while PyTorch computes, and escalates its own stop (SIGINT, SIGTERM, SIGKILL).
          ...(pytorch ? { stopGraceMs: PYTORCH_STOP_GRACE_MS } : {}),
          onMessage: (message) => this.receive(message, progress),
          onExit: (outcome) => {
            this.finish(outcome);
            resolve();
          },
        });
        this.active = { job, uri, client, statusShownAt: 0 };
        void vscode.commands.executeCommand('setContext', 'trainingDoctor.training', true);
        token.onCancellationRequested(() => client.stop());
      }),
    );
  }

  stop(): void {
    if (!this.active) {
      void vscode.window.showInformationMessage('Training Doctor: nothing is running.');
      return;
    }
    this.output.appendLine('Stop requested.');
    this.active.client.stop();
  }

  private stopAndWait(): Promise<void> {
    const active = this.active;
    if (!active) return Promise.resolve();
    return new Promise((resolve) => {
      const check = setInterval(() => {
        if (this.active !== active) {
          clearInterval(check);
          resolve();
        }
      }, 50);
      active.client.stop();
    });
  }

  private receive(message: TrainerMessage, progress: vscode.Progress<{ message?: string }>): void {
    const active = this.active;
    if (!active) return;
    switch (message.type) {
      case 'ready':
        this.output.appendLine(`Trainer process ${message.pid} (Node ${message.nodeVersion}) is ready.`);
        break;
      case 'event':
        this.onEvent(active, message.event, progress);
        break;
      case 'problems': {
        for (const p of message.problems) this.output.error(`${active.uri.fsPath}:${p.range?.line ?? 1}:${p.range?.column ?? 1}: ${p.code}: ${p.message}`);
        void vscode.window.showErrorMessage(`The config has ${message.problems.length} error(s): ${message.problems[0]?.message ?? ''}`, 'Show Problems')
          .then((choice) => choice && vscode.commands.executeCommand('workbench.actions.view.problems'));
        break;
      }
      case 'probe-result':
        this.output.appendLine(describeProbe(message.report));
        this.findings.setProbeFindings(active.uri, message.report.findings);
        void vscode.window.showInformationMessage(`Probe of ${message.report.config}: ${message.report.findings.length} finding(s) at initialization (backend ${message.report.backend}). Details in the output and the editor.`, 'Show Output')
          .then((choice) => choice && this.output.show(true));
        break;
      case 'lr-find-result': {
        const text = formatRangeTest(message.result);
        this.output.appendLine(text);
        void vscode.window.showInformationMessage(text.split('\n')[0], 'Show Output').then((choice) => choice && this.output.show(true));
        break;
      }
      case 'failed':
        this.output.error(`Failed: ${message.message}`);
        void vscode.window.showErrorMessage(`Training Doctor: ${message.message}`);
        break;
      case 'finished':
        break;
    }
  }

  private onEvent(active: ActiveJob, event: TrainingEvent, progress: vscode.Progress<{ message?: string }>): void {
    if (event.type === 'run-started') {
      active.runId = event.runId;
      active.runDir = event.runDir;
      this.output.appendLine(`Run ${event.runId} on ${event.backend} (${event.backendDetail}): ${event.dataset}; ${event.epochs} epochs × ${event.stepsPerEpoch} steps`);
      this.statusBar.text = `$(pulse) ${event.configName}: starting · ${event.backend}`;
      this.statusBar.tooltip = `Training on ${event.backendDetail}. Click to open the dashboard.`;
      this.statusBar.show();
    }
    if (!active.runId) return;
    this.store.record(active.runId, event);
    // Recorded first, so a dashboard opened on the new run finds its start in the store.
    if (event.type === 'run-started') this.startedEmitter.fire(event.runId);
    const started = this.store.getRunData(active.runId)?.started;
    switch (event.type) {
      case 'step': {
        // By time, not every n steps: a small model trains >100 steps/s, and a status bar item
        // rewritten tens of times a second kept a webview created meanwhile from loading in
        // code-server (Chromium put off its service worker's update check until the run ended).
        const now = Date.now();
        if (started && now - active.statusShownAt >= STATUS_INTERVAL_MS) {
          active.statusShownAt = now;
          this.statusBar.text = `$(pulse) epoch ${event.epoch + 1}/${started.epochs} · loss ${event.loss.toPrecision(3)} · ${started.backend}`;
        }
        break;
      }
      case 'epoch-end': {
        const line = formatEpochLine(event, started?.epochs);
        this.output.appendLine(line);
        progress.report({ message: line });
        break;
      }
      case 'finding':
        this.output.appendLine(`  ${formatFinding(event.finding)}`);
        break;
      case 'log':
        if (event.level === 'error') this.output.error(event.message);
        else if (event.level === 'warning') this.output.warn(event.message);
        else this.output.info(event.message);
        break;
      case 'run-ended':
        active.ended = event;
        this.findings.setRunFindings(active.uri, event.findings);
        this.output.appendLine(`Run ${event.status}${event.reason ? `: ${event.reason}` : ''} (${event.epochsCompleted} epochs, ${event.steps} steps).`);
        break;
      default:
        break;
    }
  }

  private finish(outcome: TrainerOutcome): void {
    const active = this.active;
    this.active = undefined;
    void vscode.commands.executeCommand('setContext', 'trainingDoctor.training', false);
    this.statusBar.hide();
    if (!active) return;
    const runLeftOpen = active.runId !== undefined && !active.ended;
    // A job that failed before its run started was reported when its `failed` message came.
    if (outcome.kind === 'failed' && !runLeftOpen) return;
    if (outcome.kind === 'crashed' || outcome.kind === 'failed' || (outcome.kind === 'stopped' && runLeftOpen)) {
      const reason = outcome.reason ?? 'The trainer process ended unexpectedly.';
      if (outcome.kind !== 'failed') this.output.error(reason);
      if (active.runDir) {
        try {
          markRunFailed(active.runDir, reason);
        } catch {
          // The folder may be gone; the message below still tells the user.
        }
      }
      if (active.runId) {
        // What the run got through is kept: its epochs, steps and findings so far.
        const data = this.store.getRunData(active.runId);
        this.store.record(active.runId, {
          type: 'run-ended', status: 'failed', reason, epochsCompleted: data?.epochs.length ?? 0, steps: data?.steps.step.length ?? 0,
          durationMs: 0, final: { metrics: {}, valMetrics: {} }, findings: data?.findings ?? [],
        });
      }
      if (outcome.kind !== 'failed') void vscode.window.showErrorMessage(`Training Doctor: the run failed. ${reason}`, 'Show Output').then((choice) => choice && this.output.show(true));
      return;
    }
    if (active.ended) {
      const { status, findings, reason } = active.ended;
      const loud = findings.filter((f) => f.severity !== 'info').length;
      const text = `Run ${status}${reason && status !== 'completed' ? `: ${reason}` : '.'}${loud ? ` ${loud} finding(s) to look at.` : ''}`;
      const show = status === 'failed' ? vscode.window.showErrorMessage : vscode.window.showInformationMessage;
      void show(text, 'Open Dashboard').then((choice) => choice && vscode.commands.executeCommand('trainingDoctor.openDashboard', active.runId));
    }
  }

  /**
   * Applies one of a recorded finding's fixes to its config (the editor's text), then offers a
   * re-run. The run may come from a committed folder: its config and fix are checked first.
   */
  async applyFix(runId: string, findingIndex: number, fixId: string): Promise<{ ok: boolean; message: string }> {
    const data = this.store.getRunData(runId);
    const config = runConfigInWorkspace(data, workspaceFolderPaths());
    if (config.type === 'refused') return { ok: false, message: config.message };
    const checked = recordedFix(data, findingIndex, fixId);
    if (checked.type === 'refused') return { ok: false, message: checked.message };
    const { finding, fix } = checked.value;
    const uri = vscode.Uri.file(config.value);
    const document = await vscode.workspace.openTextDocument(uri);
    const result = applyFix(document.getText(), finding, fix);
    if ('error' in result) return { ok: false, message: result.error };
    const edit = new vscode.WorkspaceEdit();
    for (const e of result.edits) {
      edit.replace(uri, new vscode.Range(document.positionAt(e.offset), document.positionAt(e.offset + e.length)), e.content);
    }
    if (!(await vscode.workspace.applyEdit(edit))) return { ok: false, message: 'The editor refused the edit.' };
    await document.save();
    // Where the file is already shown, else the first column: never over the dashboard that asked.
    const shownIn = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString())?.viewColumn;
    await vscode.window.showTextDocument(document, { preview: false, preserveFocus: true, viewColumn: shownIn ?? vscode.ViewColumn.One });
    void vscode.window.showInformationMessage(`Applied ${fix.title}.`, 'Re-run').then((choice) => choice && this.start('train', uri));
    return { ok: true, message: `Applied ${fix.title}.` };
  }

  async rerun(runId: string): Promise<void> {
    const config = this.runConfig(runId);
    if (config) await this.start('train', vscode.Uri.file(config));
  }

  async revealConfig(runId: string, findingIndex?: number): Promise<void> {
    const config = this.runConfig(runId);
    if (!config) return;
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(config));
    // The first column: the dashboard sits beside it and stays in view.
    const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One });
    const findingPath = recordedFindingPath(this.store.getRunData(runId), findingIndex);
    if (findingPath) {
      const range = locatePath(findingPath, parseTree(document.getText()), document.getText());
      if (range) {
        const start = document.positionAt(range.offset);
        editor.selection = new vscode.Selection(start, document.positionAt(range.offset + range.length));
        editor.revealRange(new vscode.Range(start, start), vscode.TextEditorRevealType.InCenter);
      }
    }
  }

  /** The run's config when it is inside the workspace; otherwise says why not and gives undefined. */
  private runConfig(runId: string): string | undefined {
    const config = runConfigInWorkspace(this.store.getRunData(runId), workspaceFolderPaths());
    if (config.type === 'ok') return config.value;
    this.output.warn(config.message);
    void vscode.window.showErrorMessage(`Training Doctor: ${config.message}`);
    return undefined;
  }

  dispose(): void {
    this.active?.client.kill('The window closed.');
    this.statusBar.dispose();
    this.output.dispose();
    this.startedEmitter.dispose();
  }
}

function workspaceFolderPaths(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
}
