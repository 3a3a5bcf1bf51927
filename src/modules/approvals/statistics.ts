/**
 * Case statistics (the figures of the source report) as one SQL aggregate over Case, using the
 * columns stored at conclusion (usedWorkingDays, onTime) and at submission (channel,
 * fullyOnline), so a million cases need one scan and no per-case calendar work.
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
  /** Mean of 1 − used working days / statutory limit over concluded cases with a limit > 0. */
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
  accepted: bigint;
  concluded: bigint;
  on_time: bigint;
  speed_up: number | null;
  online: bigint;
  fully_online: bigint;
  overdue_concluded: bigint;
  overdue_open: bigint;
  shared_materials: bigint | null;
  shared_cases: bigint;
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
  if (f.departmentCode) filters.push(Prisma.sql`c."departmentCode" = ${f.departmentCode}`);
  if (f.itemCode) filters.push(Prisma.sql`c."itemCode" = ${f.itemCode}`);
  const where = filters.length ? Prisma.sql`AND ${Prisma.join(filters, ' AND ')}` : Prisma.empty;
  // The statutory limit comes from the (small) catalogue table; open-and-overdue uses the stored
  // deadline of running cases (a paused case's clock is stopped, so it is not counted as overdue).
  const [r] = await prisma.$queryRaw<Row[]>`
    SELECT
      count(*) FILTER (WHERE c."acceptedOn" BETWEEN ${from} AND ${to}) AS accepted,
      count(*) FILTER (WHERE c."acceptedOn" BETWEEN ${from} AND ${to} AND c.channel IN ('ONLINE', 'MOBILE')) AS online,
      count(*) FILTER (WHERE c."acceptedOn" BETWEEN ${from} AND ${to} AND c."fullyOnline") AS fully_online,
      sum(jsonb_array_length(c."sharedMaterials")) FILTER (WHERE c."acceptedOn" BETWEEN ${from} AND ${to})::bigint AS shared_materials,
      count(*) FILTER (WHERE c."acceptedOn" BETWEEN ${from} AND ${to} AND c."sharedMaterials" <> '[]'::jsonb) AS shared_cases,
      count(*) FILTER (WHERE c."concludedOn" BETWEEN ${from} AND ${to}) AS concluded,
      count(*) FILTER (WHERE c."concludedOn" BETWEEN ${from} AND ${to} AND c."onTime") AS on_time,
      count(*) FILTER (WHERE c."concludedOn" BETWEEN ${from} AND ${to} AND NOT c."onTime") AS overdue_concluded,
      count(*) FILTER (WHERE c."concludedOn" IS NULL AND c."acceptedOn" <= ${to} AND c."pausedSince" IS NULL AND c.deadline < ${asOf}) AS overdue_open,
      avg(1 - c."usedWorkingDays"::float8 / s."statutoryLimitDays")
        FILTER (WHERE c."concludedOn" BETWEEN ${from} AND ${to} AND s."statutoryLimitDays" > 0) AS speed_up
    FROM "Case" c JOIN "ServiceItem" s ON s.code = c."itemCode"
    WHERE (c."acceptedOn" <= ${to} AND (c."concludedOn" IS NULL OR c."concludedOn" >= ${from})) ${where}`;
  const n = (v: bigint | undefined) => Number(v ?? 0n);
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
    overdue: n(r?.overdue_concluded) + n(r?.overdue_open),
    materialsExemptedBySharing: n(r?.shared_materials ?? undefined),
    casesWithSharedMaterials: n(r?.shared_cases),
  };
}
