/**
 * ConcludeCasePayload and ConcludeLicenceInput: conclusion of a case, with the licence it issues,
 * and the concludeCase mutation.
 */
import type { Case } from '../../../generated/prisma/client.js';
import { concludeCase } from '../cases/conclusion.js';
import { builder } from '../builder.js';
import { CaseType } from './case.js';
import { CASE_MUTATION_ERRORS } from './case-shared.js';
import { LicenceRef } from './refs.js';

const ConcludeLicenceInput = builder.inputType('ConcludeLicenceInput', {
  description: 'Content of the licence issued at conclusion (for items that produce one).',
  fields: (t) => ({
    scope: t.string({ required: false, description: "Defaults to the item's name." }),
    attributes: t.field({
      type: [
        builder.inputType('CaseLicenceAttributeInput', {
          fields: (a) => ({ name: a.string({ required: true }), value: a.string({ required: true }) }),
        }),
      ],
      required: false,
    }),
  }),
});

const ConcludePayload = builder
  .objectRef<{ case: Case; licence: { id: string } | null }>('ConcludeCasePayload')
  .implement({
    fields: (t) => ({
      case: t.field({ type: CaseType, resolve: (p) => p.case }),
      licence: t.field({ type: LicenceRef, nullable: true, resolve: (p) => (p.licence ? { id: p.licence.id } : null) }),
    }),
  });

builder.mutationFields((t) => ({
  concludeCase: t.field({
    type: ConcludePayload,
    description: `办结 an APPROVED or REJECTED case (case:handle). An approved case of an item that produces a licence issues it to the applicant enterprise in the same transaction. ${CASE_MUTATION_ERRORS}`,
    args: {
      id: t.arg.id({ required: true }),
      reason: t.arg.string({ required: false }),
      licence: t.arg({ type: ConcludeLicenceInput, required: false }),
    },
    resolve: (_r, args, ctx) => concludeCase(ctx, String(args.id), args.reason, args.licence ?? null),
  }),
}));
