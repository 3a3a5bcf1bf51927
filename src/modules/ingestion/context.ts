/**
 * Per-request context of the ingestion subgraph: provenance loaded in batches.
 */
import DataLoader from 'dataloader';
import type { FieldProvenance } from '../../generated/prisma/client.js';
import type { ChangeEntity } from '../../generated/prisma/enums.js';
import type { BaseContext } from '../../platform/context.js';

export interface IngestionContext extends BaseContext {
  loaders: { provenance: DataLoader<string, FieldProvenance[]> };
}

/** Keys are `<entityType>|<entityId>`. */
export function provenanceKey(type: ChangeEntity, id: string): string {
  return `${type}|${id}`;
}

export function createIngestionContext(base: BaseContext): IngestionContext {
  return {
    ...base,
    loaders: {
      provenance: new DataLoader<string, FieldProvenance[]>(async (keys) => {
        const pairs = keys.map((k) => k.split('|') as [ChangeEntity, string]);
        const rows = await base.prisma.fieldProvenance.findMany({
          where: { OR: pairs.map(([entityType, entityId]) => ({ entityType, entityId })) },
          orderBy: { field: 'asc' },
        });
        return keys.map((k) => rows.filter((r) => provenanceKey(r.entityType, r.entityId) === k));
      }),
    },
  };
}
