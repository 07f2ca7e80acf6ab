// What goes wrong when a Keras or TF.js model is imported: one problem per cause, located in the
// source file (its JSON path, turned into line:column by the caller) and naming the Keras layer.

import type { JsonPath, SourceRange } from '../../config/configProblem';

export interface KerasLayerRef {
  name: string;
  className: string;
}

export interface ImportProblem {
  code: string;
  message: string;
  /** Where in the source JSON (for a .keras archive: in its config.json). */
  path: JsonPath;
  layer?: KerasLayerRef;
  range?: SourceRange;
  /** Problems with the same cause (an unsupported class or option value) are reported once, naming every layer. */
  cause?: string;
}

export function importProblem(code: string, path: JsonPath, message: string, layer?: KerasLayerRef): ImportProblem {
  return layer ? { code, message, path, layer } : { code, message, path };
}

/**
 * One problem per cause: layers that fail for the same reason (22 LeakyReLUs with slope 0.1)
 * become one problem located at the first, naming the others.
 */
export function groupByCause(problems: ImportProblem[]): ImportProblem[] {
  const groups = new Map<string, ImportProblem[]>();
  const result: ImportProblem[] = [];
  for (const p of problems) {
    if (!p.cause) {
      result.push(p);
      continue;
    }
    const group = groups.get(p.cause);
    if (group) group.push(p);
    else {
      groups.set(p.cause, [p]);
      result.push(p);
    }
  }
  return result.map((p) => {
    const group = p.cause ? groups.get(p.cause)! : [p];
    if (group.length === 1) return p;
    const others = group.slice(1).map((g) => `"${g.layer?.name}"`);
    const shown = others.length > 8 ? `${others.slice(0, 8).join(', ')} and ${others.length - 8} more` : others.join(', ');
    return { ...p, message: `${p.message} The same holds for ${group.length - 1} more layer${group.length > 2 ? 's' : ''}: ${shown}.` };
  });
}

/** Thrown inside the importer where one cause stops everything (unreadable file, unknown format). */
export class ImportFailure extends Error {
  constructor(readonly problems: ImportProblem[]) {
    super(problems.map((p) => p.message).join('\n'));
    this.name = 'ImportFailure';
  }
}

/** A plain JSON object, as the Keras and TF.js serializers write them. */
export type RawObject = Record<string, unknown>;

export function isObject(value: unknown): value is RawObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own property (never one from Object.prototype: the files are untrusted). */
export function own(object: RawObject | undefined, key: string): unknown {
  return object && Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}
