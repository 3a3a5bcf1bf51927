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
  const { prisma } = base;
  return {
    ...base,
    loaders: {
      penaltyById: uniqueLoader(
        (ids) => {
          const valid = ids.filter((id) => isUuid(id));
          return valid.length ? prisma.penalty.findMany({ where: { id: { in: valid } } }) : Promise.resolve([]);
        },
        (p) => p.id,
      ),
      penaltiesByEnterprise: groupLoader(
        (usccs) =>
          prisma.penalty.findMany({
            where: { enterpriseUscc: { in: usccs } },
            orderBy: [{ decidedOn: 'desc' }, { decisionNumber: 'asc' }],
          }),
        (p) => p.enterpriseUscc,
      ),
    },
  };
}
