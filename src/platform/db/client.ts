/**
 * The Prisma client over node-postgres (driver adapter, no native engine), with a count of the
 * SQL statements sent, which tests use to prove that list queries are batched, and a note of
 * every committed write (see onCommittedWrite), which the response cache is invalidated by.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../../generated/prisma/client.js';
import { context, recordingSpan, SpanKind, SpanStatusCode, tracer } from '../telemetry.js';

export type Prisma = PrismaClient;

export interface Database {
  prisma: PrismaClient;
  pool: pg.Pool;
  /** SQL statements sent since the pool was created (including BEGIN/COMMIT). */
  statementCount(): number;
  /**
   * The database is PGlite's one session behind the wire server, which takes no COPY FROM STDIN
   * (PGlite's backend never finishes one sent over the protocol): bulk writers send rows as arrays.
   */
  singleSession: boolean;
  close(): Promise<void>;
}

/**
 * How long a transaction may wait to start and to finish on the embedded database. It runs one
 * transaction at a time for all connections (one PGlite session), so under concurrent writes a
 * transaction waits for the ones before it; Prisma's defaults (2 s to start, 5 s in all) would
 * turn that queue into errors.
 */
const SINGLE_SESSION_TRANSACTIONS = { maxWait: 30_000, timeout: 30_000 };

type PgAdapter = Awaited<ReturnType<PrismaPg['connect']>>;
type PgTransaction = Awaited<ReturnType<PgAdapter['startTransaction']>>;

/**
 * Prisma's driver adapter for node-postgres, with one repair: when a transaction's connection is
 * lost, Prisma (6.19) sends ROLLBACK, which fails on the dead connection, and then never calls the
 * transaction's rollback(), which is what returns the client to the pool. Each lost connection
 * would so keep a pool slot forever, and a few of them (a PostgreSQL restart) stall every later
 * query of the process. Here a failed COMMIT or ROLLBACK releases the client itself.
 */
class PrismaPgReleasingLostTransactions extends PrismaPg {
  override async connect(): Promise<PgAdapter> {
    const adapter = await super.connect();
    const start = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => releaseOnFailedEnd(await start(isolationLevel));
    return adapter;
  }
}

function releaseOnFailedEnd(tx: PgTransaction): PgTransaction {
  let released = false;
  const release = tx.rollback.bind(tx);
  const commit = tx.commit.bind(tx);
  const executeRaw = tx.executeRaw.bind(tx);
  tx.executeRaw = async (query) => {
    try {
      return await executeRaw(query);
    } catch (err) {
      if (!released && (query.sql === 'ROLLBACK' || query.sql === 'COMMIT')) {
        released = true;
        await release(); // hands the broken client back; the pool discards it (not queryable)
      }
      throw err;
    }
  };
  tx.commit = async () => {
    if (released) return;
    released = true;
    await commit();
  };
  tx.rollback = async () => {
    if (released) return;
    released = true;
    await release();
  };
  return tx;
}

/** Called with the tables a transaction (or a single statement outside one) wrote, once it committed. */
export type CommitListener = (tables: ReadonlySet<string>) => Promise<void>;
const commitListeners = new Set<CommitListener>();

/**
 * Registers a listener for committed writes on every pool of this process, whoever wrote
 * (Prisma, raw SQL, ingestion's own client): the COMMIT's promise resolves only after every
 * listener has finished, so a writer's caller never sees its commit before the listeners did.
 * Returns the unregistration.
 */
export function onCommittedWrite(listener: CommitListener): () => void {
  commitListeners.add(listener);
  return () => commitListeners.delete(listener);
}

/**
 * Tables whose writes change no answer a cache may keep: the read audit (written by reads),
 * sessions, sign-in codes, notifications, webhook deliveries and migrations' bookkeeping.
 */
const UNTRACKED_TABLES = new Set([
  'AuditEntry',
  // Webhook subscriptions and their cursors (moved by every delivery round's fan-out) are read by no
  // cached root field; counting them flushed every cached answer a second after each change.
  'Webhook',
  'HallSession',
  'HallSmsCode',
  'Notification',
  'WebhookDelivery',
  '_prisma_migrations',
]);
// Words that follow UPDATE without naming a table: FOR UPDATE SKIP LOCKED / OF, DO UPDATE SET.
const NOT_TABLES = new Set(['SET', 'SKIP', 'OF', 'NOWAIT']);
const WRITE_RE =
  /\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|MERGE\s+INTO)\s+(?:ONLY\s+)?(?:"?public"?\.)?"?([A-Za-z_][A-Za-z0-9_]*)"?/gi;

/** The tables a statement writes, as far as its text tells (conservative: any INSERT/UPDATE/DELETE). */
export function writtenTables(sql: string): string[] {
  const tables: string[] = [];
  for (const m of sql.matchAll(WRITE_RE)) {
    const t = m[1]!;
    if (!NOT_TABLES.has(t.toUpperCase()) && !UNTRACKED_TABLES.has(t)) tables.push(t);
  }
  return tables;
}

function sqlText(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'object' && arg !== null && typeof (arg as { text?: unknown }).text === 'string') {
    return (arg as { text: string }).text;
  }
  return undefined;
}

async function notifyCommitted(tables: ReadonlySet<string>): Promise<void> {
  for (const l of commitListeners) await l(tables);
}

/** A statement as a span (child of the active one): its parameterised text, never its values. */
function tracedQuery(query: (...args: unknown[]) => unknown, args: unknown[]): unknown {
  const first = args[0];
  const text = typeof first === 'string' ? first : (first as { text?: unknown } | undefined)?.text;
  const span = tracer().startSpan('pg.query', {
    kind: SpanKind.CLIENT,
    attributes: {
      'db.system.name': 'postgresql',
      ...(typeof text === 'string' ? { 'db.query.text': text.slice(0, 2000) } : {}),
    },
  });
  const result = query(...args);
  if (result instanceof Promise) {
    void result.then(
      () => span.end(),
      (err: unknown) => {
        span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
        span.end();
      },
    );
  } else {
    span.end(); // a callback or a stream (COPY): the span marks when it was sent
  }
  return result;
}

export function createDatabase(url: string, poolSize: number, opts: { singleSession?: boolean } = {}): Database {
  let statements = 0;
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  pool.on('connect', (client) => {
    // A connection lost while checked out (PostgreSQL restarted, the backend terminated between
    // two statements of a transaction) emits 'error' on its client, which pg leaves to the user:
    // without a listener that crashes the process. The statement in progress fails on its own,
    // and the pool discards the broken client when it is released.
    client.on('error', () => undefined);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    // What the open transaction on this connection has written so far.
    let inTransaction = false;
    const written = new Set<string>();
    const afterCommit = (result: unknown): unknown => {
      if (written.size === 0 || !(result instanceof Promise)) {
        written.clear();
        return result;
      }
      const tables = new Set(written);
      written.clear();
      return result.then(async (r: unknown) => {
        await notifyCommitted(tables);
        return r;
      });
    };
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      statements += 1;
      const result = recordingSpan() ? tracedQuery(query, args) : query(...args);
      const text = sqlText(args[0]);
      if (text === undefined) return result;
      const head = text.trimStart().slice(0, 20).toUpperCase();
      if (head.startsWith('BEGIN') || head.startsWith('START TRANSACTION')) {
        inTransaction = true;
        written.clear();
        return result;
      }
      if (head.startsWith('COMMIT') || head.startsWith('END')) {
        inTransaction = false;
        return afterCommit(result);
      }
      if (head.startsWith('ROLLBACK') && !head.startsWith('ROLLBACK TO')) {
        inTransaction = false;
        written.clear();
        return result;
      }
      for (const t of writtenTables(text)) written.add(t);
      return inTransaction ? result : afterCommit(result);
    };
  });
  // pg-pool hands a released connection to the next waiting caller from inside release(), that is
  // in the releasing request's async context: bind each waiter to its own, so its SQL spans (and
  // anything else keyed on the active context) belong to the request that asked for the connection.
  const connect = pool.connect.bind(pool) as (cb?: (...a: unknown[]) => void) => unknown;
  (pool as unknown as { connect: (cb?: (...a: unknown[]) => void) => unknown }).connect = (cb) =>
    cb ? connect(context.bind(context.active(), cb)) : connect();
  // An idle client losing its connection must not crash the process; pg reconnects on next use.
  pool.on('error', () => undefined);
  const prisma = new PrismaClient({
    adapter: new PrismaPgReleasingLostTransactions(pool),
    ...(opts.singleSession ? { transactionOptions: SINGLE_SESSION_TRANSACTIONS } : {}),
  });
  return {
    prisma,
    pool,
    statementCount: () => statements,
    singleSession: opts.singleSession ?? false,
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
