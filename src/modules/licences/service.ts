/**
 * Licence rules and writes, shared by the licences subgraph, the penalties subgraph (a penalty
 * can suspend or revoke a licence in its own transaction) and ingestion. Every write checks the
 * caller's scope and department, changes the row conditionally on its current status, records
 * the history event in the same transaction, and puts the new row in the cache after commit.
 */
import { Prisma, type Licence, type LicenceType } from '../../generated/prisma/client.js';
import type { EnterpriseStatus } from '../../generated/prisma/enums.js';
import { assertScope, type Caller } from '../../platform/auth/caller.js';
import type { Scope } from '../../platform/auth/scopes.js';
import type { BaseContext } from '../../platform/context.js';
import { badInput, conflict, forbidden, isUniqueViolation, notFound } from '../../platform/errors.js';
import { recordChange } from '../../platform/outbox.js';
import { attributeProblems, parseAttributeSchema, type AttributeValue } from './attributes.js';
import { cacheLicence } from './cache.js';
import {
  ALLOWED_WHEN_EXPIRED,
  allowedFrom,
  AMENDABLE,
  shanghaiToday,
  TRANSITIONS,
  visibleStatus,
  type TransitionAction,
} from './status.js';
import { bumpStatusListVersion } from '../../platform/qr/status-list.js';
import { numberProblems } from './numbering.js';

type Tx = Prisma.TransactionClient;
type SystemCaller = Extract<Caller, { kind: 'system' }>;

export interface IssueLicenceInput {
  typeCode: string;
  number: string;
  holderUscc: string;
  issuedOn: Date;
  validFrom: Date;
  /** undefined: the type's default validity; null: no expiry. */
  validUntil?: Date | null;
  scope: string;
  attributes: Record<string, AttributeValue>;
  sourceRecordId?: string | null;
  sourceVersion?: number | null;
}

export interface AmendLicenceInput {
  validUntil?: Date | null;
  scope?: string;
  attributes?: Record<string, AttributeValue>;
}

/** The fields of a licence as the change feed publishes them. */
export function licenceChangePayload(l: Licence): Record<string, unknown> {
  return {
    typeCode: l.typeCode,
    number: l.number,
    holderUscc: l.holderUscc,
    issuingDepartmentCode: l.issuingDepartmentCode,
    issuedOn: l.issuedOn,
    validFrom: l.validFrom,
    validUntil: l.validUntil,
    scope: l.scope,
    attributes: l.attributes,
    status: l.status,
  };
}

const SCOPE_OF: Record<TransitionAction, Scope> = {
  SUSPENDED: 'licence:suspend',
  REINSTATED: 'licence:suspend',
  REVOKED: 'licence:revoke',
  CANCELLED: 'licence:cancel',
};

function assertIssuer(caller: SystemCaller, departmentCode: string, what: string): void {
  if (caller.departmentCode !== departmentCode) {
    throw forbidden(
      `${what} belongs to department ${departmentCode}; the key of "${caller.systemName}" is of ${caller.departmentCode}`,
      {
        requiredDepartment: departmentCode,
      },
    );
  }
}

function addMonths(d: Date, months: number): Date {
  const r = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate()));
  return new Date(r.getTime() - 86_400_000);
}

/** The last valid day of a licence of this type valid from `validFrom`; null when the type does not expire. */
function defaultValidUntil(type: Pick<LicenceType, 'validityMonths'>, validFrom: Date): Date | null {
  return type.validityMonths ? addMonths(validFrom, type.validityMonths) : null;
}

/**
 * A cancelled (注销) enterprise no longer exists as a market subject, and a revoked (吊销) one may
 * only wind up its affairs (清算期间不得开展与清算无关的经营活动): neither is granted a new licence.
 */
const NOT_IN_BUSINESS: EnterpriseStatus[] = ['CANCELLED', 'REVOKED'];

/** NOT_FOUND for an unregistered holder, CONFLICT for one that is cancelled or revoked. */
export async function assertMayHoldLicence(db: Pick<Tx, 'enterprise'>, uscc: string): Promise<void> {
  const holder = await db.enterprise.findUnique({ where: { uscc }, select: { status: true, name: true } });
  if (!holder)
    throw notFound(`No enterprise has the USCC ${uscc}; register it in the Subject Library first`, {
      field: 'holderUscc',
    });
  if (NOT_IN_BUSINESS.includes(holder.status)) {
    throw conflict(
      `${holder.name} (${uscc}) is ${holder.status === 'CANCELLED' ? 'cancelled (注销)' : 'revoked (吊销)'}: no new licence can be issued to it`,
      {
        field: 'holderUscc',
        reason: 'HOLDER_NOT_IN_BUSINESS',
        holderStatus: holder.status,
      },
    );
  }
}

/** A licence whose content has been checked, as {@link issueLicenceInTx} inserts it. */
export interface NewLicence extends Omit<IssueLicenceInput, 'typeCode' | 'sourceRecordId' | 'sourceVersion'> {
  type: Pick<LicenceType, 'code' | 'issuingDepartmentCode' | 'validityMonths'>;
  sourceRecordId: string;
  sourceVersion: number;
}

/**
 * Inserts a VALID licence with its ISSUED history event and its CREATED change-feed row, inside
 * the caller's transaction (the issueLicence mutation, or a case concluded in approvals). No
 * permission or content check: callers check first. `changes` is the feed payload when the
 * writer publishes its own (default: {@link licenceChangePayload}).
 */
export async function issueLicenceInTx(
  tx: Tx,
  l: NewLicence,
  how: {
    issuer: { systemId: string; departmentCode: string };
    reason: string;
    changes?: (created: Licence) => Record<string, unknown>;
  },
): Promise<Licence> {
  const { issuer } = how;
  // Checked again inside the transaction: the holder may have been cancelled since the caller looked.
  await assertMayHoldLicence(tx, l.holderUscc);
  const created = await tx.licence.create({
    data: {
      typeCode: l.type.code,
      number: l.number,
      holderUscc: l.holderUscc,
      issuingDepartmentCode: l.type.issuingDepartmentCode,
      issuedOn: l.issuedOn,
      validFrom: l.validFrom,
      validUntil: l.validUntil !== undefined ? l.validUntil : defaultValidUntil(l.type, l.validFrom),
      scope: l.scope,
      attributes: l.attributes,
      sourceSystemId: issuer.systemId,
      sourceRecordId: l.sourceRecordId,
      sourceVersion: l.sourceVersion,
    },
  });
  await tx.licenceEvent.create({
    data: {
      licenceId: created.id,
      action: 'ISSUED',
      toStatus: 'VALID',
      reason: how.reason,
      actorSystemId: issuer.systemId,
      actorDepartmentCode: issuer.departmentCode,
    },
  });
  await recordChange(tx, {
    entityType: 'LICENCE',
    entityId: created.id,
    action: 'CREATED',
    revision: created.revision,
    actor: { systemId: issuer.systemId, departmentCode: issuer.departmentCode },
    changes: (how.changes ?? licenceChangePayload)(created),
  });
  return created;
}

function throwProblems(problems: { field: string; message: string }[]): void {
  if (problems.length === 0) return;
  throw badInput(`Invalid licence: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, { problems });
}

/** Every problem of a licence to issue (its holder and type are checked against the database by the caller). */
export function issueProblems(
  input: Pick<IssueLicenceInput, 'number' | 'scope' | 'issuedOn' | 'validFrom' | 'attributes'> & {
    validUntil: Date | null;
  },
  type: Pick<LicenceType, 'attributeSchema'>,
): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (!input.number.trim() || input.number.length > 64)
    problems.push({ field: 'number', message: 'must be 1 to 64 characters' });
  if (!input.scope.trim()) problems.push({ field: 'scope', message: 'must not be empty' });
  if (input.issuedOn > shanghaiToday()) problems.push({ field: 'issuedOn', message: 'must not be in the future' });
  if (input.validUntil && input.validUntil < input.validFrom)
    problems.push({ field: 'validUntil', message: 'must not be before validFrom' });
  problems.push(...attributeProblems(parseAttributeSchema(type.attributeSchema), input.attributes));
  return problems;
}

export async function issueLicence(ctx: BaseContext, input: IssueLicenceInput): Promise<Licence> {
  assertScope(ctx.caller, 'licence:issue');
  const caller = ctx.caller;
  const type = await ctx.prisma.licenceType.findUnique({ where: { code: input.typeCode } });
  if (!type) throw notFound(`No licence type has the code "${input.typeCode}"`, { field: 'typeCode' });
  assertIssuer(caller, type.issuingDepartmentCode, `Licence type ${type.code} (${type.name})`);
  await assertMayHoldLicence(ctx.prisma, input.holderUscc);

  const validUntil = input.validUntil !== undefined ? input.validUntil : defaultValidUntil(type, input.validFrom);
  throwProblems([...issueProblems({ ...input, validUntil }, type), ...numberProblems(type, input.number)]);

  try {
    const licence = await ctx.prisma.$transaction((tx) =>
      issueLicenceInTx(
        tx,
        {
          type,
          number: input.number.trim(),
          holderUscc: input.holderUscc,
          issuedOn: input.issuedOn,
          validFrom: input.validFrom,
          validUntil,
          scope: input.scope.trim(),
          attributes: input.attributes,
          sourceRecordId: input.sourceRecordId ?? `${type.code}:${input.number.trim()}`,
          sourceVersion: input.sourceVersion ?? 1,
        },
        { issuer: caller, reason: 'issued' },
      ),
    );
    await cacheLicence(ctx, licence);
    ctx.logger.info({ licenceId: licence.id, type: type.code, system: caller.systemName }, 'licence issued');
    return licence;
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw conflict(`A ${type.code} licence numbered "${input.number}" (or this source record) already exists`, {
        field: 'number',
      });
    }
    throw err;
  }
}

async function loadForChange(ctx: BaseContext, id: string): Promise<Licence> {
  const licence = await ctx.prisma.licence.findUnique({ where: { id } });
  if (!licence) throw notFound(`No licence has the id ${id}`, { licenceId: id });
  return licence;
}

export async function amendLicence(
  ctx: BaseContext,
  id: string,
  patch: AmendLicenceInput,
  reason: string,
  expectedRevision?: number | null,
): Promise<Licence> {
  assertScope(ctx.caller, 'licence:amend');
  const caller = ctx.caller;
  const current = await loadForChange(ctx, id);
  assertIssuer(caller, current.issuingDepartmentCode, 'This licence');
  const type = await ctx.prisma.licenceType.findUniqueOrThrow({ where: { code: current.typeCode } });
  const problems: { field: string; message: string }[] = [];
  if (!reason.trim()) problems.push({ field: 'reason', message: 'say why the licence is amended' });
  if (patch.scope !== undefined && !patch.scope.trim()) problems.push({ field: 'scope', message: 'must not be empty' });
  const validUntil = patch.validUntil !== undefined ? patch.validUntil : current.validUntil;
  if (validUntil && validUntil < current.validFrom)
    problems.push({ field: 'validUntil', message: 'must not be before validFrom' });
  const attributes = patch.attributes
    ? { ...(current.attributes as Record<string, AttributeValue>), ...patch.attributes }
    : undefined;
  if (attributes) problems.push(...attributeProblems(parseAttributeSchema(type.attributeSchema), attributes));
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  if (patch.validUntil !== undefined) changes.validUntil = { from: current.validUntil, to: patch.validUntil };
  if (patch.scope !== undefined) changes.scope = { from: current.scope, to: patch.scope.trim() };
  if (attributes) changes.attributes = { from: current.attributes, to: attributes };
  if (Object.keys(changes).length === 0)
    problems.push({ field: 'input', message: 'give at least one field to change' });
  throwProblems(problems);
  if (!AMENDABLE.includes(current.status)) {
    throw conflict(`A ${current.status} licence cannot be amended`, {
      currentStatus: current.status,
      allowedFrom: AMENDABLE,
    });
  }
  const revision = expectedRevision ?? current.revision;
  const updated = await ctx.prisma.$transaction(async (tx) => {
    const { count } = await tx.licence.updateMany({
      where: { id, revision, status: { in: AMENDABLE } },
      data: {
        ...(patch.validUntil !== undefined ? { validUntil: patch.validUntil } : {}),
        ...(patch.scope !== undefined ? { scope: patch.scope.trim() } : {}),
        ...(attributes ? { attributes } : {}),
        revision: { increment: 1 },
      },
    });
    if (count === 0)
      throw conflict(`The licence changed meanwhile (expected revision ${revision}); reload and retry`, {
        licenceId: id,
      });
    await tx.licenceEvent.create({
      data: {
        licenceId: id,
        action: 'AMENDED',
        fromStatus: current.status,
        toStatus: current.status,
        reason: reason.trim(),
        actorSystemId: caller.systemId,
        actorDepartmentCode: caller.departmentCode,
        changes: JSON.parse(JSON.stringify(changes)) as Prisma.InputJsonValue,
      },
    });
    const after = await tx.licence.findUniqueOrThrow({ where: { id } });
    await recordChange(tx, {
      entityType: 'LICENCE',
      entityId: id,
      action: 'AMENDED',
      revision: after.revision,
      actor: { systemId: caller.systemId, departmentCode: caller.departmentCode },
      changes: Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, v.to])),
    });
    return after;
  });
  await cacheLicence(ctx, updated);
  return updated;
}

/**
 * Applies a lifecycle action inside a transaction, conditionally on the current status.
 * No permission check: callers (the licence service, the penalty service) check their own.
 */
export async function applyTransition(
  tx: Tx,
  args: {
    licenceId: string;
    action: TransitionAction;
    reason: string;
    actor: { systemId: string | null; departmentCode: string };
    penaltyId?: string;
  },
): Promise<Licence> {
  const rule = TRANSITIONS[args.action];
  const current = await tx.licence.findUnique({ where: { id: args.licenceId } });
  if (!current) throw notFound(`No licence has the id ${args.licenceId}`, { licenceId: args.licenceId });
  // EXPIRED is derived, not stored: the condition repeats visibleStatus so the check and the
  // write are one statement, and a licence that expires meanwhile is still refused.
  const expiredAllowed = ALLOWED_WHEN_EXPIRED.includes(args.action);
  const { count } = await tx.licence.updateMany({
    where: {
      id: args.licenceId,
      status: { in: rule.from },
      ...(expiredAllowed
        ? {}
        : { OR: [{ status: { not: 'VALID' } }, { validUntil: null }, { validUntil: { gte: shanghaiToday() } }] }),
    },
    data: { status: rule.to, revision: { increment: 1 } },
  });
  if (count === 0) {
    const seen = visibleStatus(current);
    const from = allowedFrom(args.action);
    throw conflict(`A ${seen} licence cannot be ${args.action.toLowerCase()} (allowed from ${from.join(' or ')})`, {
      licenceId: args.licenceId,
      currentStatus: seen,
      allowedFrom: from,
      action: args.action,
    });
  }
  await bumpStatusListVersion(tx);
  await tx.licenceEvent.create({
    data: {
      licenceId: args.licenceId,
      action: args.action,
      fromStatus: current.status,
      toStatus: rule.to,
      reason: args.reason,
      actorSystemId: args.actor.systemId,
      actorDepartmentCode: args.actor.departmentCode,
      penaltyId: args.penaltyId ?? null,
    },
  });
  const after = await tx.licence.findUniqueOrThrow({ where: { id: args.licenceId } });
  await recordChange(tx, {
    entityType: 'LICENCE',
    entityId: args.licenceId,
    action: args.action,
    revision: after.revision,
    actor: { systemId: args.actor.systemId, departmentCode: args.actor.departmentCode },
    changes: { status: rule.to, reason: args.reason, ...(args.penaltyId ? { penaltyId: args.penaltyId } : {}) },
  });
  return after;
}

/** suspend / reinstate / revoke / cancel, by the issuing department with the matching scope. */
export async function transitionLicence(
  ctx: BaseContext,
  id: string,
  action: TransitionAction,
  reason: string,
): Promise<Licence> {
  assertScope(ctx.caller, SCOPE_OF[action]);
  const caller = ctx.caller;
  if (!reason.trim())
    throw badInput('Say why (reason must not be empty)', {
      problems: [{ field: 'reason', message: 'must not be empty' }],
    });
  const current = await loadForChange(ctx, id);
  assertIssuer(caller, current.issuingDepartmentCode, 'This licence');
  const updated = await ctx.prisma.$transaction((tx) =>
    applyTransition(tx, { licenceId: id, action, reason: reason.trim(), actor: caller }),
  );
  await cacheLicence(ctx, updated);
  ctx.logger.info({ licenceId: id, action, system: caller.systemName }, 'licence status changed');
  return updated;
}
