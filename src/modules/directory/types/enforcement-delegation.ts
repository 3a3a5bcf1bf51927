/**
 * Enforcement delegations: which department may suspend or revoke licences of a type it does not
 * issue, on what basis, from when to when. Read-only here; the penalty rules consult them.
 */
import { builder } from '../builder.js';
import { DepartmentType } from './department.js';

export const EnforcementDelegationType = builder.prismaObject('EnforcementDelegation', {
  description:
    "A department's recorded power to suspend or revoke licences of a type issued by another department (e.g. the comprehensive law-enforcement bureau).",
  fields: (t) => ({
    department: t.relation('department', { type: DepartmentType }),
    licenceTypeCode: t.exposeString('licenceTypeCode'),
    basis: t.exposeString('basis', { description: 'The act or decision that grants the power.' }),
    validFrom: t.expose('validFrom', { type: 'Date' }),
    validUntil: t.expose('validUntil', {
      type: 'Date',
      nullable: true,
      description: 'Last day (inclusive); null: until revoked.',
    }),
  }),
});

builder.prismaObjectField(DepartmentType, 'enforcementDelegations', (t) =>
  t.relation('enforcementDelegations', {
    type: EnforcementDelegationType,
    description: 'Licence types this department may suspend or revoke without issuing them (public).',
    query: { orderBy: [{ licenceTypeCode: 'asc' }, { validFrom: 'asc' }] },
  }),
);
