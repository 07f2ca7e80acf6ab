// Entry point from text to a typed config: JSONC syntax, schema validation, normalization and
// static shape checks, with every problem collected (not thrown) and located in the source.

import { findNodeAtLocation, parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import * as path from 'node:path';
import schemaJson from '../../../schemas/train.schema.json';
import type { ConfigProblem, JsonPath, SourceRange } from './configProblem';
import { textRefusal } from './configTextChecks';
import { memoryProblems } from './memoryEstimate';
import { normalizeConfig } from './normalizeConfig';
import { capProblems, MAX_REPORTED_PROBLEMS } from './problemCap';
import { validateAgainstSchema, type LocatedProblem, type SchemaNode } from './schemaValidator';
import { checkModelAgainstData, datasetClassCount, datasetInputShape, inferShapes, type ShapeReport } from './shapeInference';
import type { TrainConfig } from './trainConfig';

export const trainConfigSchema = schemaJson as unknown as SchemaNode;

export interface ParsedConfig {
  /** Present when there are no errors (warnings allowed). */
  config?: TrainConfig;
  problems: ConfigProblem[];
  shapes?: ShapeReport;
  tree?: JsonNode;
  text: string;
}

/** Turns offsets into 1-based line/column, for terminals and for tests. */
/**
 * Offsets as lines and columns. Line breaks are \n, \r\n and a lone \r, as in editors (VS Code's
 * text model), so the CLI's line:column and the editor's ranges agree on any file.
 */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      } else if (c === 10 /* \n */) {
        this.starts.push(i + 1);
      }
    }
  }

  /** 0-based line and character (UTF-16 units) of an offset. */
  position(offset: number): { line: number; character: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }

  /** A located range, 1-based as messages print it. */
  range(offset: number, length: number): SourceRange {
    const { line, character } = this.position(offset);
    return { offset, length, line: line + 1, column: character + 1 };
  }
}

/**
 * The node a path points at, or its nearest existing ancestor; for an object property, the
 * key's node when the value is a container (underlining a whole object is noise).
 */
export function nodeForPath(tree: JsonNode, jsonPath: JsonPath): JsonNode | undefined {
  for (let n = jsonPath.length; n >= 0; n--) {
    const node = findNodeAtLocation(tree, jsonPath.slice(0, n));
    if (!node) continue;
    const isContainer = node.type === 'object' || node.type === 'array';
    if (isContainer && node.parent?.type === 'property' && node.parent.children?.[0]) return node.parent.children[0];
    if (isContainer && n > 0) return { ...node, length: 1 };
    return node;
  }
  return undefined;
}

export function locateProblems(problems: (ConfigProblem | LocatedProblem)[], tree: JsonNode | undefined, text: string): ConfigProblem[] {
  const lines = new LineIndex(text);
  return problems.map((p) => {
    const { node: explicit, ...rest } = p as LocatedProblem;
    const node = explicit ?? (tree ? nodeForPath(tree, p.path) : undefined);
    return node ? { ...rest, range: lines.range(node.offset, node.length) } : { ...rest, range: p.range ?? lines.range(0, 0) };
  });
}

/** Where in the text a config path points (for findings, which carry paths, not ranges). */
export function locatePath(jsonPath: JsonPath | undefined, tree: JsonNode | undefined, text: string): SourceRange | undefined {
  if (!jsonPath || !tree) return undefined;
  const node = nodeForPath(tree, jsonPath);
  return node ? new LineIndex(text).range(node.offset, node.length) : undefined;
}

function syntaxProblems(errors: ParseError[], text: string): LocatedProblem[] {
  return errors.map((e) => {
    // Errors at the end of the text ("close brace expected") have nothing to underline: keep the
    // range inside the text so editors and terminals can show it.
    const offset = Math.min(e.offset, text.length);
    const length = Math.min(Math.max(1, e.length), text.length - offset);
    return {
      code: 'json.syntax',
      severity: 'error',
      message: `JSON syntax error: ${printParseErrorCode(e.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}.`,
      path: [],
      node: { type: 'null', offset, length, value: null } as JsonNode,
    };
  });
}

export function configNameFromFile(fileName: string): string {
  return path.basename(fileName).replace(/\.train\.jsonc?$/i, '').replace(/\.jsonc?$/i, '');
}

/**
 * Parses and checks a config's text. Never throws for bad input: every problem is reported
 * (at most MAX_REPORTED_PROBLEMS of them, then one "N more").
 */
export function parseTrainConfig(text: string, fileName: string): ParsedConfig {
  const refusal = textRefusal(text);
  if (refusal) return { problems: locateProblems([refusal], undefined, text), text };
  // A UTF-8 byte-order mark is accepted (editors strip it; Node's decoder keeps it): a space in
  // its place keeps every offset true to the text as given.
  const source = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  const errors: ParseError[] = [];
  // allowEmptyContent: an empty (or comments-only) file is reported below as empty, not as
  // "value expected" at an offset past its end.
  const tree = parseTree(source, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true });
  if (errors.length > 0 || !tree) {
    const problems = errors.length > 0
      ? capProblems(syntaxProblems(errors.slice(0, MAX_REPORTED_PROBLEMS + 1), text), errors.length)
      : [{ code: 'json.empty', severity: 'error' as const, message: 'The file is empty: a config is a JSON object.', path: [] }];
    return { problems: locateProblems(problems, undefined, text), tree, text };
  }
  const validation = validateAgainstSchema(tree, trainConfigSchema);
  if (validation.problems.length > 0) {
    return { problems: locateProblems(capProblems(validation.problems), tree, text), tree, text };
  }
  const config = normalizeConfig(validation.value as Record<string, unknown>, configNameFromFile(fileName));
  const shapes = inferShapes(config.model.layers, config.model.input);
  const semantic = [
    ...shapes.problems,
    ...(shapes.problems.length === 0
      ? checkModelAgainstData(config, shapes.outputShape, datasetInputShape(config.data.dataset), datasetClassCount(config.data.dataset))
      : []),
    // Before anything is allocated: lint's data statistics, a probe or a run would take the memory.
    ...(shapes.problems.length === 0 ? memoryProblems(config, shapes) : []),
  ];
  const problems = locateProblems(capProblems(semantic), tree, text);
  const hasErrors = problems.some((p) => p.severity === 'error');
  return { config: hasErrors ? undefined : config, problems, shapes, tree, text };
}
