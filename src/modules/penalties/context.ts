/**
 * Per-request context of the penalties subgraph.
 */
import DataLoader from 'dataloader';
import type { Penalty } from '../../generated/prisma/client.js';
import type { BaseContext } from '../../platform/context.js';
import { groupLoader, uniqueLoader } from '../../platform/graphql/loader.js';
import { isUuid } from '../../platform/ids.js';

export interface PenaltiesContext extends BaseContext {
  loaders: {
    penaltyById: DataLoader<string, Penalty | null>;
    penaltiesByEnterprise: DataLoader<string, Penalty[]>;
  };
}

export function createPenaltiesContext(base: BaseContext): PenaltiesContext {
  const { rows } = base;
  return {
    ...base,
    loaders: {
      penaltyById: uniqueLoader(
        (ids) => {
          const valid = ids.filter((id) => isUuid(id));
          return rows.where('Penalty', { id: valid });
        },
        (p) => p.id,
      ),
      penaltiesByEnterprise: groupLoader(
        (usccs) =>
          rows.where('Penalty', { enterpriseUscc: usccs }, [
            ['decidedOn', 'desc'],
            ['decisionNumber', 'asc'],
          ]),
        (p) => p.enterpriseUscc,
      ),
    },
  };
}
