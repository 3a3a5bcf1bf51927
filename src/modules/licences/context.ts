/**
 * Per-request context of the licences subgraph: its DataLoaders.
 */
import DataLoader from 'dataloader';
import type { Licence, LicenceEvent, LicenceType } from '../../generated/prisma/client.js';
import { deserializeLicence, licenceCacheKey, serializeLicence } from './cache.js';
import { cachedLoader } from '../../platform/cache/cached-loader.js';
import type { BaseContext } from '../../platform/context.js';
import { groupLoader, uniqueLoader } from '../../platform/graphql/loader.js';
import { isUuid } from '../../platform/ids.js';

export interface LicencesContext extends BaseContext {
  loaders: {
    licenceById: DataLoader<string, Licence | null>;
    licencesByHolder: DataLoader<string, Licence[]>;
    licenceType: DataLoader<string, LicenceType | null>;
    history: DataLoader<string, LicenceEvent[]>;
  };
}

export function createLicencesContext(base: BaseContext): LicencesContext {
  const { prisma, cache, config } = base;
  return {
    ...base,
    loaders: {
      licenceById: cachedLoader({
        cache,
        ttlSeconds: config.cacheTtlSeconds,
        cacheKey: (id) => licenceCacheKey(config.cachePrefix, id),
        // Ids come from clients: drop malformed ones instead of letting PostgreSQL reject the batch.
        fetch: (ids) => {
          const valid = ids.filter((id) => isUuid(id));
          return valid.length ? prisma.licence.findMany({ where: { id: { in: valid } } }) : Promise.resolve([]);
        },
        keyOf: (l) => l.id,
        serialize: serializeLicence,
        deserialize: deserializeLicence,
      }),
      licencesByHolder: groupLoader(
        (usccs) =>
          prisma.licence.findMany({
            where: { holderUscc: { in: usccs } },
            orderBy: [{ issuedOn: 'desc' }, { number: 'asc' }],
          }),
        (l) => l.holderUscc,
      ),
      licenceType: uniqueLoader(
        (codes) => prisma.licenceType.findMany({ where: { code: { in: [...codes] } } }),
        (t) => t.code,
      ),
      history: groupLoader(
        (ids) => prisma.licenceEvent.findMany({ where: { licenceId: { in: ids } }, orderBy: { occurredAt: 'asc' } }),
        (e) => e.licenceId,
      ),
    },
  };
}
