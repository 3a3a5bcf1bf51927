/**
 * CaseReceipt: the printable acceptance receipt (受理回执), and the caseReceipt query.
 */
import { materialsReceived, oneTimeNotice, sharedMaterials } from '../cases/json.js';
import { outstandingMaterials } from '../cases/materials.js';
import { progressUrl } from '../notifications/outbox.js';
import { builder } from '../builder.js';
import { CaseMaterialType } from './case-material.js';
import { CaseSharedMaterialType } from './case-shared-material.js';
import { CaseChannelEnum, CaseStateEnum } from './case-shared.js';
import { publicCase, type PublicCase } from './public-case.js';
import { DepartmentRef } from './refs.js';
import { AcceptancePlaceEnum } from './service-item.js';

/** An enterprise's name as it is; a person's name with all but the first character masked. */
export function maskedApplicantName(c: Pick<PublicCase['c'], 'applicantUscc' | 'applicantName'>): string {
  if (c.applicantUscc) return c.applicantName;
  return c.applicantName.length <= 1 ? '*' : `${c.applicantName[0]}${'*'.repeat(c.applicantName.length - 1)}`;
}

const CaseReceiptType = builder.objectRef<PublicCase>('CaseReceipt').implement({
  description:
    'The acceptance receipt (受理回执) for printing: item, limit and deadline, materials received, phones and the progress link.',
  fields: (t) => ({
    receiptNumber: t.string({ resolve: ({ c }) => c.receiptNumber }),
    verificationCode: t.string({ resolve: ({ c }) => c.verificationCode }),
    itemCode: t.string({ resolve: ({ item }) => item.code }),
    itemName: t.string({ resolve: ({ item }) => item.name }),
    department: t.field({ type: DepartmentRef, resolve: ({ c }) => ({ code: c.departmentCode }) }),
    applicantName: t.string({
      description: "Enterprise name, or a person's name with the middle masked.",
      resolve: ({ c }) => maskedApplicantName(c),
    }),
    channel: t.field({ type: CaseChannelEnum, resolve: ({ c }) => c.channel }),
    acceptancePlace: t.field({ type: AcceptancePlaceEnum, resolve: ({ c }) => c.acceptancePlace }),
    state: t.field({ type: CaseStateEnum, resolve: ({ c }) => c.state }),
    acceptedAt: t.field({ type: 'DateTime', nullable: true, resolve: ({ c }) => c.acceptedAt }),
    limitDays: t.int({ resolve: ({ c }) => c.limitDays }),
    statutoryLimitDays: t.int({ resolve: ({ item }) => item.statutoryLimitDays }),
    deadline: t.field({ type: 'Date', nullable: true, resolve: ({ c }) => c.deadline }),
    materialsReceived: t.field({ type: [CaseMaterialType], resolve: ({ c }) => materialsReceived(c) }),
    oneTimeNotice: t.field({
      type: [CaseMaterialType],
      description: 'The notice as given, including what has since been received.',
      resolve: ({ c }) => oneTimeNotice(c),
    }),
    outstandingMaterials: t.field({
      type: [CaseMaterialType],
      description: 'What is still missing: the notice minus what was received; empty once nothing is outstanding.',
      resolve: ({ c }) => outstandingMaterials(c),
    }),
    sharedMaterials: t.field({
      type: [CaseSharedMaterialType],
      description: '通过一台两库共享获取，免于提交.',
      resolve: ({ c }) => sharedMaterials(c),
    }),
    noticeDeferred: t.boolean({
      description: 'Materials taken for checking; the notice (if any) comes within five working days.',
      resolve: ({ c }) => c.noticeDeferred && !c.noticeIssuedAt,
    }),
    deemedAccepted: t.boolean({ resolve: ({ c }) => c.deemedAccepted }),
    submittedAt: t.field({ type: 'DateTime', resolve: ({ c }) => c.submittedAt }),
    notAcceptedAt: t.field({ type: 'DateTime', nullable: true, resolve: ({ c }) => c.notAcceptedAt }),
    notAcceptedReason: t.string({
      nullable: true,
      description: 'The reason of the decision not to accept (不予受理).',
      resolve: ({ c }) => c.notAcceptedReason,
    }),
    consultationPhone: t.string({ nullable: true, resolve: ({ item }) => item.consultationPhone }),
    supervisionPhone: t.string({ nullable: true, resolve: ({ item }) => item.supervisionPhone }),
    progressUrl: t.string({
      resolve: ({ c }, _a, ctx) => progressUrl(ctx.config.publicUrl, c.receiptNumber, c.verificationCode),
    }),
  }),
});

builder.queryFields((t) => ({
  caseReceipt: t.field({
    type: CaseReceiptType,
    nullable: true,
    description: 'The printable acceptance receipt, by receipt number and verification code.',
    args: { receiptNumber: t.arg.string({ required: true }), verificationCode: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => publicCase(ctx, args.receiptNumber, args.verificationCode),
  }),
}));
