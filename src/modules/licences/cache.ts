/**
 * Cache representation of licences, shared by every reader and writer of licences.
 */
import type { Licence } from '../../generated/prisma/client.js';
import { writeThrough } from '../../platform/cache/cached-loader.js';
import type { Platform } from '../../platform/context.js';

export const licenceCacheKey = (prefix: string, id: string) => `${prefix}licence:${id}`;

type CachedLicence = Omit<Licence, 'issuedOn' | 'validFrom' | 'validUntil' | 'createdAt' | 'updatedAt'> & {
  issuedOn: string;
  validFrom: string;
  validUntil: string | null;
  createdAt: string;
  updatedAt: string;
};

export const serializeLicence = (l: Licence): string => JSON.stringify(l);

export function deserializeLicence(raw: string): Licence {
  const c = JSON.parse(raw) as CachedLicence;
  return {
    ...c,
    issuedOn: new Date(c.issuedOn),
    validFrom: new Date(c.validFrom),
    validUntil: c.validUntil === null ? null : new Date(c.validUntil),
    createdAt: new Date(c.createdAt),
    updatedAt: new Date(c.updatedAt),
  };
}

/** After a commit: every reader of the shared cache sees the new licence. */
export function cacheLicence(ctx: Pick<Platform, 'cache' | 'config'>, l: Licence): Promise<void> {
  return writeThrough(
    ctx.cache,
    ctx.config.cacheTtlSeconds,
    licenceCacheKey(ctx.config.cachePrefix, l.id),
    l,
    serializeLicence,
  );
}
