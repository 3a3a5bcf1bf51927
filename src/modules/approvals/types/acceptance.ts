/**
 * The acceptance decisions of Administrative Licensing Law art. 32 on a SUBMITTED case: refusing
 * to accept (不予受理) and the department's correction notice (补正告知).
 */
import { issueCorrectionNotice, refuseAcceptance } from '../cases/acceptance.js';
import { builder } from '../builder.js';
import { CaseType } from './case.js';
import { CaseMaterialInput } from './case-material.js';
import { CASE_MUTATION_ERRORS as ERRORS } from './case-shared.js';

builder.mutationFields((t) => ({
  refuseAcceptance: t.field({
    type: CaseType,
    description: `不予受理 (art. 32): a SUBMITTED case becomes NOT_ACCEPTED with the reason; the written decision prints from Case.decisionUrl. case:accept or case:handle of the item's department. ${ERRORS}`,
    args: { id: t.arg.id({ required: true }), reason: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => refuseAcceptance(ctx, String(args.id), args.reason),
  }),
  issueCorrectionNotice: t.field({
    type: CaseType,
    description: `补正告知 (art. 32): for a SUBMITTED case taken without an on-the-spot notice (notice DEFERRED), lists once everything to correct, within five working days of receipt. CONFLICT with reason NOTICE_ALREADY_GIVEN or NOTICE_PERIOD_OVER (the case is then accepted by law). case:accept or case:handle of the item's department. ${ERRORS}`,
    args: {
      id: t.arg.id({ required: true }),
      materials: t.arg({ type: [CaseMaterialInput], required: true }),
      reason: t.arg.string({ required: false }),
    },
    resolve: (_r, args, ctx) => issueCorrectionNotice(ctx, String(args.id), args.materials, args.reason),
  }),
}));
