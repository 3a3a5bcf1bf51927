/**
 * LicenceType: the kinds of licences, their issuer, validity and typed attributes.
 */
import { parseAttributeSchema } from '../attributes.js';
import { builder } from '../builder.js';
import { DepartmentRef } from './refs.js';

export const AttributeTypeEnum = builder.enumType('LicenceAttributeType', {
  values: ['STRING', 'NUMBER', 'BOOLEAN', 'DATE'] as const,
});

const AttributeDefinitionType = builder
  .objectRef<{ name: string; label: string; type: 'STRING' | 'NUMBER' | 'BOOLEAN' | 'DATE'; required: boolean }>(
    'LicenceAttributeDefinition',
  )
  .implement({
    description: 'An attribute that licences of a type carry.',
    fields: (t) => ({
      name: t.exposeString('name'),
      label: t.exposeString('label'),
      type: t.expose('type', { type: AttributeTypeEnum }),
      required: t.exposeBoolean('required'),
    }),
  });

export const LicenceTypeType = builder.prismaObject('LicenceType', {
  description: 'A kind of licence or certificate (证照类型), issued by one department.',
  fields: (t) => ({
    code: t.exposeString('code'),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    issuingDepartment: t.field({ type: DepartmentRef, resolve: (lt) => ({ code: lt.issuingDepartmentCode }) }),
    validityMonths: t.exposeInt('validityMonths', {
      nullable: true,
      description: 'Default validity; null: no expiry.',
    }),
    attributes: t.field({
      type: [AttributeDefinitionType],
      resolve: (lt) => parseAttributeSchema(lt.attributeSchema),
    }),
  }),
});

builder.queryFields((t) => ({
  licenceTypes: t.prismaField({
    type: [LicenceTypeType],
    description: 'All licence types, by code.',
    resolve: (query, _root, _args, ctx) => ctx.prisma.licenceType.findMany({ ...query, orderBy: { code: 'asc' } }),
  }),
}));
