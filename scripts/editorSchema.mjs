// The schema VS Code's JSON support gets for *.train.json (contributes.jsonValidation), derived
// from schemas/train.schema.json at build time.
//
// The extension validates configs itself, with rule-id codes, "did you mean" suggestions and links
// to the docs. If VS Code's JSON service validated against the full schema too, every mistake
// would be listed twice (once vaguer, without a code). So the editor's copy keeps what serves
// completion and hover (properties, descriptions, defaults, the allowed values as examples) and
// drops every keyword that produces a diagnostic.

/** Keywords whose only job is to reject documents. */
const VALIDATION_KEYWORDS = new Set([
  'type', 'required', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  'minLength', 'maxLength', 'pattern', 'format', 'minItems', 'maxItems', 'uniqueItems',
  'minProperties', 'maxProperties', 'propertyNames', 'dependencies', 'not',
]);

/** Keywords that hold one sub-schema. */
const SCHEMA_KEYWORDS = ['items', 'additionalProperties', 'additionalItems', 'contains', 'if', 'then', 'else'];
/** Keywords that hold a map of sub-schemas. */
const SCHEMA_MAP_KEYWORDS = ['patternProperties', 'definitions', '$defs'];
/** Keywords that hold a list of sub-schemas. */
const SCHEMA_LIST_KEYWORDS = ['anyOf', 'oneOf', 'allOf'];

/**
 * An anyOf/oneOf whose object branches are told apart by one property's const (a layer's "type",
 * an optimizer's "type"): that key and its values.
 */
function discriminatorOf(branches) {
  const byKey = new Map();
  for (const branch of branches) {
    for (const [key, property] of Object.entries(branch?.properties ?? {})) {
      if (property && typeof property === 'object' && 'const' in property) {
        if (!byKey.has(key)) byKey.set(key, []);
        byKey.get(key).push(property.const);
      }
    }
  }
  let best;
  for (const [key, values] of byKey) if (!best || values.length > best.values.length) best = { key, values };
  return best && best.values.length >= 2 ? best : undefined;
}

/**
 * `discriminator`: the property whose const stays, because this node is a branch of a union told
 * apart by it; `keepConst`: this node is that property.
 */
function relaxNode(node, discriminator, keepConst = false) {
  if (Array.isArray(node)) return node.map((item) => relaxNode(item));
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (VALIDATION_KEYWORDS.has(key)) continue;
    if (key === 'const') {
      // A discriminator's const makes completion offer the right properties inside
      // {"type": "dense", …}; any other const is only a suggestion.
      if (keepConst) out.const = value;
      else out.examples = [value];
    } else if (key === 'enum') {
      out.examples = [...value]; // offered as completions, not enforced
    } else if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, relaxNode(sub, undefined, name === discriminator)]));
    } else if (key === 'additionalProperties' && typeof value === 'boolean') {
      continue;
    } else if (SCHEMA_KEYWORDS.includes(key)) {
      out[key] = relaxNode(value);
    } else if (SCHEMA_MAP_KEYWORDS.includes(key)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, relaxNode(sub)]));
    } else if (SCHEMA_LIST_KEYWORDS.includes(key)) {
      const union = key === 'allOf' ? undefined : discriminatorOf(value);
      const branches = value.map((branch) => relaxNode(branch, union?.key));
      // With its consts kept, an unknown value would fail every branch: a last branch accepts
      // exactly the values no branch claims, and offers the known ones.
      if (union) branches.push({ properties: { [union.key]: { not: { enum: union.values }, examples: union.values } } });
      // oneOf fails when two branches match, and a relaxed branch matches almost anything.
      if (key === 'oneOf') out.anyOf = [...(out.anyOf ?? []), ...branches];
      else out[key] = [...(out[key] ?? []), ...branches];
    } else {
      out[key] = value;
    }
  }
  // Booleans offer true/false through their type; without it, through examples.
  if (node.type === 'boolean' && !out.examples) out.examples = [true, false];
  return out;
}

/** The editor's copy of the config schema: completion and hover, no validation (see above). */
export function editorSchema(schema) {
  const relaxed = relaxNode(schema);
  return {
    ...relaxed,
    // VS Code's JSON service reads these two from the schema: configs may have comments and
    // trailing commas (the engine's parser accepts both).
    allowComments: true,
    allowTrailingCommas: true,
  };
}
