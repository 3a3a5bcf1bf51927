/**
 * The Prisma client over node-postgres (driver adapter, no native engine), with a count of the
 * SQL statements sent, which tests use to prove that list queries are batched.
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
  close(): Promise<void>;
}

/**
 * How long a transaction may wait to start and to finish on the embedded database. It runs one
 * transaction at a time for all connections (one PGlite session), so under concurrent writes a
 * transaction waits for the ones before it; Prisma's defaults (2 s to start, 5 s in all) would
 * turn that queue into errors.
 */
const SINGLE_SESSION_TRANSACTIONS = { maxWait: 30_000, timeout: 30_000 };

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
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      statements += 1;
      return recordingSpan() ? tracedQuery(query, args) : query(...args);
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
