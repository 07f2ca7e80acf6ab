// The trainer child process: runs one job (train, probe or lr-find) for its host over Node's IPC
// channel, so training never runs in (or blocks, or crashes) the VS Code extension host.
// Life cycle: send `ready`; receive one `start`; stream events; send `finished`; exit 0. A job
// that throws sends `failed` with the reason instead of `finished`, and exits 1.
// A `stop` message (or the host going away) cancels the job at the next step.

import { loadConfigFile } from '../core/config/loadConfigFile';
import { DATA_ANYWHERE, dataInside, projectFolder, type DataAccess } from '../core/data/dataAccessPolicy';
import { RunDiagnosis, diagnoseProbe } from '../core/diagnosis/runDiagnosis';
import { findLearningRate } from '../core/engine/learningRateFinder';
import { probeModel } from '../core/engine/probe';
import { loadTensorflow } from '../core/engine/tensorflowRuntime';
import { wasmThreadsFor } from '../core/engine/wasmThreadChoice';
import { tfjsPreference } from '../core/engine/backendChoice';
import { trainWithPytorch } from '../core/pytorchBackend/pytorchBackend';
import { describeError, runTraining } from '../core/engine/trainingSession';
import { parseHostMessage, type StartMessage, type TrainerMessage } from '../core/trainerProcess/trainerProtocol';
import * as path from 'node:path';

const abort = new AbortController();
let started = false;

function send(message: TrainerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

/** The host decides: a trusted workspace reads data anywhere; otherwise the workspace and the config's project only. */
function dataAccessFor(start: StartMessage): DataAccess {
  if (start.allowDataOutside) return DATA_ANYWHERE;
  return dataInside([start.workspaceDir, projectFolder(path.dirname(path.resolve(start.configPath)))],
    'The trainer reads data only inside the workspace unless the workspace is trusted.');
}

async function runJob(start: StartMessage): Promise<void> {
  const file = await loadConfigFile(start.configPath, start.configText, dataAccessFor(start));
  if (!file.config || !file.shapes) {
    await send({ type: 'problems', problems: file.problems });
    await send({ type: 'finished', findings: [] });
    return;
  }
  const config = file.config;
  if (start.job === 'train' && (start.backend ?? config.backend) === 'pytorch') {
    const ended = await trainWithPytorch(config, file.shapes, {
      baseDir: file.baseDir, workspaceDir: start.workspaceDir, configText: file.text, configPath: file.filePath, epochs: start.epochs,
      signal: abort.signal, monitors: [new RunDiagnosis(config, file.shapes, file.tree)], python: start.python ?? {},
      onEvent: (event) => void send({ type: 'event', event }),
    });
    await send({ type: 'finished', findings: ended.findings });
    return;
  }
  const runtime = await loadTensorflow({
    preference: tfjsPreference(start.backend ?? config.backend), searchDirs: [path.dirname(file.filePath), start.workspaceDir], wasmThreads: wasmThreadsFor(config, file.shapes),
  });
  if (start.job === 'probe') {
    const { report, stats, inputStats } = await probeModel(config, { runtime, baseDir: file.baseDir, dataAccess: file.dataAccess });
    report.findings = diagnoseProbe(config, file.shapes, { stats, loss: report.loss, inputStats }, file.tree);
    await send({ type: 'probe-result', report });
    await send({ type: 'finished', findings: report.findings });
    return;
  }
  if (start.job === 'lr-find') {
    const result = await findLearningRate(config, { runtime, baseDir: file.baseDir, dataAccess: file.dataAccess, signal: abort.signal });
    await send({ type: 'lr-find-result', result });
    await send({ type: 'finished', findings: [] });
    return;
  }
  const ended = await runTraining(config, {
    runtime, baseDir: file.baseDir, dataAccess: file.dataAccess, workspaceDir: start.workspaceDir, configText: file.text, configPath: file.filePath,
    epochs: start.epochs, signal: abort.signal, monitors: [new RunDiagnosis(config, file.shapes, file.tree)],
    onEvent: (event) => void send({ type: 'event', event }),
  });
  await send({ type: 'finished', findings: ended.findings });
}

process.on('message', (raw) => {
  const message = parseHostMessage(raw);
  if (!message) {
    void send({ type: 'failed', message: `The trainer received a malformed message: ${JSON.stringify(raw)?.slice(0, 200)}` });
    return;
  }
  if (message.type === 'stop') {
    abort.abort();
    return;
  }
  if (started) {
    void send({ type: 'failed', message: 'The trainer runs one job; it was asked to start a second.' });
    return;
  }
  started = true;
  runJob(message).then(
    () => process.exit(0),
    (error) => send({ type: 'failed', message: describeError(error) }).finally(() => process.exit(1)),
  );
});

// Without a host there is nobody to report to: stop at the next step and leave.
process.on('disconnect', () => {
  abort.abort();
  setTimeout(() => process.exit(0), 2000).unref();
});

void send({ type: 'ready', pid: process.pid, nodeVersion: process.version });
