/**
 * The change feed's read side: events in `seq` order after a cursor, never past an event that a
 * still-running transaction could precede, so that `after` is a safe resumable cursor.
 *
 * Sequence numbers are taken at insert, not at commit: a transaction that commits later can
 * hold a lower seq (writers serialise on the change-feed lock, see platform/outbox.ts; this rule
 * holds even for one that did not). An event is final when its transaction is older than every
 * transaction still running in this database (see FINAL_BELOW). A page is the prefix of the
 * events after the cursor up to (not including) the first visible event that is not final yet,
 * so a cursor never moves past a seq that another transaction could still commit before.
 */
import { Prisma, type PrismaClient } from '../../generated/prisma/client.js';
import type { ChangeEntity } from '../../generated/prisma/enums.js';
import type { Caller } from '../../platform/auth/caller.js';
import type { Scope } from '../../platform/auth/scopes.js';
import { badInput } from '../../platform/errors.js';
import { maskChanges } from '../../platform/graphql/masking.js';

export const MAX_PAGE = 500;

/**
 * The transaction id below which every transaction that could still write this feed has ended:
 * the oldest transaction running at the statement's snapshot, leaving out those that
 * pg_stat_activity places in another database of the server (they cannot write here). With
 * `pg_snapshot_xmin` alone, a long bulk load or migration in any other database of a shared
 * server would hold the whole feed back until it ended. Whatever is uncertain counts as running
 * (a transaction that ends between the snapshot and the pg_stat_activity read, a session whose
 * details are hidden), so the rule only ever waits longer, never skips.
 */
const FINAL_BELOW = Prisma.sql`(
  SELECT COALESCE(
    (SELECT min(x) FROM pg_snapshot_xip(snap.s) AS x
      WHERE NOT EXISTS (
        SELECT 1 FROM pg_stat_activity a
        WHERE a.backend_xid IS NOT NULL AND a.datname IS NOT NULL AND a.datname <> current_database()
          AND a.backend_xid::text::bigint = (x::text::bigint & 4294967295))),
    pg_snapshot_xmax(snap.s))
  FROM (SELECT pg_current_snapshot() AS s) AS snap)`;
/** Events examined (all types) per read; bounds the work of a filtered read over a long backlog. */
const SCAN_WINDOW = 2000;

export interface FeedEvent {
  seq: bigint;
  entityType: ChangeEntity;
  entityId: string;
  action: string;
  revision: number | null;
  systemId: string | null;
  departmentCode: string | null;
  changes: unknown;
  occurredAt: Date;
}

export interface FeedPage {
  events: FeedEvent[];
  /** Resume after this: the last event examined (of any type), or the `after` given. */
  endCursor: bigint;
  /** More final events may follow endCursor right now. */
  hasMore: boolean;
}

type Db = PrismaClient | Prisma.TransactionClient;

/** Parses a client's cursor (a seq as a decimal string); absent means the beginning. */
export function parseCursor(after: string | null | undefined): bigint {
  if (after === null || after === undefined || after === '') return 0n;
  if (!/^\d{1,19}$/.test(after)) throw badInput('The cursor must be a cursor returned by the feed (digits)', { after });
  return BigInt(after);
}

interface ScanRow {
  seq: bigint;
  entityType: ChangeEntity;
  final: boolean;
}

/** Reads up to `limit` final events of the given types (all when empty) after `after`. */
export async function readChanges(
  db: Db,
  opts: { after: bigint; types?: readonly ChangeEntity[] | null; limit?: number },
): Promise<FeedPage> {
  const limit = Math.min(Math.max(opts.limit ?? 100, 1), MAX_PAGE);
  const wanted = opts.types && opts.types.length > 0 ? new Set(opts.types) : null;
  const scanned = await db.$queryRaw<ScanRow[]>(Prisma.sql`
    SELECT seq, "entityType"::text AS "entityType",
           txid < ${FINAL_BELOW} AS final
    FROM "ChangeEvent"
    WHERE seq > ${opts.after}
    ORDER BY seq
    LIMIT ${SCAN_WINDOW}`);

  let endCursor = opts.after;
  let stopped: 'page full' | 'not final' | null = null;
  const picked: bigint[] = [];
  for (const row of scanned) {
    if (!row.final) {
      stopped = 'not final';
      break;
    }
    if (!wanted || wanted.has(row.entityType)) {
      if (picked.length === limit) {
        stopped = 'page full';
        break;
      }
      picked.push(row.seq);
    }
    endCursor = row.seq;
  }
  const hasMore = stopped === 'page full' || (stopped === null && scanned.length === SCAN_WINDOW);

  if (picked.length === 0) return { events: [], endCursor, hasMore };
  const rows = await db.changeEvent.findMany({ where: { seq: { in: picked } }, orderBy: { seq: 'asc' } });
  const events: FeedEvent[] = rows.map((r) => ({
    seq: r.seq,
    entityType: r.entityType,
    entityId: r.entityId,
    action: r.action,
    revision: r.revision,
    systemId: r.systemId,
    departmentCode: r.departmentCode,
    changes: r.changes,
    occurredAt: r.occurredAt,
  }));
  return { events, endCursor, hasMore };
}

/**
 * The seq up to which every event is final now, without reading them: where a new reader
 * starts "from now". Looks at recent events only, since older ones are final in practice.
 */
export async function currentHead(db: Db): Promise<bigint> {
  const [row] = await db.$queryRaw<{ head: bigint | null }[]>(Prisma.sql`
    WITH recent AS (
      SELECT seq, txid FROM "ChangeEvent"
      WHERE seq > (SELECT COALESCE(max(seq), 0) - 10000 FROM "ChangeEvent")
    )
    SELECT COALESCE(
      (SELECT min(seq) - 1 FROM recent WHERE txid >= ${FINAL_BELOW}),
      (SELECT max(seq) FROM recent),
      0
    )::bigint AS head`);
  return row?.head ?? 0n;
}

/** The scopes that decide what a caller sees of an event (none for the public). */
export function callerScopes(caller: Caller): readonly Scope[] {
  return caller.kind === 'system' ? caller.scopes : [];
}

/** An event's changed fields as a reader with these scopes may see them (personal data masked otherwise). */
export function visibleChanges(e: Pick<FeedEvent, 'entityType' | 'changes'>, scopes: readonly Scope[]): unknown {
  return maskChanges(e.entityType, e.changes ?? {}, scopes);
}

/** The JSON form of an event as a reader with these scopes receives it by webhook. */
export function eventPayload(e: FeedEvent, scopes: readonly Scope[]) {
  return {
    id: String(e.seq),
    cursor: String(e.seq),
    entityType: e.entityType,
    entityId: e.entityId,
    action: e.action,
    revision: e.revision,
    departmentCode: e.departmentCode,
    occurredAt: e.occurredAt.toISOString(),
    changes: visibleChanges(e, scopes),
  };
}
