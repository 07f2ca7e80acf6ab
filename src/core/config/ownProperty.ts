// Config keys are user input: a key such as "__proto__", "constructor" or "toString" must never
// find an Object.prototype member when it indexes a table, nor change a prototype when stored.

/** `record[key]` when `key` is the record's own property; inherited members do not count. */
export function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Stores `value` as an own, enumerable property, even under the key "__proto__" (plain assignment would set the prototype). */
export function setOwn(record: Record<string, unknown>, key: string, value: unknown): void {
  // Only "__proto__" is an accessor on Object.prototype; assigning any other key makes an own property (and is faster).
  if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

/**
 * A view of a validated object whose property reads see its own keys only (a copy with no
 * prototype); for code that reads many optional properties by name.
 */
export function ownKeysOnly(value: unknown): Record<string, any> {
  const view: Record<string, any> = Object.create(null);
  if (value && typeof value === 'object') for (const key of Object.keys(value)) view[key] = (value as Record<string, unknown>)[key];
  return view;
}
