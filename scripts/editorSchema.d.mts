/** Types of editorSchema.mjs (a build script, imported by its test). */
export function editorSchema(schema: object): Record<string, unknown>;
