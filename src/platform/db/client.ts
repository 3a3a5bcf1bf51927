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

export function createDatabase(url: string, poolSize: number, opts: { singleSession?: boolean } = {}): Database {
  let statements = 0;
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      statements += 1;
      return query(...args);
    };
  });
  // An idle client losing its connection must not crash the process; pg reconnects on next use.
  pool.on('error', () => undefined);
  const prisma = new PrismaClient({
    adapter: new PrismaPg(pool),
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
