// Checks what the dashboard's Apply Fix, Re-run and Show in Config take from a run before acting
// on it. A run read back from disk is only as trustworthy as the folder it sits in, and a
// repository may commit a hostile `.training-doctor/runs/*`: its `configPath` could name a config
// anywhere on the machine, its findings any fix with any arguments. So the config must be a
// *.train.json inside a workspace folder (real paths compared), and the finding and its fix must
// pass checkRecordedFinding.

import * as path from 'node:path';
import type { RunData } from '../../core/dashboard/runData';
import { realPathInside } from '../../core/data/dataAccessPolicy';
import type { Finding, FixReference } from '../../core/diagnosis/finding';
import { checkRecordedFinding, isJsonPath } from '../../core/diagnosis/fixes/recordedFindingCheck';

export type Checked<T> = { type: 'ok'; value: T } | { type: 'refused'; message: string };

const refused = (message: string): { type: 'refused'; message: string } => ({ type: 'refused', message });

/**
 * The run's config, when it is a *.train.json file whose real path lies inside one of the
 * workspace folders. The path is given back as the run wrote it: the editor knows the document by
 * that name, even where the workspace itself is reached through a symbolic link.
 */
export function runConfigInWorkspace(data: RunData | undefined, workspaceFolders: string[]): Checked<string> {
  const configPath: unknown = data?.started?.configPath;
  if (typeof configPath !== 'string' || configPath === '') return refused('This run does not say which config it trained.');
  const shown = configPath.length > 120 ? `${configPath.slice(0, 119)}…` : configPath;
  if (!path.isAbsolute(configPath) || !configPath.endsWith('.train.json')) {
    return refused(`This run names "${shown}" as its config, which is not the absolute path of a *.train.json file.`);
  }
  const real = realPathInside(configPath, workspaceFolders);
  if (!real || !real.endsWith('.train.json')) {
    return refused(`This run's config, ${shown}, is outside the workspace folders; Training Doctor only edits and trains configs inside them.`);
  }
  return { type: 'ok', value: configPath };
}

/** Finding `findingIndex` of the run and its fix `fixId`, checked (see checkRecordedFinding). */
export function recordedFix(data: RunData | undefined, findingIndex: number, fixId: string): Checked<{ finding: Finding; fix: FixReference }> {
  const recorded: unknown = data?.findings[findingIndex];
  if (recorded === undefined) return refused('That finding is no longer available.');
  const checked = checkRecordedFinding(recorded);
  if (checked.type === 'refused') return checked;
  const fix = checked.finding.fixes.find((f) => f.id === fixId);
  if (!fix) return refused('That fix is no longer available.');
  return { type: 'ok', value: { finding: checked.finding, fix } };
}

/** The finding's location in the config, for Show in Config: only a well-formed one. */
export function recordedFindingPath(data: RunData | undefined, findingIndex: number | undefined): (string | number)[] | undefined {
  const finding: unknown = findingIndex === undefined ? undefined : data?.findings[findingIndex];
  const where = typeof finding === 'object' && finding !== null ? (finding as { path?: unknown }).path : undefined;
  return isJsonPath(where) ? where : undefined;
}
