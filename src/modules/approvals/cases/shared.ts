/**
 * What every case write shares: loading a case for its department, the conditional update, the
 * refusal of a move the state does not allow, the case clock, and the applicant's notification.
 */
import { isUuid } from '../../../platform/ids.js';
import type { Prisma, Case, ServiceItem } from '../../../generated/prisma/client.js';
import type { CaseState } from '../../../generated/prisma/enums.js';
import { assertScope, type Caller } from '../../../platform/auth/caller.js';
import type { BaseContext } from '../../../platform/context.js';
import { badInput, conflict, forbidden, isUniqueViolation, notFound } from '../../../platform/errors.js';
import type { Pause, WorkingCalendar } from '../calendar/calendar.js';
import { shanghaiToday, toLocal, type LocalDate } from '../calendar/store.js';
import { enqueueNotification, progressUrl, type NotificationKind } from '../notifications/outbox.js';
import { OPEN_STATES } from './lifecycle.js';
import { clockState, type ClockState } from './traffic-light.js';

export type Tx = Prisma.TransactionClient;
export type SystemCaller = Extract<Caller, { kind: 'system' }>;
export type CaseWithItem = Case & { item: ServiceItem };

/** Who did it, as the CaseEvent row records it (no system: the applicant, online in the hall). */
export function actorOf(caller: SystemCaller | null) {
  return { actorSystemId: caller?.systemId ?? null, actorDepartmentCode: caller?.departmentCode ?? null };
}

/** Closed and open pauses of a case as the calendar reads them. */
export function pausesOf(rows: { fromDate: Date; toDate: Date | null }[]): Pause[] {
  return rows.map((p) => ({ from: toLocal(p.fromDate), to: p.toDate ? toLocal(p.toDate) : null }));
}

/** Deadline, days left and light of an open accepted case today; null for others. */
export function caseClock(
  calendar: WorkingCalendar,
  c: Pick<Case, 'state' | 'acceptedOn' | 'limitDays'>,
  pauses: Pause[],
  ctx: Pick<BaseContext, 'config'>,
  today: LocalDate = shanghaiToday(),
): ClockState | null {
  if (!c.acceptedOn || !OPEN_STATES.includes(c.state)) return null;
  return clockState(
    calendar,
    { acceptedOn: toLocal(c.acceptedOn), limitDays: c.limitDays, pauses },
    today,
    ctx.config.trafficLight,
  );
}

/** The day an accepted case's clock started; a case without one was never accepted. */
export function acceptedOnOf(c: Pick<Case, 'id' | 'receiptNumber' | 'acceptedOn'>): LocalDate {
  // Only accepted cases reach the writes that call this (their states are all after ACCEPTED).
  if (!c.acceptedOn) throw conflict(`Case ${c.receiptNumber} has not been accepted`, { caseId: c.id });
  return toLocal(c.acceptedOn);
}

/** The opening words of every message to the applicant. */
export function messagePrefix(itemName: string): string {
  return `【海珠区政务服务】您申请的“${itemName}”`;
}

/** Queues a message to the applicant (with the progress link) in the case change's transaction. */
export async function notifyApplicant(
  tx: Tx,
  ctx: Pick<BaseContext, 'config'>,
  c: Pick<Case, 'id' | 'receiptNumber' | 'verificationCode' | 'applicantPhone'>,
  kind: NotificationKind,
  text: string,
  extra: Record<string, unknown> = {},
): Promise<void> {
  if (!c.applicantPhone) return;
  const url = progressUrl(ctx.config.publicUrl, c.receiptNumber, c.verificationCode);
  await enqueueNotification(tx, {
    caseId: c.id,
    kind,
    audience: 'APPLICANT',
    recipient: c.applicantPhone,
    payload: { text: `${text} 查询进度：${url}`, receiptNumber: c.receiptNumber, progressUrl: url, ...extra },
  });
}

export async function loadCase(ctx: BaseContext, id: string): Promise<CaseWithItem> {
  const c = isUuid(id) ? await ctx.prisma.case.findUnique({ where: { id }, include: { item: true } }) : null;
  if (!c) throw notFound(`No case has the id ${id}`, { caseId: id });
  return c;
}

export function assertDepartment(caller: SystemCaller, c: Case): void {
  if (caller.departmentCode !== c.departmentCode) {
    throw forbidden(
      `Case ${c.receiptNumber} is handled by department ${c.departmentCode}; the key of "${caller.systemName}" is of ${caller.departmentCode}`,
      {
        requiredDepartment: c.departmentCode,
      },
    );
  }
}

/** A case handled by the caller's department (case:handle). */
export async function forHandling(ctx: BaseContext, id: string): Promise<{ caller: SystemCaller; c: CaseWithItem }> {
  assertScope(ctx.caller, 'case:handle');
  const caller = ctx.caller;
  const c = await loadCase(ctx, id);
  assertDepartment(caller, c);
  return { caller, c };
}

/** The trimmed reason; an empty one is refused when the action needs it. */
export function requireReason(reason: string | null | undefined, needed: true): string;
export function requireReason(reason: string | null | undefined, needed: boolean): string | null;
export function requireReason(reason: string | null | undefined, needed: boolean): string | null {
  const r = reason?.trim() || null;
  if (needed && !r)
    throw badInput('Say why (reason must not be empty)', {
      problems: [{ field: 'reason', message: 'must not be empty' }],
    });
  return r;
}

export function refused(c: Case, action: string, allowed: CaseState[], why?: string): never {
  throw conflict(
    why ??
      `A case in state ${c.state} cannot be ${action.toLowerCase()} (allowed from ${allowed.length ? allowed.join(' or ') : 'no state for this item'})`,
    { caseId: c.id, currentState: c.state, allowedFrom: allowed, action },
  );
}

/** The conditional update every write makes: nothing is written when the case moved meanwhile. */
export async function updateIfUnchanged(tx: Tx, c: Case, data: Prisma.CaseUpdateManyMutationInput): Promise<Case> {
  const { count } = await tx.case.updateMany({
    where: { id: c.id, revision: c.revision, state: c.state },
    data: { ...data, revision: { increment: 1 } },
  });
  if (count === 0) throw conflict(`Case ${c.receiptNumber} changed meanwhile; reload and retry`, { caseId: c.id });
  return tx.case.findUniqueOrThrow({ where: { id: c.id } });
}

/** Runs `write` again (at most `retries` times) when it hits a unique index: a generated number collided. */
export async function retryOnUniqueViolation<T>(retries: number, write: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (isUniqueViolation(err) && attempt < retries) continue;
      throw err;
    }
  }
}
