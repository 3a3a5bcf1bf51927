/**
 * Online application with pre-review (网上预审): the applicant fills a draft and uploads materials;
 * the item's department passes it (it becomes an ONLINE case through the approvals submission
 * rules, with its receipt and clock starting as at a window) or returns it once with one list of
 * everything to fix (一次性告知).
 */
import { z } from 'zod';
import type { HallDraft, HallFile, Prisma } from '../../generated/prisma/client.js';
import { assertScope } from '../../platform/auth/caller.js';
import type { BaseContext } from '../../platform/context.js';
import { badInput, conflict, forbidden, notFound } from '../../platform/errors.js';
import { isUuid } from '../../platform/ids.js';
import { isValidUscc } from '../../platform/uscc.js';
import { itemMaterials, submitFromHall, type HallSubmission } from '../approvals/index.js';
import { assertApplicant, enterprisesOf, ownsOrActsFor } from './access.js';
import { checkUpload, cleanFileName } from './files.js';
import { hallServices } from './services.js';

export type DraftWithFiles = HallDraft & { files: HallFile[] };

export const fixItemShape = z.object({ materialCode: z.string().nullable().optional(), note: z.string() });
export type FixItem = z.infer<typeof fixItemShape>;

export function returnedItems(d: Pick<HallDraft, 'returnedItems'>): FixItem[] {
  const parsed = z.array(fixItemShape).safeParse(d.returnedItems);
  return parsed.success ? parsed.data : [];
}

const EDITABLE = ['EDITING', 'RETURNED'] as const;

export interface NewDraftInput {
  itemCode: string;
  applicantName: string;
  applicantUscc?: string | null;
  applicantIdNumber?: string | null;
}

export async function createDraft(ctx: BaseContext, input: NewDraftInput): Promise<HallDraft> {
  assertApplicant(ctx.caller);
  const item = await ctx.prisma.serviceItem.findUnique({ where: { code: input.itemCode } });
  if (!item) throw notFound('没有这个事项', { field: 'itemCode' });
  if (item.online !== 'PRE_REVIEW' && item.online !== 'FULLY_ONLINE')
    throw badInput(`“${item.name}”不支持网上申报（${item.online}）`, { field: 'itemCode' });
  const account = await ctx.prisma.hallAccount.findUniqueOrThrow({ where: { id: ctx.caller.accountId } });
  const uscc = input.applicantUscc?.trim().toUpperCase() || null;
  if (uscc && (!isValidUscc(uscc) || !(await enterprisesOf(ctx, account.id)).includes(uscc)))
    throw forbidden('请先在“企业身份”中证明您代表该企业', { field: 'applicantUscc' });
  if (item.audience === 'ENTERPRISE' && !uscc)
    throw badInput(`“${item.name}”须以企业名义申请，请选择企业`, { field: 'applicantUscc' });
  const name = input.applicantName.trim();
  if (!name || name.length > 200) throw badInput('请填写申请人名称', { field: 'applicantName' });
  const idNumber = input.applicantIdNumber?.trim().toUpperCase() || null;
  if (item.audience === 'PERSON' && !idNumber) throw badInput('请填写身份证号码', { field: 'applicantIdNumber' });
  return ctx.prisma.hallDraft.create({
    data: {
      accountId: account.id,
      itemCode: item.code,
      departmentCode: item.departmentCode,
      applicantUscc: uscc,
      applicantName: name,
      applicantIdNumber: idNumber,
      applicantPhone: account.phone,
    },
  });
}

/** A draft the caller may read: its applicant (or their enterprise), or the item's department with case:handle. */
export async function readableDraft(ctx: BaseContext, id: string): Promise<DraftWithFiles> {
  const d = isUuid(id)
    ? await ctx.prisma.hallDraft.findUnique({ where: { id }, include: { files: { orderBy: { createdAt: 'asc' } } } })
    : null;
  if (d && (await mayRead(ctx, d))) return d;
  throw notFound('没有这个申报', { draftId: id });
}

async function mayRead(ctx: BaseContext, d: HallDraft): Promise<boolean> {
  const c = ctx.caller;
  if (c.kind === 'applicant')
    return ownsOrActsFor(c, await enterprisesOf(ctx, c.accountId), { accountId: d.accountId, uscc: d.applicantUscc });
  return c.kind === 'system' && c.scopes.includes('case:handle') && c.departmentCode === d.departmentCode;
}

async function editableDraft(ctx: BaseContext, id: string): Promise<DraftWithFiles> {
  assertApplicant(ctx.caller);
  const d = await readableDraft(ctx, id);
  if (!(EDITABLE as readonly string[]).includes(d.state))
    throw conflict('该申报正在预审或已通过，不能修改', { reason: 'NOT_EDITABLE', state: d.state });
  return d;
}

export async function addFile(
  ctx: BaseContext,
  draftId: string,
  materialCode: string,
  fileName: string,
  bytes: Buffer,
): Promise<HallFile> {
  const d = await editableDraft(ctx, draftId);
  const item = await ctx.prisma.serviceItem.findUniqueOrThrow({ where: { code: d.itemCode } });
  if (!itemMaterials(item).some((m) => m.code === materialCode))
    throw badInput('该事项没有这项材料', { field: 'materialCode' });
  const contentType = checkUpload(ctx.config.hall, bytes);
  const stored = await hallServices(ctx).storage.put(bytes);
  return ctx.prisma.hallFile.create({
    data: {
      draftId: d.id,
      materialCode,
      fileName: cleanFileName(fileName),
      contentType,
      size: stored.size,
      sha256: stored.sha256,
      storageKey: stored.key,
    },
  });
}

export async function removeFile(ctx: BaseContext, fileId: string): Promise<void> {
  assertApplicant(ctx.caller);
  const f = isUuid(fileId) ? await ctx.prisma.hallFile.findUnique({ where: { id: fileId } }) : null;
  if (!f) throw notFound('没有这个文件', { fileId });
  await editableDraft(ctx, f.draftId);
  await ctx.prisma.hallFile.delete({ where: { id: fileId } });
}

/** The bytes of an uploaded file, for its applicant or the item's department only. */
export async function readFile(ctx: BaseContext, fileId: string): Promise<{ file: HallFile; bytes: Buffer }> {
  const f = isUuid(fileId)
    ? await ctx.prisma.hallFile.findUnique({ where: { id: fileId }, include: { draft: true } })
    : null;
  if (!f || !(await mayRead(ctx, f.draft))) throw notFound('没有这个文件', { fileId });
  const bytes = await hallServices(ctx).storage.get(f.storageKey);
  if (!bytes) throw notFound('文件已不在存储中', { fileId });
  return { file: f, bytes };
}

/** Sends the draft to its department for pre-review. */
export async function submitDraft(ctx: BaseContext, id: string): Promise<HallDraft> {
  const d = await editableDraft(ctx, id);
  if (d.files.length === 0) throw badInput('请至少上传一份材料', { field: 'files' });
  const n = await ctx.prisma.hallDraft.updateMany({ where: { id, state: d.state }, data: { state: 'PENDING_REVIEW' } });
  if (n.count === 0) throw conflict('该申报刚被修改，请刷新', { reason: 'CHANGED' });
  return ctx.prisma.hallDraft.findUniqueOrThrow({ where: { id } });
}

export async function draftsForReview(ctx: BaseContext): Promise<HallDraft[]> {
  assertScope(ctx.caller, 'case:handle');
  return ctx.prisma.hallDraft.findMany({
    where: { departmentCode: ctx.caller.departmentCode, state: 'PENDING_REVIEW' },
    orderBy: { updatedAt: 'asc' },
    take: 200,
  });
}

async function notify(tx: Prisma.TransactionClient, d: HallDraft, kind: string, text: string): Promise<void> {
  await tx.notification.create({
    data: { kind, audience: 'APPLICANT', recipient: d.applicantPhone, payload: { text, draftId: d.id } },
  });
}

async function pendingDraftOfDepartment(ctx: BaseContext, id: string): Promise<HallDraft> {
  assertScope(ctx.caller, 'case:handle');
  const d = isUuid(id) ? await ctx.prisma.hallDraft.findUnique({ where: { id } }) : null;
  if (!d) throw notFound('No draft has this id', { draftId: id });
  if (d.departmentCode !== ctx.caller.departmentCode) throw forbidden('The draft is for another department’s item');
  if (d.state !== 'PENDING_REVIEW')
    throw conflict(`The draft is ${d.state}, not PENDING_REVIEW`, { reason: 'NOT_PENDING', state: d.state });
  return d;
}

/**
 * Returns the draft with one list of everything to fix. Once only: the one-time notice must be
 * complete, so a second return is refused and the department passes or its case is refused later.
 */
export async function returnDraft(
  ctx: BaseContext,
  id: string,
  fixes: FixItem[],
  now = new Date(),
): Promise<HallDraft> {
  const d = await pendingDraftOfDepartment(ctx, id);
  if (fixes.length === 0 || fixes.some((f) => !f.note.trim()))
    throw badInput('list every item to fix, each with a note', { field: 'fixes' });
  if (d.returnedAt)
    throw conflict('The draft was already returned once (一次性告知): pass it now', { reason: 'ALREADY_RETURNED' });
  const item = await ctx.prisma.serviceItem.findUniqueOrThrow({ where: { code: d.itemCode } });
  const materials = new Map(itemMaterials(item).map((m) => [m.code, m.name]));
  const bad = fixes.find((f) => f.materialCode && !materials.has(f.materialCode));
  if (bad) throw badInput(`${bad.materialCode ?? ''} is not a material of ${item.name}`, { field: 'fixes' });
  const list = fixes
    .map((f, i) => `${i + 1}.${f.materialCode ? `${materials.get(f.materialCode) ?? ''}：` : ''}${f.note.trim()}`)
    .join('；');
  return ctx.prisma.$transaction(async (tx) => {
    const n = await tx.hallDraft.updateMany({
      where: { id, state: 'PENDING_REVIEW' },
      data: {
        state: 'RETURNED',
        returnedItems: fixes.map((f) => ({ materialCode: f.materialCode ?? null, note: f.note.trim() })),
        returnedAt: now,
        reviewedAt: now,
      },
    });
    if (n.count === 0) throw conflict('The draft changed meanwhile', { reason: 'CHANGED' });
    await notify(
      tx,
      d,
      'PRE_REVIEW_RETURNED',
      `【网上办事大厅】您申报的“${item.name}”预审未通过，请一次性补正：${list}。`,
    );
    return tx.hallDraft.findUniqueOrThrow({ where: { id } });
  });
}

/**
 * Passes the draft: it becomes an ONLINE case through the approvals submission rules (receipt,
 * one-time notice of anything still missing, the clock starting on acceptance). The reviewing
 * department's system accepts it on the applicant's behalf, so the case events name it.
 */
export async function passDraft(ctx: BaseContext, id: string, now = new Date()): Promise<HallDraft> {
  const d = await pendingDraftOfDepartment(ctx, id);
  const reviewer = ctx.caller;
  if (reviewer.kind !== 'system') throw forbidden('a department system reviews drafts');
  return intoCase(ctx, d, 'PENDING_REVIEW', { via: 'PRE_REVIEW', reviewer }, now);
}

/**
 * Applies online at once, without pre-review: only for FULLY_ONLINE items (for them pre-review is
 * optional). The draft becomes an ONLINE case exactly as a passed one does.
 */
export async function applyDirectly(ctx: BaseContext, id: string, now = new Date()): Promise<HallDraft> {
  const d = await editableDraft(ctx, id);
  const item = await ctx.prisma.serviceItem.findUniqueOrThrow({ where: { code: d.itemCode } });
  if (item.online !== 'FULLY_ONLINE')
    throw conflict(`“${item.name}”须先经部门预审，请提交预审`, { reason: 'PRE_REVIEW_REQUIRED' });
  if (d.files.length === 0) throw badInput('请至少上传一份材料', { field: 'files' });
  return intoCase(ctx, d, d.state, { via: 'DIRECT' }, now);
}

/** Claims the draft (state → PASSED), submits its case; on refusal the draft goes back to where it was. */
async function intoCase(
  ctx: BaseContext,
  d: HallDraft,
  from: HallDraft['state'],
  how: HallSubmission,
  now: Date,
): Promise<HallDraft> {
  const id = d.id;
  const claimed = await ctx.prisma.hallDraft.updateMany({
    where: { id, state: from },
    data: { state: 'PASSED', reviewedAt: how.via === 'PRE_REVIEW' ? now : null },
  });
  if (claimed.count === 0) throw conflict('The draft changed meanwhile', { reason: 'CHANGED' });
  const files = await ctx.prisma.hallFile.findMany({ where: { draftId: id }, select: { materialCode: true } });
  const codes = [...new Set(files.map((f) => f.materialCode))];
  try {
    const { case: c } = await submitFromHall(
      ctx,
      {
        itemCode: d.itemCode,
        applicantName: d.applicantName,
        applicantUscc: d.applicantUscc,
        applicantIdNumber: d.applicantIdNumber,
        applicantPhone: d.applicantPhone,
        materials: codes.map((code) => ({ code })),
      },
      how,
    );
    return await ctx.prisma.hallDraft.update({ where: { id }, data: { caseId: c.id } });
  } catch (err) {
    // The case was refused (e.g. the enterprise is not registered): the draft goes back.
    await ctx.prisma.hallDraft.updateMany({
      where: { id, state: 'PASSED', caseId: null },
      data: { state: from, reviewedAt: d.reviewedAt },
    });
    throw err;
  }
}
