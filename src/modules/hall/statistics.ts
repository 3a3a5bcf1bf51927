/**
 * Hall statistics over a period (Asia/Shanghai days, inclusive), per department or for all: one
 * set of definitions (in the schema docs of HallStatistics), computed by three grouped statements
 * whatever the number of departments, so supervision reports use exactly the same figures.
 */
import type { PrismaClient } from '../../generated/prisma/client.js';
import { fromLocal, shanghaiToday, type LocalDate } from '../approvals/index.js';

export interface HallStatistics {
  evaluations: number;
  averageStars: number | null;
  satisfactionRate: number | null;
  lowScores: number;
  followUpsOpen: number;
  complaints: number;
  complaintsAnswered: number;
  complaintsAnsweredOnTime: number;
  complaintsOnTimeRate: number | null;
  consultations: number;
  consultationsAnswered: number;
  bookings: number;
  bookingsCancelled: number;
  bookingsKept: number;
  bookingSuccessRate: number | null;
}

/** The counts behind the figures of one department; rates are derived from sums of these. */
interface Counts {
  evaluations: number;
  stars: number;
  satisfied: number;
  lowScores: number;
  followUpsOpen: number;
  complaints: number;
  complaintsAnswered: number;
  complaintsAnsweredOnTime: number;
  /** Complaints answered, or unanswered past their due day: those that could be on time. */
  complaintsJudged: number;
  consultations: number;
  consultationsAnswered: number;
  bookings: number;
  bookingsCancelled: number;
  bookingsKept: number;
  /** Bookings not cancelled whose day has passed: those that could have been kept. */
  bookingsHeld: number;
}

const ZERO: Counts = {
  evaluations: 0,
  stars: 0,
  satisfied: 0,
  lowScores: 0,
  followUpsOpen: 0,
  complaints: 0,
  complaintsAnswered: 0,
  complaintsAnsweredOnTime: 0,
  complaintsJudged: 0,
  consultations: 0,
  consultationsAnswered: 0,
  bookings: 0,
  bookingsCancelled: 0,
  bookingsKept: 0,
  bookingsHeld: 0,
};

const rate = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 10000) / 10000);

function figures(c: Counts): HallStatistics {
  return {
    evaluations: c.evaluations,
    averageStars: c.evaluations ? Math.round((c.stars / c.evaluations) * 100) / 100 : null,
    satisfactionRate: rate(c.satisfied, c.evaluations),
    lowScores: c.lowScores,
    followUpsOpen: c.followUpsOpen,
    complaints: c.complaints,
    complaintsAnswered: c.complaintsAnswered,
    complaintsAnsweredOnTime: c.complaintsAnsweredOnTime,
    complaintsOnTimeRate: rate(c.complaintsAnsweredOnTime, c.complaintsJudged),
    consultations: c.consultations,
    consultationsAnswered: c.consultationsAnswered,
    bookings: c.bookings,
    bookingsCancelled: c.bookingsCancelled,
    bookingsKept: c.bookingsKept,
    bookingSuccessRate: rate(c.bookingsKept, c.bookingsHeld),
  };
}

type Row = { department: string } & { [K in keyof Counts]?: bigint | number | null };

/** The counts of every department with hall activity in the period. */
async function countsByDepartment(
  prisma: PrismaClient,
  from: LocalDate,
  to: LocalDate,
  now: Date,
): Promise<Map<string, Counts>> {
  const start = fromLocal(from);
  // `to` inclusive: evaluations and tickets are instants, so up to the start of the next day.
  const end = new Date(fromLocal(to).getTime() + 86_400_000);
  const today = fromLocal(shanghaiToday(now));
  const [evals, tickets, bookings] = await Promise.all([
    prisma.$queryRaw<Row[]>`
      SELECT "departmentCode" AS department, count(*) AS "evaluations", coalesce(sum(stars), 0) AS "stars",
        count(*) FILTER (WHERE stars >= 4) AS "satisfied",
        count(*) FILTER (WHERE "followUp") AS "lowScores",
        count(*) FILTER (WHERE "followUp" AND "followUpClosedAt" IS NULL) AS "followUpsOpen"
      FROM "Evaluation" WHERE "createdAt" >= ${start} AND "createdAt" < ${end} GROUP BY 1`,
    prisma.$queryRaw<Row[]>`
      SELECT "departmentCode" AS department,
        count(*) FILTER (WHERE kind = 'COMPLAINT') AS "complaints",
        count(*) FILTER (WHERE kind = 'COMPLAINT' AND "answeredOn" IS NOT NULL) AS "complaintsAnswered",
        count(*) FILTER (WHERE kind = 'COMPLAINT' AND "answeredOn" <= "dueOn") AS "complaintsAnsweredOnTime",
        count(*) FILTER (WHERE kind = 'COMPLAINT' AND ("answeredOn" IS NOT NULL OR "dueOn" < ${today})) AS "complaintsJudged",
        count(*) FILTER (WHERE kind = 'CONSULTATION') AS "consultations",
        count(*) FILTER (WHERE kind = 'CONSULTATION' AND "answeredOn" IS NOT NULL) AS "consultationsAnswered"
      FROM "HallTicket" WHERE "createdAt" >= ${start} AND "createdAt" < ${end} GROUP BY 1`,
    prisma.$queryRaw<Row[]>`
      SELECT i."departmentCode" AS department,
        count(*) FILTER (WHERE b.status <> 'CANCELLED') AS "bookings",
        count(*) FILTER (WHERE b.status = 'CANCELLED') AS "bookingsCancelled",
        count(*) FILTER (WHERE b.status = 'KEPT') AS "bookingsKept",
        count(*) FILTER (WHERE b.status <> 'CANCELLED' AND s.day < ${today}) AS "bookingsHeld"
      FROM "Booking" b JOIN "BookingSlot" s ON s.id = b."slotId" JOIN "ServiceItem" i ON i.code = s."itemCode"
      WHERE s.day BETWEEN ${start} AND ${fromLocal(to)} GROUP BY 1`,
  ]);
  const out = new Map<string, Counts>();
  for (const row of [...evals, ...tickets, ...bookings]) {
    const c = out.get(row.department) ?? { ...ZERO };
    for (const k of Object.keys(ZERO) as (keyof Counts)[]) {
      const v = row[k];
      if (v !== undefined && v !== null) c[k] += Number(v);
    }
    out.set(row.department, c);
  }
  return out;
}

export async function hallStatistics(
  ctx: { prisma: PrismaClient },
  from: LocalDate,
  to: LocalDate,
  departmentCode: string | null,
  now = new Date(),
): Promise<HallStatistics> {
  const by = await countsByDepartment(ctx.prisma, from, to, now);
  const rows = departmentCode ? [by.get(departmentCode) ?? ZERO] : [...by.values()];
  const sum = { ...ZERO };
  for (const c of rows) for (const k of Object.keys(ZERO) as (keyof Counts)[]) sum[k] += c[k];
  return figures(sum);
}

/** The hall figures of every department with hall activity in the period (for supervision reports). */
export async function hallStatisticsByDepartment(
  prisma: PrismaClient,
  from: LocalDate,
  to: LocalDate,
  now = new Date(),
): Promise<Map<string, HallStatistics>> {
  const by = await countsByDepartment(prisma, from, to, now);
  return new Map([...by].map(([d, c]) => [d, figures(c)]));
}
