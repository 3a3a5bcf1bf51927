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

/** A per-request loader of the rows belonging to each key (one query per batch), in key order. */
export function groupLoader<V>(
  fetch: (keys: string[]) => Promise<V[]>,
  keyOf: (row: V) => string,
): DataLoader<string, V[]> {
  return new DataLoader<string, V[]>(async (keys) => {
    const rows = await fetch([...keys]);
    const groups = new Map<string, V[]>(keys.map((k) => [k, []]));
    for (const r of rows) groups.get(keyOf(r))?.push(r);
    return keys.map((k) => groups.get(k) ?? []);
  });
}
