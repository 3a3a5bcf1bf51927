/**
 * The change feed's write side: every committed change to an enterprise, licence or penalty is
 * recorded once, in the same transaction as the change (transactional outbox).
 */
import type { Prisma } from '../generated/prisma/client.js';
import type { ChangeEntity } from '../generated/prisma/enums.js';

export interface ChangeActor {
  systemId: string | null;
  departmentCode: string | null;
}

export interface ChangeInput {
  entityType: ChangeEntity;
  entityId: string;
  /** CREATED, UPDATED, SUSPENDED, REVOKED, ... */
  action: string;
  revision?: number | null;
  actor: ChangeActor | null;
  /** The changed fields and their new values (JSON-serialisable). */
  changes: Record<string, unknown>;
}

/** Call inside the transaction that makes the change. */
export async function recordChange(tx: Prisma.TransactionClient, c: ChangeInput): Promise<void> {
  await tx.changeEvent.create({
    data: {
      entityType: c.entityType,
      entityId: c.entityId,
      action: c.action,
      revision: c.revision ?? null,
      systemId: c.actor?.systemId ?? null,
      departmentCode: c.actor?.departmentCode ?? null,
      changes: JSON.parse(JSON.stringify(c.changes)) as Prisma.InputJsonValue,
    },
  });
}
