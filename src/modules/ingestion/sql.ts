/**
 * The connection a batch is applied on, as ingestion's writers see it: one statement at a time
 * with positional parameters, and (on node-postgres) COPY into a table of the transaction.
 * Enterprise batches run on a node-postgres client of the platform's pool when there is one (no
 * ORM between the batch and PostgreSQL); licence and penalty batches on a Prisma transaction,
 * which their domain rules (the licence lifecycle) take.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Prisma } from '../../generated/prisma/client.js';

export interface BatchSql {
  /** A statement that returns rows. */
  query<T = unknown>(text: string, values?: unknown[]): Promise<T[]>;
  /** A statement whose result is not read (Prisma cannot read some, e.g. a void function's). */
  execute(text: string, values?: unknown[]): Promise<void>;
}

export interface CopySql extends BatchSql {
  /** COPY rows (text format; null is NULL) into the given columns of a table. */
  copy(table: string, columns: readonly string[], rows: readonly (readonly (string | null)[])[]): Promise<void>;
}

/** On a Prisma transaction, "COPY" sends the rows as one array parameter per column instead. */
export function prismaSql(tx: Prisma.TransactionClient): CopySql {
  const query = <T>(text: string, values: unknown[] = []) => tx.$queryRawUnsafe<T[]>(text, ...values);
  const execute = async (text: string, values: unknown[] = []) => {
    await tx.$executeRawUnsafe(text, ...values);
  };
  return {
    query,
    execute,
    async copy(table, columns, rows) {
      if (rows.length === 0) return;
      const arrays = columns.map((_, i) => rows.map((r) => r[i] ?? null));
      const params = columns.map((_, i) => `$${i + 1}::text[]`).join(', ');
      await query(
        `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) SELECT * FROM unnest(${params})`,
        arrays,
      );
    },
  };
}

/** With copyIn false (PGlite's wire server), "COPY" sends the rows as array parameters, as on Prisma. */
export function pgSql(client: pg.PoolClient, copyIn = true): CopySql {
  const sql: CopySql = {
    async query<T>(text: string, values: unknown[] = []) {
      return (await client.query(text, values)).rows as T[];
    },
    async execute(text: string, values: unknown[] = []) {
      await client.query(text, values);
    },
    async copy(table, columns, rows) {
      if (rows.length === 0) return;
      if (!copyIn) return insertRows(sql, table, columns, rows);
      const text = rows.map((r) => r.map(copyValue).join('\t')).join('\n') + '\n';
      const into = `COPY ${table} (${columns.map((c) => `"${c}"`).join(', ')}) FROM STDIN`;
      await pipeline(Readable.from([Buffer.from(text)]), client.query(copyFrom(into)));
    },
  };
  return sql;
}

/** The rows of a COPY as one INSERT with an array parameter per column. */
async function insertRows(
  sql: BatchSql,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly (string | null)[])[],
): Promise<void> {
  const arrays = columns.map((_, i) => rows.map((r) => r[i] ?? null));
  const params = columns.map((_, i) => `$${i + 1}::text[]`).join(', ');
  await sql.execute(
    `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) SELECT * FROM unnest(${params})`,
    arrays,
  );
}

// COPY's text format: backslash escapes for the separators, \N for NULL.
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const copyValue = (v: string | null) => (v === null ? '\\N' : v.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!));
