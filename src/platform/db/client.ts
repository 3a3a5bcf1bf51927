/**
 * The Prisma client over node-postgres (driver adapter, no native engine), with a count of the
 * SQL statements sent, which tests use to prove that list queries are batched.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../../generated/prisma/client.js';

export type Prisma = PrismaClient;

export interface Database {
  prisma: PrismaClient;
  pool: pg.Pool;
  /** SQL statements sent since the pool was created (including BEGIN/COMMIT). */
  statementCount(): number;
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
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      statements += 1;
      return query(...args);
    };
  });
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
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
