/**
 * Case statistics (the figures of the source report) read from the daily rollup
 * ("CaseDailyRollup", kept by triggers on Case in the same transaction as every change: see
 * rollup.ts), so their cost depends on the days and items of the period, not on the number of
 * cases. Only "overdue open cases" is not additive per day: it is counted over open cases alone
 * (the partial index "Case_open_deadline_idx"). One SQL statement.
 */
import { Prisma, type PrismaClient } from '../../generated/prisma/client.js';
import { badInput } from '../../platform/errors.js';
import { fromLocal, shanghaiToday, type LocalDate } from './calendar/store.js';

export interface StatisticsFilter {
  /** First day of the period (inclusive, Asia/Shanghai). */
  from: LocalDate;
  /** Last day of the period (inclusive). */
  to: LocalDate;
  departmentCode?: string | null;
  itemCode?: string | null;
}

export interface CaseStatistics {
  from: LocalDate;
  to: LocalDate;
  /** Cases accepted in the period (办件量). */
  accepted: number;
  /** Cases concluded in the period. */
  concluded: number;
  /** Of those, concluded within the time limit. */
  concludedOnTime: number;
  /** concludedOnTime / concluded; null when nothing was concluded. */
  onTimeRate: number | null;
  /**
   * Mean of 1 − used working days / statutory limit over concluded cases with a limit > 0; the
   * limit is the item's when the case was registered (Case.statutoryLimitDays).
   */
  averageSpeedUp: number | null;
  /** Accepted cases that came through online channels (ONLINE, MOBILE). */
  online: number;
  /** online / accepted. */
  onlineRate: number | null;
  /** Accepted cases handled entirely online (全程网办). */
  fullyOnline: number;
  /** Concluded late in the period, plus open cases past their deadline at the end of the period. */
  overdue: number;
  /** Materials of cases accepted in the period fulfilled from the libraries (免于提交). */
  materialsExemptedBySharing: number;
  /** Cases accepted in the period with at least one such material. */
  casesWithSharedMaterials: number;
}

interface Row {
  accepted: bigint | null;
  concluded: bigint | null;
  on_time: bigint | null;
  late: bigint | null;
  speed_up: number | null;
  online: bigint | null;
  fully_online: bigint | null;
  overdue_open: bigint;
  shared_materials: bigint | null;
  shared_cases: bigint | null;
}

export async function caseStatistics(prisma: PrismaClient, f: StatisticsFilter): Promise<CaseStatistics> {
  if (f.to < f.from)
    throw badInput('The period ends before it starts', {
      problems: [{ field: 'to', message: 'must not be before from' }],
    });
  const from = fromLocal(f.from);
  const to = fromLocal(f.to);
  const today = shanghaiToday();
  const asOf = fromLocal(f.to < today ? f.to : today);
  const filters: Prisma.Sql[] = [];
  if (f.departmentCode) filters.push(Prisma.sql`AND "departmentCode" = ${f.departmentCode}`);
  if (f.itemCode) filters.push(Prisma.sql`AND "itemCode" = ${f.itemCode}`);
  const where = filters.length ? Prisma.join(filters, ' ') : Prisma.empty;
  // Intake by acceptance day and results by conclusion day are rows of the rollup; open-and-overdue
  // uses the stored deadline of running cases (a paused case's clock is stopped, so it is not
  // counted as overdue).
  const [r] = await prisma.$queryRaw<Row[]>`
    SELECT sum(accepted) AS accepted, sum(online) AS online, sum("fullyOnline") AS fully_online,
      sum("sharedMaterials") AS shared_materials, sum("sharedCases") AS shared_cases,
      sum(concluded) AS concluded, sum("concludedOnTime") AS on_time, sum("concludedLate") AS late,
      (sum("speedUpSum") / nullif(sum("speedUpCount"), 0))::float8 AS speed_up,
      (SELECT count(*) FROM "Case"
        WHERE "concludedOn" IS NULL AND deadline < ${asOf} AND "acceptedOn" <= ${to} AND "pausedSince" IS NULL ${where}) AS overdue_open
    FROM "CaseDailyRollup" WHERE day BETWEEN ${from} AND ${to} ${where}`;
  const n = (v: bigint | null | undefined) => Number(v ?? 0n);
  const accepted = n(r?.accepted);
  const concluded = n(r?.concluded);
  const onTime = n(r?.on_time);
  const online = n(r?.online);
  return {
    from: f.from,
    to: f.to,
    accepted,
    concluded,
    concludedOnTime: onTime,
    onTimeRate: concluded ? onTime / concluded : null,
    averageSpeedUp: r?.speed_up ?? null,
    online,
    onlineRate: accepted ? online / accepted : null,
    fullyOnline: n(r?.fully_online),
    overdue: n(r?.late) + n(r?.overdue_open),
    materialsExemptedBySharing: n(r?.shared_materials),
    casesWithSharedMaterials: n(r?.shared_cases),
  };
}
