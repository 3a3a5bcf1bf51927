/**
 * SubmitCasePayload and SubmitCaseInput: an application taken at a window, and the submitCase mutation.
 */
import type { Case } from '../../../generated/prisma/client.js';
import type { MaterialRef, SharedMaterial } from '../cases/json.js';
import { submitCase } from '../cases/submit.js';
import { builder } from '../builder.js';
import { CaseType } from './case.js';
import { CaseMaterialInput, CaseMaterialType } from './case-material.js';
import { CaseSharedMaterialType } from './case-shared-material.js';
import { CASE_MUTATION_ERRORS, CaseChannelEnum } from './case-shared.js';
import { AcceptancePlaceEnum } from './service-item.js';

const AcceptanceNoticeEnum = builder.enumType('AcceptanceNotice', {
  values: ['ON_THE_SPOT', 'DEFERRED'] as const,
  description:
    'ON_THE_SPOT: the window checks the materials now and gives the one-time notice at once. DEFERRED: the materials are taken for checking; the department owes the notice within five working days of receipt (issueCorrectionNotice), or the case is deemed accepted as of the day of receipt (Administrative Licensing Law art. 32).',
});

const SubmitCaseInput = builder.inputType('SubmitCaseInput', {
  fields: (t) => ({
    item: t.string({ required: true, description: 'Catalogue item code.' }),
    channel: t.field({ type: CaseChannelEnum, required: true }),
    acceptancePlace: t.field({
      type: AcceptancePlaceEnum,
      required: false,
      description: "Defaults to the item's first place for online channels.",
    }),
    applicantUscc: t.field({ type: 'USCC', required: false, description: 'Required for enterprise items.' }),
    applicantName: t.string({ required: true }),
    applicantIdNumber: t.string({ required: false, description: 'Required for personal items.' }),
    applicantPhone: t.string({ required: true, description: 'Progress messages (SMS) go here.' }),
    materials: t.field({ type: [CaseMaterialInput], required: true }),
    conditionsApplying: t.stringList({
      required: false,
      description: 'Codes of CONDITIONAL materials whose condition applies.',
    }),
    notice: t.field({ type: AcceptanceNoticeEnum, required: false, description: 'Defaults to ON_THE_SPOT.' }),
  }),
});

const SubmitCasePayload = builder
  .objectRef<{ case: Case; missing: MaterialRef[]; shared: SharedMaterial[] }>('SubmitCasePayload')
  .implement({
    description:
      'accepted: the clock runs and the receipt is issued. Otherwise the case waits in SUBMITTED and missingMaterials is the one-time notice sent to the applicant (empty when the notice is DEFERRED). sharedMaterials were taken from the libraries and never asked for.',
    fields: (t) => ({
      case: t.field({ type: CaseType, resolve: (p) => p.case }),
      accepted: t.boolean({ resolve: (p) => p.case.state === 'ACCEPTED' }),
      missingMaterials: t.field({ type: [CaseMaterialType], resolve: (p) => p.missing }),
      sharedMaterials: t.field({ type: [CaseSharedMaterialType], resolve: (p) => p.shared }),
    }),
  });

builder.mutationFields((t) => ({
  submitCase: t.field({
    type: SubmitCasePayload,
    description: `Takes an application at a window for any department's item (case:accept). Complete materials: ACCEPTED with a receipt. Missing materials: SUBMITTED with one notice listing all of them. Online channels (ONLINE, MOBILE) are refused for BOOKING and NONE items, and for PRE_REVIEW items with BAD_USER_INPUT reason PRE_REVIEW_REQUIRED: those come online only through the online hall's pre-review (createDraft, submitDraft, preReviewDraft). ${CASE_MUTATION_ERRORS}`,
    args: { input: t.arg({ type: SubmitCaseInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      submitCase(ctx, {
        itemCode: input.item,
        channel: input.channel,
        acceptancePlace: input.acceptancePlace ?? null,
        applicantUscc: input.applicantUscc ?? null,
        applicantName: input.applicantName,
        applicantIdNumber: input.applicantIdNumber ?? null,
        applicantPhone: input.applicantPhone,
        materials: input.materials,
        conditionsApplying: input.conditionsApplying ?? [],
        notice: input.notice ?? 'ON_THE_SPOT',
      }),
  }),
}));
