/**
 * What the statistics and supervision benchmarks share: a platform on a fresh database (created
 * next to DATABASE_URL's and dropped afterwards, or an embedded PGlite in a temporary folder) with
 * the departments and the catalogue; a year of generated cases grown by copies to each size; the
 * `SELECT count(*) FROM "Case"` baseline; and the markdown table of the timings.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type HubConfig } from '../src/config/index.js';
import { generateCases } from '../prisma/seed/generate-cases.js';
import { startPlatform, type RunningPlatform } from '../src/platform/bootstrap.js';
import { createLogger } from '../src/platform/logger.js';
import { seedLicenceTypes } from '../prisma/seed/approvals.js';
import { seedCatalogue } from '../prisma/seed/cases.js';
import { seedDepartments } from '../prisma/seed/demo.js';
import { measure, type Sample } from './stats.js';
import { freshDatabase } from './fresh-database.js';

export const YEAR = 2025;
export const SIZES = (process.env.BENCH_SIZES ?? '30000,1000000')
  .split(',')
  .map(Number)
  .sort((a, b) => a - b);
export const REPEAT = Number(process.env.BENCH_N ?? 10);
/** The realistic base that copies multiply. */
const BASE = 30_000;

/** Copied as they are; the copy gets a new id and receipt number (and no joint application). */
const COLUMNS = [
  'verificationCode',
  'itemCode',
  'departmentCode',
  'channel',
  'acceptancePlace',
  'applicantUscc',
  'applicantName',
  'applicantIdNumber',
  'applicantPhone',
  'state',
  'outcome',
  'submittedAt',
  'acceptedAt',
  'acceptedOn',
  'limitDays',
  'statutoryLimitDays',
  'deadline',
  'pausedSince',
  'pauseKind',
  'concludedAt',
  'concludedOn',
  'usedWorkingDays',
  'onTime',
  'fullyOnline',
  'materialsReceived',
  'missingMaterials',
  'sharedMaterials',
  'noticeIssuedAt',
  'lastLight',
  'revision',
  'createdAt',
  'updatedAt',
]
  .map((c) => `"${c}"`)
  .join(', ');

export interface CaseVolume {
  platform: RunningPlatform;
  config: HubConfig;
  /** Grows the cases to `size`: the generated base year first, then copies of it (30,000 per statement). */
  growTo(size: number, afterBase?: () => Promise<string>): Promise<void>;
  /** `SELECT count(*) FROM "Case"`, timed like the queries. */
  countBaseline(size: number): Promise<Sample>;
  close(): Promise<void>;
}

export async function openCaseVolume(name: string): Promise<CaseVolume> {
  const base = loadConfig();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `hub-bench-${name}-`));
  const fresh = base.databaseUrl ? await freshDatabase(base.databaseUrl, `hub_bench_${name}`) : undefined;
  const config = loadConfig({ ...process.env, DATABASE_URL: fresh?.url ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  process.stderr.write(
    `database: ${fresh ? `PostgreSQL, fresh database ${new URL(fresh.url).pathname.slice(1)}` : 'embedded PGlite (temporary)'}\n`,
  );
  const platform = await startPlatform(config, { logger: createLogger('silent') });
  const { prisma } = platform;
  const close = async () => {
    await platform.close();
    await fresh?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await seedDepartments(prisma);
    await seedLicenceTypes(prisma);
    await seedCatalogue(prisma);
  } catch (err) {
    await close();
    throw err;
  }
  let have = 0;
  let copy = 0;
  return {
    platform,
    config,
    close,
    async growTo(size, afterBase) {
      if (have === 0) {
        const first = Math.min(size, BASE);
        const started = Date.now();
        const r = await generateCases(prisma, {
          count: first,
          year: YEAR,
          events: false,
          onProgress: (d, t) => process.stderr.write(`\rgenerating: ${d}/${t}`),
        });
        const extra = afterBase ? await afterBase() : '';
        process.stderr.write(
          `\rgenerated ${first} cases (${r.jointApplications} joint applications of ${r.keyProjects} key projects${extra}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
        );
        have = first;
      }
      // Beyond the realistic base, copies of it keep the same distribution.
      const started = Date.now();
      while (have < size) {
        copy += 1;
        const n = Math.min(BASE, size - have);
        await prisma.$executeRawUnsafe(
          `INSERT INTO "Case" (id, "receiptNumber", ${COLUMNS})
           SELECT gen_random_uuid(), "receiptNumber" || '~' || $1::text, ${COLUMNS}
           FROM "Case" WHERE "receiptNumber" NOT LIKE '%~%' ORDER BY "receiptNumber" LIMIT $2`,
          String(copy),
          n,
        );
        have += n;
        process.stderr.write(`\rcases: ${have}/${size}`);
      }
      process.stderr.write(`\ncases: ${have} (copies took ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
      await prisma.$executeRawUnsafe('ANALYZE');
    },
    countBaseline: (size) =>
      measure(
        `count(*) @ ${size}`,
        REPEAT,
        async () => {
          await prisma.$queryRawUnsafe('SELECT count(*) FROM "Case"');
        },
        2,
      ),
  };
}

export interface TimingRow {
  size: number;
  name: string;
  statements?: number;
  sample: Sample;
  baseline: Sample;
}

/** The timings as a markdown table, each against the count(*) of its size. */
export function timingTable(rows: TimingRow[]): string {
  const withStatements = rows.some((r) => r.statements !== undefined);
  const head = withStatements
    ? '| cases | query | SQL statements | p50 ms | p95 ms | mean vs count(*) |\n|---|---|---|---|---|---|'
    : '| cases | query | p50 ms | p95 ms | mean vs count(*) |\n|---|---|---|---|---|';
  const lines = rows.map((r) =>
    [
      r.size.toLocaleString('en'),
      r.name,
      ...(withStatements ? [String(r.statements ?? '')] : []),
      r.sample.p50.toFixed(1),
      r.sample.p95.toFixed(1),
      `${(r.sample.mean / r.baseline.mean).toFixed(2)}×`,
    ].join(' | '),
  );
  return `${head}\n${lines.map((l) => `| ${l} |`).join('\n')}\n`;
}
