/**
 * SubmitCasePayload and SubmitCaseInput: an application taken at a window, and the submitCase mutation.
 */
import type { Case } from '../../../generated/prisma/client.js';
import type { MaterialRef } from '../cases/json.js';
import { submitCase } from '../cases/submit.js';
import { builder } from '../builder.js';
import { CaseType } from './case.js';
import { CaseMaterialInput, CaseMaterialType } from './case-material.js';
import { CASE_MUTATION_ERRORS, CaseChannelEnum } from './case-shared.js';
import { AcceptancePlaceEnum } from './service-item.js';

const SubmitCaseInput = builder.inputType('SubmitCaseInput', {
  fields: (t) => ({
    item: t.string({ required: true, description: 'Catalogue item code.' }),
    channel: t.field({ type: CaseChannelEnum, required: true }),
    acceptancePlace: t.field({ type: AcceptancePlaceEnum, required: false, description: "Defaults to the item's first place for online channels." }),
    applicantUscc: t.field({ type: 'USCC', required: false, description: 'Required for enterprise items.' }),
    applicantName: t.string({ required: true }),
    applicantIdNumber: t.string({ required: false, description: 'Required for personal items.' }),
    applicantPhone: t.string({ required: true, description: 'Progress messages (SMS) go here.' }),
    materials: t.field({ type: [CaseMaterialInput], required: true }),
    conditionsApplying: t.stringList({ required: false, description: 'Codes of CONDITIONAL materials whose condition applies.' }),
  }),
});

const SubmitCasePayload = builder.objectRef<{ case: Case; missing: MaterialRef[] }>('SubmitCasePayload').implement({
  description: 'accepted: the clock runs and the receipt is issued. Otherwise the case waits in SUBMITTED and missingMaterials is the one-time notice sent to the applicant.',
  fields: (t) => ({
    case: t.field({ type: CaseType, resolve: (p) => p.case }),
    accepted: t.boolean({ resolve: (p) => p.case.state === 'ACCEPTED' }),
    missingMaterials: t.field({ type: [CaseMaterialType], resolve: (p) => p.missing }),
  }),
});

builder.mutationFields((t) => ({
  submitCase: t.field({
    type: SubmitCasePayload,
    description: `Takes an application at a window for any department's item (case:accept). Complete materials: ACCEPTED with a receipt. Missing materials: SUBMITTED with one notice listing all of them. ${CASE_MUTATION_ERRORS}`,
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
      }),
  }),
}));
