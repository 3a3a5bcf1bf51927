/**
 * Set-based inserts for generated demo rows: the rows travel as one JSON parameter and PostgreSQL
 * expands them (`json_populate_recordset`), instead of Prisma's `createMany`, which binds every
 * value as a parameter of its own and spends most of a large insert in the client (about 0.5 s
 * per 1,000 cases, on PostgreSQL as on PGlite). What is stored is what `createMany` stores.
 */
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../src/generated/prisma/client.js';

type Row = Record<string, unknown>;

/** Columns with a database default, per table (a key some rows lack must not be one of them). */
const defaulted = new WeakMap<object, Map<string, Promise<Set<string>>>>();

function columnsWithDefault(prisma: PrismaClient, table: string): Promise<Set<string>> {
  let tables = defaulted.get(prisma);
  if (!tables) defaulted.set(prisma, (tables = new Map<string, Promise<Set<string>>>()));
  let cols = tables.get(table);
  if (!cols) {
    cols = prisma
      .$queryRawUnsafe<{ column_name: string }[]>(
        `SELECT column_name::text AS column_name FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = $1 AND column_default IS NOT NULL`,
        table,
      )
      .then((rows) => new Set(rows.map((r) => r.column_name)));
    tables.set(table, cols);
  }
  return cols;
}

/**
 * Inserts `rows` into `table` (Prisma field names = column names, as in this schema) in one
 * statement per `chunk` rows. As Prisma's createMany does: an `id` missing from a row is a new
 * UUID, `updatedAt` (Prisma's @updatedAt, no database default) is now, a column no row names
 * takes its database default, and a key a row leaves out is NULL (which the check below keeps
 * true: such a key must not have a database default). Dates are stored as UTC, as Prisma does.
 */
export async function insertRows(
  prisma: PrismaClient,
  table: string,
  rows: Row[],
  opts: { updatedAt?: boolean; chunk?: number } = {},
): Promise<number> {
  if (rows.length === 0) return 0;
  const now = new Date();
  const filled = rows.map((r) => ({
    id: randomUUID(),
    ...(opts.updatedAt ? { updatedAt: now } : {}),
    ...Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)),
  }));
  const keys = new Set(filled.flatMap((r) => Object.keys(r)));
  const partial = [...keys].filter((k) => filled.some((r) => !(k in r)));
  if (partial.length > 0) {
    const withDefault = await columnsWithDefault(prisma, table);
    const bad = partial.filter((k) => withDefault.has(k));
    if (bad.length > 0)
      throw new Error(`insertRows(${table}): some rows lack ${bad.join(', ')}, which have database defaults`);
  }
  const cols = [...keys].map((k) => `"${k.replaceAll('"', '""')}"`).join(', ');
  const sql = `INSERT INTO "${table}" (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::"${table}", $1::json)`;
  const chunk = opts.chunk ?? 5000;
  let inserted = 0;
  for (let i = 0; i < filled.length; i += chunk) {
    inserted += await prisma.$executeRawUnsafe(sql, JSON.stringify(filled.slice(i, i + chunk)));
  }
  return inserted;
}
