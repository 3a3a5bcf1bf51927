/**
 * Enterprise: the Subject Library's entity (key `uscc`), its queries and mutations.
 */
import type { Enterprise } from '../../../generated/prisma/client.js';
import { EnterpriseStatus, EnterpriseType } from '../../../generated/prisma/enums.js';
import type { Prisma } from '../../../generated/prisma/client.js';
import { hasScope } from '../../../platform/auth/caller.js';
import { maskIdNumber, maskPhone } from '../../../platform/graphql/masking.js';
import { revealPersonal } from '../../../platform/audit/reveal.js';
import { qrCodeLink } from '../../../platform/qr/link.js';
import {
  defineQrCodeType,
  defineRecordSourceType,
  recordSourceOf,
} from '../../../platform/graphql/subgraph-builder.js';
import { builder } from '../builder.js';
import { registerEnterprise, updateEnterprise } from '../service.js';
import { DepartmentRef } from './department.js';

export const EnterpriseTypeEnum = builder.enumType(EnterpriseType, { name: 'EnterpriseType' });
export const EnterpriseStatusEnum = builder.enumType(EnterpriseStatus, {
  name: 'EnterpriseStatus',
  description: 'ACTIVE 存续, REVOKED 吊销, CANCELLED 注销, MOVED_OUT 迁出.',
});

const PERSONAL = 'enterprise:read-personal';

export const EnterpriseType_ = builder.prismaObject('Enterprise', {
  name: 'Enterprise',
  description: 'An enterprise in the Enterprise Subject Library (企业主体库), keyed by its USCC.',
  fields: (t) => ({
    uscc: t.expose('uscc', { type: 'USCC' }),
    name: t.exposeString('name'),
    type: t.expose('type', { type: EnterpriseTypeEnum }),
    legalRepresentative: t.exposeString('legalRepresentative', { description: '法定代表人' }),
    legalRepresentativeIdNumber: t.string({
      description: `ID number of the legal representative. Personal data: MASKED (e.g. 440106********123X) unless the caller has the scope ${PERSONAL}; unmasked only with a stated purpose (header x-purpose, else FORBIDDEN with reason PURPOSE_REQUIRED), and every unmasked read is audited.`,
      resolve: (e, _a, ctx) =>
        hasScope(ctx.caller, PERSONAL)
          ? revealPersonal(
              ctx,
              { entityType: 'ENTERPRISE', entityId: e.uscc, field: 'legalRepresentativeIdNumber' },
              e.legalRepresentativeIdNumber,
            )
          : maskIdNumber(e.legalRepresentativeIdNumber),
    }),
    registeredCapital: t.field({
      type: 'Decimal',
      description: 'Registered capital in yuan.',
      resolve: (e) => e.registeredCapital.toFixed(2),
    }),
    establishedOn: t.expose('establishedOn', { type: 'Date' }),
    registrationAuthority: t.field({
      type: DepartmentRef,
      description: 'The department that registered the enterprise (登记机关).',
      resolve: (e) => ({ code: e.registrationAuthorityCode }),
    }),
    address: t.exposeString('address'),
    street: t.exposeString('street', { description: 'The street (街道) the enterprise is located in.' }),
    businessScope: t.exposeString('businessScope', { description: '经营范围' }),
    status: t.expose('status', { type: EnterpriseStatusEnum }),
    contactPhone: t.string({
      nullable: true,
      description: `Contact phone. Personal data: MASKED (138****1234) unless the caller has the scope ${PERSONAL}; unmasked only with a stated purpose (header x-purpose), and audited.`,
      resolve: (e, _a, ctx) =>
        e.contactPhone === null
          ? null
          : hasScope(ctx.caller, PERSONAL)
            ? revealPersonal(ctx, { entityType: 'ENTERPRISE', entityId: e.uscc, field: 'contactPhone' }, e.contactPhone)
            : maskPhone(e.contactPhone),
    }),
    revision: t.exposeInt('revision', {
      description: 'Incremented on every change; pass it as expectedRevision to update safely.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    qr: t.field({
      type: QrCodeType,
      description:
        "The enterprise's QR code: scanning it lets a department system read the enterprise, its licences and penalties without re-typing them.",
      resolve: (e, _a, ctx) =>
        qrCodeLink(ctx.qr, ctx.config.publicUrl, { type: 'enterprise', id: e.uscc }, e.createdAt),
    }),
    source: t.field({
      type: SourceType,
      nullable: true,
      description: 'Where the record came from (provenance).',
      resolve: recordSourceOf,
    }),
  }),
});

const QrCodeType = defineQrCodeType(builder);
const SourceType = defineRecordSourceType(builder);

builder.asEntity(EnterpriseType_, {
  key: builder.selection<{ uscc: string }>('uscc'),
  resolveReference: (ref, ctx) => ctx.loaders.enterpriseByUscc.load(ref.uscc),
});

const EnterpriseFilter = builder.inputType('EnterpriseFilter', {
  fields: (t) => ({
    name: t.string({ required: false, description: 'Part of the name (case-insensitive).' }),
    street: t.string({ required: false, description: 'Exact street name.' }),
    status: t.field({ type: EnterpriseStatusEnum, required: false }),
    registrationAuthority: t.string({ required: false, description: 'Code of the registration authority.' }),
  }),
});

function whereOf(filter: typeof EnterpriseFilter.$inferInput | null | undefined): Prisma.EnterpriseWhereInput {
  if (!filter) return {};
  return {
    ...(filter.name ? { name: { contains: filter.name, mode: 'insensitive' as const } } : {}),
    ...(filter.street ? { street: filter.street } : {}),
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.registrationAuthority ? { registrationAuthorityCode: filter.registrationAuthority } : {}),
  };
}

builder.queryFields((t) => ({
  enterprise: t.field({
    type: EnterpriseType_,
    nullable: true,
    description: 'An enterprise by its USCC; null when none is registered.',
    args: { uscc: t.arg({ type: 'USCC', required: true }) },
    resolve: (_root, args, ctx) => ctx.loaders.enterpriseByUscc.load(args.uscc),
  }),
  enterprises: t.prismaConnection(
    {
      type: 'Enterprise',
      cursor: 'uscc',
      maxSize: 100,
      defaultSize: 20,
      description:
        'Enterprises ordered by USCC, filtered by name, street, status or registration authority (at most 100 a page).',
      args: { filter: t.arg({ type: EnterpriseFilter, required: false }) },
      resolve: (query, _root, args, ctx) => ctx.prisma.enterprise.findMany({ ...query, where: whereOf(args.filter) }),
      totalCount: (_root, args, ctx) => ctx.prisma.enterprise.count({ where: whereOf(args.filter) }),
    },
    {},
    {},
  ),
}));

const RegisterEnterpriseInput = builder.inputType('RegisterEnterpriseInput', {
  fields: (t) => ({
    uscc: t.field({ type: 'USCC', required: true }),
    name: t.string({ required: true }),
    type: t.field({ type: EnterpriseTypeEnum, required: true }),
    legalRepresentative: t.string({ required: true }),
    legalRepresentativeIdNumber: t.string({ required: true }),
    registeredCapital: t.field({ type: 'Decimal', required: true }),
    establishedOn: t.field({ type: 'Date', required: true }),
    registrationAuthorityCode: t.string({ required: true }),
    address: t.string({ required: true }),
    street: t.string({ required: true }),
    businessScope: t.string({ required: true }),
    status: t.field({ type: EnterpriseStatusEnum, required: false }),
    contactPhone: t.string({ required: false }),
    sourceRecordId: t.string({
      required: false,
      description: "The record's id in the calling system (default: the USCC).",
    }),
    sourceVersion: t.int({ required: false, description: "The record's version in the calling system (default 1)." }),
  }),
});

const UpdateEnterpriseInput = builder.inputType('UpdateEnterpriseInput', {
  fields: (t) => ({
    name: t.string({ required: false }),
    type: t.field({ type: EnterpriseTypeEnum, required: false }),
    legalRepresentative: t.string({ required: false }),
    legalRepresentativeIdNumber: t.string({ required: false }),
    registeredCapital: t.field({ type: 'Decimal', required: false }),
    establishedOn: t.field({ type: 'Date', required: false }),
    registrationAuthorityCode: t.string({ required: false }),
    address: t.string({ required: false }),
    street: t.string({ required: false }),
    businessScope: t.string({ required: false }),
    status: t.field({ type: EnterpriseStatusEnum, required: false }),
    contactPhone: t.string({ required: false }),
  }),
});

builder.mutationFields((t) => ({
  registerEnterprise: t.field({
    type: EnterpriseType_,
    description:
      'Registers an enterprise. Needs the scope enterprise:register. Errors: BAD_USER_INPUT (invalid fields, all listed in extensions.problems), NOT_FOUND (unknown registration authority), CONFLICT (USCC already registered).',
    args: { input: t.arg({ type: RegisterEnterpriseInput, required: true }) },
    resolve: async (_root, args, ctx): Promise<Enterprise> => {
      const e = await registerEnterprise(ctx, args.input);
      ctx.loaders.enterpriseByUscc.clear(e.uscc).prime(e.uscc, e);
      return e;
    },
  }),
  updateEnterprise: t.field({
    type: EnterpriseType_,
    description:
      'Changes fields of an enterprise. Needs the scope enterprise:update. With expectedRevision, refuses with CONFLICT when the record changed meanwhile.',
    args: {
      uscc: t.arg({ type: 'USCC', required: true }),
      input: t.arg({ type: UpdateEnterpriseInput, required: true }),
      expectedRevision: t.arg.int({ required: false }),
    },
    resolve: async (_root, args, ctx): Promise<Enterprise> => {
      const e = await updateEnterprise(ctx, args.uscc, args.input, args.expectedRevision);
      ctx.loaders.enterpriseByUscc.clear(e.uscc).prime(e.uscc, e);
      return e;
    },
  }),
}));
