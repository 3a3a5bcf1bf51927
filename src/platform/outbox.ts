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

/**
 * Serialises change-feed writers from their first event to their commit, so sequence numbers
 * are handed out in commit order: a reader that has seen seq N has seen every event below N.
 * Without it a transaction could take seq 10, another seq 11 and commit first, and a consumer
 * resuming after 11 would never see 10. Writers insert their events last, so the lock is short.
 */
export async function lockChangeFeed(tx: Prisma.TransactionClient): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CHANGE_FEED_LOCK})`;
}

/** Advisory lock key of the change feed ("feed" in ASCII). */
export const CHANGE_FEED_LOCK = 0x66656564;

/** Call inside the transaction that makes the change, as its last write if possible. */
export async function recordChange(tx: Prisma.TransactionClient, c: ChangeInput): Promise<void> {
  await lockChangeFeed(tx);
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
