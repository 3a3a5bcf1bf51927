/**
 * ServiceItem: the public service catalogue (政务服务清单 / 明白册) and its import.
 */
import type { Prisma, ServiceItem } from '../../../generated/prisma/client.js';
import { AcceptancePlace, Audience, OnlineLevel } from '../../../generated/prisma/enums.js';
import { importCatalogue } from '../catalogue/catalogue.js';
import { itemFees, itemMaterials, type ItemFee, type ItemMaterial } from '../catalogue/catalogue.js';
import type { CatalogueProblem } from '../catalogue/catalogue-problems.js';
import { builder } from '../builder.js';
import { DepartmentRef } from './refs.js';
import { MaterialSharedSourceType } from './shared-source.js';

export const AudienceEnum = builder.enumType(Audience, {
  name: 'Audience',
  description: 'ENTERPRISE 企业, PERSON 个人.',
});
export const AcceptancePlaceEnum = builder.enumType(AcceptancePlace, {
  name: 'AcceptancePlace',
  description: 'DISTRICT_CENTRE 区政务服务中心, STREET_CENTRE 街道政务服务中心, COMMUNITY_STATION 社区服务站.',
});
export const OnlineLevelEnum = builder.enumType(OnlineLevel, {
  name: 'OnlineLevel',
  description: 'NONE 不可网办, BOOKING 网上预约, PRE_REVIEW 网上预审, FULLY_ONLINE 全程网办.',
});

const MaterialType = builder.objectRef<ItemMaterial>('ServiceItemMaterial').implement({
  description: 'A material the applicant submits (申请材料).',
  fields: (t) => ({
    code: t.exposeString('code'),
    name: t.exposeString('name'),
    form: t.exposeString('form', { description: 'ORIGINAL, COPY, ORIGINAL_AND_COPY or ELECTRONIC.' }),
    copies: t.exposeInt('copies'),
    requirement: t.exposeString('requirement', { description: 'REQUIRED, or CONDITIONAL (see condition).' }),
    condition: t.string({
      nullable: true,
      description: 'When a CONDITIONAL material is needed.',
      resolve: (m) => m.condition ?? null,
    }),
    note: t.string({ nullable: true, resolve: (m) => m.note ?? null }),
    sharedSource: t.field({
      type: MaterialSharedSourceType,
      nullable: true,
      description:
        'Set when the hub takes the material from the libraries: an applicant that has it there is not asked for it (免于提交).',
      resolve: (m) => m.shared ?? null,
    }),
  }),
});

const FeeType = builder.objectRef<ItemFee>('ServiceItemFee').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    amountYuan: t.field({ type: 'Decimal', resolve: (f) => f.amountYuan }),
    basis: t.exposeString('basis'),
  }),
});

export const ServiceItemType = builder.prismaObject('ServiceItem', {
  description: 'An approval or service item of the public catalogue, with everything its guide (明白册) shows.',
  fields: (t) => ({
    code: t.exposeString('code'),
    name: t.exposeString('name'),
    department: t.field({ type: DepartmentRef, resolve: (i) => ({ code: i.departmentCode }) }),
    audience: t.expose('audience', { type: AudienceEnum }),
    acceptedAt: t.field({
      type: [AcceptancePlaceEnum],
      description: 'Where it can be accepted (一口受理).',
      resolve: (i) => i.acceptedAt,
    }),
    onTheSpot: t.exposeBoolean('onTheSpot', { description: 'Completed on the spot (即办).' }),
    conditions: t.exposeStringList('conditions', { description: '受理条件' }),
    legalBasis: t.exposeStringList('legalBasis', { description: '设定依据' }),
    materials: t.field({
      type: [MaterialType],
      description: '申请材料 (the one-time notice checks against these)',
      resolve: (i) => itemMaterials(i),
    }),
    steps: t.exposeStringList('steps', {
      description: 'Standard steps, in order: ACCEPTANCE, UNDERTAKING, REVIEW, APPROVAL, CONCLUSION.',
    }),
    specialStages: t.exposeStringList('specialStages', {
      description: 'Special stages whose time is not counted (听证, 现场勘察, 检测...).',
    }),
    statutoryLimitDays: t.exposeInt('statutoryLimitDays', { description: '法定时限, working days.' }),
    committedLimitDays: t.exposeInt('committedLimitDays', {
      description: '承诺时限, working days: the limit a case is held to.',
    }),
    fees: t.field({ type: [FeeType], resolve: (i) => itemFees(i) }),
    free: t.boolean({ resolve: (i) => itemFees(i).length === 0 }),
    online: t.expose('online', { type: OnlineLevelEnum }),
    producesLicenceType: t.exposeString('producesLicenceTypeCode', {
      nullable: true,
      description: 'Code of the licence type issued to the applicant when an approved case is concluded.',
    }),
    consultationPhone: t.exposeString('consultationPhone', { nullable: true, description: '咨询电话' }),
    supervisionPhone: t.exposeString('supervisionPhone', { nullable: true, description: '监督电话' }),
    guideUrl: t.string({
      description: 'The printable guide page.',
      resolve: (i, _a, ctx) => `${ctx.config.publicUrl}/guide/${encodeURIComponent(i.code)}`,
    }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.prismaObjectField(ServiceItemType, 'dependsOn', (t) =>
  t.field({
    type: [ServiceItemType],
    description: 'Items that must be concluded first.',
    resolve: async (i, _a, ctx) => {
      const items = await Promise.all(i.dependsOn.map((code) => ctx.loaders.itemByCode.load(code)));
      return items.filter((x): x is ServiceItem => x !== null);
    },
  }),
);

builder.queryFields((t) => ({
  serviceItem: t.field({
    type: ServiceItemType,
    nullable: true,
    description: 'One catalogue item by its code (public).',
    args: { code: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => ctx.loaders.itemByCode.load(args.code),
  }),
  serviceItems: t.prismaField({
    type: [ServiceItemType],
    description: 'The public catalogue, ordered by code; filters combine.',
    args: {
      department: t.arg.string({ required: false }),
      audience: t.arg({ type: AudienceEnum, required: false }),
      acceptedAt: t.arg({ type: AcceptancePlaceEnum, required: false }),
      onTheSpot: t.arg.boolean({ required: false }),
      online: t.arg({ type: OnlineLevelEnum, required: false }),
      search: t.arg.string({ required: false, description: 'Part of the code or name.' }),
    },
    resolve: (query, _r, args, ctx) => {
      const where: Prisma.ServiceItemWhereInput = {
        ...(args.department ? { departmentCode: args.department } : {}),
        ...(args.audience ? { audience: args.audience } : {}),
        ...(args.acceptedAt ? { acceptedAt: { has: args.acceptedAt } } : {}),
        ...(args.onTheSpot != null ? { onTheSpot: args.onTheSpot } : {}),
        ...(args.online ? { online: args.online } : {}),
        ...(args.search
          ? { OR: [{ code: { contains: args.search, mode: 'insensitive' } }, { name: { contains: args.search } }] }
          : {}),
      };
      return ctx.prisma.serviceItem.findMany({ ...query, where, orderBy: { code: 'asc' } });
    },
  }),
}));

const CatalogueProblemType = builder.objectRef<CatalogueProblem>('CatalogueProblem').implement({
  fields: (t) => ({
    item: t.exposeString('item', { nullable: true }),
    path: t.exposeString('path'),
    message: t.exposeString('message'),
    line: t.int({ nullable: true, resolve: (p) => p.line ?? null }),
  }),
});

const CatalogueImportType = builder
  .objectRef<{ ok: boolean; created: number; updated: number; problems: CatalogueProblem[] }>('CatalogueImportResult')
  .implement({
    description:
      'ok: every item was imported (created or updated). Otherwise nothing was imported and problems lists everything to fix, at once.',
    fields: (t) => ({
      ok: t.exposeBoolean('ok'),
      created: t.exposeInt('created'),
      updated: t.exposeInt('updated'),
      problems: t.field({ type: [CatalogueProblemType], resolve: (r) => r.problems }),
    }),
  });

builder.mutationFields((t) => ({
  importCatalogue: t.field({
    type: CatalogueImportType,
    description:
      'Imports a catalogue file (YAML, see the sample in prisma/seed/catalogue) (catalogue:admin). Items are upserted by code.',
    args: { yaml: t.arg.string({ required: true }), file: t.arg.string({ required: false }) },
    resolve: async (_r, args, ctx) => {
      const r = await importCatalogue(ctx, args.yaml, args.file ?? 'catalogue.yaml');
      return r.ok
        ? { ok: true, created: r.created, updated: r.updated, problems: [] }
        : { ok: false, created: 0, updated: 0, problems: r.problems };
    },
  }),
}));
