// Scenario 10: the pytorch backend from the editor. The workspace's .vscode/settings.json says
// "trainingDoctor.backend": "pytorch" (what a user switching backends writes; the Python is found
// the default way: python3, python, /usr/bin/python3, the first that imports torch). Train Model on
// the small MNIST MLP: the panel fills with the run's curves and layer charts, its header and the
// status bar name pytorch, the run completes and the side bar lists it. The deep tanh net with
// tiny init shows the finding the TensorFlow.js run shows. Then the same experiment exported with
// `training-doctor export --to pytorch` and run by hand with `--logdir .training-doctor/runs`
// while the window is open: its run folder appears in the side bar's history and its dashboard
// opens from there. Skipped where no Python can import torch.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findPythonWithTorch, type PythonWithTorch } from '../../../src/core/python/findPython';
import { dashboardFrame, describe, openSidebar, points, readDashboard, waitDashboard, waitRunCompleted, type DashboardSnapshot } from '../harness/dashboard';
import { REPO_ROOT } from '../harness/paths';
import type { Scenario } from '../harness/scenario';
import type { Session } from '../harness/session';

const CONFIG = 'mnist-small.train.json';
const BROKEN = 'deep-tanh.train.json';
const VANISHING = ['init.vanishing-activations', 'grad.vanishing'];
const EXPORTED = 'train_mnist_small.py';

let python: PythonWithTorch | undefined;

/** Runs a command to its end; its output goes to the scenario's log folder. */
function run(command: string, args: string[], cwd: string, logFile: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += String(d); });
    child.stderr.on('data', (d) => { output += String(d); });
    child.on('error', reject);
    child.on('close', (code) => {
      fs.writeFileSync(logFile, output);
      resolve({ code, output });
    });
  });
}

async function statusBarText(s: Session): Promise<string> {
  return (await s.page.locator('#workbench\\.parts\\.statusbar').innerText().catch(() => '')).replace(/\s+/g, ' ');
}

export const s10Pytorch: Scenario = {
  id: 's10-pytorch',
  title: 'pytorch backend from the editor: panel fills, header and status bar say pytorch, side bar lists it, finding; an exported script\'s run folder in the history',
  session: { workspaceSettings: { 'trainingDoctor.backend': 'pytorch' } },
  timeoutMs: 240_000,
  skip() {
    const search = findPythonWithTorch();
    python = search.found;
    return python ? undefined : `no Python here can import torch (${search.rejected.join('; ')})`;
  },
  async run(s, t) {
    t.note(`Python with torch on this machine: ${python!.command} (Python ${python!.pythonVersion}, torch ${python!.torchVersion})`);

    // --- Train Model on the small MNIST MLP -------------------------------------------------------
    await s.openFile(CONFIG);
    const t0 = Date.now();
    await s.runCommand('Training Doctor: Train Model');
    // The status bar item lives only while the run trains: watched from the start.
    let statusSeen = '';
    const statusWatch = s.waitFor('the status bar to name the pytorch backend', async () => {
      const text = await statusBarText(s);
      if (/mnist-small|epoch \d+\//.test(text)) statusSeen = text;
      return /(starting|epoch \d+\/\d+).*·\s*pytorch/.test(text) || undefined;
    }, { timeout: 60_000, interval: 100, quiet: true }).then(() => true, () => false);
    const panel = await dashboardFrame(s, 'panel', { timeout: 60_000 });
    t.note(`dashboard panel open ${((Date.now() - t0) / 1000).toFixed(1)} s after the command`);
    const done = await waitRunCompleted(s, t, panel, 'the panel to show the pytorch run completed', t0, 120_000);
    await t.expect(await statusWatch, `the status bar named pytorch while the run trained (last status bar text with the run: "${statusSeen}")`);
    t.note(`status bar while training: "${statusSeen}"`);

    await t.expect(/pytorch/i.test(done.meta), `the panel header names the pytorch backend (meta "${done.meta}")`);
    const steps = done.summary?.steps ?? 0;
    const planned = done.meta.match(/step (\d+)\/(\d+)/);
    await t.expect(planned && Number(planned[1]) === Number(planned[2]) && steps === Number(planned[2]), `the header says every planned step ran and the page holds them all (meta "${done.meta}", ${steps} steps)`);
    await t.expect(/epoch 2\/2/.test(done.meta), `the header says epoch 2/2 (meta "${done.meta}")`);
    await t.expect(steps > 0 && points(done, 'loss', 'train loss (per step)') === steps, `per-step loss points on the loss chart (${points(done, 'loss', 'train loss (per step)')} of ${steps})`);
    await t.expect(points(done, 'loss', 'validation loss') === 2, `two validation loss points (${points(done, 'loss', 'validation loss')})`);
    await t.expect(points(done, 'metrics', 'validation accuracy') === 2, `validation accuracy on the metrics chart (${JSON.stringify(done.charts.find((c) => c.name === 'metrics'))})`);
    await t.expect(points(done, 'learning-rate') > 0, 'the learning-rate chart has points (cosine schedule)');
    const stats = done.summary?.layerStats ?? 0;
    await t.expect(stats >= 2, `statistics samples arrived (${stats})`);
    await t.expect(points(done, 'activations', 'activation std') >= 2, `activation std per layer (${JSON.stringify(done.charts.find((c) => c.name === 'activations'))})`);
    await t.expect(points(done, 'weights') >= 2, 'weight std per layer');
    const gradients = done.charts.find((c) => c.name === 'gradient-norms');
    await t.expect(gradients && gradients.datasets.length >= 2 && gradients.datasets.every((d) => d.finitePoints === stats), `one gradient-norm series per dense layer with a point per sample (${JSON.stringify(gradients)})`);
    t.note(`charts: ${done.charts.map((c) => `${c.name}[${c.datasets.map((d) => `${d.label}:${d.finitePoints}`).join(', ')}]`).join(' ')}`);
    await s.screenshot('s10-pytorch-01-dashboard');

    const [first] = s.runRecords();
    await t.ok(first, 'a run folder in the workspace');
    const record = first.record;
    await t.equal(record.status, 'completed', 'run.json status');
    await t.equal(record.backend, 'pytorch', 'run.json backend');
    await t.equal(record.id, done.summary?.runId, 'the panel shows the run of run.json');
    t.note(`run.json: ${record.id} ${record.status}, ${record.epochsCompleted} epochs, ${record.steps} steps, backend ${record.backend}, ${record.durationMs} ms`);

    let sidebar = await openSidebar(s);
    const side = await waitDashboard(s, () => sidebar, 'the side bar to list the pytorch run as completed', (d) => d.history.some((h) => h.runId === record.id && h.status === 'completed'), { timeout: 20_000 });
    const entry = side.history.find((h) => h.runId === record.id)!;
    await t.expect(/pytorch/.test(entry.text), `the side bar's history row names pytorch ("${entry.text}")`);
    await t.expect(points(side, 'mini-loss', 'train loss (per step)') === steps, 'the side bar\'s mini loss chart has the run\'s steps');
    await s.screenshot('s10-pytorch-02-sidebar');

    // --- the broken config: the same finding as on TensorFlow.js ------------------------------------
    await s.openFile(BROKEN);
    await s.runCommand('Training Doctor: Train Model');
    const hasFault = (d: DashboardSnapshot) => d.findings.some((f) => VANISHING.includes(f.rule));
    const broken = await s.waitRunFolderCompleted(2, 'a second run folder with status completed', 120_000);
    const brokenId = String(broken.record.id);
    const panel2 = await dashboardFrame(s, 'panel', { runId: brokenId, timeout: 30_000 });
    const faulty = await waitDashboard(s, () => panel2, `the deep tanh run's panel with a ${VANISHING.join(' or ')} finding`, (d) => d.status === 'completed' && hasFault(d), { timeout: 30_000 });
    const fault = faulty.findings.find((f) => VANISHING.includes(f.rule))!;
    t.note(`deep tanh on pytorch (${brokenId}): ${describe(faulty)}; ${fault.rule} (${fault.severity}): ${fault.message.slice(0, 140)}…`);
    await t.expect(fault.fixes.length > 0, `the finding offers Apply Fix (${fault.fixes.map((f) => f.id).join(', ')})`);
    await s.screenshot('s10-pytorch-03-finding');

    // --- an exported script run by hand, logging into the workspace's run folders ------------------------
    const cli = path.join(REPO_ROOT, 'bin', 'training-doctor.js');
    const logs = s.logDir;
    const exported = await run(process.execPath, [cli, 'export', CONFIG, '--to', 'pytorch', '--out', EXPORTED], s.workspaceDir, path.join(logs, 'export.log'));
    await t.ok(exported.code === 0, `training-doctor export --to pytorch succeeded (exit ${exported.code}: ${exported.output.trim().slice(-300)})`);
    const runsDir = path.join(s.workspaceDir, '.training-doctor', 'runs');
    const before = new Set(fs.readdirSync(runsDir));
    const byHand = await run(python!.command, [EXPORTED, '--logdir', runsDir, '--log-format', 'jsonl'], s.workspaceDir, path.join(logs, 'exported-script.log'));
    await t.ok(byHand.code === 0, `the exported script ran (exit ${byHand.code}: ${byHand.output.trim().slice(-400)})`);
    const folder = fs.readdirSync(runsDir).find((f) => !before.has(f));
    await t.ok(folder, `the exported script wrote a run folder into .training-doctor/runs (${fs.readdirSync(runsDir).join(', ')})`);
    const handRecord = JSON.parse(fs.readFileSync(path.join(runsDir, folder!, 'run.json'), 'utf8')) as { id?: string; status?: string; steps?: number };
    const handId = String(handRecord.id ?? folder);
    t.note(`script output: ${byHand.output.trim().split('\n').slice(-3).join(' / ')}; run.json ${handId} ${handRecord.status}, ${handRecord.steps} steps`);

    // The history learns of other processes' runs from VS Code's file watcher (run.json created or
    // changed). In some code-server sessions on this machine that watcher delivers no event at all,
    // not even for the extension's own run folders (seen with a debug log: 0 events in a failing
    // session, 13 in a passing one): then a user reloads the window, which reads the folders afresh.
    const listedWithin = (timeout: number) => waitDashboard(s, () => sidebar, `the hand-run ${handId} in the side bar's history`, (d) => d.history.some((h) => h.runId === handId), { timeout, quiet: true }).then((d) => d, () => undefined);
    let listed = await listedWithin(30_000);
    if (!listed) {
      t.warn(`the hand-run ${handId} was not listed within 30 s of the script's end (no file-watcher event reached the extension?): reloading the window`);
      await s.runCommand('View: Show Explorer'); // the reloaded workbench is ready when the Explorer lists the workspace
      await s.reload();
      sidebar = await openSidebar(s);
      listed = await listedWithin(20_000);
      await t.ok(listed, `after Reload Window the side bar's history lists the hand-run ${handId}`);
    }
    const handEntry = listed!.history.find((h) => h.runId === handId)!;
    t.note(`history: ${listed!.history.map((h) => `${h.name} (${h.status}) ${h.text}`).join(' | ')}`);
    await t.expect(handEntry.status === 'completed', `the hand-run is listed as completed (${handEntry.status})`);
    // The newest run, so the side bar's current run: completed, as its folder says (it once stayed
    // "running · epoch 0/?", read from the folder's first run.json and never again).
    const current = await waitDashboard(s, () => sidebar, 'the side bar\'s current run to be the hand-run, completed', (d) => d.summary?.runId === handId && d.status === 'completed' && (d.summary?.steps ?? 0) === handRecord.steps, { timeout: 15_000 }).then((d) => d, () => undefined);
    const sideNow = current ?? await readDashboard(sidebar);
    await t.expect(current, `the side bar's current run is the hand-run, completed with its ${handRecord.steps} steps (shows ${sideNow.summary?.runId}: ${describe(sideNow)}; "${sideNow.meta}")`);
    await s.screenshot('s10-pytorch-04-history');
    await sidebar.locator(`.run-history button.run-open[data-run-id="${handId}"]`).click();
    const panel3 = await dashboardFrame(s, 'panel', { runId: handId, timeout: 30_000 });
    const hand = await waitDashboard(s, () => panel3, 'the hand-run\'s dashboard with its steps', (d) => d.summary?.runId === handId && (d.summary?.steps ?? 0) > 0 && d.settled, { timeout: 30_000 });
    t.note(`hand-run panel: ${describe(hand)}`);
    await t.expect(hand.status === 'completed', `the hand-run's panel says completed (${hand.status})`);
    await t.expect(hand.summary?.steps === handRecord.steps, `the hand-run's panel holds its ${handRecord.steps} steps (${hand.summary?.steps})`);
    await t.expect(points(hand, 'loss', 'validation loss') === 2 && (hand.summary?.layerStats ?? 0) >= 2, `the hand-run's panel has validation loss (${points(hand, 'loss', 'validation loss')}) and statistics samples (${hand.summary?.layerStats})`);
    await s.screenshot('s10-pytorch-05-hand-run');
  },
};
