// Builds the fix references findings carry: the fix id, its exact title for this config and
// these arguments, and whether it is the preferred fix (the lightbulb's default action).

import type { TrainConfig } from '../../config/trainConfig';
import type { FixReference } from '../finding';
import { fixById } from './allFixes';
import type { FixArgs } from './fixDefinition';

export function fixReference(id: string, config: TrainConfig, args?: FixArgs, preferred?: boolean): FixReference {
  const fix = fixById(id);
  if (!fix) throw new Error(`fixReference: unknown fix ${id}`);
  const reference: FixReference = { id, title: fix.title(config, args ?? {}) };
  if (preferred) reference.preferred = true;
  if (args && Object.keys(args).length > 0) reference.args = args;
  return reference;
}
