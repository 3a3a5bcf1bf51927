/**
 * A per-request DataLoader in front of the cross-request cache in front of the database:
 * one MGET for all keys of a batch, one query for the misses, then a fill that never
 * overwrites a newer value written by a committed change (SET NX).
 */
import DataLoader from 'dataloader';
import type { Cache } from './index.js';

export interface CachedLoaderOptions<V> {
  cache: Cache;
  ttlSeconds: number;
  cacheKey: (key: string) => string;
  fetch: (keys: string[]) => Promise<V[]>;
  keyOf: (row: V) => string;
  serialize: (row: V) => string;
  deserialize: (raw: string) => V;
}

export function cachedLoader<V>(o: CachedLoaderOptions<V>): DataLoader<string, V | null> {
  return new DataLoader<string, V | null>(async (keys) => {
    const cached = await o.cache.getMany(keys.map(o.cacheKey));
    const found = new Map<string, V>();
    const misses: string[] = [];
    keys.forEach((k, i) => {
      const raw = cached[i];
      if (raw) found.set(k, o.deserialize(raw));
      else misses.push(k);
    });
    if (misses.length > 0) {
      const rows = await o.fetch(misses);
      for (const r of rows) found.set(o.keyOf(r), r);
      await o.cache.setMany(
        rows.map((r) => [o.cacheKey(o.keyOf(r)), o.serialize(r)] as const),
        o.ttlSeconds,
        { onlyIfAbsent: true },
      );
    }
    return keys.map((k) => found.get(k) ?? null);
  });
}

/** After a committed change: put the new value in the cache (overwriting), or drop the key. */
export async function writeThrough<V>(
  cache: Cache,
  ttlSeconds: number,
  cacheKey: string,
  value: V | null,
  serialize: (row: V) => string,
): Promise<void> {
  if (value === null) await cache.delete([cacheKey]);
  else await cache.setMany([[cacheKey, serialize(value)]], ttlSeconds);
}
