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
  await recordChanges(tx, [c]);
}

/**
 * The only writer of change-feed events: records them in the given order, in one statement, under
 * the change-feed lock (see lockChangeFeed). Bulk writers (ingestion) pass a whole batch at once.
 */
export async function recordChanges(tx: Prisma.TransactionClient, events: readonly ChangeInput[]): Promise<void> {
  if (events.length === 0) return;
  await lockChangeFeed(tx);
  // One statement with array parameters: Prisma's createMany binds every value separately, which
  // costs more than the insert itself for large batches. ORDER BY the ordinality keeps seq in the
  // order the writer made the changes.
  const col = <T>(f: (c: ChangeInput) => T) => events.map(f);
  await tx.$executeRaw`
    INSERT INTO "ChangeEvent" ("entityType", "entityId", "action", "revision", "systemId", "departmentCode", "changes")
    SELECT t.et::"ChangeEntity", t.eid, t.a, t.r, t.sid::uuid, t.d, t.c::jsonb
    FROM unnest(${col((c) => c.entityType)}::text[], ${col((c) => c.entityId)}::text[], ${col((c) => c.action)}::text[],
                ${col((c) => c.revision ?? null)}::int[], ${col((c) => c.actor?.systemId ?? null)}::text[],
                ${col((c) => c.actor?.departmentCode ?? null)}::text[], ${col((c) => JSON.stringify(c.changes))}::text[])
         WITH ORDINALITY AS t(et, eid, a, r, sid, d, c, n)
    ORDER BY t.n`;
}
