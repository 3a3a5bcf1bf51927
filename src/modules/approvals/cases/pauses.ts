/**
 * Clock-stopping pauses of an accepted case: special stages (hearing, inspection, testing, expert
 * review), supplementing (补正) limited to the one-time notice, resuming with a moved deadline,
 * and the arrival of supplemented materials, which accepts a SUBMITTED case or ends the pause.
 */
import type { Case, ServiceItem } from '../../../generated/prisma/client.js';
import type { PauseKind } from '../../../generated/prisma/enums.js';
import { assertScope, hasScope } from '../../../platform/auth/caller.js';
import type { BaseContext } from '../../../platform/context.js';
import { badInput, conflict, hubError } from '../../../platform/errors.js';
import type { WorkingCalendar } from '../calendar/calendar.js';
import { fromLocal, loadWorkingCalendar, shanghaiToday } from '../calendar/store.js';
import { materialsReceived, oneTimeNotice, type MaterialRef } from './json.js';
import { outstandingOf } from './materials.js';
import { PAUSABLE_STATES, SPECIAL_STAGE_KINDS } from './lifecycle.js';
import {
  acceptedOnOf,
  actorOf,
  assertDepartment,
  forHandling,
  loadCase,
  messagePrefix,
  notifyApplicant,
  pausesOf,
  refused,
  requireReason,
  updateIfUnchanged,
  type CaseWithItem,
  type SystemCaller,
  type Tx,
} from './shared.js';
import { recordAcceptance } from './submit.js';

const PAUSE_LABEL: Record<PauseKind, string> = {
  HEARING: '听证',
  SITE_INSPECTION: '现场勘察',
  TESTING: '检验检测',
  EXPERT_REVIEW: '专家评审',
  SUPPLEMENTING: '补正材料',
  OTHER: '特殊环节',
};

/** Stops the clock for a special stage listed on the item (hearing, inspection, testing, expert review) or OTHER. */
export async function pauseCase(
  ctx: BaseContext,
  id: string,
  kind: Exclude<PauseKind, 'SUPPLEMENTING'>,
  reason: string,
  expectedDays?: number | null,
): Promise<Case> {
  const { caller, c } = await forHandling(ctx, id);
  const why = requireReason(reason, true);
  if (SPECIAL_STAGE_KINDS.includes(kind) && !c.item.specialStages.includes(kind)) {
    throw conflict(
      `${c.item.name} has no ${kind} stage in the catalogue (its special stages: ${c.item.specialStages.join(', ') || 'none'})`,
      {
        caseId: c.id,
        reason: 'STAGE_NOT_IN_CATALOGUE',
      },
    );
  }
  if (expectedDays != null && (expectedDays < 1 || !Number.isInteger(expectedDays)))
    throw badInput('expectedDays must be a positive whole number');
  return startPause(ctx, caller, c, kind, why, expectedDays ?? null);
}

/**
 * Asks the applicant to supplement materials after acceptance (补正); the clock stops. Only
 * materials on the case's one-time notice may be asked for: anything else is refused.
 */
export async function requestSupplement(ctx: BaseContext, id: string, codes: string[], reason: string): Promise<Case> {
  const { caller, c } = await forHandling(ctx, id);
  const why = requireReason(reason, true);
  if (codes.length === 0)
    throw badInput('List the materials to supplement', {
      problems: [{ field: 'materials', message: 'must not be empty' }],
    });
  const notice = oneTimeNotice(c);
  const outside = codes.filter((code) => !notice.some((m) => m.code === code));
  if (outside.length > 0) {
    throw hubError(
      'CONFLICT',
      `The one-time notice (一次性告知) of case ${c.receiptNumber} did not list ${outside.join(', ')}; materials not on it cannot be asked for later`,
      { caseId: c.id, reason: 'NOT_IN_ONE_TIME_NOTICE', notInNotice: outside, notice: notice.map((m) => m.code) },
    );
  }
  const names = notice.filter((m) => codes.includes(m.code)).map((m) => m.name);
  return startPause(ctx, caller, c, 'SUPPLEMENTING', `${why}（补正：${names.join('、')}）`, null);
}

async function startPause(
  ctx: BaseContext,
  caller: SystemCaller,
  c: CaseWithItem,
  kind: PauseKind,
  reason: string,
  expectedDays: number | null,
): Promise<Case> {
  if (!PAUSABLE_STATES.includes(c.state)) refused(c, 'PAUSED', PAUSABLE_STATES);
  if (c.pausedSince)
    refused(c, 'PAUSED', PAUSABLE_STATES, `Case ${c.receiptNumber} is already paused (${c.pauseKind})`);
  const now = new Date();
  const today = shanghaiToday(now);
  const updated = await ctx.prisma.$transaction(async (tx) => {
    const u = await updateIfUnchanged(tx, c, { pausedSince: fromLocal(today), pauseKind: kind });
    await tx.casePause.create({ data: { caseId: c.id, kind, fromDate: fromLocal(today), reason } });
    await tx.caseEvent.create({
      data: {
        caseId: c.id,
        action: 'PAUSED',
        fromState: c.state,
        toState: c.state,
        reason: `${kind}: ${reason}`,
        ...actorOf(caller),
        occurredAt: now,
      },
    });
    const how = expectedDays ? `，预计${expectedDays}个工作日` : '';
    await notifyApplicant(
      tx,
      ctx,
      u,
      'PAUSED',
      `${messagePrefix(c.item.name)}（受理编号${c.receiptNumber}）进入${PAUSE_LABEL[kind]}环节${how}：${reason}。该时间不计入办理时限。`,
      { stage: kind, expectedDays },
    );
    return u;
  });
  ctx.logger.info({ caseId: c.id, kind, system: caller.systemName }, 'case paused');
  return updated;
}

/** Closes the open pause today and moves the deadline by the working days it took. */
async function endPause(
  tx: Tx,
  ctx: BaseContext,
  c: Case,
  item: ServiceItem,
  calendar: WorkingCalendar,
  now: Date,
  caller: SystemCaller,
  reason: string,
): Promise<Case> {
  await tx.casePause.updateMany({
    where: { caseId: c.id, toDate: null },
    data: { toDate: fromLocal(shanghaiToday(now)) },
  });
  const pauses = pausesOf(await tx.casePause.findMany({ where: { caseId: c.id } }));
  const deadline = calendar.deadline({ acceptedOn: acceptedOnOf(c), limit: c.limitDays, pauses });
  const u = await updateIfUnchanged(tx, c, { pausedSince: null, pauseKind: null, deadline: fromLocal(deadline) });
  await tx.caseEvent.create({
    data: {
      caseId: c.id,
      action: 'RESUMED',
      fromState: c.state,
      toState: c.state,
      reason,
      ...actorOf(caller),
      occurredAt: now,
    },
  });
  await notifyApplicant(
    tx,
    ctx,
    u,
    'RESUMED',
    `${messagePrefix(item.name)}（受理编号${c.receiptNumber}）已恢复办理，办理期限至${deadline}。`,
    { deadline },
  );
  return u;
}

/** Restarts the clock; the deadline moves by the working days the pause took. */
export async function resumeCase(ctx: BaseContext, id: string, reason: string): Promise<Case> {
  const { caller, c } = await forHandling(ctx, id);
  const why = requireReason(reason, true);
  if (!c.pausedSince) refused(c, 'RESUMED', [], `Case ${c.receiptNumber} is not paused`);
  const calendar = await loadWorkingCalendar(ctx.prisma);
  const now = new Date();
  return ctx.prisma.$transaction((tx) => endPause(tx, ctx, c, c.item, calendar, now, caller, why));
}

/** A window (case:accept) or the case's department (case:handle) records materials of a case waiting for them. */
async function forSupplementing(ctx: BaseContext, id: string): Promise<{ caller: SystemCaller; c: CaseWithItem }> {
  const window = hasScope(ctx.caller, 'case:accept');
  assertScope(ctx.caller, window ? 'case:accept' : 'case:handle');
  const caller = ctx.caller;
  const c = await loadCase(ctx, id);
  if (!window) assertDepartment(caller, c);
  const supplementing = c.state !== 'SUBMITTED' && c.pauseKind === 'SUPPLEMENTING' && c.pausedSince !== null;
  if (c.state !== 'SUBMITTED' && !supplementing) {
    refused(c, 'SUPPLEMENTED', ['SUBMITTED'], `Case ${c.receiptNumber} (${c.state}) is not waiting for materials`);
  }
  return { caller, c };
}

/** The case's received materials with these added; only materials of the notice are taken. */
function withSupplemented(
  c: Case,
  materials: { code: string; copies?: number | null }[],
): { received: MaterialRef[]; outstanding: MaterialRef[] } {
  if (materials.length === 0)
    throw badInput('List the materials received', { problems: [{ field: 'materials', message: 'must not be empty' }] });
  const notice = oneTimeNotice(c);
  const byCode = new Map(notice.map((m) => [m.code, m]));
  const outside = materials.filter((m) => !byCode.has(m.code)).map((m) => m.code);
  if (outside.length > 0) {
    throw badInput(`Not on the one-time notice of case ${c.receiptNumber}: ${outside.join(', ')}`, {
      reason: 'NOT_IN_ONE_TIME_NOTICE',
      notInNotice: outside,
      problems: outside.map((code) => ({ field: 'materials', message: `${code} was not asked for` })),
    });
  }
  const received = new Map(materialsReceived(c).map((m) => [m.code, m]));
  for (const m of materials) {
    const asked = byCode.get(m.code);
    if (!asked) continue; // refused above
    const copies = (received.get(m.code)?.copies ?? 0) + (m.copies ?? asked.copies);
    received.set(m.code, { code: m.code, name: asked.name, copies });
  }
  const list = [...received.values()];
  return { received: list, outstanding: outstandingOf(notice, list) };
}

/**
 * Records supplemented materials. On a SUBMITTED case only materials of its one-time notice are
 * taken, and the case is accepted once none is outstanding. During a SUPPLEMENTING pause the
 * clock restarts when the materials arrive.
 */
export async function supplementMaterials(
  ctx: BaseContext,
  id: string,
  materials: { code: string; copies?: number | null }[],
): Promise<Case> {
  const { caller, c } = await forSupplementing(ctx, id);
  const { received, outstanding } = withSupplemented(c, materials);
  const now = new Date();
  const today = shanghaiToday(now);
  const calendar = await loadWorkingCalendar(ctx.prisma);
  const accepting = c.state === 'SUBMITTED' && outstanding.length === 0;
  return ctx.prisma.$transaction(async (tx) => {
    await tx.caseEvent.create({
      data: {
        caseId: c.id,
        action: 'SUPPLEMENTED',
        fromState: c.state,
        toState: accepting ? 'ACCEPTED' : c.state,
        reason: `补正材料：${materials.map((m) => m.code).join(', ')}`,
        ...actorOf(caller),
        occurredAt: now,
      },
    });
    if (c.state === 'SUBMITTED') {
      if (!accepting) return updateIfUnchanged(tx, c, { materialsReceived: received });
      const accepted = await updateIfUnchanged(tx, c, {
        materialsReceived: received,
        state: 'ACCEPTED',
        acceptedAt: now,
        acceptedOn: fromLocal(today),
        deadline: fromLocal(calendar.deadline({ acceptedOn: today, limit: c.limitDays })),
      });
      await recordAcceptance(tx, ctx, accepted, c.item, now, caller);
      return accepted;
    }
    const withMaterials = await updateIfUnchanged(tx, c, { materialsReceived: received });
    return endPause(tx, ctx, withMaterials, c.item, calendar, now, caller, '补正材料已收到，恢复计时');
  });
}
