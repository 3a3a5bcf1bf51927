/**
 * Ingestion throughput: a generated market-registry export of BENCH_ROWS registrations
 * (default 100,000) ingested into a fresh database, then the same file again, next to
 * PostgreSQL's own COPY of the same rows into a plain table, and the floor (the rows the ingest
 * wrote, inserted again by SQL alone), all in the same run, in a fresh database created on the
 * DATABASE_URL server (and dropped). The embedded database cannot run the baseline: PGlite's
 * backend never finishes a COPY FROM STDIN sent through its wire server.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { adapters } from '../adapters/registry.js';
import { loadConfig } from '../src/config/index.js';
import { marketRegistryCsv } from '../prisma/seed/market-registry-export.js';
import { ingestFile } from '../src/modules/ingestion/index.js';
import { cliSource } from '../src/modules/ingestion/index.js';
import { startPlatform } from '../src/platform/bootstrap.js';
import { createLogger } from '../src/platform/logger.js';
import { seedDepartments } from '../prisma/seed/demo.js';
import { freshDatabase } from './fresh-database.js';

export async function run(): Promise<void> {
  const rows = Number(process.env.BENCH_ROWS ?? 100_000);
  const base = loadConfig();
  if (!base.databaseUrl) {
    throw new Error(
      'npm run bench -- ingest needs DATABASE_URL (a PostgreSQL server): its COPY baseline cannot run on the embedded database',
    );
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-ingest-'));
  const db = await freshDatabase(base.databaseUrl, 'hub_bench_ingest');
  process.stderr.write(`database: a fresh PostgreSQL database on the DATABASE_URL server; generating ${rows} rows…\n`);
  const { csv } = marketRegistryCsv(rows, { offset: 3_000_000 });
  const bytes = Buffer.from(csv);
  const config = {
    ...base,
    databaseUrl: db.url,
    dataDir,
    redisUrl: undefined,
    logLevel: 'silent' as const,
    cachePrefix: `bench:${Date.now()}:`,
  };
  const platform = await startPlatform(config, { logger: createLogger('silent') });
  try {
    await seedDepartments(platform.prisma);
    const client = new pg.Client({ connectionString: platform.databaseUrl });
    await client.connect();
    const columns = csv
      .slice(0, csv.indexOf('\n'))
      .split(',')
      .map((_, i) => `c${i} text`)
      .join(', ');
    await client.query(`CREATE TABLE bench_copy (${columns})`);
    process.stderr.write('COPY…\n');
    const t0 = performance.now();
    await pipeline(
      Readable.from([bytes]),
      client.query(copyFrom('COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)')),
    );
    const copyMs = performance.now() - t0;
    const copied = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM bench_copy')).rows[0]!.n);
    await client.end();

    const adapter = adapters['market-registry']!;
    const source = await cliSource(platform.prisma, adapter);
    const progress = (label: string) => (done: number) => {
      if (done % 10_000 < 1000) process.stderr.write(`\r${label}: ${done}/${rows}`);
    };
    const t1 = performance.now();
    const fresh = await ingestFile(platform, adapter, source, 'bench.csv', bytes, {
      batchSize: 1000,
      onProgress: progress('ingest (fresh)'),
    });
    const freshMs = performance.now() - t1;
    process.stderr.write('\n');
    const t2 = performance.now();
    const again = await ingestFile(platform, adapter, source, 'bench.csv', bytes, {
      batchSize: 1000,
      onProgress: progress('ingest (same file again)'),
    });
    const againMs = performance.now() - t2;
    process.stderr.write('\n');
    if (copied !== rows || fresh.created !== rows || again.unchanged !== rows) {
      throw new Error(`unexpected counts: copied ${copied}, created ${fresh.created}, unchanged ${again.unchanged}`);
    }
    process.stderr.write('the same rows by SQL alone…\n');
    const floorMs = await sqlAloneMs(platform.databaseUrl);
    const rate = (ms: number) => rows / (ms / 1000);
    const line = (label: string, ms: number) =>
      `| ${label} | ${rows} | ${(ms / 1000).toFixed(2)} | ${Math.round(rate(ms))} | ${(rate(ms) / rate(copyMs)).toFixed(3)} |`;
    process.stdout.write(
      [
        '| case | rows | seconds | rows/s | rate vs COPY |',
        '|---|---|---|---|---|',
        line('COPY into a plain table (baseline)', copyMs),
        line('hub ingest, fresh database', freshMs),
        line('hub ingest, same file again', againMs),
        line('the rows the hub wrote, by SQL alone (floor)', floorMs),
      ].join('\n') +
        `\nhub ingest (fresh) vs the floor: ${(floorMs / freshMs).toFixed(2)}x; the floor vs COPY: ${(copyMs / floorMs).toFixed(3)}x\n`,
    );
  } finally {
    await platform.close();
    await db.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The tables a fresh ingest writes (an enterprise, its source record, its provenance, its change event). */
const WRITTEN = ['Enterprise', 'SourceRecord', 'FieldProvenance', 'ChangeEvent'] as const;

/**
 * The floor under any ingest that keeps the hub's guarantees: the rows the fresh ingest wrote,
 * set aside in plain tables, then inserted again into the same tables (their keys, indexes and
 * foreign keys) with one INSERT ... SELECT each, in one transaction. No file is read, nothing is
 * parsed, mapped, validated or compared: whatever an ingest does beyond these writes costs more.
 */
async function sqlAloneMs(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const t of WRITTEN) await client.query(`CREATE TABLE "floor_${t}" AS SELECT * FROM "${t}"`);
    await client.query(`TRUNCATE ${WRITTEN.map((t) => `"${t}"`).join(', ')} CASCADE`);
    const t0 = performance.now();
    await client.query('BEGIN');
    for (const t of WRITTEN) await client.query(`INSERT INTO "${t}" SELECT * FROM "floor_${t}"`);
    await client.query('COMMIT');
    const ms = performance.now() - t0;
    for (const t of WRITTEN) await client.query(`DROP TABLE "floor_${t}"`);
    return ms;
  } finally {
    await client.end();
  }
}
