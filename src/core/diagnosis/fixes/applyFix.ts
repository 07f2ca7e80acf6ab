// Applies one fix of a finding to a config's text: minimal edits that keep comments and
// formatting, returned both as the new text and as edits of the old one (for a WorkspaceEdit).
// A fix whose result would not parse cleanly is refused rather than written.

import { parseTrainConfig } from '../../config/parseConfig';
import type { Finding, FixReference } from '../finding';
import { fixById } from './allFixes';
import { ConfigTextEditor } from './configTextEditor';
import type { TextEdit } from './editLog';

export type FixResult = { text: string; edits: TextEdit[] } | { error: string };

const FILE_NAME = 'fix.train.json';

export function applyFix(text: string, finding: Finding, fix: FixReference): FixResult {
  const definition = fixById(fix.id);
  if (!definition) return { error: `Unknown fix "${fix.id}".` };
  const parsed = parseTrainConfig(text, FILE_NAME);
  if (!parsed.config) return { error: 'The config has errors; fix them before applying a quick fix.' };
  const editor = new ConfigTextEditor(text);
  try {
    const refusal = definition.apply({ config: parsed.config, finding, args: fix.args ?? {}, editor });
    if (refusal) return { error: `${fix.id}: ${refusal}.` };
  } catch (error) {
    return { error: `${fix.id}: ${(error as Error).message}.` };
  }
  if (editor.edits().length === 0) return { error: `${fix.id}: nothing to change, the config already has it.` };
  const after = parseTrainConfig(editor.text, FILE_NAME);
  const errors = after.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) return { error: `${fix.id} would leave the config invalid: ${errors[0].message}` };
  return { text: editor.text, edits: editor.edits() };
}
