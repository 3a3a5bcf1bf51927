/**
 * Statistics at scale: the caseStatistics aggregate over a year of cases next to a plain
 * `SELECT count(*) FROM "Case"` on the same table, at 30,000 and at 1,000,000 cases, in the same
 * run. Runs in a fresh database (created next to DATABASE_URL's, dropped afterwards; or an
 * embedded PGlite in a temporary folder) so it never mixes with real data.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/index.js';
import { generateCases } from '../prisma/seed/generate-cases.js';
import { caseStatistics } from '../src/modules/approvals/index.js';
import { startPlatform } from '../src/platform/bootstrap.js';
import { createLogger } from '../src/platform/logger.js';
import { seedLicenceTypes } from '../prisma/seed/approvals.js';
import { seedCatalogue } from '../prisma/seed/cases.js';
import { seedDepartments } from '../prisma/seed/demo.js';
import { measure, type Sample } from './stats.js';
import { freshDatabase } from './fresh-database.js';

const YEAR = 2025;
const SIZES = (process.env.BENCH_SIZES ?? '30000,1000000').split(',').map(Number);
const REPEAT = Number(process.env.BENCH_N ?? 10);

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
  'noticeIssuedAt',
  'lastLight',
  'licenceId',
  'revision',
  'createdAt',
  'updatedAt',
]
  .map((c) => `"${c}"`)
  .join(', ');

export async function run(): Promise<void> {
  const base = loadConfig();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-stats-'));
  const fresh = base.databaseUrl ? await freshDatabase(base.databaseUrl, 'hub_bench_stats') : undefined;
  const config = loadConfig({ ...process.env, DATABASE_URL: fresh?.url ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  process.stderr.write(
    `database: ${fresh ? `PostgreSQL, fresh database ${new URL(fresh.url).pathname.slice(1)}` : 'embedded PGlite (temporary)'}\n`,
  );
  const platform = await startPlatform(config, { logger: createLogger('silent') });
  const { prisma } = platform;
  const rows: { size: number; stats: Sample; count: Sample; figures: Awaited<ReturnType<typeof caseStatistics>> }[] =
    [];
  try {
    await seedDepartments(prisma);
    await seedLicenceTypes(prisma);
    await seedCatalogue(prisma);
    let have = 0;
    for (const size of SIZES.sort((a, b) => a - b)) {
      if (have === 0) {
        const first = Math.min(size, 30_000);
        const started = Date.now();
        await generateCases(prisma, {
          count: first,
          year: YEAR,
          events: false,
          onProgress: (d, t) => process.stderr.write(`\rgenerating: ${d}/${t}`),
        });
        process.stderr.write(`\rgenerated ${first} cases in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        have = first;
      }
      // Beyond the realistic base, copies of it (new ids and receipt numbers) keep the same distribution.
      let copy = 0;
      while (have < size) {
        copy += 1;
        const n = Math.min(30_000, size - have);
        await prisma.$executeRawUnsafe(
          `INSERT INTO "Case" (id, "receiptNumber", ${COLUMNS})
           SELECT gen_random_uuid(), "receiptNumber" || '-' || $1::text, ${COLUMNS}
           FROM "Case" WHERE "receiptNumber" NOT LIKE '%-%' ORDER BY "receiptNumber" LIMIT $2`,
          String(copy),
          n,
        );
        have += n;
        process.stderr.write(`\rcases: ${have}/${size}`);
      }
      process.stderr.write('\n');
      await prisma.$executeRawUnsafe('ANALYZE "Case"');
      const filter = { from: `${YEAR}-01-01`, to: `${YEAR}-12-31` };
      let figures = await caseStatistics(prisma, filter);
      const count = await measure(
        `count(*) @ ${size}`,
        REPEAT,
        async () => {
          await prisma.$queryRawUnsafe('SELECT count(*) FROM "Case"');
        },
        2,
      );
      const stats = await measure(
        `statistics @ ${size}`,
        REPEAT,
        async () => {
          figures = await caseStatistics(prisma, filter);
        },
        2,
      );
      rows.push({ size, stats, count, figures });
    }
    const lines = [
      '| cases | count(*) p50 ms | statistics p50 ms | statistics p95 ms | statistics / count(*) |',
      '|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.size.toLocaleString('en')} | ${r.count.p50.toFixed(1)} | ${r.stats.p50.toFixed(1)} | ${r.stats.p95.toFixed(1)} | ${(r.stats.mean / r.count.mean).toFixed(2)}× |`,
      ),
    ];
    process.stdout.write(`\n${lines.join('\n')}\n`);
    for (const r of rows) {
      const f = r.figures;
      const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(2)}%`);
      process.stdout.write(
        `\n${r.size.toLocaleString('en')} cases, ${YEAR}: accepted ${f.accepted}, concluded ${f.concluded}, on time ${pct(f.onTimeRate)}, speed-up ${pct(f.averageSpeedUp)}, online ${f.online} (${pct(f.onlineRate)}), fully online ${f.fullyOnline}, overdue ${f.overdue}`,
      );
    }
    process.stdout.write('\n');
  } finally {
    await platform.close();
    await fresh?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
