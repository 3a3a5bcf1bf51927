/**
 * Conclusion (办结) of an approved or rejected case: the working days used and whether it was on
 * time, and for an approved item that produces a licence, that licence, issued through the
 * licences module's rules in the same transaction, with the case as its source.
 */
import type { Case, Licence, LicenceType } from '../../../generated/prisma/client.js';
import type { BaseContext } from '../../../platform/context.js';
import { badInput } from '../../../platform/errors.js';
import {
  assertMayHoldLicence,
  attributeProblems,
  cacheLicence,
  coerceAttributes,
  issueLicenceInTx,
  nextLicenceNumber,
  parseAttributeSchema,
  type AttributeValue,
} from '../../licences/index.js';
import type { WorkingCalendar } from '../calendar/calendar.js';
import { fromLocal, loadWorkingCalendar, shanghaiToday, toLocal, type LocalDate } from '../calendar/store.js';
import { runConclusionListeners } from './conclusion-hooks.js';
import { allowedFrom } from './lifecycle.js';
import {
  acceptedOnOf,
  actorOf,
  forHandling,
  messagePrefix,
  notifyApplicant,
  pausesOf,
  refused,
  requireReason,
  retryOnUniqueViolation,
  updateIfUnchanged,
  type CaseWithItem,
  type SystemCaller,
  type Tx,
} from './shared.js';

export interface ConcludeLicenceInput {
  scope?: string | null;
  attributes?: { name: string; value: string }[] | null;
}

/** The licence a conclusion issues, its content checked before the transaction. */
interface LicenceToIssue {
  type: LicenceType;
  holderUscc: string;
  scope: string;
  attributes: Record<string, AttributeValue>;
}

/** The licence an approved case of a licence-producing item issues to its applicant enterprise; null when none. */
async function licenceToIssue(
  ctx: BaseContext,
  c: CaseWithItem,
  input: ConcludeLicenceInput | null | undefined,
): Promise<LicenceToIssue | null> {
  if (c.state !== 'APPROVED' || !c.item.producesLicenceTypeCode || !c.applicantUscc) return null;
  // Before anything is written: an enterprise cancelled or revoked since it applied gets no licence.
  await assertMayHoldLicence(ctx.prisma, c.applicantUscc);
  const type = await ctx.prisma.licenceType.findUniqueOrThrow({ where: { code: c.item.producesLicenceTypeCode } });
  const defs = parseAttributeSchema(type.attributeSchema);
  const attributes = coerceAttributes(defs, input?.attributes ?? []);
  const scope = input?.scope?.trim() || c.item.name;
  const problems = attributeProblems(defs, attributes).map((p) => ({
    field: `licence.${p.field}`,
    message: p.message,
  }));
  if (problems.length > 0) {
    throw badInput(
      `The ${type.name} issued at conclusion needs: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
      { problems },
    );
  }
  return { type, holderUscc: c.applicantUscc, scope, attributes };
}

/** Issues the case's licence, numbered by its type's rule (format and per-type sequence). */
async function issueCaseLicence(
  tx: Tx,
  c: Case,
  l: LicenceToIssue,
  today: LocalDate,
  caller: SystemCaller,
): Promise<Licence> {
  const issuedOn = fromLocal(today);
  return issueLicenceInTx(
    tx,
    {
      type: l.type,
      number: await nextLicenceNumber(tx, l.type, issuedOn, l.holderUscc),
      holderUscc: l.holderUscc,
      issuedOn,
      validFrom: issuedOn,
      scope: l.scope,
      attributes: l.attributes,
      sourceRecordId: `case:${c.receiptNumber}`,
      sourceVersion: 1,
    },
    {
      issuer: caller,
      reason: `办件 ${c.receiptNumber} 办结，准予许可`,
      // Conclusions publish calendar dates and the case as the source record, as they always have.
      changes: (licence) => ({
        typeCode: licence.typeCode,
        number: licence.number,
        holderUscc: licence.holderUscc,
        issuingDepartmentCode: licence.issuingDepartmentCode,
        issuedOn: today,
        validFrom: today,
        validUntil: licence.validUntil ? toLocal(licence.validUntil) : null,
        scope: l.scope,
        attributes: l.attributes,
        status: licence.status,
        sourceRecordId: licence.sourceRecordId,
      }),
    },
  );
}

/** The conclusion's writes, in one transaction: the licence if any, the case, its event and the applicant's message. */
async function recordConclusion(
  tx: Tx,
  ctx: BaseContext,
  c: CaseWithItem,
  calendar: WorkingCalendar,
  licence: LicenceToIssue | null,
  reason: string | null,
  caller: SystemCaller,
): Promise<{ case: Case; licence: Licence | null }> {
  const now = new Date();
  const today = shanghaiToday(now);
  const pauses = pausesOf(await tx.casePause.findMany({ where: { caseId: c.id } }));
  const accepted = acceptedOnOf(c);
  const deadline = calendar.deadline({ acceptedOn: accepted, limit: c.limitDays, pauses });
  const issued = licence ? await issueCaseLicence(tx, c, licence, today, caller) : null;
  const u = await updateIfUnchanged(tx, c, {
    state: 'CONCLUDED',
    concludedAt: now,
    concludedOn: fromLocal(today),
    usedWorkingDays: calendar.countWorkingDays(accepted, today, pauses),
    onTime: today <= deadline,
    deadline: fromLocal(deadline),
    licenceId: issued?.id ?? null,
  });
  await tx.caseEvent.create({
    data: {
      caseId: c.id,
      action: 'CONCLUDE',
      fromState: c.state,
      toState: 'CONCLUDED',
      reason,
      ...actorOf(caller),
      occurredAt: now,
    },
  });
  const result = c.outcome === 'APPROVED' ? '准予许可' : '不予许可';
  await notifyApplicant(
    tx,
    ctx,
    u,
    'CONCLUDED',
    `${messagePrefix(c.item.name)}（受理编号${c.receiptNumber}）已办结，结果：${result}${issued ? `，证照编号${issued.number}` : ''}。`,
    { outcome: c.outcome, licenceNumber: issued?.number ?? null },
  );
  return { case: u, licence: issued };
}

/**
 * Concludes (办结) an approved or rejected case: records the working days used and whether it was
 * on time; an approved case of an item that produces a licence issues that licence to the
 * applicant enterprise in the same transaction, with the case as its source.
 */
export async function concludeCase(
  ctx: BaseContext,
  id: string,
  reason?: string | null,
  licenceInput?: ConcludeLicenceInput | null,
): Promise<{ case: Case; licence: Licence | null }> {
  const { caller, c } = await forHandling(ctx, id);
  const why = requireReason(reason, false);
  const from = allowedFrom('CONCLUDE', c.item.steps);
  if (!from.includes(c.state)) refused(c, 'CONCLUDED', from);
  if (c.pausedSince)
    refused(c, 'CONCLUDED', from, `Case ${c.receiptNumber} is paused (${c.pauseKind}); resume it first`);
  const licence = await licenceToIssue(ctx, c, licenceInput);
  const calendar = await loadWorkingCalendar(ctx.prisma);
  // The per-type sequence keeps numbers apart; a retry covers a licence imported with the same number meanwhile.
  const result = await retryOnUniqueViolation(licence ? 3 : 0, () =>
    ctx.prisma.$transaction((tx) => recordConclusion(tx, ctx, c, calendar, licence, why, caller)),
  );
  if (result.licence) await cacheLicence(ctx, result.licence);
  await runConclusionListeners(ctx, result.case);
  ctx.logger.info(
    { caseId: c.id, outcome: c.outcome, licenceId: result.licence?.id, system: caller.systemName },
    'case concluded',
  );
  return result;
}
