// Small, style-preserving edits of a config's JSONC text: set a value, remove a property, insert
// an array item. Values are replaced through jsonc-parser's `modify`; insertions and removals are
// placed by hand, because jsonc-parser's formatter re-flows the whole line around an insertion
// (a one-line layer `{ "type": "dense", ... }` would become eight lines and lose its trailing
// comment's position). Here an insertion into a one-line object stays on that line, and an
// insertion into a multi-line array or object gets its own line with its siblings' indentation.

import { findNodeAtLocation, getNodeValue, modify, parseTree, type JSONPath, type Node as JsonNode } from 'jsonc-parser';
import { EditLog, type TextEdit } from './editLog';
import { detectStyle, inlineJson, type JsonTextStyle } from './jsonTextStyle';

export class ConfigTextEditor {
  private readonly log: EditLog;
  readonly style: JsonTextStyle;

  constructor(original: string) {
    this.log = new EditLog(original);
    this.style = detectStyle(original);
  }

  get text(): string {
    return this.log.text;
  }

  /** The changes so far, as edits of the original text. */
  edits(): TextEdit[] {
    return this.log.toOriginalEdits();
  }

  has(path: JSONPath): boolean {
    return this.node(path) !== undefined;
  }

  value(path: JSONPath): unknown {
    const node = this.node(path);
    return node ? getNodeValue(node) : undefined;
  }

  /** Sets the value at path, replacing it or adding the property (and any missing parent objects). */
  set(path: JSONPath, value: unknown): void {
    const root = this.tree();
    if (findNodeAtLocation(root, path)) {
      const edits = modify(this.text, path, value, {}).map((e) => ({ ...e, content: inlineJson(value, this.style) }));
      this.log.applyAll(edits);
      return;
    }
    for (let k = path.length - 1; k >= 0; k--) {
      const parent = findNodeAtLocation(root, path.slice(0, k));
      if (!parent) continue;
      if (parent.type !== 'object') throw new Error(`cannot add ${String(path[k])} to a ${parent.type}`);
      // Wrap the value in the objects that are missing below `parent`.
      let nested = value;
      for (let m = path.length - 1; m > k; m--) nested = { [String(path[m])]: nested };
      this.insertProperty(parent, String(path[k]), nested);
      return;
    }
    throw new Error('the config has no root object');
  }

  /** Removes the property at path (no-op when absent), with its comma and, when alone on its line, the line. */
  remove(path: JSONPath): void {
    const node = this.node(path);
    const property = node?.parent;
    const object = property?.parent;
    if (!property || property.type !== 'property' || !object?.children) return;
    const text = this.text;
    const siblings = object.children;
    const index = siblings.indexOf(property);
    const previous = siblings[index - 1];
    const next = siblings[index + 1];
    const start = property.offset;
    const end = property.offset + property.length;

    const line = wholeLine(text, start, end);
    if (line) {
      const edits: TextEdit[] = [{ offset: line.start, length: line.end - line.start, content: '' }];
      // The last property goes: its predecessor's comma would now dangle.
      if (!next && !line.hadComma && previous) {
        const comma = nextSignificant(text, previous.offset + previous.length);
        if (text[comma] === ',' && comma < line.start) edits.push({ offset: comma, length: 1, content: '' });
      }
      this.log.applyAll(edits);
    } else if (previous) {
      const previousEnd = previous.offset + previous.length;
      this.log.apply({ offset: previousEnd, length: end - previousEnd, content: '' });
    } else if (next) {
      this.log.apply({ offset: start, length: next.offset - start, content: '' });
    } else {
      this.log.apply({ offset: object.offset + 1, length: object.length - 2, content: '' });
    }
  }

  /** Inserts value into the array at arrayPath, right after the item at `index`. */
  insertAfter(arrayPath: JSONPath, index: number, value: unknown): void {
    const array = this.node(arrayPath);
    const item = array?.children?.[index];
    if (!array || array.type !== 'array' || !item) throw new Error(`no item ${index} in ${arrayPath.join('.')}`);
    this.insertAfterNode(item, inlineJson(value, this.style));
  }

  private tree(): JsonNode {
    const root = parseTree(this.text, [], { allowTrailingComma: true, disallowComments: false });
    if (!root) throw new Error('the config text does not parse');
    return root;
  }

  private node(path: JSONPath): JsonNode | undefined {
    return findNodeAtLocation(this.tree(), path);
  }

  private insertProperty(object: JsonNode, key: string, value: unknown): void {
    const entry = `${JSON.stringify(key)}: ${inlineJson(value, this.style)}`;
    const properties = object.children ?? [];
    if (properties.length > 0) {
      this.insertAfterNode(properties[properties.length - 1], entry);
      return;
    }
    const text = this.text;
    const inner = { offset: object.offset + 1, length: object.length - 2 };
    const body = text.slice(inner.offset, inner.offset + inner.length);
    if (/[\r\n]/.test(body)) {
      const indent = lineIndent(text, object.offset);
      this.log.apply({ ...inner, content: `${this.style.eol}${indent}${this.style.indentUnit}${entry}${this.style.eol}${indent}` });
    } else {
      this.log.apply({ ...inner, content: this.style.padBraces ? ` ${entry} ` : entry });
    }
  }

  /** Inserts `entry` (an item or a "key": value) after `node` in its array or object. */
  private insertAfterNode(node: JsonNode, entry: string): void {
    const text = this.text;
    const end = node.offset + node.length;
    const following = nextSignificant(text, end);
    const hasComma = text[following] === ',';
    const commaOnSameLine = hasComma && !/[\r\n]/.test(text.slice(end, following));
    const lineEnd = endOfLine(text, commaOnSameLine ? following + 1 : end);
    const ownLine = startsOwnLine(text, node.offset);
    const eol = this.style.eol;

    if (ownLine && lineEnd !== undefined && (commaOnSameLine || !hasComma)) {
      const indent = lineIndent(text, node.offset);
      if (hasComma) {
        this.log.apply({ offset: lineEnd, length: 0, content: `${eol}${indent}${entry},` });
      } else if (lineEnd === end) {
        this.log.apply({ offset: end, length: 0, content: `,${eol}${indent}${entry}` });
      } else {
        // A trailing comment stays with the node it was written after.
        this.log.applyAll([
          { offset: end, length: 0, content: ',' },
          { offset: lineEnd, length: 0, content: `${eol}${indent}${entry}` },
        ]);
      }
    } else if (hasComma) {
      this.log.apply({ offset: following + 1, length: 0, content: ` ${entry},` });
    } else {
      this.log.apply({ offset: end, length: 0, content: `, ${entry}` });
    }
  }
}

/** Offset of the next character that is not whitespace or a comment. */
function nextSignificant(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    if (/\s/.test(text[i])) i++;
    else if (text.startsWith('//', i)) while (i < text.length && text[i] !== '\n') i++;
    else if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 2;
    } else break;
  }
  return i;
}

/** Skips spaces and comments on the current line; the offset of the line break, if nothing else is left on the line. */
function endOfLine(text: string, from: number): number | undefined {
  let i = from;
  while (i < text.length) {
    if (text[i] === ' ' || text[i] === '\t') i++;
    else if (text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\r' && text[i] !== '\n') i++;
    } else if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      if (close < 0 || /[\r\n]/.test(text.slice(i, close))) return undefined;
      i = close + 2;
    } else break;
  }
  return i >= text.length || text[i] === '\r' || text[i] === '\n' ? i : undefined;
}

function lineStart(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && text[i - 1] !== '\n') i--;
  return i;
}

function startsOwnLine(text: string, offset: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStart(text, offset), offset)) && lineStart(text, offset) > 0;
}

function lineIndent(text: string, offset: number): string {
  return /^[ \t]*/.exec(text.slice(lineStart(text, offset), offset))?.[0] ?? '';
}

/**
 * When [start, end) is alone on its line(s), apart from its own comma and a trailing comment: the
 * range to delete (the whole line with its line break) and whether the comma was its own.
 */
function wholeLine(text: string, start: number, end: number): { start: number; end: number; hadComma: boolean } | undefined {
  if (!startsOwnLine(text, start)) return undefined;
  let i = end;
  while (text[i] === ' ' || text[i] === '\t') i++;
  const hadComma = text[i] === ',';
  if (hadComma) i++;
  const lineEnd = endOfLine(text, i);
  if (lineEnd === undefined) return undefined;
  const afterBreak = text.startsWith('\r\n', lineEnd) ? lineEnd + 2 : lineEnd + 1;
  return { start: lineStart(text, start), end: Math.min(afterBreak, text.length), hadComma };
}
