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
 * The rows are the objects Prisma returns for the same model, value for value (test/rows.test.ts
 * compares them over rows with edge values, also read from processes in two other time zones):
 * the model's scalar fields and nothing
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
  /** The field's name. */
  name: string;
  /** A cast where node-postgres would not parse the column ('::text[]' for enum arrays), or ''. */
  cast: string;
  /** Its SQL type, to cast parameters compared with it (uuid, an enum, char(18) …). */
  type: string;
}

/** A model's columns, by field name and in field order (the order of a row's values). */
interface Table {
  byField: ReadonlyMap<string, Column>;
  list: readonly Column[];
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
  private readonly columns = new Map<string, Promise<Table>>();
  private readonly types: pg.CustomTypesConfig;

  /** Statement texts by the name each is prepared under, per connection (see `prepared`). */
  private readonly names = new Map<string, string>();

  /**
   * `prepared`: send each distinct statement text as a named prepared statement, which each
   * connection parses and plans once instead of on every read. Not on the embedded database,
   * where all connections share PGlite's one session (a name prepared by one would clash with
   * the next connection's).
   */
  constructor(
    private readonly pool: pg.Pool,
    private readonly prepared = false,
  ) {
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
    const { byField, list: columns } = await this.columnsOf(model);
    const filter = this.filter(model, byField, where, orderBy);
    if (!filter) return [];
    const result = await this.pool.query<unknown[]>({
      ...this.statement(`SELECT ${select('a', columns)} FROM ${quote(model)} a${filter.sql}`),
      values: filter.values,
      types: this.types,
      rowMode: 'array',
    });
    return result.rows.map((r) => record(columns, r, 0) as Row<M>);
  }

  /**
   * Like `where`, each row with the row of `parent` it refers to (`from` = the parent's `to`; null
   * when there is none), read in the same statement: one round trip where two loaders would take
   * two (a licence and its type).
   */
  async whereWithParent<M extends ModelName, P extends ModelName>(
    model: M,
    where: Where<M>,
    parent: { model: P; from: Field<M>; to: Field<P> },
  ): Promise<[Row<M>, Row<P> | null][]> {
    const { byField, list: columns } = await this.columnsOf(model);
    const { list: parentColumns } = await this.columnsOf(parent.model);
    const joinedOn = parentColumns.findIndex((c) => c.name === parent.to);
    if (joinedOn < 0) throw new Error(`${parent.model} has no column ${parent.to}`);
    const filter = this.filter(model, byField, where, []);
    if (!filter) return [];
    const result = await this.pool.query<unknown[]>({
      ...this.statement(
        `SELECT ${select('a', columns)}, ${select('b', parentColumns)} FROM ${quote(model)} a ` +
          `LEFT JOIN ${quote(parent.model)} b ON b.${quote(parent.to)} = a.${quote(parent.from)}${filter.sql}`,
      ),
      values: filter.values,
      types: this.types,
      rowMode: 'array',
    });
    const joinedAt = columns.length + joinedOn;
    return result.rows.map((r) => [
      record(columns, r, 0) as Row<M>,
      r[joinedAt] === null ? null : (record(parentColumns, r, columns.length) as Row<P>),
    ]);
  }

  /** The text, and its prepared statement's name when statements are prepared. */
  private statement(text: string): { text: string; name?: string } {
    if (!this.prepared) return { text };
    let name = this.names.get(text);
    if (!name) {
      // Texts come from the call sites' shapes (model, filtered columns, order), never from values.
      name = `hub_rows_${this.names.size + 1}`;
      this.names.set(text, name);
    }
    return { text, name };
  }

  /** WHERE and ORDER BY over table alias `a`, with its parameters; null when nothing can match. */
  private filter<M extends ModelName>(
    model: M,
    columns: ReadonlyMap<string, Column>,
    where: Where<M>,
    orderBy: OrderBy<M>,
  ): { sql: string; values: unknown[] } | null {
    const alias = 'a';
    const values: unknown[] = [];
    const conditions: string[] = [];
    for (const [field, value] of Object.entries(where)) {
      if (value === undefined) continue;
      const column = columns.get(field);
      if (!column) throw new Error(`${model} has no column ${field}`);
      if (Array.isArray(value) && value.length === 0) return null;
      values.push(value);
      conditions.push(
        Array.isArray(value)
          ? `${alias}.${quote(field)} = ANY($${values.length}::${column.type}[])`
          : `${alias}.${quote(field)} = $${values.length}::${column.type}`,
      );
    }
    for (const [field] of orderBy) if (!columns.has(field)) throw new Error(`${model} has no column ${field}`);
    const sql =
      (conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '') +
      (orderBy.length
        ? ` ORDER BY ${orderBy.map(([f, d]) => `${alias}.${quote(f)} ${d === 'desc' ? 'DESC' : 'ASC'}`).join(', ')}`
        : '');
    return { sql, values };
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

  private columnsOf(model: ModelName): Promise<Table> {
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
  private async readColumns(models: readonly ModelName[]): Promise<Map<ModelName, Table>> {
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
    const result = new Map<ModelName, Table>();
    for (const model of models) {
      const byName = new Map(rows.filter((r) => r.table === model).map((r) => [r.name, r]));
      const fields = Object.values(
        (Prisma as unknown as Record<string, Record<string, string> | undefined>)[`${model}ScalarFieldEnum`] ?? {},
      );
      if (fields.length === 0 || !fields.every((f) => byName.has(f))) continue;
      const list = fields.map((field): Column => {
        const r = byName.get(field)!;
        return {
          name: field,
          cast: r.enumArray ? '::text[]' : '',
          type: r.enumArray ? 'text' : r.type.replace(/\[\]$/, ''),
        };
      });
      result.set(model, { byField: new Map(list.map((c) => [c.name, c])), list });
    }
    return result;
  }
}

function select(alias: string, columns: readonly Column[]): string {
  return columns.map((c) => `${alias}.${quote(c.name)}${c.cast}`).join(', ');
}

/** The row's values from `offset` on, as an object keyed by the columns' field names. */
function record(columns: readonly Column[], values: readonly unknown[], offset: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  columns.forEach((c, i) => (out[c.name] = values[offset + i]));
  return out;
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
