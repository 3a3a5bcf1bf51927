/**
 * What supervision does after a case concluded: a callback task (回访) for all concluded cases or
 * a configured share of them, and a targeted push (精准推送) telling the applicant of related items
 * (the items that usually come next: those that depend on this one).
 */
import { createHash } from 'node:crypto';
import type { Case } from '../../generated/prisma/client.js';
import type { BaseContext } from '../../platform/context.js';
import { enqueueNotification, progressUrl, type ConclusionListener } from '../approvals/index.js';

/** Whether a case is in the callback sample: a stable hash of its id below the share. */
export function inCallbackSample(caseId: string, share: number): boolean {
  if (share >= 1) return true;
  if (share <= 0) return false;
  const h = createHash('sha256').update(caseId).digest().readUInt32BE(0);
  return h / 0x1_0000_0000 < share;
}

/** Items that usually come next after `itemCode` (they depend on it), by code. */
async function nextItems(ctx: BaseContext, itemCode: string): Promise<{ code: string; name: string }[]> {
  return ctx.prisma.serviceItem.findMany({
    where: { dependsOn: { has: itemCode } },
    select: { code: true, name: true },
    orderBy: { code: 'asc' },
    take: 5,
  });
}

/** The after-conclusion listener: callback task and targeted push, idempotent per case. */
export const superviseConclusion: ConclusionListener = async function superviseConclusion(
  ctx: BaseContext,
  c: Case,
): Promise<void> {
  if (!c.concludedOn) return;
  const related = c.outcome === 'APPROVED' ? await nextItems(ctx, c.itemCode) : [];
  const callback = inCallbackSample(c.id, ctx.config.supervision.callbackShare);
  await ctx.prisma.$transaction(async (tx) => {
    if (callback) {
      await tx.caseCallback.upsert({
        where: { caseId: c.id },
        create: { caseId: c.id, departmentCode: c.departmentCode, concludedOn: c.concludedOn ?? new Date() },
        update: {},
      });
    }
    if (related.length > 0 && c.applicantPhone) {
      const created = await tx.targetedPush.createMany({
        data: [
          {
            caseId: c.id,
            departmentCode: c.departmentCode,
            itemCodes: related.map((r) => r.code),
            sentOn: c.concludedOn ?? new Date(),
          },
        ],
        skipDuplicates: true,
      });
      if (created.count === 0) return;
      const names = related.map((r) => `“${r.name}”（${ctx.config.publicUrl}/guide/${r.code}）`).join('、');
      await enqueueNotification(tx, {
        caseId: c.id,
        kind: 'TARGETED_PUSH',
        audience: 'APPLICANT',
        recipient: c.applicantPhone,
        payload: {
          text: `【海珠区政务服务】您的办件${c.receiptNumber}已办结。您可能还需要办理：${names}。`,
          receiptNumber: c.receiptNumber,
          progressUrl: progressUrl(ctx.config.publicUrl, c.receiptNumber, c.verificationCode),
          items: related.map((r) => r.code),
        },
      });
    }
  });
};
