/**
 * Penalty decisions: recorded by the deciding department; a decision that suspends or revokes
 * a licence changes the licence in the same transaction, with the penalty as the reason. Only a
 * department with authority over the licence type (its issuer, or one holding a recorded
 * enforcement delegation for it) may suspend or revoke.
 */
import type { Licence, Penalty, PrismaClient } from '../../generated/prisma/client.js';
import type { PenaltyKind } from '../../generated/prisma/enums.js';
import { assertScope } from '../../platform/auth/caller.js';
import type { BaseContext } from '../../platform/context.js';
import { badInput, conflict, forbidden, isUniqueViolation, notFound } from '../../platform/errors.js';
import { recordChange } from '../../platform/outbox.js';
import { cacheLicence } from '../licences/index.js';
import { applyTransition } from '../licences/index.js';
import { shanghaiToday, TRANSITIONS, visibleStatus } from '../licences/index.js';

export interface DecidePenaltyInput {
  decisionNumber: string;
  enterpriseUscc: string;
  facts: string;
  legalBasis: string;
  kinds: PenaltyKind[];
  fineAmount?: string | null;
  confiscatedAmount?: string | null;
  decidedOn: Date;
  publicityUntil?: Date | null;
  /** The licence suspended or revoked: by id, or by type and number. */
  licence?: { id?: string | null; typeCode?: string | null; number?: string | null } | null;
  suspensionUntil?: Date | null;
  sourceRecordId?: string | null;
  sourceVersion?: number | null;
}

const AMOUNT = /^\d{1,18}(\.\d{1,2})?$/;

/**
 * Whether a department may suspend or revoke licences of a type on a day: it issues the type, or
 * a delegation recorded in the directory (EnforcementDelegation) gives it the power on that day.
 */
export async function hasEnforcementAuthority(
  prisma: Pick<PrismaClient, 'enforcementDelegation'>,
  departmentCode: string,
  licence: Pick<Licence, 'typeCode' | 'issuingDepartmentCode'>,
  on: Date,
): Promise<boolean> {
  if (licence.issuingDepartmentCode === departmentCode) return true;
  const delegation = await prisma.enforcementDelegation.findFirst({
    where: {
      departmentCode,
      licenceTypeCode: licence.typeCode,
      validFrom: { lte: on },
      OR: [{ validUntil: null }, { validUntil: { gte: on } }],
    },
    select: { basis: true },
  });
  return delegation !== null;
}

/** The licence action a decision of these kinds takes, if any (a revocation outranks a suspension). */
export function licenceActionOf(kinds: readonly PenaltyKind[]): 'REVOKED' | 'SUSPENDED' | null {
  return kinds.includes('LICENCE_REVOCATION') ? 'REVOKED' : kinds.includes('LICENCE_SUSPENSION') ? 'SUSPENDED' : null;
}

/** Every field problem of a penalty decision (the enterprise and licence are checked against the database by the caller). */
export function decisionProblems(
  input: Omit<DecidePenaltyInput, 'sourceRecordId' | 'sourceVersion'>,
): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const kinds = [...new Set(input.kinds)];
  if (!input.decisionNumber.trim()) problems.push({ field: 'decisionNumber', message: 'must not be empty' });
  if (!input.facts.trim()) problems.push({ field: 'facts', message: 'must not be empty' });
  if (!input.legalBasis.trim()) problems.push({ field: 'legalBasis', message: 'must not be empty' });
  if (kinds.length === 0) problems.push({ field: 'kinds', message: 'name at least one kind of penalty' });
  if (kinds.includes('FINE') && !input.fineAmount)
    problems.push({ field: 'fineAmount', message: 'a fine needs its amount in yuan' });
  if (input.fineAmount && !AMOUNT.test(input.fineAmount))
    problems.push({ field: 'fineAmount', message: 'an amount in yuan, e.g. "5000.00"' });
  if (input.fineAmount && !kinds.includes('FINE'))
    problems.push({ field: 'fineAmount', message: 'given, but kinds has no FINE' });
  if (input.confiscatedAmount && !AMOUNT.test(input.confiscatedAmount))
    problems.push({ field: 'confiscatedAmount', message: 'an amount in yuan' });
  if (input.decidedOn > shanghaiToday()) problems.push({ field: 'decidedOn', message: 'must not be in the future' });
  if (input.publicityUntil && input.publicityUntil < input.decidedOn)
    problems.push({ field: 'publicityUntil', message: 'must not be before decidedOn' });
  const licenceAction = licenceActionOf(kinds);
  const ref = input.licence;
  const hasRef = !!ref && (!!ref.id || (!!ref.typeCode && !!ref.number));
  if (licenceAction && !hasRef)
    problems.push({ field: 'licence', message: 'a licence suspension or revocation must name the licence' });
  if (!licenceAction && hasRef)
    problems.push({ field: 'licence', message: 'only LICENCE_SUSPENSION or LICENCE_REVOCATION affect a licence' });
  if (kinds.includes('LICENCE_SUSPENSION') && !input.suspensionUntil)
    problems.push({ field: 'suspensionUntil', message: 'a suspension needs its last day' });
  return problems;
}

export async function decidePenalty(ctx: BaseContext, input: DecidePenaltyInput): Promise<Penalty> {
  assertScope(ctx.caller, 'penalty:decide');
  const caller = ctx.caller;
  const kinds = [...new Set(input.kinds)];
  const problems = decisionProblems(input);
  if (problems.length > 0) {
    throw badInput(`Invalid penalty decision: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, {
      problems,
    });
  }
  const licenceAction = licenceActionOf(kinds);
  const ref = input.licence;
  const enterprise = await ctx.prisma.enterprise.findUnique({
    where: { uscc: input.enterpriseUscc },
    select: { uscc: true },
  });
  if (!enterprise) throw notFound(`No enterprise has the USCC ${input.enterpriseUscc}`, { field: 'enterpriseUscc' });
  let licenceId: string | null = null;
  if (licenceAction && ref) {
    const licence = ref.id
      ? await ctx.prisma.licence.findUnique({ where: { id: ref.id } })
      : await ctx.prisma.licence.findUnique({
          where: { typeCode_number: { typeCode: ref.typeCode!, number: ref.number! } },
        });
    if (!licence) throw notFound('The licence named by the decision does not exist', { field: 'licence' });
    if (licence.holderUscc !== input.enterpriseUscc) {
      throw badInput('The licence named by the decision is held by another enterprise', {
        problems: [{ field: 'licence', message: `held by ${licence.holderUscc}` }],
      });
    }
    if (!(await hasEnforcementAuthority(ctx.prisma, caller.departmentCode, licence, input.decidedOn))) {
      throw forbidden(
        `Department ${caller.departmentCode} neither issues ${licence.typeCode} licences nor holds an enforcement delegation for them on ${input.decidedOn.toISOString().slice(0, 10)}; only department ${licence.issuingDepartmentCode} or a delegated department may suspend or revoke this licence`,
        { licenceId: licence.id, licenceType: licence.typeCode, issuingDepartment: licence.issuingDepartmentCode },
      );
    }
    // Checked here as well as in the transaction, so the refusal names the status before anything is written.
    const seen = visibleStatus(licence);
    const allowed = TRANSITIONS[licenceAction].from;
    if (!(allowed as string[]).includes(seen)) {
      throw conflict(
        `A ${seen} licence cannot be ${licenceAction.toLowerCase()} by a penalty decision (allowed from ${allowed.join(' or ')})`,
        {
          licenceId: licence.id,
          currentStatus: seen,
          allowedFrom: allowed,
          action: licenceAction,
        },
      );
    }
    licenceId = licence.id;
  }
  if (caller.kind !== 'system') throw forbidden('only department systems decide penalties');
  try {
    const { penalty, licence } = await ctx.prisma.$transaction(async (tx) => {
      const penalty = await tx.penalty.create({
        data: {
          decisionNumber: input.decisionNumber.trim(),
          enterpriseUscc: input.enterpriseUscc,
          decidingDepartmentCode: caller.departmentCode,
          facts: input.facts.trim(),
          legalBasis: input.legalBasis.trim(),
          kinds,
          fineAmount: input.fineAmount ?? null,
          confiscatedAmount: input.confiscatedAmount ?? null,
          decidedOn: input.decidedOn,
          publicityUntil: input.publicityUntil ?? null,
          licenceId,
          suspensionUntil: input.suspensionUntil ?? null,
          sourceSystemId: caller.systemId,
          sourceRecordId: input.sourceRecordId ?? input.decisionNumber.trim(),
          sourceVersion: input.sourceVersion ?? 1,
        },
      });
      await recordChange(tx, {
        entityType: 'PENALTY',
        entityId: penalty.id,
        action: 'CREATED',
        revision: penalty.revision,
        actor: { systemId: caller.systemId, departmentCode: caller.departmentCode },
        changes: penaltyChangePayload(penalty),
      });
      const licence =
        licenceAction && licenceId
          ? await applyTransition(tx, {
              licenceId,
              action: licenceAction,
              reason: `行政处罚决定 ${penalty.decisionNumber}`,
              actor: caller,
              penaltyId: penalty.id,
            })
          : null;
      return { penalty, licence };
    });
    if (licence) await cacheLicence(ctx, licence);
    ctx.logger.info({ penaltyId: penalty.id, kinds, licenceId, system: caller.systemName }, 'penalty decided');
    return penalty;
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict(`A penalty decision numbered "${input.decisionNumber}" already exists`, {
        field: 'decisionNumber',
      });
    throw err;
  }
}

export async function recordCreditRepair(
  ctx: BaseContext,
  id: string,
  status: 'NOT_REPAIRED' | 'IN_PROGRESS' | 'REPAIRED',
): Promise<Penalty> {
  assertScope(ctx.caller, 'penalty:credit-repair');
  const penalty = await ctx.prisma.penalty.findUnique({ where: { id } });
  if (!penalty) throw notFound(`No penalty has the id ${id}`);
  if (penalty.decidingDepartmentCode !== ctx.caller.departmentCode) {
    throw forbidden(`Only department ${penalty.decidingDepartmentCode} records credit repair of this penalty`);
  }
  const caller = ctx.caller;
  return ctx.prisma.$transaction(async (tx) => {
    const updated = await tx.penalty.update({
      where: { id },
      data: { creditRepairStatus: status, revision: { increment: 1 } },
    });
    await recordChange(tx, {
      entityType: 'PENALTY',
      entityId: id,
      action: 'CREDIT_REPAIR',
      revision: updated.revision,
      actor: { systemId: caller.systemId, departmentCode: caller.departmentCode },
      changes: { creditRepairStatus: status },
    });
    return updated;
  });
}

/** The fields of a penalty as the change feed publishes them. */
export function penaltyChangePayload(p: Penalty): Record<string, unknown> {
  return {
    decisionNumber: p.decisionNumber,
    enterpriseUscc: p.enterpriseUscc,
    decidingDepartmentCode: p.decidingDepartmentCode,
    kinds: p.kinds,
    fineAmount: p.fineAmount?.toFixed(2) ?? null,
    confiscatedAmount: p.confiscatedAmount?.toFixed(2) ?? null,
    decidedOn: p.decidedOn,
    publicityUntil: p.publicityUntil,
    licenceId: p.licenceId,
    suspensionUntil: p.suspensionUntil,
    creditRepairStatus: p.creditRepairStatus,
  };
}
