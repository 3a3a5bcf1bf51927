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

/** Runs one SQL statement with positional parameters, in the caller's transaction. */
export type RunSql = (text: string, values: unknown[]) => Promise<unknown>;

/**
 * The only writer of change-feed events: records them in the given order, in one statement, under
 * the change-feed lock (see lockChangeFeed). Bulk writers (ingestion) pass a whole batch at once.
 */
export async function recordChanges(tx: Prisma.TransactionClient, events: readonly ChangeInput[]): Promise<void> {
  await recordChangesWith((text, values) => tx.$executeRawUnsafe(text, ...values), events);
}

/**
 * recordChanges on any connection's open transaction (ingestion applies its bulk batches on a
 * node-postgres client of the same pool): the same lock, the same statement.
 */
export async function recordChangesWith(run: RunSql, events: readonly ChangeInput[]): Promise<void> {
  if (events.length === 0) return;
  await run('SELECT pg_advisory_xact_lock($1)', [CHANGE_FEED_LOCK]);
  // One statement with array parameters: Prisma's createMany binds every value separately, which
  // costs more than the insert itself for large batches. ORDER BY the ordinality keeps seq in the
  // order the writer made the changes.
  const col = <T>(f: (c: ChangeInput) => T) => events.map(f);
  await run(
    `INSERT INTO "ChangeEvent" ("entityType", "entityId", "action", "revision", "systemId", "departmentCode", "changes")
     SELECT t.et::"ChangeEntity", t.eid, t.a, t.r, t.sid::uuid, t.d, t.c::jsonb
     FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[])
          WITH ORDINALITY AS t(et, eid, a, r, sid, d, c, n)
     ORDER BY t.n`,
    [
      col((c) => c.entityType),
      col((c) => c.entityId),
      col((c) => c.action),
      col((c) => c.revision ?? null),
      col((c) => c.actor?.systemId ?? null),
      col((c) => c.actor?.departmentCode ?? null),
      col((c) => JSON.stringify(c.changes)),
    ],
  );
}
