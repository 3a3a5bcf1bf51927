/**
 * Drafts (online applications) and pre-review: the applicant creates and submits; the item's
 * department (case:handle) passes or returns once with everything to fix.
 */
import { DraftState } from '../../../generated/prisma/enums.js';
import { assertApplicant, enterprisesOf } from '../access.js';
import { builder } from '../builder.js';
import {
  applyDirectly,
  createDraft,
  draftsForReview,
  passDraft,
  readableDraft,
  returnDraft,
  returnedItems,
  submitDraft,
} from '../drafts.js';

const DraftStateEnum = builder.enumType(DraftState, {
  name: 'DraftState',
  description:
    'EDITING (the applicant fills it), PENDING_REVIEW (with the department), RETURNED (once, with the list to fix), PASSED (a case was created).',
});

const FixItemType = builder.objectRef<{ materialCode: string | null; note: string }>('DraftFixItem').implement({
  fields: (t) => ({ materialCode: t.exposeString('materialCode', { nullable: true }), note: t.exposeString('note') }),
});

const HallFileType = builder.prismaObject('HallFile', {
  name: 'HallFile',
  description:
    'An uploaded material; its bytes are at /hall/files/<id> for the applicant and the item’s department only.',
  fields: (t) => ({
    id: t.exposeID('id'),
    materialCode: t.exposeString('materialCode'),
    fileName: t.exposeString('fileName'),
    contentType: t.exposeString('contentType'),
    size: t.exposeInt('size'),
    sha256: t.exposeString('sha256'),
    url: t.string({ resolve: (f) => `/hall/files/${f.id}` }),
  }),
});

export const DraftType = builder.prismaObject('HallDraft', {
  name: 'HallDraft',
  description: 'An online application before acceptance.',
  fields: (t) => ({
    id: t.exposeID('id'),
    itemCode: t.exposeString('itemCode'),
    itemName: t.string({
      description: "The service item's name in the catalogue (what the reviewer checks the files against).",
      resolve: async (d, _a, ctx) =>
        (await ctx.prisma.serviceItem.findUnique({ where: { code: d.itemCode }, select: { name: true } }))?.name ??
        d.itemCode,
    }),
    applicantName: t.exposeString('applicantName'),
    applicantUscc: t.expose('applicantUscc', { type: 'USCC', nullable: true }),
    state: t.expose('state', { type: DraftStateEnum }),
    fixes: t.field({
      type: [FixItemType],
      description: 'The one-time list of everything to fix (when returned).',
      resolve: (d) => returnedItems(d).map((f) => ({ materialCode: f.materialCode ?? null, note: f.note })),
    }),
    files: t.field({
      type: [HallFileType],
      resolve: (d, _a, ctx) =>
        ctx.prisma.hallFile.findMany({ where: { draftId: d.id }, orderBy: { createdAt: 'asc' } }),
    }),
    caseId: t.exposeID('caseId', { nullable: true, description: 'The case the passed draft became.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const FixInput = builder.inputType('DraftFixInput', {
  fields: (t) => ({ materialCode: t.string({ required: false }), note: t.string({ required: true }) }),
});

builder.queryField('myDrafts', (t) =>
  t.field({
    type: [DraftType],
    description: 'The signed-in applicant’s drafts and those of their enterprises. Errors: UNAUTHENTICATED.',
    resolve: async (_r, _a, ctx) => {
      assertApplicant(ctx.caller);
      const usccs = await enterprisesOf(ctx, ctx.caller.accountId);
      return ctx.prisma.hallDraft.findMany({
        where: { OR: [{ accountId: ctx.caller.accountId }, { applicantUscc: { in: usccs } }] },
        orderBy: { createdAt: 'desc' },
        take: 200,
      });
    },
  }),
);

builder.queryField('hallDraft', (t) =>
  t.field({
    type: DraftType,
    description: 'A draft, for its applicant or the item’s department (case:handle). Errors: NOT_FOUND.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, a, ctx) => readableDraft(ctx, String(a.id)),
  }),
);

builder.queryField('draftsForPreReview', (t) =>
  t.field({
    type: [DraftType],
    description: 'Drafts waiting for the caller’s department’s pre-review (case:handle).',
    resolve: (_r, _a, ctx) => draftsForReview(ctx),
  }),
);

builder.mutationField('createDraft', (t) =>
  t.field({
    type: DraftType,
    description:
      'Starts an online application for a PRE_REVIEW or FULLY_ONLINE item (signed-in applicant). Upload materials with POST /hall/drafts/<id>/files.',
    args: {
      itemCode: t.arg.string({ required: true }),
      applicantName: t.arg.string({ required: true }),
      applicantUscc: t.arg({ type: 'USCC', required: false }),
      applicantIdNumber: t.arg.string({ required: false }),
    },
    resolve: (_r, a, ctx) => createDraft(ctx, a),
  }),
);

builder.mutationField('submitDraft', (t) =>
  t.field({
    type: DraftType,
    description: 'Sends the draft to pre-review. Errors: CONFLICT (not editable), BAD_USER_INPUT (no files).',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, a, ctx) => submitDraft(ctx, String(a.id)),
  }),
);

builder.mutationField('applyDraftOnline', (t) =>
  t.field({
    type: DraftType,
    description:
      'Applies at once without pre-review (signed-in applicant): FULLY_ONLINE items only, for which pre-review is optional. The draft becomes an ONLINE case (caseId) through the approvals submission rules, accepted when complete. Errors: CONFLICT PRE_REVIEW_REQUIRED (a PRE_REVIEW item: use submitDraft), CONFLICT NOT_EDITABLE, BAD_USER_INPUT (no files).',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, a, ctx) => applyDirectly(ctx, String(a.id)),
  }),
);

builder.mutationField('preReviewDraft', (t) =>
  t.field({
    type: DraftType,
    description:
      'Pre-review by the item’s department (case:handle): pass (the draft becomes an ONLINE case with a receipt, accepted when complete) or return it once with every item to fix (一次性告知; a second return is CONFLICT ALREADY_RETURNED).',
    args: {
      id: t.arg.id({ required: true }),
      pass: t.arg.boolean({ required: true }),
      fixes: t.arg({ type: [FixInput], required: false }),
    },
    resolve: (_r, a, ctx) => (a.pass ? passDraft(ctx, String(a.id)) : returnDraft(ctx, String(a.id), a.fixes ?? [])),
  }),
);
