/**
 * Acceptance under the Administrative Licensing Law art. 32: refusing to accept (不予受理) with a
 * written decision, the department's correction notice (补正告知) given once within five working
 * days of receipt, and deemed acceptance (逾期不告知的，自收到申请材料之日起即为受理) of a case whose
 * notice was deferred and never given.
 */
import type { Case } from '../../../generated/prisma/client.js';
import { assertScope, hasScope } from '../../../platform/auth/caller.js';
import type { BaseContext, Platform } from '../../../platform/context.js';
import { badInput, hubError } from '../../../platform/errors.js';
import type { WorkingCalendar } from '../calendar/calendar.js';
import { fromLocal, loadWorkingCalendar, shanghaiToday, type LocalDate } from '../calendar/store.js';
import { itemMaterials } from '../catalogue/catalogue.js';
import { materialsReceived, sharedMaterials, type MaterialRef } from './json.js';
import {
  actorOf,
  assertDepartment,
  loadCase,
  messagePrefix,
  notifyApplicant,
  refused,
  requireReason,
  updateIfUnchanged,
  type CaseWithItem,
  type SystemCaller,
} from './shared.js';

/** Working days after receipt within which the notice must be given (art. 32 (4)). */
export const NOTICE_PERIOD_WORKING_DAYS = 5;
/** The law's words, quoted in events and on the decision page. */
export const ART_32 = '《中华人民共和国行政许可法》第三十二条';

/** The day materials were received (Asia/Shanghai). */
export function receivedOn(c: Pick<Case, 'submittedAt'>): LocalDate {
  return shanghaiToday(c.submittedAt);
}

/** The last day on which the notice may be given: the fifth working day after receipt. */
export function noticeDeadline(calendar: WorkingCalendar, c: Pick<Case, 'submittedAt'>): LocalDate {
  return calendar.addWorkingDays(receivedOn(c), NOTICE_PERIOD_WORKING_DAYS);
}

/** A SUBMITTED case of the caller's department, for a window (case:accept) or the department (case:handle). */
async function forAcceptanceDecision(
  ctx: BaseContext,
  id: string,
  action: string,
): Promise<{ caller: SystemCaller; c: CaseWithItem }> {
  assertScope(ctx.caller, hasScope(ctx.caller, 'case:handle') ? 'case:handle' : 'case:accept');
  const caller = ctx.caller;
  const c = await loadCase(ctx, id);
  assertDepartment(caller, c);
  if (c.state !== 'SUBMITTED') refused(c, action, ['SUBMITTED']);
  return { caller, c };
}

/**
 * Refuses to accept (不予受理): the application is not within the department's remit or the
 * applicant is not entitled to it. A written decision with the reason, and the applicant's rights
 * of review and suit, is printed from the decision page.
 */
export async function refuseAcceptance(ctx: BaseContext, id: string, reason: string): Promise<Case> {
  const { caller, c } = await forAcceptanceDecision(ctx, id, 'NOT_ACCEPTED');
  const why = requireReason(reason, true);
  const now = new Date();
  const updated = await ctx.prisma.$transaction(async (tx) => {
    const u = await updateIfUnchanged(tx, c, { state: 'NOT_ACCEPTED', notAcceptedAt: now, notAcceptedReason: why });
    await tx.caseEvent.create({
      data: {
        caseId: c.id,
        action: 'NOT_ACCEPTED',
        fromState: 'SUBMITTED',
        toState: 'NOT_ACCEPTED',
        reason: why,
        ...actorOf(caller),
        occurredAt: now,
      },
    });
    await notifyApplicant(
      tx,
      ctx,
      u,
      'NOT_ACCEPTED',
      `${messagePrefix(c.item.name)}（受理编号${c.receiptNumber}）不予受理：${why}。书面决定可凭受理编号和查询码打印。`,
      {
        reason: why,
      },
    );
    return u;
  });
  ctx.logger.info({ caseId: c.id, system: caller.systemName }, 'case not accepted');
  return updated;
}

/** The materials a correction notice lists, checked against the item: every problem at once. */
function noticeList(c: CaseWithItem, materials: { code: string; copies?: number | null }[]): MaterialRef[] {
  if (materials.length === 0)
    throw badInput('List the materials to correct', {
      problems: [{ field: 'materials', message: 'must not be empty' }],
    });
  const byCode = new Map(itemMaterials(c.item).map((m) => [m.code, m]));
  const shared = new Set(sharedMaterials(c).map((m) => m.code));
  const problems: { field: string; message: string }[] = [];
  materials.forEach((m, i) => {
    if (!byCode.has(m.code))
      problems.push({ field: `materials[${i}].code`, message: `${m.code} is not a material of ${c.item.name}` });
    else if (shared.has(m.code))
      problems.push({
        field: `materials[${i}].code`,
        message: `${m.code} was taken from the libraries (免于提交): it cannot be asked for`,
      });
    else if (m.copies != null && m.copies < 1)
      problems.push({ field: `materials[${i}].copies`, message: 'must be at least 1' });
  });
  if (problems.length > 0)
    throw badInput(`Invalid correction notice: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, {
      problems,
    });
  return materials.map((m) => {
    const item = byCode.get(m.code);
    return { code: m.code, name: item?.name ?? m.code, copies: m.copies ?? item?.copies ?? 1 };
  });
}

/**
 * The department's correction notice (补正告知) for a case whose materials were taken without an
 * on-the-spot notice: once, within five working days of receipt, listing everything to correct.
 * Listed materials already handed in are counted again only when resubmitted.
 */
export async function issueCorrectionNotice(
  ctx: BaseContext,
  id: string,
  materials: { code: string; copies?: number | null }[],
  reason?: string | null,
): Promise<Case> {
  const { caller, c } = await forAcceptanceDecision(ctx, id, 'NOTICED');
  if (c.noticeIssuedAt) {
    throw hubError(
      'CONFLICT',
      `The notice of case ${c.receiptNumber} was already given; art. 32 allows one notice listing everything`,
      {
        caseId: c.id,
        reason: 'NOTICE_ALREADY_GIVEN',
        noticeIssuedAt: c.noticeIssuedAt.toISOString(),
      },
    );
  }
  const now = new Date();
  const last = noticeDeadline(await loadWorkingCalendar(ctx.prisma), c);
  if (shanghaiToday(now) > last) {
    throw hubError(
      'CONFLICT',
      `The notice of case ${c.receiptNumber} was due by ${last}; the case is accepted by law (${ART_32})`,
      {
        caseId: c.id,
        reason: 'NOTICE_PERIOD_OVER',
        noticeDue: last,
      },
    );
  }
  const notice = noticeList(c, materials);
  const listed = new Set(notice.map((m) => m.code));
  const kept = materialsReceived(c).filter((m) => !listed.has(m.code));
  const why = requireReason(reason, false);
  const updated = await ctx.prisma.$transaction(async (tx) => {
    const u = await updateIfUnchanged(tx, c, {
      missingMaterials: notice,
      materialsReceived: kept,
      noticeIssuedAt: now,
    });
    const text = notice.map((m, i) => `${i + 1}.${m.name}（${m.copies}份）`).join('；');
    await tx.caseEvent.create({
      data: {
        caseId: c.id,
        action: 'CORRECTION_NOTICE',
        fromState: 'SUBMITTED',
        toState: 'SUBMITTED',
        reason: `补正告知：${notice.map((m) => m.code).join(', ')}${why ? `（${why}）` : ''}`,
        ...actorOf(caller),
        occurredAt: now,
      },
    });
    await notifyApplicant(
      tx,
      ctx,
      u,
      'MATERIALS_MISSING',
      `${messagePrefix(c.item.name)}申请材料需补正，请一次性补齐以下材料：${text}。受理编号${c.receiptNumber}。`,
      { missing: notice },
    );
    return u;
  });
  ctx.logger.info({ caseId: c.id, materials: notice.length, system: caller.systemName }, 'correction notice issued');
  return updated;
}

/**
 * Deems accepted every case whose materials were taken for checking (notice DEFERRED) and whose
 * notice was not given by the fifth working day after receipt: accepted as of the day of receipt,
 * its clock counted from then (art. 32 (4)). `now` is a parameter so a test controls the clock.
 */
export async function deemOverdueAcceptances(
  platform: Pick<Platform, 'prisma' | 'config' | 'logger'>,
  now: Date = new Date(),
): Promise<number> {
  const { prisma } = platform;
  const calendar = await loadWorkingCalendar(prisma);
  const today = shanghaiToday(now);
  const owing = await prisma.case.findMany({
    where: { state: 'SUBMITTED', noticeDeferred: true, noticeIssuedAt: null },
    include: { item: true },
  });
  let deemed = 0;
  for (const c of owing) {
    if (today <= noticeDeadline(calendar, c)) continue;
    const day = receivedOn(c);
    const deadline = calendar.deadline({ acceptedOn: day, limit: c.limitDays });
    await prisma.$transaction(async (tx) => {
      const u = await updateIfUnchanged(tx, c, {
        state: 'ACCEPTED',
        acceptedAt: c.submittedAt,
        acceptedOn: fromLocal(day),
        deadline: fromLocal(deadline),
        deemedAccepted: true,
      });
      await tx.caseEvent.create({
        data: {
          caseId: c.id,
          action: 'DEEMED_ACCEPTED',
          fromState: 'SUBMITTED',
          toState: 'ACCEPTED',
          reason: `${ART_32}：收到申请材料之日起五个工作日内未一次告知补正，自收到申请材料之日（${day}）起即为受理`,
          actorDepartmentCode: c.departmentCode,
          occurredAt: now,
        },
      });
      await notifyApplicant(
        tx,
        platform,
        u,
        'ACCEPTED',
        `${messagePrefix(c.item.name)}依法视为自${day}起受理，受理编号${c.receiptNumber}，承诺${c.limitDays}个工作日内办结（${deadline}前）。`,
        { deadline, limitDays: c.limitDays, deemed: true },
      );
    });
    deemed += 1;
  }
  if (deemed > 0) platform.logger.info({ deemed }, 'cases deemed accepted (art. 32)');
  return deemed;
}
