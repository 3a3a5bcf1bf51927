/**
 * Administrator overrides of the working-day calendar. A change moves the deadlines of the open
 * cases computed with the old calendar, so this sits above both the calendar store and cases.
 */
import { assertScope } from '../../../platform/auth/caller.js';
import type { BaseContext } from '../../../platform/context.js';
import { badInput } from '../../../platform/errors.js';
import { rescheduleOpenCases } from '../cases/cases.js';
import { isLocalDate, type LocalDate } from './calendar.js';
import { fromLocal } from './store.js';

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
  if (!isLocalDate(date)) throw badInput(`"${date}" is not a calendar date (YYYY-MM-DD)`);
  if (kind === null) await ctx.prisma.calendarOverride.deleteMany({ where: { date: fromLocal(date) } });
  else {
    const data = { kind, name: name?.trim() || null };
    await ctx.prisma.calendarOverride.upsert({ where: { date: fromLocal(date) }, create: { date: fromLocal(date), ...data }, update: data });
  }
  const casesRescheduled = await rescheduleOpenCases(ctx, date);
  ctx.logger.info({ date, kind, system: ctx.caller.kind === 'system' ? ctx.caller.systemName : null, casesRescheduled }, 'calendar override changed');
  return { date, kind, name: kind === null ? null : name?.trim() || null, casesRescheduled };
}
