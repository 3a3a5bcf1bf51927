/**
 * CaseApplicant: who applied, with the ID number and phone masked for callers who may not see them.
 */
import type { Case } from '../../../generated/prisma/client.js';
import { maskIdNumber, maskPhone } from '../../../platform/graphql/masking.js';
import { revealPersonal } from '../../../platform/audit/reveal.js';
import { builder } from '../builder.js';
import { EnterpriseRef } from './refs.js';

export const ApplicantType = builder.objectRef<{ c: Case; personal: boolean }>('CaseApplicant').implement({
  description:
    'The applicant. ID number and phone are masked unless the caller has case:read in the case department; unmasked only with a stated purpose (header x-purpose, else FORBIDDEN with reason PURPOSE_REQUIRED), and every unmasked read is audited.',
  fields: (t) => ({
    name: t.string({ resolve: ({ c }) => c.applicantName }),
    enterprise: t.field({
      type: EnterpriseRef,
      nullable: true,
      resolve: ({ c }) => (c.applicantUscc ? { uscc: c.applicantUscc } : null),
    }),
    uscc: t.field({ type: 'USCC', nullable: true, resolve: ({ c }) => c.applicantUscc }),
    idNumber: t.string({
      nullable: true,
      resolve: ({ c, personal }, _a, ctx) =>
        c.applicantIdNumber
          ? personal
            ? revealPersonal(
                ctx,
                { entityType: 'CASE', entityId: c.id, field: 'applicant.idNumber' },
                c.applicantIdNumber,
              )
            : maskIdNumber(c.applicantIdNumber)
          : null,
    }),
    phone: t.string({
      nullable: true,
      resolve: ({ c, personal }, _a, ctx) =>
        c.applicantPhone
          ? personal
            ? revealPersonal(ctx, { entityType: 'CASE', entityId: c.id, field: 'applicant.phone' }, c.applicantPhone)
            : maskPhone(c.applicantPhone)
          : null,
    }),
  }),
});
