/**
 * Cache representation of enterprises, shared by every reader and writer of the Subject Library.
 */
import { Prisma, type Enterprise } from '../../generated/prisma/client.js';
import { writeThrough } from '../../platform/cache/cached-loader.js';
import type { Platform } from '../../platform/context.js';

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

/** After a commit: every reader of the shared cache sees the new row. */
export function cacheEnterprise(ctx: Pick<Platform, 'cache' | 'config'>, e: Enterprise): Promise<void> {
  return writeThrough(
    ctx.cache,
    ctx.config.cacheTtlSeconds,
    enterpriseCacheKey(ctx.config.cachePrefix, e.uscc),
    e,
    serializeEnterprise,
  );
}
