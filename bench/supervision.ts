/**
 * Supervision at scale: the queries behind the /supervision dashboard (the quarterly and monthly
 * department reports, the monthly trend of a year, red cases, the year's joint figures, open joint
 * applications) at 30,000 and 1,000,000 cases, timed and with their SQL statements counted, next to
 * `SELECT count(*) FROM "Case"` in the same run. The 30,000 generated cases (a year, with key
 * projects by joint approval, callbacks on the source's share) are copied up to 1,000,000. Runs in
 * a fresh database (created next to DATABASE_URL's, dropped afterwards; or an embedded PGlite).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/index.js';
import { generateCases } from '../prisma/seed/generate-cases.js';
import { jointStatistics, loadWorkingCalendar, openJointViews } from '../src/modules/approvals/index.js';
import { monthlyTrend, periodOf, redCases, supervisionReport } from '../src/modules/supervision/index.js';
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
/** Source: 1,148 callbacks over 30,743 cases. */
const CALLBACK_SHARE = 1_148 / 30_743;

const COLUMNS = [
  'verificationCode',
  'itemCode',
  'departmentCode',
  'channel',
  'acceptancePlace',
  'applicantUscc',
  'applicantName',
  'applicantPhone',
  'state',
  'outcome',
  'submittedAt',
  'acceptedAt',
  'acceptedOn',
  'limitDays',
  'deadline',
  'pausedSince',
  'concludedAt',
  'concludedOn',
  'usedWorkingDays',
  'onTime',
  'fullyOnline',
  'materialsReceived',
  'missingMaterials',
  'createdAt',
  'updatedAt',
]
  .map((c) => `"${c}"`)
  .join(', ');

export async function run(): Promise<void> {
  const base = loadConfig();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-supervision-'));
  const fresh = base.databaseUrl ? await freshDatabase(base.databaseUrl, 'hub_bench_supervision') : undefined;
  const config = loadConfig({ ...process.env, DATABASE_URL: fresh?.url ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  process.stderr.write(
    `database: ${fresh ? `PostgreSQL, fresh database ${new URL(fresh.url).pathname.slice(1)}` : 'embedded PGlite (temporary)'}\n`,
  );
  const platform = await startPlatform(config, { logger: createLogger('silent') });
  const { prisma, db } = platform;
  const lines: string[] = [];
  try {
    await seedDepartments(prisma);
    await seedLicenceTypes(prisma);
    await seedCatalogue(prisma);
    const calendar = await loadWorkingCalendar(prisma);
    const quarter = periodOf('QUARTER', YEAR, 4);
    const month = periodOf('MONTH', YEAR, 11);
    const year = { from: `${YEAR}-01-01`, to: `${YEAR}-12-31` };
    // What the dashboard asks for, each on its own; "dashboard" runs them together as the page does.
    const queries: [string, () => Promise<unknown>][] = [
      ['report, quarter', () => supervisionReport(prisma, quarter.from, quarter.to)],
      ['report, month', () => supervisionReport(prisma, month.from, month.to)],
      ['trend, 12 months', () => monthlyTrend(prisma, year.from, year.to)],
      ['red cases', () => redCases(prisma, year.to, null)],
      ['joint figures, year', () => jointStatistics(prisma, year.from, year.to)],
      ['open joint applications', () => openJointViews({ prisma, config }, calendar, 50, year.to)],
    ];
    const parts = queries.map(([, q]) => q);
    queries.push(['dashboard (all, in parallel)', () => Promise.all(parts.map((q) => q()))]);
    let have = 0;
    for (const size of SIZES.sort((a, b) => a - b)) {
      if (have === 0) {
        const first = Math.min(size, 30_000);
        const started = Date.now();
        const r = await generateCases(prisma, {
          count: first,
          year: YEAR,
          events: false,
          onProgress: (d, t) => process.stderr.write(`\rgenerating: ${d}/${t}`),
        });
        await prisma.$executeRawUnsafe(
          `INSERT INTO "CaseCallback" (id, "caseId", "departmentCode", "concludedOn", status, satisfied)
           SELECT gen_random_uuid(), id, "departmentCode", "concludedOn", 'DONE', true FROM "Case"
           WHERE "concludedOn" IS NOT NULL AND random() < $1`,
          CALLBACK_SHARE,
        );
        process.stderr.write(
          `\rgenerated ${first} cases (${r.jointApplications} joint applications of ${r.keyProjects} key projects) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
        );
        have = first;
      }
      // Beyond the realistic base, copies of it (new ids and receipt numbers) keep the same distribution.
      let copy = 0;
      while (have < size) {
        copy += 1;
        const n = Math.min(30_000, size - have);
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
      process.stderr.write('\n');
      await prisma.$executeRawUnsafe('ANALYZE');
      const count = await measure(
        `count(*) @ ${size}`,
        REPEAT,
        async () => {
          await prisma.$queryRawUnsafe('SELECT count(*) FROM "Case"');
        },
        2,
      );
      lines.push(
        `| ${size.toLocaleString('en')} | count(*) (baseline) | 1 | ${count.p50.toFixed(1)} | ${count.p95.toFixed(1)} | 1.00× |`,
      );
      for (const [name, q] of queries) {
        const before = db.statementCount();
        await q();
        const statements = db.statementCount() - before;
        const s: Sample = await measure(`${name} @ ${size}`, REPEAT, async () => void (await q()), 2);
        lines.push(
          `| ${size.toLocaleString('en')} | ${name} | ${statements} | ${s.p50.toFixed(1)} | ${s.p95.toFixed(1)} | ${(s.mean / count.mean).toFixed(2)}× |`,
        );
      }
    }
    process.stdout.write(
      `\n| cases | query | SQL statements | p50 ms | p95 ms | mean vs count(*) |\n|---|---|---|---|---|---|\n${lines.join('\n')}\n`,
    );
  } finally {
    await platform.close();
    await fresh?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
