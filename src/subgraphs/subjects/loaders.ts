/**
 * Enterprise lookups by USCC: per-request DataLoader in front of the cross-request cache
 * (Redis or memory) in front of PostgreSQL. Writes put the new row in the cache (see services).
 */
import type DataLoader from 'dataloader';
import { Prisma, type Enterprise } from '../../generated/prisma/client.js';
import { cachedLoader } from '../../platform/cache/cached-loader.js';
import type { BaseContext } from '../../platform/context.js';

export const enterpriseCacheKey = (prefix: string, uscc: string) => `${prefix}enterprise:${uscc}`;

type CachedEnterprise = Omit<Enterprise, 'registeredCapital' | 'establishedOn' | 'createdAt' | 'updatedAt'> & {
  registeredCapital: string;
  establishedOn: string;
  createdAt: string;
  updatedAt: string;
};

export function serializeEnterprise(e: Enterprise): string {
  return JSON.stringify(e);
}

export function deserializeEnterprise(raw: string): Enterprise {
  const c = JSON.parse(raw) as CachedEnterprise;
  return {
    ...c,
    registeredCapital: new Prisma.Decimal(c.registeredCapital),
    establishedOn: new Date(c.establishedOn),
    createdAt: new Date(c.createdAt),
    updatedAt: new Date(c.updatedAt),
  };
}

/** Batch: cache MGET for all keys, one SELECT ... WHERE uscc IN (misses), cache fill. */
export function enterpriseLoader(base: BaseContext): DataLoader<string, Enterprise | null> {
  const { cache, prisma, config } = base;
  return cachedLoader({
    cache,
    ttlSeconds: config.cacheTtlSeconds,
    cacheKey: (uscc) => enterpriseCacheKey(config.cachePrefix, uscc),
    fetch: (usccs) => prisma.enterprise.findMany({ where: { uscc: { in: usccs } } }),
    keyOf: (e) => e.uscc,
    serialize: serializeEnterprise,
    deserialize: deserializeEnterprise,
  });
}
