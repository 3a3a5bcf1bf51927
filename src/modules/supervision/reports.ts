/**
 * Monthly and quarterly reports per department (质量评查): the case figures with exactly the
 * definitions of caseStatistics (accepted, concluded, on-time rate, speed-up, online rate, fully
 * online, overdue), joint days saved, callbacks, pushes and admonitions; and the monthly trend.
 * A fixed number of SQL statements whatever the number of departments or cases. The case figures
 * and the trend read the daily rollup ("CaseDailyRollup", see approvals/rollup.ts), not the cases.
 * Satisfaction, complaints, consultations and booking success come from the online hall
 * (hallStatisticsByDepartment: its definitions, three grouped statements).
 */
import { Prisma, type PrismaClient } from '../../generated/prisma/client.js';
import { badInput } from '../../platform/errors.js';
import { fromLocal, jointStatistics, shanghaiToday, type CaseStatistics, type LocalDate } from '../approvals/index.js';
import { hallStatisticsByDepartment, type HallStatistics } from '../hall/index.js';

export type PeriodKind = 'MONTH' | 'QUARTER';

/** First and last day of a month (1..12) or quarter (1..4). */
export function periodOf(kind: PeriodKind, year: number, n: number): { from: LocalDate; to: LocalDate } {
  const max = kind === 'MONTH' ? 12 : 4;
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw badInput(`number must be 1..${max} for a ${kind}`, { field: 'number' });
  if (!Number.isInteger(year) || year < 2000 || year > 2100)
    throw badInput('year must be 2000..2100', { field: 'year' });
  const firstMonth = kind === 'MONTH' ? n : (n - 1) * 3 + 1;
  const lastMonth = kind === 'MONTH' ? n : firstMonth + 2;
  const pad = (m: number) => String(m).padStart(2, '0');
  const lastDay = new Date(Date.UTC(year, lastMonth, 0)).getUTCDate();
  return { from: `${year}-${pad(firstMonth)}-01`, to: `${year}-${pad(lastMonth)}-${pad(lastDay)}` };
}

export interface DepartmentFigures extends Omit<CaseStatistics, 'from' | 'to'> {
  departmentCode: string;
  departmentName: string;
  jointConcluded: number;
  jointDaysSaved: number;
  callbacks: number;
  callbacksDone: number;
  pushes: number;
  admonitions: number;
  /** The online hall's figures, as hallStatistics defines them. */
  hall: Pick<
    HallStatistics,
    | 'evaluations'
    | 'satisfactionRate'
    | 'complaints'
    | 'complaintsAnsweredOnTime'
    | 'complaintsOnTimeRate'
    | 'consultations'
    | 'bookingSuccessRate'
  >;
}

export interface SupervisionReport {
  from: LocalDate;
  to: LocalDate;
  departments: DepartmentFigures[];
}

interface CaseRow {
  department: string;
  name: string;
  accepted: bigint;
  concluded: bigint;
  on_time: bigint;
  late: bigint;
  speed_up: number | null;
  online: bigint;
  fully_online: bigint;
  overdue_open: bigint;
  shared_materials: bigint;
  shared_cases: bigint;
}

interface FollowRow {
  department: string;
  callbacks: bigint;
  callbacks_done: bigint;
  pushes: bigint;
  admonitions: bigint;
}

/** The report of a period: one row per department that has cases or follow-ups in it. */
export async function supervisionReport(
  prisma: PrismaClient,
  from: LocalDate,
  to: LocalDate,
): Promise<SupervisionReport> {
  if (to < from) throw badInput('The period ends before it starts', { field: 'to' });
  const f = fromLocal(from);
  const t = fromLocal(to);
  const today = shanghaiToday();
  const asOf = fromLocal(to < today ? to : today);
  // The same rollup sums as caseStatistics (approvals/statistics.ts), grouped by department. A
  // department has a row when one of its cases ran in the period (accepted by its end, not
  // concluded before its start): accepted up to the end minus concluded before the start, from the
  // rollup's history up to the period's end.
  const [cases, follow, joint, hall] = await Promise.all([
    prisma.$queryRaw<CaseRow[]>`
      WITH r AS (
        SELECT "departmentCode" AS department,
          coalesce(sum(accepted) FILTER (WHERE day >= ${f}), 0) AS accepted,
          coalesce(sum(online) FILTER (WHERE day >= ${f}), 0) AS online,
          coalesce(sum("fullyOnline") FILTER (WHERE day >= ${f}), 0) AS fully_online,
          coalesce(sum(concluded) FILTER (WHERE day >= ${f}), 0) AS concluded,
          coalesce(sum("concludedOnTime") FILTER (WHERE day >= ${f}), 0) AS on_time,
          coalesce(sum("concludedLate") FILTER (WHERE day >= ${f}), 0) AS late,
          (sum("speedUpSum") FILTER (WHERE day >= ${f}) / nullif(sum("speedUpCount") FILTER (WHERE day >= ${f}), 0))::float8 AS speed_up,
          coalesce(sum("sharedMaterials") FILTER (WHERE day >= ${f}), 0) AS shared_materials,
          coalesce(sum("sharedCases") FILTER (WHERE day >= ${f}), 0) AS shared_cases,
          sum(accepted) - coalesce(sum(concluded) FILTER (WHERE day < ${f}), 0) AS running
        FROM "CaseDailyRollup" WHERE day <= ${t} GROUP BY "departmentCode"
      ), o AS (
        SELECT "departmentCode" AS department, count(*) AS overdue_open FROM "Case"
        WHERE "concludedOn" IS NULL AND deadline < ${asOf} AND "acceptedOn" <= ${t} AND "pausedSince" IS NULL
        GROUP BY "departmentCode"
      )
      SELECT r.*, d.name, coalesce(o.overdue_open, 0) AS overdue_open
      FROM r JOIN "Department" d ON d.code = r.department LEFT JOIN o ON o.department = r.department
      WHERE r.running > 0 ORDER BY r.department`,
    prisma.$queryRaw<FollowRow[]>`
      SELECT department, sum(callbacks) AS callbacks, sum(callbacks_done) AS callbacks_done, sum(pushes) AS pushes, sum(admonitions) AS admonitions FROM (
        SELECT "departmentCode" AS department, count(*) AS callbacks, count(*) FILTER (WHERE status = 'DONE') AS callbacks_done, 0 AS pushes, 0 AS admonitions
          FROM "CaseCallback" WHERE "concludedOn" BETWEEN ${f} AND ${t} GROUP BY 1
        UNION ALL SELECT "departmentCode", 0, 0, count(*), 0 FROM "TargetedPush" WHERE "sentOn" BETWEEN ${f} AND ${t} GROUP BY 1
        UNION ALL SELECT "departmentCode", 0, 0, 0, count(*) FROM "Admonition" WHERE "issuedOn" BETWEEN ${f} AND ${t} GROUP BY 1
      ) x GROUP BY department`,
    jointStatistics(prisma, from, to),
    hallStatisticsByDepartment(prisma, from, to),
  ]);
  const followBy = new Map(follow.map((r) => [r.department, r]));
  const jointBy = new Map(joint.byDepartment.map((r) => [r.departmentCode, r]));
  const n = (v: bigint | number | null | undefined) => Number(v ?? 0);
  const departments = cases.map((r): DepartmentFigures => {
    const accepted = n(r.accepted);
    const concluded = n(r.concluded);
    const onTime = n(r.on_time);
    const online = n(r.online);
    const fu = followBy.get(r.department);
    const j = jointBy.get(r.department);
    const h = hall.get(r.department);
    return {
      departmentCode: r.department,
      departmentName: r.name,
      accepted,
      concluded,
      concludedOnTime: onTime,
      onTimeRate: concluded ? onTime / concluded : null,
      averageSpeedUp: r.speed_up ?? null,
      online,
      onlineRate: accepted ? online / accepted : null,
      fullyOnline: n(r.fully_online),
      overdue: n(r.late) + n(r.overdue_open),
      materialsExemptedBySharing: n(r.shared_materials),
      casesWithSharedMaterials: n(r.shared_cases),
      jointConcluded: j?.concluded ?? 0,
      jointDaysSaved: j?.daysSaved ?? 0,
      callbacks: n(fu?.callbacks),
      callbacksDone: n(fu?.callbacks_done),
      pushes: n(fu?.pushes),
      admonitions: n(fu?.admonitions),
      hall: {
        evaluations: h?.evaluations ?? 0,
        satisfactionRate: h?.satisfactionRate ?? null,
        complaints: h?.complaints ?? 0,
        complaintsAnsweredOnTime: h?.complaintsAnsweredOnTime ?? 0,
        complaintsOnTimeRate: h?.complaintsOnTimeRate ?? null,
        consultations: h?.consultations ?? 0,
        bookingSuccessRate: h?.bookingSuccessRate ?? null,
      },
    };
  });
  return { from, to, departments };
}

export interface MonthFigures {
  month: string;
  accepted: number;
  online: number;
  concluded: number;
  concludedOnTime: number;
}

/**
 * Accepted/online by acceptance month and concluded/on-time by conclusion month, for each month
 * between from and to. One statement: the rollup's days of the period grouped by month, joined to
 * the list of months.
 */
export async function monthlyTrend(
  prisma: PrismaClient,
  from: LocalDate,
  to: LocalDate,
  departmentCode: string | null = null,
): Promise<MonthFigures[]> {
  const dept = departmentCode ? Prisma.sql`AND "departmentCode" = ${departmentCode}` : Prisma.empty;
  const f = fromLocal(from);
  const t = fromLocal(to);
  const rows = await prisma.$queryRaw<
    {
      month: string;
      accepted: bigint | null;
      online: bigint | null;
      concluded: bigint | null;
      on_time: bigint | null;
    }[]
  >`
    WITH months AS (
      SELECT m::date AS m FROM generate_series(date_trunc('month', ${f}::date), ${t}::date, interval '1 month') AS m
    ), r AS (
      SELECT date_trunc('month', day)::date AS m, sum(accepted) AS accepted, sum(online) AS online,
             sum(concluded) AS concluded, sum("concludedOnTime") AS on_time
      FROM "CaseDailyRollup" WHERE day BETWEEN ${f} AND ${t} ${dept} GROUP BY 1
    )
    SELECT to_char(months.m, 'YYYY-MM') AS month, r.accepted, r.online, r.concluded, r.on_time
    FROM months LEFT JOIN r ON r.m = months.m
    ORDER BY months.m`;
  return rows.map((r) => ({
    month: r.month,
    accepted: Number(r.accepted ?? 0n),
    online: Number(r.online ?? 0n),
    concluded: Number(r.concluded ?? 0n),
    concludedOnTime: Number(r.on_time ?? 0n),
  }));
}

const CSV_HEADER = [
  '部门代码',
  '部门',
  '受理',
  '办结',
  '按时办结',
  '按时办结率',
  '平均提速',
  '网办',
  '网办率',
  '全程网办',
  '超期',
  '并联办结',
  '并联节省工作日',
  '回访',
  '已回访',
  '精准推送',
  '督办',
  '评价',
  '满意率',
  '投诉',
  '投诉按时答复',
  '投诉按时答复率',
  '咨询',
  '预约履约率',
];

const pct = (v: number | null) => (v === null ? '' : (v * 100).toFixed(2));
const cell = (v: string | number) => {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** The report as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese headers). */
export function reportCsv(r: SupervisionReport): string {
  const lines = r.departments.map((d) =>
    [
      d.departmentCode,
      d.departmentName,
      d.accepted,
      d.concluded,
      d.concludedOnTime,
      pct(d.onTimeRate),
      pct(d.averageSpeedUp),
      d.online,
      pct(d.onlineRate),
      d.fullyOnline,
      d.overdue,
      d.jointConcluded,
      d.jointDaysSaved,
      d.callbacks,
      d.callbacksDone,
      d.pushes,
      d.admonitions,
      d.hall.evaluations,
      pct(d.hall.satisfactionRate),
      d.hall.complaints,
      d.hall.complaintsAnsweredOnTime,
      pct(d.hall.complaintsOnTimeRate),
      d.hall.consultations,
      pct(d.hall.bookingSuccessRate),
    ]
      .map(cell)
      .join(','),
  );
  return `\uFEFF${[CSV_HEADER.join(','), ...lines].join('\r\n')}\r\n`;
}
