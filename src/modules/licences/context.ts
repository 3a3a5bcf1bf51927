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
  const { rows, cache, config } = base;
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
          return rows.where('Licence', { id: valid });
        },
        keyOf: (l) => l.id,
        serialize: serializeLicence,
        deserialize: deserializeLicence,
      }),
      licencesByHolder: groupLoader(
        (usccs) =>
          rows.where('Licence', { holderUscc: usccs }, [
            ['issuedOn', 'desc'],
            ['number', 'asc'],
          ]),
        (l) => l.holderUscc,
      ),
      licenceType: uniqueLoader(
        (codes) => rows.where('LicenceType', { code: [...codes] }),
        (t) => t.code,
      ),
      history: groupLoader(
        (ids) => rows.where('LicenceEvent', { licenceId: ids }, [['occurredAt', 'asc']]),
        (e) => e.licenceId,
      ),
    },
  };
}
