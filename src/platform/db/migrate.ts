/**
 * Applies the committed Prisma migrations: with the offline Prisma CLI (WebAssembly schema engine)
 * to a PostgreSQL server, or in process to the embedded PGlite the hub opens (same bookkeeping).
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';

const require = createRequire(import.meta.url);
/**
 * The folder of package.json, prisma/ and schema/: three levels up from this file's folder when it
 * runs as TypeScript (src/platform/db), four from the compiled copy (dist/src/platform/db).
 */
export const projectRoot = findProjectRoot(import.meta.dirname);

function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '../../..');
  }
}
const migrationsDir = path.join(projectRoot, 'prisma', 'migrations');
const prismaConfig = path.join(projectRoot, 'prisma', 'prisma.config.ts');

/** Names of the migrations committed in prisma/migrations, oldest first. */
export function committedMigrations(): string[] {
  return fs
    .readdirSync(migrationsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

async function appliedMigrations(url: string): Promise<Set<string> | null> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const exists = await client.query<{ t: string | null }>("SELECT to_regclass('_prisma_migrations')::text AS t");
    if (!exists.rows[0]?.t) return new Set();
    const rows = await client.query<{ migration_name: string }>(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    return new Set(rows.rows.map((r) => r.migration_name));
  } finally {
    await client.end();
  }
}

/** Runs the Prisma CLI with DATABASE_URL pointing at `url`; resolves with its output. */
export function runPrismaCli(args: string[], url: string, opts: { inherit?: boolean } = {}): Promise<string> {
  const cli = require.resolve('prisma/build/index.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args, '--config', prismaConfig], {
      cwd: projectRoot,
      env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
      stdio: opts.inherit ? 'inherit' : 'pipe',
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`prisma ${args.join(' ')} failed (exit ${code}):\n${out}`)),
    );
  });
}

/**
 * Brings the database up to the committed migrations. Skips the CLI (seconds) when nothing
 * is pending; returns the names of the migrations that were pending.
 */
export async function migrateDeploy(url: string): Promise<string[]> {
  const applied = await appliedMigrations(url);
  const pending = committedMigrations().filter((m) => !applied?.has(m));
  if (pending.length > 0) await runPrismaCli(['migrate', 'deploy'], url);
  return pending;
}

/** One migration applied, for progress output: the n-th of `of` pending ones. */
export interface MigrationStep {
  migration: string;
  n: number;
  of: number;
  ms: number;
}

/** What the embedded runner needs of PGlite: run a script, and a parameterised query. */
export interface InProcessEngine {
  exec(sql: string): Promise<unknown>;
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

/**
 * Prisma's own bookkeeping table, as its schema engine creates it, so that `prisma migrate deploy`
 * (or `hub migrate` against this data later) sees exactly what it would have written itself.
 */
const PRISMA_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/**
 * Applies the pending committed migrations to the embedded engine in this process, before it is
 * served: each file as one script (one implicit transaction, as the schema engine sends it), with
 * the `_prisma_migrations` rows `prisma migrate deploy` writes (id, SHA-256 checksum of the file,
 * started_at/finished_at, applied_steps_count 1). About 20 times faster than spawning the Prisma
 * CLI, which starts a second Node.js and a WebAssembly schema engine and talks over the wire.
 * Returns null, applying nothing, when a migration failed earlier: `migrateDeploy` (the Prisma
 * CLI) then reports it as it always has.
 */
export async function migrateInProcess(
  db: InProcessEngine,
  onStep?: (s: MigrationStep) => void,
): Promise<string[] | null> {
  await db.exec(PRISMA_MIGRATIONS_TABLE);
  const rows = await db.query<{ migration_name: string; finished_at: Date | null; rolled_back_at: Date | null }>(
    'SELECT migration_name, finished_at, rolled_back_at FROM "_prisma_migrations"',
  );
  if (rows.rows.some((r) => r.finished_at === null && r.rolled_back_at === null)) return null;
  const applied = new Set(rows.rows.filter((r) => r.finished_at !== null).map((r) => r.migration_name));
  const pending = committedMigrations().filter((m) => !applied.has(m));
  for (const [i, name] of pending.entries()) {
    const started = performance.now();
    const script = fs.readFileSync(path.join(migrationsDir, name, 'migration.sql'));
    const id = crypto.randomUUID();
    await db.query(
      'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
      [id, crypto.createHash('sha256').update(script).digest('hex'), name],
    );
    try {
      await db.exec(script.toString('utf8'));
    } catch (err) {
      // As the schema engine records a failure: the row stays unfinished, with the error as its log.
      await db.query('UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1', [id, String(err)]);
      throw new Error(`migration ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    await db.query(
      'UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = applied_steps_count + 1 WHERE id = $1',
      [id],
    );
    onStep?.({ migration: name, n: i + 1, of: pending.length, ms: Math.round(performance.now() - started) });
  }
  return pending;
}
