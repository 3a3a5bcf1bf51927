/**
 * Statistics at scale: caseStatistics for a year (all departments, and one department) next to a
 * plain `SELECT count(*) FROM "Case"` on the same table, at 30,000 and at 1,000,000 cases, in the
 * same run (bench/case-volume.ts: a fresh database, the generated year copied). The statistics
 * read the daily rollup, so their time should not grow with the cases; `count(*)` does.
 */
import { caseStatistics, verifyCaseRollup } from '../src/modules/approvals/index.js';
import { measure } from './stats.js';
import { openCaseVolume, REPEAT, SIZES, timingTable, YEAR, type TimingRow } from './case-volume.js';

export async function run(): Promise<void> {
  const volume = await openCaseVolume('stats');
  const { prisma } = volume.platform;
  const rows: TimingRow[] = [];
  const seen: { size: number; figures: Awaited<ReturnType<typeof caseStatistics>>; rollupOk: boolean }[] = [];
  try {
    for (const size of SIZES) {
      await volume.growTo(size);
      const year = { from: `${YEAR}-01-01`, to: `${YEAR}-12-31` };
      const figures = await caseStatistics(prisma, year);
      const baseline = await volume.countBaseline(size);
      rows.push({ size, name: 'count(*) (baseline)', sample: baseline, baseline });
      for (const [name, filter] of [
        ['statistics, year', year],
        ['statistics, year, one department', { ...year, departmentCode: 'MR' }],
        ['statistics, quarter', { from: `${YEAR}-10-01`, to: `${YEAR}-12-31` }],
      ] as const) {
        const sample = await measure(
          `${name} @ ${size}`,
          REPEAT,
          async () => void (await caseStatistics(prisma, filter)),
          2,
        );
        rows.push({ size, name, sample, baseline });
      }
      // The rollup equals its recomputation from the cases after the bulk inserts.
      seen.push({ size, figures, rollupOk: (await verifyCaseRollup(prisma, 1)).ok });
    }
    process.stdout.write(`\n${timingTable(rows)}`);
    const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(2)}%`);
    for (const { size, figures: f, rollupOk } of seen) {
      process.stdout.write(
        `\n${size.toLocaleString('en')} cases, ${YEAR}: accepted ${f.accepted}, concluded ${f.concluded}, on time ${pct(f.onTimeRate)}, speed-up ${pct(f.averageSpeedUp)}, online ${f.online} (${pct(f.onlineRate)}), fully online ${f.fullyOnline}, overdue ${f.overdue}; rollup ${rollupOk ? 'matches the cases' : 'DIFFERS from the cases'}`,
      );
    }
    process.stdout.write('\n');
  } finally {
    await volume.close();
  }
}
