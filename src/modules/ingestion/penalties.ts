/**
 * Penalty decisions, applied one by one through the penalties module's rules (the decision's
 * field checks) and the licences module's lifecycle (a suspension or revocation is the same
 * transition as through the API, with its history event and change-feed event).
 */
import { randomUUID } from 'node:crypto';
import { Prisma, type Licence, type Penalty } from '../../generated/prisma/client.js';
import type { PenaltyDecision } from '../../../adapters/canonical.js';
import { applyTransition, TRANSITIONS, visibleStatus } from '../licences/index.js';
import { decisionProblems, hasEnforcementAuthority, licenceActionOf } from '../penalties/index.js';
import {
  asReasons,
  change,
  day,
  iso,
  money,
  outcome,
  ownedChanges,
  provenance,
  rejected,
  remember,
  versionCheck,
  type ApplyContext,
  type BatchState,
  type Result,
  type Tx,
} from './batch.js';
import { PENALTY_FIELDS } from './ownership.js';

type Stored = Pick<
  Penalty,
  | 'enterpriseUscc'
  | 'facts'
  | 'legalBasis'
  | 'kinds'
  | 'fineAmount'
  | 'confiscatedAmount'
  | 'decidedOn'
  | 'publicityUntil'
  | 'suspensionUntil'
>;

function penaltyValues(p: Stored): Record<(typeof PENALTY_FIELDS)[number], string | null> {
  return {
    enterpriseUscc: p.enterpriseUscc,
    facts: p.facts,
    legalBasis: p.legalBasis,
    kinds: [...p.kinds].sort().join(','),
    fineAmount: money(p.fineAmount),
    confiscatedAmount: money(p.confiscatedAmount),
    decidedOn: iso(p.decidedOn),
    publicityUntil: iso(p.publicityUntil),
    suspensionUntil: iso(p.suspensionUntil),
  };
}

/** The columns a decision writes. */
const columns = (r: PenaltyDecision) => ({
  enterpriseUscc: r.enterpriseUscc,
  facts: r.facts,
  legalBasis: r.legalBasis,
  kinds: r.kinds,
  fineAmount: r.fineAmount,
  confiscatedAmount: r.confiscatedAmount,
  decidedOn: day(r.decidedOn)!,
  publicityUntil: day(r.publicityUntil),
  suspensionUntil: day(r.suspensionUntil),
});

const decimal = (v: string | null) => (v === null ? null : new Prisma.Decimal(v));

/** The decidePenalty checks, then the enterprise and the licence the decision names. */
async function check(tx: Tx, r: PenaltyDecision): Promise<{ licence: Licence | null } | { problems: Result }> {
  const dates = {
    decidedOn: day(r.decidedOn)!,
    publicityUntil: day(r.publicityUntil),
    suspensionUntil: day(r.suspensionUntil),
  };
  const problems = asReasons(decisionProblems({ ...r, ...dates }));
  const enterprise = await tx.enterprise.findUnique({ where: { uscc: r.enterpriseUscc }, select: { uscc: true } });
  if (!enterprise) problems.push({ field: 'enterpriseUscc', reason: `no enterprise has the USCC ${r.enterpriseUscc}` });
  const licence = r.licence
    ? await tx.licence.findUnique({
        where: { typeCode_number: { typeCode: r.licence.typeCode, number: r.licence.number } },
      })
    : null;
  if (r.licence && !licence)
    problems.push({ field: 'licence', reason: `no ${r.licence.typeCode} licence numbered ${r.licence.number}` });
  if (licence && licence.holderUscc !== r.enterpriseUscc)
    problems.push({ field: 'licence', reason: `the licence is held by ${licence.holderUscc}` });
  return problems.length ? { problems: rejected(problems) } : { licence };
}

export async function applyPenalty(tx: Tx, ctx: ApplyContext, r: PenaltyDecision, state: BatchState): Promise<Result> {
  const seen = versionCheck(state, r);
  if (seen) return seen;
  const checked = await check(tx, r);
  if ('problems' in checked) return checked.problems;
  const existing = await tx.penalty.findUnique({ where: { decisionNumber: r.decisionNumber } });
  if (!existing) return createPenalty(tx, ctx, r, checked.licence, state);
  return updatePenalty(tx, ctx, r, existing, state);
}

const incomingValues = (r: PenaltyDecision) =>
  penaltyValues({ ...columns(r), fineAmount: decimal(r.fineAmount), confiscatedAmount: decimal(r.confiscatedAmount) });

async function createPenalty(
  tx: Tx,
  ctx: ApplyContext,
  r: PenaltyDecision,
  licence: Licence | null,
  state: BatchState,
): Promise<Result> {
  const licenceAction = licenceActionOf(r.kinds);
  if (licenceAction && licence) {
    // The same authority rule as decidePenalty: the issuer of the type or a recorded delegation.
    if (!(await hasEnforcementAuthority(tx, ctx.source.departmentCode, licence, day(r.decidedOn) ?? new Date()))) {
      return rejected([
        {
          field: 'licence',
          reason: `department ${ctx.source.departmentCode} neither issues ${licence.typeCode} licences nor holds an enforcement delegation for them`,
        },
      ]);
    }
    const seen = visibleStatus(licence);
    if (!(TRANSITIONS[licenceAction].from as string[]).includes(seen)) {
      return rejected([
        { field: 'licence', reason: `the licence is ${seen}; it cannot be ${licenceAction.toLowerCase()}` },
      ]);
    }
  }
  const id = randomUUID();
  const source = {
    sourceSystemId: ctx.source.systemId,
    sourceRecordId: r.sourceRecordId,
    sourceVersion: r.sourceVersion,
  };
  const created = await tx.penalty.create({
    data: {
      id,
      decisionNumber: r.decisionNumber,
      decidingDepartmentCode: ctx.source.departmentCode,
      licenceId: licence?.id ?? null,
      ...columns(r),
      ...source,
    },
  });
  change(state, ctx, {
    entityType: 'PENALTY',
    entityId: id,
    action: 'CREATED',
    revision: created.revision,
    changes: { decisionNumber: r.decisionNumber, ...incomingValues(r) },
  });
  if (licenceAction && licence) {
    // The same transition as a penalty decided through the API: history event and change feed.
    await applyTransition(tx, {
      licenceId: licence.id,
      action: licenceAction,
      reason: `行政处罚决定 ${r.decisionNumber}`,
      actor: ctx.source,
      penaltyId: id,
    });
    ctx.touched!.licences.add(licence.id);
  }
  provenance(state, r, 'PENALTY', id, ['*']);
  remember(state, r, 'PENALTY', id);
  return outcome('created');
}

async function updatePenalty(
  tx: Tx,
  ctx: ApplyContext,
  r: PenaltyDecision,
  existing: Penalty,
  state: BatchState,
): Promise<Result> {
  remember(state, r, 'PENALTY', existing.id);
  const at = { entityType: 'PENALTY' as const, entityId: existing.id, owner: existing.decidingDepartmentCode };
  const incoming = incomingValues(r);
  const owned = ownedChanges(state, ctx, r, at, PENALTY_FIELDS, penaltyValues(existing), incoming);
  if ('result' in owned) return owned.result;
  const changed = owned.changed;
  const updated = await tx.penalty.update({
    where: { id: existing.id },
    data: { ...columns(r), revision: { increment: 1 } },
  });
  provenance(state, r, 'PENALTY', existing.id, changed);
  change(state, ctx, {
    entityType: 'PENALTY',
    entityId: existing.id,
    action: 'UPDATED',
    revision: updated.revision,
    changes: Object.fromEntries(changed.map((f) => [f, incoming[f]])),
  });
  return outcome('updated');
}
