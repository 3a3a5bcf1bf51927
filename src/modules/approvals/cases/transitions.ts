/**
 * The handling steps of a case by its department: UNDERTAKE, REVIEW, APPROVE and REJECT, each
 * allowed from the states the item's steps give (conclusion has its own rules).
 */
import type { Case } from '../../../generated/prisma/client.js';
import type { BaseContext } from '../../../platform/context.js';
import { allowedFrom, TARGET, type CaseAction } from './lifecycle.js';
import { actorOf, forHandling, refused, requireReason, updateIfUnchanged } from './shared.js';

/** UNDERTAKE, REVIEW, APPROVE, REJECT (CONCLUDE has its own function). */
export async function transitionCase(
  ctx: BaseContext,
  id: string,
  action: Exclude<CaseAction, 'CONCLUDE'>,
  reason?: string | null,
): Promise<Case> {
  const { caller, c } = await forHandling(ctx, id);
  const why = requireReason(reason, action === 'REJECT');
  const from = allowedFrom(action, c.item.steps);
  if (!from.includes(c.state)) refused(c, action, from);
  if (c.pausedSince) refused(c, action, from, `Case ${c.receiptNumber} is paused (${c.pauseKind}); resume it first`);
  const to = TARGET[action];
  const updated = await ctx.prisma.$transaction(async (tx) => {
    const u = await updateIfUnchanged(tx, c, {
      state: to,
      ...(action === 'APPROVE' || action === 'REJECT' ? { outcome: to } : {}),
    });
    await tx.caseEvent.create({
      data: { caseId: c.id, action, fromState: c.state, toState: to, reason: why, ...actorOf(caller) },
    });
    return u;
  });
  ctx.logger.info({ caseId: c.id, action, system: caller.systemName }, 'case transition');
  return updated;
}
