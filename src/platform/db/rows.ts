/**
 * Rows of a Prisma model read with node-postgres, for the hot read paths (the loaders and root
 * fields behind `enterprise`, `licenceByNumber`, `qrLookup`, `serviceItem`, `departments`).
 *
 * Why not Prisma there: Prisma 6.19's client compiles every query in WebAssembly on the event
 * loop; measured under load it was about 45% of the hub's CPU for one-row reads (0.4-0.6 ms a
 * query against 0.08 ms for the same SQL over node-postgres). Prisma 7.4+ caches query plans, but
 * every Prisma 7 CLI command downloads a native engine, which these machines cannot
 * (shared/docs/stack.md). Writes, transactions and everything else stay on Prisma.
 *
 * The rows are the objects Prisma returns for the same model, value for value (checked for every
 * demo row by test/rows.test.ts, also in another time zone): the model's scalar fields and nothing
 * else, `timestamp` and `date` columns as the UTC instants Prisma stores, `numeric` as
 * Prisma.Decimal, `bigint` as BigInt, JSON parsed, enum arrays as string arrays. Statements go
 * through the pool's clients, so they are counted (batching tests) and traced like Prisma's.
 */
import pg from 'pg';
import { Prisma } from '../../generated/prisma/client.js';

type Models = Prisma.TypeMap['model'];
export type ModelName = Prisma.ModelName;
/** What Prisma's findMany returns for the model without select or include. */
export type Row<M extends ModelName> = Models[M]['payload']['scalars'];
type Field<M extends ModelName> = keyof Row<M> & string;

/** Column = value, or column = any of the values (an array). */
export type Where<M extends ModelName> = { [F in Field<M>]?: Row<M>[F] | readonly Row<M>[F][] };
export type OrderBy<M extends ModelName> = readonly (readonly [Field<M>, 'asc' | 'desc'])[];

interface Column {
  /** How it is selected: its quoted name, with a cast where node-postgres would not parse it. */
  select: string;
  /** Its SQL type, to cast parameters compared with it (uuid, an enum, char(18) …). */
  type: string;
}

const TIMESTAMP = 1114;
const DATE = 1082;
const NUMERIC = 1700;
const INT8 = 20;
/** Array types whose elements node-postgres would parse in the local time zone or as text. */
const UNSUPPORTED_ARRAYS = new Set([1115, 1182, 1231, 1016]);

/** Prisma stores DateTime in `timestamp(3)` as UTC and `@db.Date` as midnight UTC. */
const utc = (s: string): Date => new Date(`${s.replace(' ', 'T')}Z`);
const parsers = new Map<number, (s: string) => unknown>([
  [TIMESTAMP, utc],
  [DATE, (s) => new Date(`${s}T00:00:00Z`)],
  [NUMERIC, (s) => new Prisma.Decimal(s)],
  [INT8, (s) => BigInt(s)],
]);

export class RowReader {
  private readonly columns = new Map<string, Promise<Map<string, Column>>>();
  private readonly types: pg.CustomTypesConfig;

  constructor(private readonly pool: pg.Pool) {
    this.types = {
      getTypeParser: ((oid: number, format?: string) => {
        if (UNSUPPORTED_ARRAYS.has(oid)) throw new Error(`RowReader cannot read arrays of type ${oid}`);
        return parsers.get(oid) ?? (pg.types.getTypeParser(oid, format as 'text') as (s: string) => unknown);
      }) as pg.CustomTypesConfig['getTypeParser'],
    };
  }

  /**
   * Rows of `model` where every named column equals its value (or one of its values, for an
   * array; an empty array matches nothing), in the given order.
   */
  async where<M extends ModelName>(model: M, where: Where<M>, orderBy: OrderBy<M> = []): Promise<Row<M>[]> {
    const columns = await this.columnsOf(model);
    const values: unknown[] = [];
    const conditions: string[] = [];
    for (const [field, value] of Object.entries(where)) {
      if (value === undefined) continue;
      const column = columns.get(field);
      if (!column) throw new Error(`${model} has no column ${field}`);
      if (Array.isArray(value)) {
        if (value.length === 0) return [];
        values.push(value);
        conditions.push(`${quote(field)} = ANY($${values.length}::${column.type}[])`);
      } else {
        values.push(value);
        conditions.push(`${quote(field)} = $${values.length}::${column.type}`);
      }
    }
    for (const [field] of orderBy) if (!columns.has(field)) throw new Error(`${model} has no column ${field}`);
    const text =
      `SELECT ${[...columns.values()].map((c) => c.select).join(', ')} FROM ${quote(model)}` +
      (conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '') +
      (orderBy.length ? ` ORDER BY ${orderBy.map(([f, d]) => `${quote(f)} ${d.toUpperCase()}`).join(', ')}` : '');
    const result = await this.pool.query({ text, values, types: this.types });
    return result.rows as Row<M>[];
  }

  /**
   * Reads every model's columns from the catalog in one statement (the hub does at start, so no
   * request pays for it, and statement counts stay those of the reads). A model whose table is
   * missing (the database not yet migrated) is looked up again when first read.
   */
  async load(): Promise<void> {
    const models = Object.values(Prisma.ModelName);
    const found = await this.readColumns(models);
    for (const model of models) {
      const columns = found.get(model);
      if (columns) this.columns.set(model, Promise.resolve(columns));
    }
  }

  private columnsOf(model: ModelName): Promise<Map<string, Column>> {
    let found = this.columns.get(model);
    if (!found) {
      found = this.readColumns([model]).then((all) => {
        const columns = all.get(model);
        if (!columns) throw new Error(`table ${model} is missing (is the database migrated?)`);
        return columns;
      });
      // A failed read (the database was down, not yet migrated) is tried again next time.
      found.catch(() => this.columns.delete(model));
      this.columns.set(model, found);
    }
    return found;
  }

  /** The models' scalar fields as columns, for each model whose table has all of them. */
  private async readColumns(models: readonly ModelName[]): Promise<Map<ModelName, Map<string, Column>>> {
    const { rows } = await this.pool.query<{ table: string; name: string; type: string; enumArray: boolean }>(
      `SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
              (t.typcategory = 'A' AND e.typtype = 'e') AS "enumArray"
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_type t ON t.oid = a.atttypid
         LEFT JOIN pg_type e ON e.oid = t.typelem
        WHERE a.attrelid = ANY (SELECT to_regclass(quote_ident(m)) FROM unnest($1::text[]) AS m)
          AND a.attnum > 0 AND NOT a.attisdropped`,
      [models],
    );
    const result = new Map<ModelName, Map<string, Column>>();
    for (const model of models) {
      const byName = new Map(rows.filter((r) => r.table === model).map((r) => [r.name, r]));
      const fields = Object.values(
        (Prisma as unknown as Record<string, Record<string, string> | undefined>)[`${model}ScalarFieldEnum`] ?? {},
      );
      if (fields.length === 0 || !fields.every((f) => byName.has(f))) continue;
      result.set(
        model,
        new Map(
          fields.map((field) => {
            const r = byName.get(field)!;
            const column: Column = {
              select: r.enumArray ? `${quote(field)}::text[] AS ${quote(field)}` : quote(field),
              type: r.enumArray ? 'text' : r.type.replace(/\[\]$/, ''),
            };
            return [field, column];
          }),
        ),
      );
    }
    return result;
  }
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
