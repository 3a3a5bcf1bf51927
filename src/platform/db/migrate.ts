/**
 * Applies the committed Prisma migrations with the offline Prisma CLI (WebAssembly schema engine).
 */
import { spawn } from 'node:child_process';
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
