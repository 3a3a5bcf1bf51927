/**
 * Who may see a case and its applicant's personal data, a department's inbox (most urgent
 * first), and the public lookup by receipt number and verification code.
 */
import type { Case } from '../../../generated/prisma/client.js';
import type { CaseState } from '../../../generated/prisma/enums.js';
import { assertScope, hasScope, type Caller } from '../../../platform/auth/caller.js';
import type { BaseContext } from '../../../platform/context.js';
import { forbidden } from '../../../platform/errors.js';
import { loadWorkingCalendar, shanghaiToday } from '../calendar/store.js';
import { OPEN_STATES } from './lifecycle.js';
import { caseClock, pausesOf } from './shared.js';
import { codeMatches } from './receipt.js';
import type { ClockState } from './traffic-light.js';

/** Departments see their own cases (case:handle or case:read); windows (case:accept) see all. */
export function canSeeCase(caller: Caller, c: Pick<Case, 'departmentCode'>): boolean {
  if (caller.kind !== 'system') return false;
  if (hasScope(caller, 'case:accept')) return true;
  return (
    (hasScope(caller, 'case:handle') || hasScope(caller, 'case:read')) && caller.departmentCode === c.departmentCode
  );
}

/** The applicant's ID number and phone: case:read of the case's department only. */
export function canSeePersonalData(caller: Caller, c: Pick<Case, 'departmentCode'>): boolean {
  return hasScope(caller, 'case:read') && caller.kind === 'system' && caller.departmentCode === c.departmentCode;
}

export interface InboxEntry {
  case: Case;
  clock: ClockState | null;
}

/** A department's open cases, most urgent first: red, then fewest working days left. */
export async function departmentInbox(
  ctx: BaseContext,
  departmentCode: string | null | undefined,
  opts: { light?: 'GREEN' | 'YELLOW' | 'RED' | null; includeSubmitted?: boolean; limit: number; offset: number },
): Promise<{ entries: InboxEntry[]; total: number }> {
  const caller = ctx.caller;
  if (caller.kind !== 'system' || !(hasScope(caller, 'case:handle') || hasScope(caller, 'case:read'))) {
    assertScope(caller, 'case:handle');
  }
  const dept = departmentCode ?? caller.departmentCode;
  if (dept !== caller.departmentCode) {
    throw forbidden(
      `The inbox of department ${dept} is for its own systems; the key of "${caller.systemName}" is of ${caller.departmentCode}`,
      {
        requiredDepartment: dept,
      },
    );
  }
  const states: CaseState[] = opts.includeSubmitted ? ['SUBMITTED', ...OPEN_STATES] : OPEN_STATES;
  const rows = await ctx.prisma.case.findMany({
    where: { departmentCode: dept, state: { in: states } },
    include: { pauses: true },
  });
  const calendar = await loadWorkingCalendar(ctx.prisma);
  const today = shanghaiToday();
  const entries = rows
    .map(({ pauses, ...c }): InboxEntry => ({ case: c, clock: caseClock(calendar, c, pausesOf(pauses), ctx, today) }))
    .filter((e) => !opts.light || e.clock?.light === opts.light)
    .sort(
      (a, b) =>
        (a.clock?.remainingWorkingDays ?? Number.MAX_SAFE_INTEGER) -
          (b.clock?.remainingWorkingDays ?? Number.MAX_SAFE_INTEGER) ||
        a.case.submittedAt.getTime() - b.case.submittedAt.getTime(),
    );
  return { entries: entries.slice(opts.offset, opts.offset + opts.limit), total: entries.length };
}

/** A case by receipt number and verification code, for the public; null when either is wrong. */
export async function caseByReceiptAndCode(
  ctx: Pick<BaseContext, 'prisma'>,
  receipt: string,
  code: string,
): Promise<Case | null> {
  const c = await ctx.prisma.case.findUnique({ where: { receiptNumber: receipt.trim() } });
  return c && codeMatches(c.verificationCode, code) ? c : null;
}
