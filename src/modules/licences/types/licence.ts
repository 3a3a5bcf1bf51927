/**
 * Licence: the entity (key `id`), its history, the enterprise's licences, queries and the
 * issuing department's mutations.
 */
import type { Licence, Prisma } from '../../../generated/prisma/client.js';
import { LicenceStatus } from '../../../generated/prisma/enums.js';
import { coerceAttributes, parseAttributeSchema, type AttributeValue } from '../attributes.js';
import { amendLicence, issueLicence, transitionLicence } from '../service.js';
import { inForceOn, shanghaiToday, visibleStatus, type VisibleLicenceStatus } from '../status.js';
import { defineRecordSourceType, recordSourceOf } from '../../../platform/graphql/subgraph-builder.js';
import { builder } from '../builder.js';
import { LicenceTypeType } from './licence-type.js';
import { DepartmentRef, EnterpriseRef, PenaltyRef } from './refs.js';

export const LicenceStatusEnum = builder.enumType('LicenceStatus', {
  description:
    'What a reader should rely on. EXPIRED is derived: a VALID licence whose last valid day (Asia/Shanghai) has passed.',
  values: ['VALID', 'SUSPENDED', 'REVOKED', 'CANCELLED', 'EXPIRED'] as const,
});
const StoredStatusEnum = builder.enumType(LicenceStatus, { name: 'LicenceStoredStatus' });
const LicenceActionEnum = builder.enumType('LicenceAction', {
  values: ['ISSUED', 'AMENDED', 'SUSPENDED', 'REINSTATED', 'REVOKED', 'CANCELLED'] as const,
});

const LicenceAttributeType = builder
  .objectRef<{ name: string; label: string; type: string; value: AttributeValue }>('LicenceAttribute')
  .implement({
    description: 'A typed attribute value of a licence; `value` is its text form, `type` says how to read it.',
    fields: (t) => ({
      name: t.exposeString('name'),
      label: t.exposeString('label'),
      type: t.exposeString('type'),
      value: t.string({ resolve: (a) => String(a.value) }),
    }),
  });

const LicenceEventType = builder.prismaObject('LicenceEvent', {
  description: 'One change of a licence: who, when, why.',
  fields: (t) => ({
    action: t.expose('action', { type: LicenceActionEnum }),
    fromStatus: t.expose('fromStatus', { type: StoredStatusEnum, nullable: true }),
    toStatus: t.expose('toStatus', { type: StoredStatusEnum }),
    reason: t.exposeString('reason'),
    occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
    actorDepartment: t.field({
      type: DepartmentRef,
      nullable: true,
      resolve: (e) => (e.actorDepartmentCode ? { code: e.actorDepartmentCode } : null),
    }),
    penalty: t.field({
      type: PenaltyRef,
      nullable: true,
      description: 'The penalty decision that caused this change, if any.',
      resolve: (e) => (e.penaltyId ? { id: e.penaltyId } : null),
    }),
    changes: t.string({
      nullable: true,
      description: 'For amendments: the changed fields as JSON {field: {from, to}}.',
      resolve: (e) => (e.changes === null ? null : JSON.stringify(e.changes)),
    }),
  }),
});

const RecordSourceType = defineRecordSourceType(builder);

export const LicenceType_ = builder.prismaObject('Licence', {
  name: 'Licence',
  description: 'A licence or certificate (证照) held by an enterprise, entered once by the issuing department.',
  fields: (t) => ({
    id: t.exposeID('id'),
    type: t.field({
      type: LicenceTypeType,
      resolve: async (l, _a, ctx) => (await ctx.loaders.licenceType.load(l.typeCode))!,
    }),
    number: t.exposeString('number', { description: 'Licence number, unique within its type.' }),
    holder: t.field({ type: EnterpriseRef, resolve: (l) => ({ uscc: l.holderUscc }) }),
    issuingDepartment: t.field({ type: DepartmentRef, resolve: (l) => ({ code: l.issuingDepartmentCode }) }),
    issuedOn: t.expose('issuedOn', { type: 'Date' }),
    validFrom: t.expose('validFrom', { type: 'Date' }),
    validUntil: t.expose('validUntil', {
      type: 'Date',
      nullable: true,
      description: 'Last valid day; null: no expiry.',
    }),
    scope: t.exposeString('scope', { description: 'Licensed scope / content (许可范围).' }),
    attributes: t.field({
      type: [LicenceAttributeType],
      resolve: async (l, _a, ctx) => {
        const type = await ctx.loaders.licenceType.load(l.typeCode);
        const values = l.attributes as Record<string, AttributeValue>;
        return parseAttributeSchema(type?.attributeSchema ?? [])
          .filter((d) => values[d.name] !== undefined)
          .map((d) => ({ name: d.name, label: d.label, type: d.type, value: values[d.name]! }));
      },
    }),
    status: t.field({ type: LicenceStatusEnum, resolve: (l): VisibleLicenceStatus => visibleStatus(l) }),
    inForce: t.boolean({
      description: 'Whether the licence is in force today (Asia/Shanghai): VALID and within its validity dates.',
      resolve: (l) => inForceOn(l, shanghaiToday()),
    }),
    revision: t.exposeInt('revision'),
    history: t.field({
      type: [LicenceEventType],
      description: 'Every change, oldest first.',
      resolve: (l, _a, ctx) => ctx.loaders.history.load(l.id),
    }),
    source: t.field({
      type: RecordSourceType,
      nullable: true,
      resolve: recordSourceOf,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.asEntity(LicenceType_, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: (ref, ctx) => ctx.loaders.licenceById.load(ref.id),
});

/**
 * The derived status as a where clause, so a page of `licences` filters in SQL like
 * Enterprise.licences filters in memory: VALID excludes licences past their last day, EXPIRED is
 * a VALID row past it (Asia/Shanghai day).
 */
export function statusWhere(status: VisibleLicenceStatus, now: Date = new Date()): Prisma.LicenceWhereInput {
  const today = shanghaiToday(now);
  if (status === 'EXPIRED') return { status: 'VALID', validUntil: { lt: today } };
  if (status === 'VALID') return { status: 'VALID', OR: [{ validUntil: null }, { validUntil: { gte: today } }] };
  return { status };
}

function matches(
  l: Licence,
  f: { type?: string | null; status?: VisibleLicenceStatus | null; validOn?: Date | null },
): boolean {
  if (f.type && l.typeCode !== f.type) return false;
  if (f.status && visibleStatus(l) !== f.status) return false;
  if (f.validOn && !inForceOn(l, f.validOn)) return false;
  return true;
}

EnterpriseRef.implement({
  fields: (t) => ({
    uscc: t.expose('uscc', { type: 'USCC' }),
    licences: t.field({
      type: [LicenceType_],
      description:
        "The enterprise's licences, newest first, optionally of one type, in one status, or in force on a date.",
      args: {
        type: t.arg.string({ required: false, description: 'Licence type code.' }),
        status: t.arg({ type: LicenceStatusEnum, required: false }),
        validOn: t.arg({ type: 'Date', required: false, description: 'Only licences in force on this day.' }),
      },
      resolve: async (e, args, ctx) =>
        (await ctx.loaders.licencesByHolder.load(e.uscc)).filter((l) => matches(l, args)),
    }),
  }),
});

const LicenceFilter = builder.inputType('LicenceFilter', {
  fields: (t) => ({
    type: t.string({ required: false }),
    status: t.field({
      type: LicenceStatusEnum,
      required: false,
      description:
        'The status a reader sees, as Licence.status: VALID excludes licences past their last valid day, EXPIRED finds them.',
    }),
    holder: t.field({ type: 'USCC', required: false }),
    issuingDepartment: t.string({ required: false }),
  }),
});

builder.queryFields((t) => ({
  licence: t.field({
    type: LicenceType_,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, args, ctx) => ctx.loaders.licenceById.load(String(args.id)),
  }),
  licenceByNumber: t.field({
    type: LicenceType_,
    nullable: true,
    description: 'A licence by its type code and number (as printed on it).',
    args: { type: t.arg.string({ required: true }), number: t.arg.string({ required: true }) },
    // A hot read (scanning desks, department systems): the licence and its type in one statement
    // over node-postgres (db/rows.ts); the type waits in its loader for `type` and `attributes`.
    resolve: async (_r, args, ctx) => {
      const [found] = await ctx.rows.whereWithParent(
        'Licence',
        { typeCode: args.type, number: args.number },
        { model: 'LicenceType', from: 'typeCode', to: 'code' },
      );
      if (!found) return null;
      const [licence, type] = found;
      if (type) ctx.loaders.licenceType.prime(type.code, type);
      return licence;
    },
  }),
  licences: t.prismaConnection(
    {
      type: 'Licence',
      cursor: 'id',
      maxSize: 100,
      defaultSize: 20,
      description: 'Licences, filtered (at most 100 a page).',
      args: { filter: t.arg({ type: LicenceFilter, required: false }) },
      resolve: (query, _r, args, ctx) => {
        const f = args.filter;
        const where: Prisma.LicenceWhereInput = {
          ...(f?.type ? { typeCode: f.type } : {}),
          ...(f?.status ? statusWhere(f.status) : {}),
          ...(f?.holder ? { holderUscc: f.holder } : {}),
          ...(f?.issuingDepartment ? { issuingDepartmentCode: f.issuingDepartment } : {}),
        };
        return ctx.prisma.licence.findMany({ ...query, where });
      },
    },
    {},
    {},
  ),
}));

const AttributeInput = builder.inputType('LicenceAttributeInput', {
  fields: (t) => ({ name: t.string({ required: true }), value: t.string({ required: true }) }),
});

const IssueLicenceInput = builder.inputType('IssueLicenceInput', {
  fields: (t) => ({
    type: t.string({ required: true, description: 'Licence type code; the caller must be its issuing department.' }),
    number: t.string({ required: true }),
    holder: t.field({ type: 'USCC', required: true }),
    issuedOn: t.field({ type: 'Date', required: true }),
    validFrom: t.field({ type: 'Date', required: true }),
    validUntil: t.field({
      type: 'Date',
      required: false,
      description: "Default: the type's validity; give noExpiry for none.",
    }),
    noExpiry: t.boolean({ required: false }),
    scope: t.string({ required: true }),
    attributes: t.field({ type: [AttributeInput], required: false }),
    sourceRecordId: t.string({ required: false }),
    sourceVersion: t.int({ required: false }),
  }),
});

const AmendLicenceInput = builder.inputType('AmendLicenceInput', {
  fields: (t) => ({
    validUntil: t.field({ type: 'Date', required: false }),
    noExpiry: t.boolean({ required: false }),
    scope: t.string({ required: false }),
    attributes: t.field({
      type: [AttributeInput],
      required: false,
      description: 'Attributes to set (others keep their values).',
    }),
  }),
});

async function attributeDefs(
  ctx: { loaders: { licenceType: { load(code: string): Promise<{ attributeSchema: unknown } | null> } } },
  code: string,
) {
  return parseAttributeSchema((await ctx.loaders.licenceType.load(code))?.attributeSchema ?? []);
}

const ERRORS =
  'Errors: UNAUTHENTICATED / FORBIDDEN (missing scope, or the caller is not the issuing department), NOT_FOUND, CONFLICT (status does not allow it, or changed meanwhile), BAD_USER_INPUT.';

builder.mutationFields((t) => {
  const transition = (action: 'SUSPENDED' | 'REINSTATED' | 'REVOKED' | 'CANCELLED', scope: string, what: string) =>
    t.field({
      type: LicenceType_,
      description: `${what} Needs ${scope} and the issuing department. ${ERRORS}`,
      args: { id: t.arg.id({ required: true }), reason: t.arg.string({ required: true }) },
      resolve: (_r, args, ctx) => transitionLicence(ctx, String(args.id), action, args.reason),
    });
  return {
    issueLicence: t.field({
      type: LicenceType_,
      description: `Issues a licence. Needs licence:issue and to be the type's issuing department. ${ERRORS}`,
      args: { input: t.arg({ type: IssueLicenceInput, required: true }) },
      resolve: async (_r, { input }, ctx) =>
        issueLicence(ctx, {
          typeCode: input.type,
          number: input.number,
          holderUscc: input.holder,
          issuedOn: input.issuedOn,
          validFrom: input.validFrom,
          validUntil: input.noExpiry ? null : (input.validUntil ?? undefined),
          scope: input.scope,
          attributes: coerceAttributes(await attributeDefs(ctx, input.type), input.attributes ?? []),
          sourceRecordId: input.sourceRecordId,
          sourceVersion: input.sourceVersion,
        }),
    }),
    amendLicence: t.field({
      type: LicenceType_,
      description: `Amends validity, scope or attributes. Needs licence:amend. ${ERRORS}`,
      args: {
        id: t.arg.id({ required: true }),
        input: t.arg({ type: AmendLicenceInput, required: true }),
        reason: t.arg.string({ required: true }),
        expectedRevision: t.arg.int({ required: false }),
      },
      resolve: async (_r, { id, input, reason, expectedRevision }, ctx) => {
        const current = await ctx.loaders.licenceById.load(String(id));
        const defs = current ? await attributeDefs(ctx, current.typeCode) : [];
        return amendLicence(
          ctx,
          String(id),
          {
            validUntil: input.noExpiry ? null : (input.validUntil ?? undefined),
            scope: input.scope ?? undefined,
            attributes: input.attributes ? coerceAttributes(defs, input.attributes) : undefined,
          },
          reason,
          expectedRevision,
        );
      },
    }),
    suspendLicence: transition('SUSPENDED', 'licence:suspend', 'Suspends a VALID licence (暂扣).'),
    reinstateLicence: transition('REINSTATED', 'licence:suspend', 'Reinstates a SUSPENDED licence.'),
    revokeLicence: transition('REVOKED', 'licence:revoke', 'Revokes a VALID or SUSPENDED licence (吊销).'),
    cancelLicence: transition('CANCELLED', 'licence:cancel', 'Cancels a VALID or SUSPENDED licence (注销).'),
  };
});
