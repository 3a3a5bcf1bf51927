/**
 * DataLoader helpers: batch functions return one result per key, in key order.
 */
import DataLoader from 'dataloader';

/** A per-request loader of rows by a unique key, one `WHERE key IN (...)` per batch. */
export function uniqueLoader<K extends string, V>(
  fetch: (keys: readonly K[]) => Promise<V[]>,
  keyOf: (row: V) => K,
): DataLoader<K, V | null> {
  return new DataLoader<K, V | null>(async (keys) => {
    const rows = await fetch(keys);
    const byKey = new Map(rows.map((r) => [keyOf(r), r] as const));
    return keys.map((k) => byKey.get(k) ?? null);
  });
}
