// Validates a parsed JSONC tree against the subset of JSON Schema that schemas/train.schema.json
// uses, and builds the plain value with the schema's defaults filled in. The schema is the single
// source of truth for names, types, ranges and defaults: VS Code reads it for completion and
// hover, this module reads it for located errors with stable codes.

import type { Node as JsonNode } from 'jsonc-parser';
import type { ConfigProblem, JsonPath } from './configProblem';
import { closestMatch } from './closestMatch';
import { ownValue, setOwn } from './ownProperty';

export interface SchemaNode {
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean';
  description?: string;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  anyOf?: SchemaNode[];
  $ref?: string;
  default?: unknown;
  definitions?: Record<string, SchemaNode>;
}

/** A problem located by the tree node it concerns (the caller turns nodes into ranges). */
export interface LocatedProblem extends ConfigProblem {
  node?: JsonNode;
}

export interface ValidationResult {
  value: unknown;
  problems: LocatedProblem[];
}

export function validateAgainstSchema(root: JsonNode | undefined, schema: SchemaNode): ValidationResult {
  const validator = new TreeValidator(schema);
  if (!root) return { value: undefined, problems: [] };
  const value = validator.validate(root, schema, []);
  return { value, problems: validator.problems };
}

/** What a node is in JSON terms; integers are numbers that the schema may narrow further. */
function jsonTypeOf(node: JsonNode): string {
  return node.type === 'null' ? 'null' : node.type;
}

function describeType(node: JsonNode): string {
  switch (node.type) {
    case 'object': return 'an object';
    case 'array': return 'an array';
    case 'string': return `the string ${JSON.stringify(node.value)}`;
    case 'number': return `the number ${node.value}`;
    case 'boolean': return `${node.value}`;
    default: return 'null';
  }
}

function article(type: string): string {
  return type === 'object' || type === 'array' || type === 'integer' ? `an ${type}` : `a ${type}`;
}

function typeMatches(schemaType: SchemaNode['type'], node: JsonNode): boolean {
  if (!schemaType) return true;
  if (schemaType === 'integer') return node.type === 'number' && Number.isInteger(node.value);
  return schemaType === jsonTypeOf(node);
}

class TreeValidator {
  readonly problems: LocatedProblem[] = [];

  constructor(private readonly rootSchema: SchemaNode) {}

  private report(code: string, path: JsonPath, message: string, node?: JsonNode): void {
    this.problems.push({ code, severity: 'error', message, path: [...path], node });
  }

  resolve(schema: SchemaNode): SchemaNode {
    let current = schema;
    for (let guard = 0; current.$ref && guard < 32; guard++) {
      const name = current.$ref.replace(/^#\/definitions\//, '');
      const target = ownValue(this.rootSchema.definitions, name);
      if (!target) throw new Error(`schema: unresolved $ref ${current.$ref}`);
      current = target;
    }
    return current;
  }

  validate(node: JsonNode, rawSchema: SchemaNode, path: JsonPath): unknown {
    const schema = this.resolve(rawSchema);
    if (schema.anyOf) return this.validateUnion(node, schema, path);

    if (!typeMatches(schema.type, node)) {
      const expected = schema.type === 'integer' && node.type === 'number' ? 'a whole number' : article(schema.type ?? 'value');
      this.report('schema.wrong-type', path, `${label(path)} must be ${expected}, not ${describeType(node)}.`, node);
      return undefined;
    }
    if (schema.const !== undefined && node.value !== schema.const) {
      this.report('schema.invalid-value', path, `${label(path)} must be ${JSON.stringify(schema.const)}.`, node);
      return undefined;
    }
    if (schema.enum && !schema.enum.includes(node.value)) {
      const options = schema.enum.map((v) => JSON.stringify(v));
      const guess = typeof node.value === 'string' ? closestMatch(node.value, schema.enum.filter((v): v is string => typeof v === 'string')) : undefined;
      this.report('schema.invalid-value', path,
        `${label(path)} is ${describeType(node)}; expected one of ${options.join(', ')}.${guess ? ` Did you mean "${guess}"?` : ''}`, node);
      return undefined;
    }
    switch (node.type) {
      case 'object': return this.validateObject(node, schema, path);
      case 'array': return this.validateArray(node, schema, path);
      case 'number': return this.checkNumber(node, schema, path) ? node.value : undefined;
      case 'string':
        if (schema.minLength !== undefined && String(node.value).length < schema.minLength) {
          this.report('schema.invalid-value', path, `${label(path)} must not be empty.`, node);
          return undefined;
        }
        return node.value;
      default: return node.value;
    }
  }

  private checkNumber(node: JsonNode, schema: SchemaNode, path: JsonPath): boolean {
    const v = node.value as number;
    const fail = (bound: string) => {
      this.report('schema.out-of-range', path, `${label(path)} is ${v}; it must be ${bound}.`, node);
      return false;
    };
    if (schema.minimum !== undefined && v < schema.minimum) return fail(`at least ${schema.minimum}`);
    if (schema.maximum !== undefined && v > schema.maximum) return fail(`at most ${schema.maximum}`);
    if (schema.exclusiveMinimum !== undefined && v <= schema.exclusiveMinimum) return fail(`greater than ${schema.exclusiveMinimum}`);
    if (schema.exclusiveMaximum !== undefined && v >= schema.exclusiveMaximum) return fail(`less than ${schema.exclusiveMaximum}`);
    return true;
  }

  private validateObject(node: JsonNode, schema: SchemaNode, path: JsonPath): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    const seen = new Set<string>();
    const known = Object.keys(schema.properties ?? {});
    for (const property of node.children ?? []) {
      const [keyNode, valueNode] = property.children ?? [];
      if (!keyNode || !valueNode) continue;
      const key = String(keyNode.value);
      const childPath = [...path, key];
      if (seen.has(key)) {
        this.report('schema.duplicate-property', childPath, `"${key}" appears twice in ${label(path)}; only one is used.`, keyNode);
      }
      seen.add(key);
      // Own properties only: "__proto__" or "constructor" must not find Object.prototype members.
      const propertySchema = ownValue(schema.properties, key);
      if (propertySchema) {
        setOwn(result, key, this.validate(valueNode, propertySchema, childPath));
      } else if (typeof schema.additionalProperties === 'object') {
        setOwn(result, key, this.validate(valueNode, schema.additionalProperties, childPath));
      } else if (schema.additionalProperties === false) {
        const guess = closestMatch(key, known);
        this.report('schema.unknown-property', childPath,
          `Unknown property "${key}" in ${label(path)}.${guess ? ` Did you mean "${guess}"?` : ` Known properties: ${known.join(', ')}.`}`, keyNode);
      } else {
        setOwn(result, key, valueNode.value);
      }
    }
    for (const key of schema.required ?? []) {
      if (!seen.has(key)) {
        const hint = schema.properties?.[key]?.description?.split(/(?<=\.)\s/)[0];
        this.report('schema.missing-property', [...path, key],
          `${label(path)} needs "${key}".${hint ? ` ${hint}` : ''}`, keyOrSelf(node));
      }
    }
    for (const [key, propertySchema] of Object.entries(schema.properties ?? {})) {
      if (!seen.has(key)) {
        // A default written beside a $ref (the property's own) wins over the definition's.
        const fallback = propertySchema.default ?? this.resolve(propertySchema).default;
        if (fallback !== undefined) setOwn(result, key, structuredClone(fallback));
      }
    }
    return result;
  }

  private validateArray(node: JsonNode, schema: SchemaNode, path: JsonPath): unknown[] {
    const items = node.children ?? [];
    if (schema.minItems !== undefined && items.length < schema.minItems) {
      this.report('schema.too-few-items', path, `${label(path)} needs at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}.`, node);
    }
    if (schema.maxItems !== undefined && items.length > schema.maxItems) {
      this.report('schema.too-many-items', path, `${label(path)} takes at most ${schema.maxItems} items.`, node);
    }
    return items.map((item, i) => (schema.items ? this.validate(item, schema.items, [...path, i]) : item.value));
  }

  /**
   * A union: scalars pick the branch of their type; objects pick the branch whose discriminating
   * `const` properties (type, synthetic, ...) or required keys they carry, so the errors reported
   * are those of the variant the user meant, not of every variant at once.
   */
  private validateUnion(node: JsonNode, schema: SchemaNode, path: JsonPath): unknown {
    const branches = (schema.anyOf ?? []).map((b) => this.resolve(b));
    const sameType = branches.filter((b) => typeMatches(b.type, node) || (b.type === 'integer' && node.type === 'number'));
    if (sameType.length === 0) {
      const expected = [...new Set(branches.map((b) => article(b.type ?? 'value')))].join(' or ');
      this.report('schema.wrong-type', path, `${label(path)} must be ${expected}, not ${describeType(node)}.`, node);
      return undefined;
    }
    if (node.type !== 'object' || sameType.length === 1) return this.validate(node, sameType[0], path);

    const keys = new Map((node.children ?? []).map((p) => [String(p.children?.[0]?.value), p.children?.[1]]));
    const discriminators = new Set<string>();
    for (const b of sameType) {
      for (const [k, p] of Object.entries(b.properties ?? {})) if (p.const !== undefined) discriminators.add(k);
    }
    const matching = sameType.filter((b) => {
      const consts = Object.entries(b.properties ?? {}).filter(([, p]) => p.const !== undefined);
      if (consts.length > 0) return consts.every(([k, p]) => keys.get(k)?.value === p.const);
      // A branch without a discriminator (the CSV form, say) is meant when it has its first required key.
      const first = b.required?.[0];
      return first !== undefined && keys.has(first) && ![...discriminators].some((d) => keys.has(d));
    });
    if (matching.length >= 1) return this.validate(node, matching[0], path);

    const present = [...discriminators].find((d) => keys.has(d));
    const variants = sameType.map((b) => describeVariant(b)).filter((v): v is string => Boolean(v));
    if (present) {
      const valueNode = keys.get(present)!;
      const names = sameType.map((b) => b.properties?.[present]?.const).filter((v): v is string => typeof v === 'string');
      const guess = typeof valueNode.value === 'string' ? closestMatch(valueNode.value, names) : undefined;
      const code = path.includes('layers') && present === 'type' && path[path.length - 2] === 'layers' ? 'layer.unknown-type' : 'schema.unknown-variant';
      this.report(code, [...path, present],
        `Unknown ${present} ${describeType(valueNode).replace(/^the string /, '')} in ${label(path)}.${guess ? ` Did you mean "${guess}"?` : ''} Expected one of: ${names.join(', ')}.`, valueNode);
    } else {
      this.report('schema.missing-property', path, `${label(path)} must say which kind it is: ${variants.join('; or ')}.`, keyOrSelf(node));
    }
    return undefined;
  }
}

function describeVariant(schema: SchemaNode): string | undefined {
  const consts = Object.entries(schema.properties ?? {}).filter(([, p]) => p.const !== undefined);
  if (consts.length > 0) return consts.map(([k, p]) => `"${k}": ${JSON.stringify(p.const)}`).join(', ');
  const first = schema.required?.[0];
  return first ? `"${first}"` : undefined;
}

/**
 * The property key that holds a node, which is where an editor should underline "missing X";
 * for an object without a key (a layer in an array, the root) its opening brace, since
 * underlining the whole object is noise (as parseConfig's nodeForPath does).
 */
function keyOrSelf(node: JsonNode): JsonNode {
  const parent = node.parent;
  if (parent?.type === 'property' && parent.children?.[0]) return parent.children[0];
  return { ...node, length: 1 };
}

export function label(path: JsonPath): string {
  if (path.length === 0) return 'The config';
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : text ? `.${part}` : part;
  return `"${text}"`;
}
