/**
 * Enterprise lookups by USCC: per-request DataLoader in front of the cross-request cache
 * (Redis or memory) in front of PostgreSQL. Writes put the new row in the cache (domain service).
 */
import type DataLoader from 'dataloader';
import type { Enterprise } from '../../generated/prisma/client.js';
import { deserializeEnterprise, enterpriseCacheKey, serializeEnterprise } from './cache.js';
import { cachedLoader } from '../../platform/cache/cached-loader.js';
import type { BaseContext } from '../../platform/context.js';

/** Batch: cache MGET for all keys, one SELECT ... WHERE uscc IN (misses), cache fill. */
export function enterpriseLoader(base: BaseContext): DataLoader<string, Enterprise | null> {
  const { cache, rows, config } = base;
  return cachedLoader({
    cache,
    ttlSeconds: config.cacheTtlSeconds,
    cacheKey: (uscc) => enterpriseCacheKey(config.cachePrefix, uscc),
    fetch: (usccs) => rows.where('Enterprise', { uscc: usccs }),
    keyOf: (e) => e.uscc,
    serialize: serializeEnterprise,
    deserialize: deserializeEnterprise,
  });
}
