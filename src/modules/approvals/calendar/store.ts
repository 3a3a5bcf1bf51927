/**
 * The working-day calendar as the hub uses it: the holiday source (published arrangements over the
 * statutory holidays computed for every year) plus the administrator's overrides (CalendarOverride
 * rows), and conversions between database dates (UTC-midnight Date values of @db.Date columns) and
 * Shanghai calendar days.
 */
import type { PrismaClient } from '../../../generated/prisma/client.js';
import type { BaseContext } from '../../../platform/context.js';
import { badInput } from '../../../platform/errors.js';
import { chinaHolidaySource, isLocalDate, shanghaiDate, WorkingCalendar, type LocalDate } from './calendar.js';

export type { LocalDate };
export { shanghaiDate };

/** A @db.Date value as the calendar day it stores. */
export function toLocal(d: Date): LocalDate {
  return d.toISOString().slice(0, 10);
}

/** A calendar day as the value of a @db.Date column. */
export function fromLocal(d: LocalDate): Date {
  return new Date(`${d}T00:00:00.000Z`);
}

/** Today in Asia/Shanghai. */
export function shanghaiToday(now: Date = new Date()): LocalDate {
  return shanghaiDate(now);
}

const source = chinaHolidaySource();

/** Builds the calendar from the holiday source and the current overrides. */
export async function loadWorkingCalendar(prisma: Pick<PrismaClient, 'calendarOverride'>): Promise<WorkingCalendar> {
  const rows = await prisma.calendarOverride.findMany({ orderBy: { date: 'asc' } });
  return new WorkingCalendar({
    source,
    overrides: rows.map((r) => ({ date: toLocal(r.date), kind: r.kind, ...(r.name ? { name: r.name } : {}) })),
  });
}

export interface CalendarDay {
  date: LocalDate;
  working: boolean;
  name: string | null;
  overridden: boolean;
  /**
   * Whether the published arrangements or an override know this day's year; when false the statutory
   * holidays are still off, but bridging days and adjusted working days (调休) are unknown.
   */
  covered: boolean;
}

/** The days from..to (at most 366) as the calendar sees them. */
export async function calendarDays(ctx: BaseContext, from: LocalDate, to: LocalDate): Promise<CalendarDay[]> {
  if (!isLocalDate(from) || !isLocalDate(to) || to < from) throw badInput('Give from <= to as YYYY-MM-DD dates');
  const span = (fromLocal(to).getTime() - fromLocal(from).getTime()) / 86_400_000;
  if (span > 366) throw badInput('Ask for at most 366 days at a time');
  const calendar = await loadWorkingCalendar(ctx.prisma);
  const overrides = new Set(
    (await ctx.prisma.calendarOverride.findMany({ where: { date: { gte: fromLocal(from), lte: fromLocal(to) } } })).map(
      (o) => toLocal(o.date),
    ),
  );
  const out: CalendarDay[] = [];
  for (let i = 0; i <= span; i++) {
    const date = toLocal(new Date(fromLocal(from).getTime() + i * 86_400_000));
    out.push({
      date,
      working: calendar.isWorkingDay(date),
      name: calendar.holidayName(date),
      overridden: overrides.has(date),
      covered: calendar.isCovered(date),
    });
  }
  return out;
}
