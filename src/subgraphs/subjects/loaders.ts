/**
 * Enterprise lookups by USCC: per-request DataLoader in front of the cross-request cache
 * (Redis or memory) in front of PostgreSQL. Writes purge the cache (see services).
 */
import DataLoader from 'dataloader';
import { Prisma, type Enterprise } from '../../generated/prisma/client.js';
import type { BaseContext } from '../../platform/context.js';

export const enterpriseCacheKey = (prefix: string, uscc: string) => `${prefix}enterprise:${uscc}`;

type CachedEnterprise = Omit<Enterprise, 'registeredCapital' | 'establishedOn' | 'createdAt' | 'updatedAt'> & {
  registeredCapital: string;
  establishedOn: string;
  createdAt: string;
  updatedAt: string;
};

function toCache(e: Enterprise): string {
  return JSON.stringify(e);
}

function fromCache(raw: string): Enterprise {
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
  return new DataLoader<string, Enterprise | null>(async (usccs) => {
    const keys = usccs.map((u) => enterpriseCacheKey(config.cachePrefix, u));
    const cached = await cache.getMany(keys);
    const result = new Map<string, Enterprise>();
    const misses: string[] = [];
    usccs.forEach((u, i) => {
      const raw = cached[i];
      if (raw) result.set(u, fromCache(raw));
      else misses.push(u);
    });
    if (misses.length > 0) {
      const rows = await prisma.enterprise.findMany({ where: { uscc: { in: misses } } });
      for (const r of rows) result.set(r.uscc, r);
      await cache.setMany(
        rows.map((r) => [enterpriseCacheKey(config.cachePrefix, r.uscc), toCache(r)] as const),
        config.cacheTtlSeconds,
      );
    }
    return usccs.map((u) => result.get(u) ?? null);
  });
}
