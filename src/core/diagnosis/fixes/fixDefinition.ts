// What a fix is: a stable id, a title that says exactly what will change (computed from the
// config and the fix's arguments), and the edit itself, made through a style-preserving editor.

import type { TrainConfig } from '../../config/trainConfig';
import type { Finding } from '../finding';
import type { ConfigTextEditor } from './configTextEditor';

export type FixArgs = Record<string, unknown>;

export interface FixContext {
  /** The config as it was before the fix (indices refer to it). */
  config: TrainConfig;
  finding: Finding;
  args: FixArgs;
  editor: ConfigTextEditor;
}

export interface FixDefinition {
  id: string;
  title(config: TrainConfig, args: FixArgs): string;
  /** Makes the edits; returns a message when the fix does not apply to this config. */
  apply(context: FixContext): string | void;
}
