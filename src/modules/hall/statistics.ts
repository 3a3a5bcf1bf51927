/**
 * Hall statistics over a period (Asia/Shanghai days, inclusive), optionally for one department.
 * The definitions are in the schema docs of HallStatistics.
 */
import type { BaseContext } from '../../platform/context.js';
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

const rate = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 10000) / 10000);

export async function hallStatistics(
  ctx: Pick<BaseContext, 'prisma'>,
  from: LocalDate,
  to: LocalDate,
  departmentCode: string | null,
  now = new Date(),
): Promise<HallStatistics> {
  const p = ctx.prisma;
  const start = fromLocal(from);
  // `to` inclusive: up to the start of the next day in UTC terms of the stored instants.
  const end = new Date(fromLocal(to).getTime() + 86_400_000);
  const dept = departmentCode ? { departmentCode } : {};
  const evals = await p.evaluation.findMany({
    where: { ...dept, createdAt: { gte: start, lt: end } },
    select: { stars: true, followUp: true, followUpClosedAt: true },
  });
  const tickets = await p.hallTicket.findMany({
    where: { ...dept, createdAt: { gte: start, lt: end } },
    select: { kind: true, answeredOn: true, dueOn: true },
  });
  const slotWhere = {
    day: { gte: start, lte: fromLocal(to) },
    ...(departmentCode
      ? {
          itemCode: {
            in: (await p.serviceItem.findMany({ where: { departmentCode }, select: { code: true } })).map(
              (i) => i.code,
            ),
          },
        }
      : {}),
  };
  const bookings = await p.booking.findMany({
    where: { slot: slotWhere },
    select: { status: true, slot: { select: { day: true } } },
  });
  const today = fromLocal(shanghaiToday(now));
  const complaints = tickets.filter((t) => t.kind === 'COMPLAINT');
  const answered = complaints.filter((t) => t.answeredOn);
  const onTime = answered.filter((t) => t.answeredOn && t.answeredOn <= t.dueOn);
  // Complaints whose due day has passed or that are answered: the ones that could be on time.
  const judged = complaints.filter((t) => t.answeredOn || t.dueOn < today);
  const consultations = tickets.filter((t) => t.kind === 'CONSULTATION');
  const held = bookings.filter((b) => b.status !== 'CANCELLED' && b.slot.day < today);
  const kept = bookings.filter((b) => b.status === 'KEPT');
  const stars = evals.reduce((s, e) => s + e.stars, 0);
  return {
    evaluations: evals.length,
    averageStars: evals.length ? Math.round((stars / evals.length) * 100) / 100 : null,
    satisfactionRate: rate(evals.filter((e) => e.stars >= 4).length, evals.length),
    lowScores: evals.filter((e) => e.followUp).length,
    followUpsOpen: evals.filter((e) => e.followUp && !e.followUpClosedAt).length,
    complaints: complaints.length,
    complaintsAnswered: answered.length,
    complaintsAnsweredOnTime: onTime.length,
    complaintsOnTimeRate: rate(onTime.length, judged.length),
    consultations: consultations.length,
    consultationsAnswered: consultations.filter((t) => t.answeredOn).length,
    bookings: bookings.filter((b) => b.status !== 'CANCELLED').length,
    bookingsCancelled: bookings.filter((b) => b.status === 'CANCELLED').length,
    bookingsKept: kept.length,
    bookingSuccessRate: rate(kept.length, held.length),
  };
}
