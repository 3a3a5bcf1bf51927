/**
 * The embedded first start (issue 14) as `npm start` runs it on an empty DATA_DIR: it says what it
 * is doing (opening PGlite, each migration n/N, each demo-data step n/N), is ready within a bound,
 * and leaves `_prisma_migrations` exactly as `prisma migrate deploy` would have: the Prisma CLI
 * finds nothing to apply and nothing modified. Starts its own embedded database, whatever
 * DATABASE_URL the run has. And the in-process runner alone, on an in-memory PGlite.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { firstStart } from '../bench/first-start.js';
import { SEED_STEPS } from '../prisma/seed/demo.js';
import { startEmbeddedDatabase } from '../src/platform/db/embedded.js';
import { committedMigrations, migrateInProcess, projectRoot, runPrismaCli } from '../src/platform/db/migrate.js';
import { expectWithMessage } from './helpers/runner.js';

/**
 * The target is 30 s, measured by `npm run bench -- first-start` (bench/README.md). This
 * test runs beside the rest of the suite on a shared 2-core CI machine, where the same start has
 * taken twice as long, so it asserts a looser bound: a return to the old way (the Prisma CLI per
 * start, per-row demo inserts) still fails it on an idle machine, load alone does not.
 */
const BOUND_MS = 120_000;

const LogLine = (text: string): { msg?: string; step?: string; migration?: string; seed?: string } | null => {
  try {
    return text.startsWith('{') ? (JSON.parse(text) as { msg?: string }) : null;
  } catch {
    return null;
  }
};

describe('embedded first start', () => {
  it('shows its progress, is ready within the bound, and records the migrations as Prisma does', async () => {
    const r = await firstStart(projectRoot, { keepDataDir: true });
    try {
      console.info(
        `first start: ready in ${(r.total / 1000).toFixed(1)} s (PGlite ${((r.pglite ?? 0) / 1000).toFixed(1)} s, ` +
          `migrations ${((r.migrations ?? 0) / 1000).toFixed(1)} s, demo data ${((r.seed ?? 0) / 1000).toFixed(1)} s)`,
      );
      expectWithMessage(r.exitCode, `exit code after SIGTERM:\n${r.output}`).toBe(0);
      const lines = r.output.split('\n').flatMap((t) => LogLine(t) ?? []);
      const migrations = committedMigrations();
      expect(lines.filter((l) => l.msg === 'migration applied').map((l) => `${l.migration} ${l.step}`)).toEqual(
        migrations.map((m, i) => `${m} ${i + 1}/${migrations.length}`),
      );
      expect(lines.filter((l) => l.msg === 'demo data step done').map((l) => `${l.seed} ${l.step}`)).toEqual(
        SEED_STEPS.map((s, i) => `${s} ${i + 1}/${SEED_STEPS.length}`),
      );
      const order = ['opening the embedded PostgreSQL (PGlite)', 'seeding the demo data', 'hub listening'];
      expect(order.map((m) => lines.findIndex((l) => l.msg === m))).toEqual(
        [...order.map((m) => lines.findIndex((l) => l.msg === m))].sort((a, b) => a - b),
      );
      expect(order.every((m) => lines.some((l) => l.msg === m))).toBe(true);
      expectWithMessage(r.total, `ms until /readyz answered (bound ${BOUND_MS} ms):\n${r.output}`).toBeLessThan(
        BOUND_MS,
      );

      const db = await startEmbeddedDatabase(r.dataDir, { command: 'first-start test' });
      try {
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        try {
          const rows = await client.query<{
            migration_name: string;
            checksum: string;
            finished: boolean;
            logs: string | null;
            rolled_back_at: Date | null;
            applied_steps_count: number;
          }>(
            `SELECT migration_name, checksum, finished_at >= started_at AS finished, logs, rolled_back_at,
                    applied_steps_count FROM _prisma_migrations ORDER BY migration_name`,
          );
          expect(rows.rows).toEqual(
            migrations.map((m) => ({
              migration_name: m,
              checksum: crypto
                .createHash('sha256')
                .update(fs.readFileSync(path.join(projectRoot, 'prisma', 'migrations', m, 'migration.sql')))
                .digest('hex'),
              finished: true,
              logs: null,
              rolled_back_at: null,
              applied_steps_count: 1,
            })),
          );
          // The demo data (the 2,000 generated cases and the joint demo's 12 branches among them).
          const counts = await client.query<{ departments: number; enterprises: number; cases: number }>(
            `SELECT (SELECT count(*)::int FROM "Department") AS departments,
                    (SELECT count(*)::int FROM "Enterprise") AS enterprises, (SELECT count(*)::int FROM "Case") AS cases`,
          );
          expect(counts.rows[0]).toEqual({ departments: 9, enterprises: 40, cases: 2012 });
        } finally {
          await client.end();
        }
        // The Prisma CLI itself agrees: nothing pending, nothing failed or modified.
        const status = await runPrismaCli(['migrate', 'status'], db.url);
        expectWithMessage(status, 'prisma migrate status').toContain('Database schema is up to date!');
        const deploy = await runPrismaCli(['migrate', 'deploy'], db.url);
        expectWithMessage(deploy, 'prisma migrate deploy').toContain('No pending migrations to apply.');
      } finally {
        await db.stop();
      }
    } finally {
      fs.rmSync(r.dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});

describe('migrations applied in process', () => {
  it('applies what is pending once, and leaves a database with a failed migration to the Prisma CLI', async () => {
    const db = await PGlite.create({ dataDir: 'memory://' });
    try {
      const steps: string[] = [];
      expect(await migrateInProcess(db, (s) => steps.push(`${s.n}/${s.of}`))).toEqual(committedMigrations());
      expect(steps).toEqual(committedMigrations().map((_, i) => `${i + 1}/${committedMigrations().length}`));
      expect(await migrateInProcess(db)).toEqual([]);
      // A migration the Prisma CLI started and did not finish (P3009 territory): nothing is applied.
      await db.query(
        `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count)
         VALUES ('00000000-0000-4000-8000-000000000000', 'x', '29991231000000_failed', now(), 0)`,
      );
      expect(await migrateInProcess(db)).toBeNull();
    } finally {
      await db.close();
    }
  }, 120_000);
});
