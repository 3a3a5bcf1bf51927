/**
 * Identifier shapes checked before they reach the database (a malformed UUID in a query is a
 * database error, not "not found").
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` is a UUID in its canonical 8-4-4-4-12 hex form (either case unless `lowerCase`). */
export function isUuid(id: string, opts: { lowerCase?: boolean } = {}): boolean {
  return UUID.test(id) && (!opts.lowerCase || id === id.toLowerCase());
}
