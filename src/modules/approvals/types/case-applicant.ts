/**
 * CaseApplicant: who applied, with the ID number and phone masked for callers who may not see them.
 */
import type { Case } from '../../../generated/prisma/client.js';
import { maskIdNumber, maskPhone } from '../../../platform/graphql/masking.js';
import { builder } from '../builder.js';
import { EnterpriseRef } from './refs.js';

export const ApplicantType = builder.objectRef<{ c: Case; personal: boolean }>('CaseApplicant').implement({
  description: 'The applicant. ID number and phone are masked unless the caller has case:read in the case department.',
  fields: (t) => ({
    name: t.string({ resolve: ({ c }) => c.applicantName }),
    enterprise: t.field({ type: EnterpriseRef, nullable: true, resolve: ({ c }) => (c.applicantUscc ? { uscc: c.applicantUscc } : null) }),
    uscc: t.field({ type: 'USCC', nullable: true, resolve: ({ c }) => c.applicantUscc }),
    idNumber: t.string({
      nullable: true,
      resolve: ({ c, personal }) => (c.applicantIdNumber ? (personal ? c.applicantIdNumber : maskIdNumber(c.applicantIdNumber)) : null),
    }),
    phone: t.string({
      nullable: true,
      resolve: ({ c, personal }) => (c.applicantPhone ? (personal ? c.applicantPhone : maskPhone(c.applicantPhone)) : null),
    }),
  }),
});
