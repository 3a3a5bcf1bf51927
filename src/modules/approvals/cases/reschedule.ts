/**
 * Calendar corrections: an administrator's override of a day (holiday or working day) moves the
 * deadlines of the open cases computed with the old calendar, so both live here, above the
 * calendar store and beside the cases they move.
 */
import { assertScope } from '../../../platform/auth/caller.js';
import type { BaseContext } from '../../../platform/context.js';
import { badInput } from '../../../platform/errors.js';
import { isLocalDate } from '../calendar/calendar.js';
import { fromLocal, loadWorkingCalendar, shanghaiToday, toLocal, type LocalDate } from '../calendar/store.js';
import { OPEN_STATES } from './lifecycle.js';
import { pausesOf } from './shared.js';

/**
 * After a calendar correction: recomputes the stored deadline of every open, running case whose
 * deadline is on or after the corrected day.
 */
export async function rescheduleOpenCases(ctx: Pick<BaseContext, 'prisma'>, from: LocalDate): Promise<number> {
  const calendar = await loadWorkingCalendar(ctx.prisma);
  const open = await ctx.prisma.case.findMany({
    where: { state: { in: OPEN_STATES }, acceptedOn: { not: null }, deadline: { gte: fromLocal(from) } },
    select: {
      id: true,
      acceptedOn: true,
      limitDays: true,
      deadline: true,
      pausedSince: true,
      pauses: { select: { fromDate: true, toDate: true } },
    },
  });
  const today = shanghaiToday();
  let changed = 0;
  for (const c of open) {
    if (!c.acceptedOn) continue; // excluded by the query; this tells the type checker
    const deadline = calendar.deadline({
      acceptedOn: toLocal(c.acceptedOn),
      limit: c.limitDays,
      pauses: pausesOf(c.pauses),
      asOf: today,
    });
    if (c.deadline && toLocal(c.deadline) === deadline) continue;
    await ctx.prisma.case.updateMany({ where: { id: c.id }, data: { deadline: fromLocal(deadline) } });
    changed += 1;
  }
  return changed;
}

/**
 * Sets (kind given) or removes (kind null) an administrator's override of one day, then moves the
 * deadlines of open cases, which were computed with the old calendar.
 */
export async function setCalendarOverride(
  ctx: BaseContext,
  date: LocalDate,
  kind: 'HOLIDAY' | 'WORKDAY' | null,
  name: string | null,
): Promise<{ date: LocalDate; kind: 'HOLIDAY' | 'WORKDAY' | null; name: string | null; casesRescheduled: number }> {
  assertScope(ctx.caller, 'calendar:admin');
  if (!isLocalDate(date)) throw badInput(`"${String(date)}" is not a calendar date (YYYY-MM-DD)`);
  if (kind === null) await ctx.prisma.calendarOverride.deleteMany({ where: { date: fromLocal(date) } });
  else {
    const data = { kind, name: name?.trim() || null };
    await ctx.prisma.calendarOverride.upsert({
      where: { date: fromLocal(date) },
      create: { date: fromLocal(date), ...data },
      update: data,
    });
  }
  const casesRescheduled = await rescheduleOpenCases(ctx, date);
  ctx.logger.info(
    { date, kind, system: ctx.caller.kind === 'system' ? ctx.caller.systemName : null, casesRescheduled },
    'calendar override changed',
  );
  return { date, kind, name: kind === null ? null : name?.trim() || null, casesRescheduled };
}
