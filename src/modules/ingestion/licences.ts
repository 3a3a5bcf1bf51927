/**
 * Licence records, applied one by one through the licences module's rules: the issue checks, the
 * lifecycle transitions (a status change must be one of TRANSITIONS), and a history event per change.
 */
import { randomUUID } from 'node:crypto';
import type { Licence, LicenceType } from '../../generated/prisma/client.js';
import type { LicenceAction } from '../../generated/prisma/enums.js';
import type { FieldProblem, LicenceIssue } from '../../../adapters/canonical.js';
import { actionFor, issueProblems, reachableFrom } from '../licences/index.js';
import {
  asReasons,
  change,
  conflict,
  day,
  iso,
  json,
  outcome,
  provenance,
  rejected,
  remember,
  versionCheck,
  type ApplyContext,
  type BatchState,
  type Result,
  type Tx,
} from './batch.js';
import { LICENCE_FIELDS } from './ownership.js';

type Field = (typeof LICENCE_FIELDS)[number];

function licenceValues(
  l: Pick<Licence, 'holderUscc' | 'issuedOn' | 'validFrom' | 'validUntil' | 'scope' | 'attributes' | 'status'>,
): Record<Field, string | null> {
  return {
    holderUscc: l.holderUscc,
    issuedOn: iso(l.issuedOn),
    validFrom: iso(l.validFrom),
    validUntil: iso(l.validUntil),
    scope: l.scope,
    attributes: JSON.stringify(l.attributes),
    status: l.status,
  };
}

const incomingValues = (r: LicenceIssue): Record<Field, string | null> => ({
  holderUscc: r.holderUscc,
  issuedOn: r.issuedOn,
  validFrom: r.validFrom,
  validUntil: r.validUntil,
  scope: r.scope,
  attributes: JSON.stringify(r.attributes),
  status: r.status,
});

/** The same checks as the issueLicence mutation; the holder must be registered first. */
async function problemsOf(tx: Tx, r: LicenceIssue, type: LicenceType): Promise<Result | null> {
  const holder = await tx.enterprise.findUnique({ where: { uscc: r.holderUscc }, select: { uscc: true } });
  const problems: FieldProblem[] = holder
    ? []
    : [
        {
          field: 'holderUscc',
          reason: `no enterprise has the USCC ${r.holderUscc}; it must be registered first (re-submit this record after)`,
        },
      ];
  const dates = { issuedOn: day(r.issuedOn)!, validFrom: day(r.validFrom)!, validUntil: day(r.validUntil) };
  problems.push(...asReasons(issueProblems({ ...r, ...dates }, type)));
  return problems.length ? rejected(problems) : null;
}

export async function applyLicence(tx: Tx, ctx: ApplyContext, r: LicenceIssue, state: BatchState): Promise<Result> {
  const seen = versionCheck(state, r);
  if (seen) return seen;
  const type = await tx.licenceType.findUnique({ where: { code: r.typeCode } });
  if (!type) return rejected([{ field: 'typeCode', reason: `no licence type has the code "${r.typeCode}"` }]);
  const invalid = await problemsOf(tx, r, type);
  if (invalid) return invalid;
  const existing = await tx.licence.findUnique({
    where: { typeCode_number: { typeCode: r.typeCode, number: r.number } },
  });
  if (type.issuingDepartmentCode !== ctx.source.departmentCode)
    return conflictOf(ctx, r, type.issuingDepartmentCode, existing, state);
  if (!existing) return createLicence(tx, ctx, r, state);
  return updateLicence(tx, ctx, r, existing, state);
}

/** Another department's licence: every differing field (or the whole record if new) is a conflict. */
function conflictOf(
  ctx: ApplyContext,
  r: LicenceIssue,
  owner: string,
  existing: Licence | null,
  state: BatchState,
): Result {
  const incoming = incomingValues(r);
  const entityId = existing?.id ?? `${r.typeCode}:${r.number}`;
  if (existing) {
    const before = licenceValues(existing);
    for (const f of LICENCE_FIELDS.filter((f) => before[f] !== incoming[f])) {
      conflict(state, r, { entityType: 'LICENCE', entityId, field: f, owner }, before[f], incoming[f]);
    }
  } else {
    conflict(state, r, { entityType: 'LICENCE', entityId, field: '*', owner }, null, incoming);
  }
  remember(state, r, 'LICENCE', entityId);
  return outcome('conflicting');
}

const columns = (r: LicenceIssue) => ({
  holderUscc: r.holderUscc,
  issuedOn: day(r.issuedOn)!,
  validFrom: day(r.validFrom)!,
  validUntil: day(r.validUntil),
  scope: r.scope,
  attributes: r.attributes,
  status: r.status,
});

async function createLicence(tx: Tx, ctx: ApplyContext, r: LicenceIssue, state: BatchState): Promise<Result> {
  const id = randomUUID();
  const owner = ctx.source.departmentCode;
  const created = await tx.licence.create({
    data: {
      id,
      typeCode: r.typeCode,
      number: r.number,
      issuingDepartmentCode: owner,
      ...columns(r),
      sourceSystemId: ctx.source.systemId,
      sourceRecordId: r.sourceRecordId,
      sourceVersion: r.sourceVersion,
      events: {
        create: {
          action: 'ISSUED',
          toStatus: r.status,
          reason: `ingested from ${ctx.file}`,
          actorSystemId: ctx.source.systemId,
          actorDepartmentCode: owner,
        },
      },
    },
  });
  provenance(state, r, 'LICENCE', id, ['*']);
  const payload = { ...incomingValues(r), attributes: r.attributes, typeCode: r.typeCode, number: r.number };
  change(state, ctx, {
    entityType: 'LICENCE',
    entityId: id,
    action: 'CREATED',
    revision: created.revision,
    changes: payload,
  });
  remember(state, r, 'LICENCE', id);
  return outcome('created');
}

/** Changed fields as one history event: a status change is its lifecycle action, else AMENDED. */
async function updateLicence(
  tx: Tx,
  ctx: ApplyContext,
  r: LicenceIssue,
  existing: Licence,
  state: BatchState,
): Promise<Result> {
  const before = licenceValues(existing);
  const incoming = incomingValues(r);
  const changed = LICENCE_FIELDS.filter((f) => before[f] !== incoming[f]);
  remember(state, r, 'LICENCE', existing.id);
  if (changed.length === 0) return outcome('unchanged');
  let action: LicenceAction = 'AMENDED';
  if (changed.includes('status')) {
    const a = actionFor(existing.status, r.status);
    if (!a) {
      const allowed = reachableFrom(existing.status).join(', ') || 'none';
      return rejected([
        {
          field: 'status',
          reason: `a ${existing.status} licence cannot become ${r.status} (allowed from ${existing.status}: ${allowed})`,
        },
      ]);
    }
    action = a;
  }
  const event = {
    action,
    fromStatus: existing.status,
    toStatus: r.status,
    reason: `ingested from ${ctx.file} (version ${r.sourceVersion})`,
    actorSystemId: ctx.source.systemId,
    actorDepartmentCode: ctx.source.departmentCode,
    changes: json(Object.fromEntries(changed.map((f) => [f, { from: before[f], to: incoming[f] }]))),
  };
  const updated = await tx.licence.update({
    where: { id: existing.id },
    data: { ...columns(r), revision: { increment: 1 }, events: { create: event } },
  });
  provenance(state, r, 'LICENCE', existing.id, changed);
  const payload = Object.fromEntries(changed.map((f) => [f, f === 'attributes' ? r.attributes : incoming[f]]));
  change(state, ctx, {
    entityType: 'LICENCE',
    entityId: existing.id,
    action,
    revision: updated.revision,
    changes: payload,
  });
  ctx.touched!.licences.add(existing.id);
  return outcome('updated');
}
