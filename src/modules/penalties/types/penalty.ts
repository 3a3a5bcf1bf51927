/**
 * Penalty: the entity (key `id`), the enterprise's penalties, queries and the deciding
 * department's mutations. The public sees a penalty while it is publicised (公示期) and not
 * credit-repaired; the deciding department and systems with penalty:read see all.
 */
import type { Penalty, Prisma } from '../../../generated/prisma/client.js';
import { CreditRepairStatus, PenaltyKind } from '../../../generated/prisma/enums.js';
import { shanghaiToday } from '../../licences/index.js';
import { decidePenalty, recordCreditRepair } from '../service.js';
import { hasScope, type Caller } from '../../../platform/auth/caller.js';
import { builder } from '../builder.js';

const DepartmentRef = builder
  .externalRef('Department', builder.keyDirective(builder.selection<{ code: string }>('code'), false))
  .implement({ fields: (t) => ({ code: t.exposeString('code') }) });

const LicenceRef = builder
  .externalRef('Licence', builder.keyDirective(builder.selection<{ id: string }>('id'), false))
  .implement({ fields: (t) => ({ id: t.exposeID('id') }) });

const EnterpriseRef = builder.externalRef('Enterprise', builder.selection<{ uscc: string }>('uscc'), (ref) => ref);

const PenaltyKindEnum = builder.enumType(PenaltyKind, {
  name: 'PenaltyKind',
  description:
    'WARNING 警告, FINE 罚款, CONFISCATION 没收, SUSPENSION_OF_BUSINESS 责令停产停业, LICENCE_SUSPENSION 暂扣许可证件, LICENCE_REVOCATION 吊销许可证件, DETENTION 行政拘留.',
});
const CreditRepairEnum = builder.enumType(CreditRepairStatus, { name: 'CreditRepairStatus' });

/** Whether the penalty is currently publicised: within its publicity period and not repaired. */
export function isPublicised(p: Penalty, today: Date = shanghaiToday()): boolean {
  return p.creditRepairStatus !== 'REPAIRED' && (p.publicityUntil === null || p.publicityUntil >= today);
}

function visibleTo(caller: Caller, p: Penalty): boolean {
  return (
    isPublicised(p) ||
    hasScope(caller, 'penalty:read') ||
    (caller.kind === 'system' && caller.departmentCode === p.decidingDepartmentCode)
  );
}

export const PenaltyType = builder.prismaObject('Penalty', {
  description: 'An administrative penalty decision (行政处罚决定), entered once by the deciding department.',
  fields: (t) => ({
    id: t.exposeID('id'),
    decisionNumber: t.exposeString('decisionNumber', { description: '决定书文号' }),
    enterprise: t.field({ type: EnterpriseRef, resolve: (p) => ({ uscc: p.enterpriseUscc }) }),
    decidingDepartment: t.field({ type: DepartmentRef, resolve: (p) => ({ code: p.decidingDepartmentCode }) }),
    facts: t.exposeString('facts', { description: 'Facts of the violation (违法事实).' }),
    legalBasis: t.exposeString('legalBasis', { description: 'Legal basis (处罚依据).' }),
    kinds: t.field({ type: [PenaltyKindEnum], resolve: (p) => p.kinds }),
    fineAmount: t.field({
      type: 'Decimal',
      nullable: true,
      description: 'Fine in yuan.',
      resolve: (p) => p.fineAmount?.toFixed(2) ?? null,
    }),
    confiscatedAmount: t.field({
      type: 'Decimal',
      nullable: true,
      resolve: (p) => p.confiscatedAmount?.toFixed(2) ?? null,
    }),
    decidedOn: t.expose('decidedOn', { type: 'Date' }),
    publicityUntil: t.expose('publicityUntil', { type: 'Date', nullable: true }),
    publicised: t.boolean({
      description: 'Within its publicity period and not credit-repaired.',
      resolve: (p) => isPublicised(p),
    }),
    creditRepairStatus: t.expose('creditRepairStatus', { type: CreditRepairEnum }),
    licence: t.field({
      type: LicenceRef,
      nullable: true,
      description: 'The licence this decision suspended or revoked.',
      resolve: (p) => (p.licenceId ? { id: p.licenceId } : null),
    }),
    suspensionUntil: t.expose('suspensionUntil', { type: 'Date', nullable: true }),
    revision: t.exposeInt('revision'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.asEntity(PenaltyType, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: async (ref, ctx) => {
    const p = await ctx.loaders.penaltyById.load(ref.id);
    return p && visibleTo(ctx.caller, p) ? p : null;
  },
});

EnterpriseRef.implement({
  fields: (t) => ({
    uscc: t.expose('uscc', { type: 'USCC' }),
    penalties: t.field({
      type: [PenaltyType],
      description:
        "The enterprise's penalty decisions, newest first. The public sees publicised ones only; the deciding department and penalty:read see all.",
      args: { kind: t.arg({ type: PenaltyKindEnum, required: false }) },
      resolve: async (e, args, ctx) =>
        (await ctx.loaders.penaltiesByEnterprise.load(e.uscc)).filter(
          (p) => visibleTo(ctx.caller, p) && (!args.kind || p.kinds.includes(args.kind)),
        ),
    }),
  }),
});

builder.queryFields((t) => ({
  penalty: t.field({
    type: PenaltyType,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_r, args, ctx) => {
      const p = await ctx.loaders.penaltyById.load(String(args.id));
      return p && visibleTo(ctx.caller, p) ? p : null;
    },
  }),
  penaltyByDecisionNumber: t.field({
    type: PenaltyType,
    nullable: true,
    args: { decisionNumber: t.arg.string({ required: true }) },
    resolve: async (_r, args, ctx) => {
      const p = await ctx.prisma.penalty.findUnique({ where: { decisionNumber: args.decisionNumber } });
      return p && visibleTo(ctx.caller, p) ? p : null;
    },
  }),
  penalties: t.prismaConnection(
    {
      type: 'Penalty',
      cursor: 'id',
      maxSize: 100,
      defaultSize: 20,
      description: 'Penalty decisions visible to the caller, newest first.',
      args: {
        department: t.arg.string({ required: false }),
        enterprise: t.arg({ type: 'USCC', required: false }),
      },
      resolve: (query, _r, args, ctx) => {
        const today = shanghaiToday();
        const publicised: Prisma.PenaltyWhereInput = {
          creditRepairStatus: { not: 'REPAIRED' },
          OR: [{ publicityUntil: null }, { publicityUntil: { gte: today } }],
        };
        const caller = ctx.caller;
        const visibility: Prisma.PenaltyWhereInput = hasScope(caller, 'penalty:read')
          ? {}
          : caller.kind === 'system'
            ? { OR: [publicised, { decidingDepartmentCode: caller.departmentCode }] }
            : publicised;
        return ctx.prisma.penalty.findMany({
          ...query,
          where: {
            AND: [
              visibility,
              args.department ? { decidingDepartmentCode: args.department } : {},
              args.enterprise ? { enterpriseUscc: args.enterprise } : {},
            ],
          },
          orderBy: [{ decidedOn: 'desc' }, { id: 'asc' }],
        });
      },
    },
    {},
    {},
  ),
}));

const LicenceRefInput = builder.inputType('PenaltyLicenceInput', {
  description: 'Names a licence by id, or by type code and number.',
  fields: (t) => ({
    id: t.id({ required: false }),
    type: t.string({ required: false }),
    number: t.string({ required: false }),
  }),
});

const DecidePenaltyInput = builder.inputType('DecidePenaltyInput', {
  fields: (t) => ({
    decisionNumber: t.string({ required: true }),
    enterprise: t.field({ type: 'USCC', required: true }),
    facts: t.string({ required: true }),
    legalBasis: t.string({ required: true }),
    kinds: t.field({ type: [PenaltyKindEnum], required: true }),
    fineAmount: t.field({ type: 'Decimal', required: false }),
    confiscatedAmount: t.field({ type: 'Decimal', required: false }),
    decidedOn: t.field({ type: 'Date', required: true }),
    publicityUntil: t.field({ type: 'Date', required: false }),
    licence: t.field({
      type: LicenceRefInput,
      required: false,
      description: 'Required for LICENCE_SUSPENSION / LICENCE_REVOCATION.',
    }),
    suspensionUntil: t.field({ type: 'Date', required: false }),
    sourceRecordId: t.string({ required: false }),
    sourceVersion: t.int({ required: false }),
  }),
});

builder.mutationFields((t) => ({
  decidePenalty: t.field({
    type: PenaltyType,
    description:
      "Records a penalty decision of the caller's department (penalty:decide). A LICENCE_SUSPENSION or LICENCE_REVOCATION changes the licence's status in the same transaction. Errors: BAD_USER_INPUT, NOT_FOUND, CONFLICT (duplicate decision number, or the licence's status does not allow it), UNAUTHENTICATED, FORBIDDEN.",
    args: { input: t.arg({ type: DecidePenaltyInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      decidePenalty(ctx, {
        ...input,
        enterpriseUscc: input.enterprise,
        licence: input.licence
          ? {
              id: input.licence.id ? String(input.licence.id) : null,
              typeCode: input.licence.type,
              number: input.licence.number,
            }
          : null,
      }),
  }),
  recordCreditRepair: t.field({
    type: PenaltyType,
    description:
      'Records the credit-repair status (信用修复) of a penalty (penalty:credit-repair, deciding department only).',
    args: { id: t.arg.id({ required: true }), status: t.arg({ type: CreditRepairEnum, required: true }) },
    resolve: (_r, args, ctx) => recordCreditRepair(ctx, String(args.id), args.status),
  }),
}));
