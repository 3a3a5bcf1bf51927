/**
 * Evaluations (好差评, one per case), complaints and consultations: routed to the department,
 * answered within a working-day limit with a traffic light, escalated to supervision when late.
 */
import type { Case, Evaluation, HallTicket } from '../../generated/prisma/client.js';
import type { TicketKind } from '../../generated/prisma/enums.js';
import { assertScope, hasScope } from '../../platform/auth/caller.js';
import type { BaseContext } from '../../platform/context.js';
import { badInput, conflict, forbidden, isUniqueViolation, notFound } from '../../platform/errors.js';
import { isUuid } from '../../platform/ids.js';
import {
  addDays,
  fromLocal,
  loadWorkingCalendar,
  shanghaiToday,
  toLocal,
  type LocalDate,
  type WorkingCalendar,
} from '../approvals/index.js';
import { assertApplicant, enterprisesOf, type ApplicantCaller } from './access.js';

export const EVALUATION_TAGS = [
  '办事效率高',
  '服务态度好',
  '材料要求清楚',
  '一次办成',
  '等候时间长',
  '材料反复提交',
  '态度不好',
  '流程不清楚',
] as const;
export const LOW_SCORE = 2;

export interface EvaluationInput {
  stars: number;
  tags?: string[] | null;
  comment?: string | null;
}

/** The cases an applicant sees: those of their drafts and those of their enterprises. */
export async function casesOf(ctx: BaseContext, caller: ApplicantCaller): Promise<Case[]> {
  const usccs = await enterprisesOf(ctx, caller.accountId);
  const drafts = await ctx.prisma.hallDraft.findMany({
    where: { accountId: caller.accountId, caseId: { not: null } },
    select: { caseId: true },
  });
  const ids = drafts.flatMap((d) => (d.caseId ? [d.caseId] : []));
  return ctx.prisma.case.findMany({
    where: { OR: [{ id: { in: ids } }, ...(usccs.length ? [{ applicantUscc: { in: usccs } }] : [])] },
    orderBy: { submittedAt: 'desc' },
    take: 200,
  });
}

export async function applicantCase(ctx: BaseContext, id: string): Promise<Case> {
  assertApplicant(ctx.caller);
  const c = isUuid(id) ? (await casesOf(ctx, ctx.caller)).find((x) => x.id === id) : undefined;
  if (!c) throw notFound('没有这个办件', { caseId: id });
  return c;
}

function checkEvaluation(input: EvaluationInput): { stars: number; tags: string[]; comment: string | null } {
  if (!Number.isInteger(input.stars) || input.stars < 1 || input.stars > 5)
    throw badInput('请选择1到5星', { field: 'stars' });
  const tags = [...new Set(input.tags ?? [])];
  const unknown = tags.find((t) => !(EVALUATION_TAGS as readonly string[]).includes(t));
  if (unknown) throw badInput(`未知的评价标签：${unknown}`, { field: 'tags' });
  const comment = input.comment?.trim() || null;
  if (comment && comment.length > 500) throw badInput('评价内容不超过500字', { field: 'comment' });
  return { stars: input.stars, tags, comment };
}

async function recordEvaluation(
  ctx: BaseContext,
  c: Case,
  input: EvaluationInput,
  channel: 'HALL' | 'RECEIPT',
  accountId: string | null,
): Promise<Evaluation> {
  if (c.state !== 'CONCLUDED') throw conflict('办结后才能评价', { reason: 'NOT_CONCLUDED' });
  const e = checkEvaluation(input);
  const followUp = e.stars <= LOW_SCORE;
  try {
    return await ctx.prisma.$transaction(async (tx) => {
      const created = await tx.evaluation.create({
        data: {
          caseId: c.id,
          accountId,
          departmentCode: c.departmentCode,
          itemCode: c.itemCode,
          channel,
          followUp,
          ...e,
        },
      });
      if (followUp) {
        await tx.notification.create({
          data: {
            caseId: c.id,
            kind: 'EVALUATION_FOLLOW_UP',
            audience: 'DEPARTMENT',
            recipient: c.departmentCode,
            payload: {
              text: `办件${c.receiptNumber}收到${e.stars}星差评，请回访整改。`,
              receiptNumber: c.receiptNumber,
              evaluationId: created.id,
            },
          },
        });
      }
      return created;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('该办件已评价（一事一评）', { reason: 'ALREADY_EVALUATED' });
    throw err;
  }
}

export async function evaluateCase(ctx: BaseContext, caseId: string, input: EvaluationInput): Promise<Evaluation> {
  assertApplicant(ctx.caller);
  const c = await applicantCase(ctx, caseId);
  return recordEvaluation(ctx, c, input, 'HALL', ctx.caller.accountId);
}

/** At a kiosk or window, without an account: the receipt number and its verification code. */
export async function evaluateByReceipt(
  ctx: BaseContext,
  receiptNumber: string,
  verificationCode: string,
  input: EvaluationInput,
): Promise<Evaluation> {
  const c = await ctx.prisma.case.findUnique({ where: { receiptNumber: receiptNumber.trim() } });
  if (!c || c.verificationCode !== verificationCode.trim())
    throw notFound('受理编号或查询码不正确', { field: 'receiptNumber' });
  return recordEvaluation(ctx, c, input, 'RECEIPT', null);
}

export async function closeFollowUp(ctx: BaseContext, id: string, note: string, now = new Date()): Promise<Evaluation> {
  assertScope(ctx.caller, 'hall:answer');
  const e = isUuid(id) ? await ctx.prisma.evaluation.findUnique({ where: { id } }) : null;
  if (!e || !e.followUp) throw notFound('No follow-up has this id', { evaluationId: id });
  if (e.departmentCode !== ctx.caller.departmentCode) throw forbidden('The evaluation is of another department');
  if (!note.trim()) throw badInput('say what was done', { field: 'note' });
  const n = await ctx.prisma.evaluation.updateMany({
    where: { id, followUpClosedAt: null },
    data: { followUpClosedAt: now, followUpNote: note.trim() },
  });
  if (n.count === 0) throw conflict('The follow-up is already closed', { reason: 'CLOSED' });
  return ctx.prisma.evaluation.findUniqueOrThrow({ where: { id } });
}

export interface TicketInput {
  kind: TicketKind;
  subject: string;
  body: string;
  caseId?: string | null;
  itemCode?: string | null;
  departmentCode?: string | null;
}

/** Opens a complaint or consultation about a case, an item or a department, due in HALL_ANSWER_DAYS working days. */
export async function openTicket(ctx: BaseContext, input: TicketInput, now = new Date()): Promise<HallTicket> {
  assertApplicant(ctx.caller);
  const subject = input.subject.trim();
  const body = input.body.trim();
  if (!subject || subject.length > 100) throw badInput('请填写标题（100字以内）', { field: 'subject' });
  if (!body || body.length > 2000) throw badInput('请填写内容（2000字以内）', { field: 'body' });
  let departmentCode: string | null = null;
  let itemCode: string | null = null;
  let caseId: string | null = null;
  if (input.caseId) {
    const c = await applicantCase(ctx, input.caseId);
    ({ departmentCode, itemCode } = c);
    caseId = c.id;
  } else if (input.itemCode) {
    const item = await ctx.prisma.serviceItem.findUnique({ where: { code: input.itemCode } });
    if (!item) throw notFound('没有这个事项', { field: 'itemCode' });
    departmentCode = item.departmentCode;
    itemCode = item.code;
  } else if (input.departmentCode) {
    const dept = await ctx.prisma.department.findUnique({ where: { code: input.departmentCode } });
    if (!dept) throw notFound('没有这个部门', { field: 'departmentCode' });
    departmentCode = dept.code;
  }
  if (!departmentCode) throw badInput('请选择办件、事项或部门', { field: 'departmentCode' });
  const calendar = await loadWorkingCalendar(ctx.prisma);
  const dueOn = calendar.addWorkingDays(shanghaiToday(now), ctx.config.hall.answerDays);
  const accountId = ctx.caller.accountId;
  const dept = departmentCode;
  return ctx.prisma.$transaction(async (tx) => {
    const t = await tx.hallTicket.create({
      data: {
        kind: input.kind,
        accountId,
        departmentCode: dept,
        caseId,
        itemCode,
        subject,
        body,
        dueOn: fromLocal(dueOn),
      },
    });
    await tx.notification.create({
      data: {
        caseId,
        kind: input.kind === 'COMPLAINT' ? 'COMPLAINT_RECEIVED' : 'CONSULTATION_RECEIVED',
        audience: 'DEPARTMENT',
        recipient: dept,
        payload: {
          text: `收到${input.kind === 'COMPLAINT' ? '投诉' : '咨询'}：${subject}，请于${dueOn}前答复。`,
          ticketId: t.id,
        },
      },
    });
    return t;
  });
}

export async function ticketsOfApplicant(ctx: BaseContext): Promise<HallTicket[]> {
  assertApplicant(ctx.caller);
  return ctx.prisma.hallTicket.findMany({
    where: { accountId: ctx.caller.accountId },
    orderBy: { createdAt: 'desc' },
    take: 200,
  });
}

export async function ticketOfApplicant(ctx: BaseContext, id: string): Promise<HallTicket> {
  assertApplicant(ctx.caller);
  const t = isUuid(id) ? await ctx.prisma.hallTicket.findUnique({ where: { id } }) : null;
  if (!t || t.accountId !== ctx.caller.accountId) throw notFound('没有这条投诉或咨询', { ticketId: id });
  return t;
}

/** Tickets addressed to the caller's department (hall:answer), or to every department (hall:supervise). */
export async function ticketsForDepartment(ctx: BaseContext, openOnly: boolean): Promise<HallTicket[]> {
  const c = ctx.caller;
  const all = hasScope(c, 'hall:supervise');
  if (!all) assertScope(c, 'hall:answer');
  return ctx.prisma.hallTicket.findMany({
    where: {
      ...(all || c.kind !== 'system' ? {} : { departmentCode: c.departmentCode }),
      ...(openOnly ? { answeredAt: null } : {}),
    },
    orderBy: { dueOn: 'asc' },
    take: 500,
  });
}

export async function answerTicket(
  ctx: BaseContext,
  id: string,
  answer: string,
  now = new Date(),
): Promise<HallTicket> {
  assertScope(ctx.caller, 'hall:answer');
  const t = isUuid(id) ? await ctx.prisma.hallTicket.findUnique({ where: { id }, include: { account: true } }) : null;
  if (!t) throw notFound('No ticket has this id', { ticketId: id });
  if (t.departmentCode !== ctx.caller.departmentCode) throw forbidden('The ticket is addressed to another department');
  if (!answer.trim() || answer.length > 4000) throw badInput('the answer is 1 to 4000 characters', { field: 'answer' });
  return ctx.prisma.$transaction(async (tx) => {
    const n = await tx.hallTicket.updateMany({
      where: { id, answeredAt: null },
      data: { answer: answer.trim(), answeredAt: now, answeredOn: fromLocal(shanghaiToday(now)) },
    });
    if (n.count === 0) throw conflict('The ticket is already answered', { reason: 'ANSWERED' });
    await tx.notification.create({
      data: {
        caseId: t.caseId,
        kind: 'TICKET_ANSWERED',
        audience: 'APPLICANT',
        recipient: t.account.phone,
        payload: {
          text: `【网上办事大厅】您的${t.kind === 'COMPLAINT' ? '投诉' : '咨询'}“${t.subject}”已答复，请登录查看。`,
          ticketId: t.id,
        },
      },
    });
    return tx.hallTicket.findUniqueOrThrow({ where: { id } });
  });
}

export type Light = 'GREEN' | 'YELLOW' | 'RED';

/** Working days left to answer (negative: late), counted after today up to the due day. */
export function daysLeft(calendar: WorkingCalendar, dueOn: LocalDate, today: LocalDate): number {
  if (dueOn < today) {
    let n = 0;
    for (let d = addDays(dueOn, 1); d <= today; d = addDays(d, 1)) if (calendar.isWorkingDay(d)) n -= 1;
    return Math.min(-1, n);
  }
  let n = 0;
  for (let d = addDays(today, 1); d <= dueOn; d = addDays(d, 1)) if (calendar.isWorkingDay(d)) n += 1;
  return n;
}

/** Like a case: red when late, yellow on the last working day (or the due day itself), green before. */
export function ticketLight(
  t: Pick<HallTicket, 'answeredAt' | 'answeredOn' | 'dueOn'>,
  calendar: WorkingCalendar,
  today: LocalDate,
): Light {
  const due = toLocal(t.dueOn);
  if (t.answeredOn) return toLocal(t.answeredOn) <= due ? 'GREEN' : 'RED';
  const left = daysLeft(calendar, due, today);
  return left < 0 ? 'RED' : left <= 1 ? 'YELLOW' : 'GREEN';
}

/**
 * Flags unanswered tickets past their due day and reports each once to supervision (a
 * TICKET_ESCALATED message to the SUPERVISION recipient, and a log event).
 */
export async function escalateLateTickets(
  ctx: Pick<BaseContext, 'prisma' | 'logger'>,
  now = new Date(),
): Promise<number> {
  const today = shanghaiToday(now);
  const late = await ctx.prisma.hallTicket.findMany({
    where: { answeredAt: null, escalatedAt: null, dueOn: { lt: fromLocal(today) } },
    take: 500,
  });
  let n = 0;
  for (const t of late) {
    await ctx.prisma.$transaction(async (tx) => {
      const claimed = await tx.hallTicket.updateMany({
        where: { id: t.id, escalatedAt: null, answeredAt: null },
        data: { escalatedAt: now },
      });
      if (claimed.count === 0) return;
      await tx.notification.create({
        data: {
          caseId: t.caseId,
          kind: 'TICKET_ESCALATED',
          audience: 'DEPARTMENT',
          recipient: 'SUPERVISION',
          payload: {
            text: `${t.departmentCode}超期未答复${t.kind === 'COMPLAINT' ? '投诉' : '咨询'}“${t.subject}”（应于${toLocal(t.dueOn)}前答复）。`,
            ticketId: t.id,
            departmentCode: t.departmentCode,
          },
        },
      });
      n += 1;
      ctx.logger.warn(
        { ticket: t.id, department: t.departmentCode, dueOn: toLocal(t.dueOn), kind: t.kind },
        'hall ticket escalated to supervision',
      );
    });
  }
  return n;
}
