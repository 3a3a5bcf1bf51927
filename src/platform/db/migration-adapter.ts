/**
 * Driver adapter used only by the Prisma CLI (migrate dev/deploy): works around three adapter-pg
 * 6.19 defects (two listed in docs/stack.md, and a script splitter that cuts at every semicolon,
 * even inside a function body) so that migrations run offline with the JS schema engine.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

const TEXT_OID = 25;
// pg_catalog's `name` (19) and `"char"` (18) columns cannot be mapped by adapter-pg (prisma#27403).
const UNMAPPED_OIDS = new Set([18, 19]);

type QueryResultLike = { fields?: { dataTypeID: number }[] } | { fields?: { dataTypeID: number }[] }[];

function retypeFields(result: QueryResultLike | undefined): void {
  const results = Array.isArray(result) ? result : result ? [result] : [];
  for (const r of results) {
    for (const f of r.fields ?? []) if (UNMAPPED_OIDS.has(f.dataTypeID)) f.dataTypeID = TEXT_OID;
  }
}

/** Patches a connection so that results report `name`/`"char"` columns as text. */
function patchClient(client: pg.PoolClient): void {
  const original = client.query.bind(client) as (...args: unknown[]) => unknown;
  const patched = (...args: unknown[]): unknown => {
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      const cb = last as (err: Error | null, res?: QueryResultLike) => void;
      return original(...args.slice(0, -1), (err: Error | null, res?: QueryResultLike) => {
        if (!err) retypeFields(res);
        cb(err, res);
      });
    }
    const out = original(...args);
    if (out && typeof (out as Promise<QueryResultLike>).then === 'function') {
      return (out as Promise<QueryResultLike>).then((res) => {
        retypeFields(res);
        return res;
      });
    }
    return out;
  };
  (client as unknown as { query: typeof patched }).query = patched;
}

/**
 * The statements of an SQL script, cut at the semicolons that end them: not at those inside
 * quoted strings or identifiers, dollar-quoted bodies ($$ ... $$, $tag$ ... $tag$) or comments.
 */
export function splitSqlScript(script: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  const n = script.length;
  while (i < n) {
    const c = script[i]!;
    if (c === "'" || c === '"') {
      const end = script.indexOf(c, i + 1);
      // A doubled quote inside is two adjacent quoted runs: the loop resumes after each.
      i = end < 0 ? n : end + 1;
    } else if (c === '-' && script[i + 1] === '-') {
      const end = script.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
    } else if (c === '/' && script[i + 1] === '*') {
      const end = script.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === '$') {
      const tag = /^\$[A-Za-z_]?[A-Za-z0-9_]*\$/.exec(script.slice(i));
      if (tag && !/[A-Za-z0-9_]/.test(script[i - 1] ?? '')) {
        const end = script.indexOf(tag[0], i + tag[0].length);
        i = end < 0 ? n : end + tag[0].length;
      } else i += 1;
    } else if (c === ';') {
      out.push(script.slice(start, i));
      i += 1;
      start = i;
    } else i += 1;
  }
  out.push(script.slice(start));
  return out.map((s) => s.trim()).filter((s) => s.length > 0 && !/^(?:\s|--[^\n]*(?:\n|$))*$/.test(s));
}

type Adapter = Awaited<ReturnType<PrismaPg['connect']>>;

/** Runs scripts statement by statement as cut by splitSqlScript (adapter-pg splits at every ';'). */
function withScriptSplitter(adapter: Adapter): Adapter {
  adapter.executeScript = async (script: string) => {
    for (const sql of splitSqlScript(script)) await adapter.executeRaw({ sql, args: [], argTypes: [] });
  };
  return adapter;
}

function createPool(connectionString: string): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: 4 });
  pool.on('connect', patchClient);
  // Dropping the shadow database terminates its idle connections; that is expected.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * PrismaPg with a shadow database of its own: adapter-pg's connectToShadowDb connects the
 * "shadow" to the main database and drops the shadow before closing its pool.
 */
class MigrationAdapterFactory extends PrismaPg {
  constructor(private readonly connectionString: string) {
    super(createPool(connectionString));
  }

  override async connect(): Promise<Adapter> {
    return withScriptSplitter(await super.connect());
  }

  override async connectToShadowDb(): Promise<Adapter> {
    const admin = new pg.Client({ connectionString: this.connectionString });
    await admin.connect();
    const name = `prisma_shadow_${crypto.randomUUID().replaceAll('-', '')}`;
    try {
      await admin.query(`CREATE DATABASE "${name}"`);
    } finally {
      await admin.end();
    }
    const url = new URL(this.connectionString);
    url.pathname = `/${name}`;
    const shadowPool = createPool(url.toString());
    const adapter = withScriptSplitter(await new PrismaPg(shadowPool).connect());
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await shadowPool.end();
      const dropper = new pg.Client({ connectionString: this.connectionString });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    };
    return adapter;
  }
}

export function migrationAdapterFactory(connectionString: string): PrismaPg {
  if (!connectionString) {
    throw new Error(
      'DATABASE_URL must be set when the Prisma CLI runs (use `hub migrate`, which sets it for the embedded database)',
    );
  }
  return new MigrationAdapterFactory(connectionString);
}
