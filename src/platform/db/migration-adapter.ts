/**
 * Driver adapter used only by the Prisma CLI (migrate dev/deploy): works around two adapter-pg
 * 6.19 defects listed in docs/stack.md so that migrations run offline with the JS schema engine.
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

  override async connectToShadowDb(): Promise<Awaited<ReturnType<PrismaPg['connect']>>> {
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
    const adapter = await new PrismaPg(shadowPool).connect();
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
