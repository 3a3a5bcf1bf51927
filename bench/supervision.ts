/**
 * Supervision at scale: the queries behind the /supervision dashboard (the quarterly and monthly
 * department reports, the monthly trend of a year, red cases, the year's joint figures, open joint
 * applications) at 30,000 and 1,000,000 cases, timed and with their SQL statements counted, next to
 * `SELECT count(*) FROM "Case"` in the same run. The 30,000 generated cases (a year, with key
 * projects by joint approval, callbacks on the source's share) are copied up to 1,000,000
 * (bench/case-volume.ts: a fresh database, dropped afterwards).
 */
import { jointStatistics, loadWorkingCalendar, openJointViews } from '../src/modules/approvals/index.js';
import { monthlyTrend, periodOf, redCases, supervisionReport } from '../src/modules/supervision/index.js';
import { measure } from './stats.js';
import { openCaseVolume, REPEAT, SIZES, timingTable, YEAR, type TimingRow } from './case-volume.js';

/** Source: 1,148 callbacks over 30,743 cases. */
const CALLBACK_SHARE = 1_148 / 30_743;

export async function run(): Promise<void> {
  const volume = await openCaseVolume('supervision');
  const { platform, config } = volume;
  const { prisma, db } = platform;
  const rows: TimingRow[] = [];
  try {
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
    for (const size of SIZES) {
      await volume.growTo(size, async () => {
        const callbacks = await prisma.$executeRawUnsafe(
          `INSERT INTO "CaseCallback" (id, "caseId", "departmentCode", "concludedOn", status, satisfied)
           SELECT gen_random_uuid(), id, "departmentCode", "concludedOn", 'DONE', true FROM "Case"
           WHERE "concludedOn" IS NOT NULL AND random() < $1`,
          CALLBACK_SHARE,
        );
        return `, ${callbacks} callbacks`;
      });
      const baseline = await volume.countBaseline(size);
      rows.push({ size, name: 'count(*) (baseline)', statements: 1, sample: baseline, baseline });
      for (const [name, q] of queries) {
        const before = db.statementCount();
        await q();
        const statements = db.statementCount() - before;
        const sample = await measure(`${name} @ ${size}`, REPEAT, async () => void (await q()), 2);
        rows.push({ size, name, statements, sample, baseline });
      }
    }
    process.stdout.write(`\n${timingTable(rows)}`);
  } finally {
    await volume.close();
  }
}
