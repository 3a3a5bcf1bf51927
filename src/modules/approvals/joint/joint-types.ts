/**
 * GraphQL of joint approval (并联审批): JointService (catalogue), JointApplication (one receipt,
 * branch cases, combined light), the public jointProgress, submitJointApplication and jointStatistics.
 */
import type { JointService } from '../../../generated/prisma/client.js';
import { assertScope } from '../../../platform/auth/caller.js';
import { shanghaiToday, toLocal } from '../calendar/store.js';
import { builder } from '../builder.js';
import { CaseType } from '../types/case.js';
import { CaseMaterialType } from '../types/case-material.js';
import { maskedApplicantName } from '../types/case-receipt.js';
import {
  CASE_MUTATION_ERRORS,
  CaseChannelEnum,
  CaseStateEnum,
  dateOf,
  TrafficLightEnum,
} from '../types/case-shared.js';
import { DepartmentRef } from '../types/refs.js';
import { AcceptancePlaceEnum, ServiceItemType } from '../types/service-item.js';
import {
  jointView,
  openJointViews,
  publicJointView,
  submitJointApplication,
  type JointView,
} from './joint-applications.js';
import { sharedMaterialsOf, type SharedMaterial } from './joint-catalogue.js';
import {
  jointProgressUrl,
  jointReceiptMaterials,
  jointReceiptUrl,
  type JointReceiptMaterial,
  type JointReceiptMaterials,
} from './joint-receipt.js';
import { jointStatistics, type JointFigureRow, type JointStatistics } from './joint-statistics.js';

const SharedMaterialType = builder.objectRef<SharedMaterial>('JointSharedMaterial').implement({
  description: 'A material submitted once for several items of a joint service.',
  fields: (t) => ({
    code: t.exposeString('code'),
    name: t.exposeString('name'),
    copies: t.exposeInt('copies'),
    satisfies: t.stringList({
      description: 'ITEM-CODE/MATERIAL-CODE of the item materials it stands for.',
      resolve: (m) => m.satisfies.map((s) => `${s.itemCode}/${s.materialCode}`),
    }),
  }),
});

export const JointServiceType = builder.objectRef<JointService>('JointService').implement({
  description:
    'A joint service of the catalogue (并联审批): items of several departments applied for at once, handled in parallel.',
  fields: (t) => ({
    code: t.exposeString('code'),
    name: t.exposeString('name'),
    leadDepartment: t.field({ type: DepartmentRef, resolve: (s) => ({ code: s.leadDepartmentCode }) }),
    items: t.field({
      type: [ServiceItemType],
      resolve: async (s, _a, ctx) =>
        (await ctx.loaders.itemByCode.loadMany(s.itemCodes)).flatMap((i) => (i && !(i instanceof Error) ? [i] : [])),
    }),
    sharedMaterials: t.field({ type: [SharedMaterialType], resolve: (s) => sharedMaterialsOf(s) }),
    jointLimitDays: t.exposeInt('jointLimitDays', {
      description: 'Working days from acceptance for the whole application.',
    }),
  }),
});

const JointStateEnum = builder.enumType('JointState', {
  description:
    'SUBMITTED: a branch awaits materials; IN_PROGRESS: every branch accepted, some open; CONCLUDED: every branch concluded.',
  values: ['SUBMITTED', 'IN_PROGRESS', 'CONCLUDED'] as const,
});

const stateOf = (v: JointView) =>
  v.figures.concludedOn ? 'CONCLUDED' : v.figures.acceptedOn ? 'IN_PROGRESS' : 'SUBMITTED';

const JointBranchType = builder.objectRef<JointView['branches'][number]>('JointBranch').implement({
  description: 'One branch of a joint application as the public sees it.',
  fields: (t) => ({
    receiptNumber: t.exposeString('receiptNumber'),
    itemCode: t.exposeString('itemCode'),
    itemName: t.string({ resolve: (b) => b.item.name }),
    department: t.field({ type: DepartmentRef, resolve: (b) => ({ code: b.departmentCode }) }),
    state: t.field({ type: CaseStateEnum, resolve: (b) => b.state }),
    outcome: t.field({ type: CaseStateEnum, nullable: true, resolve: (b) => b.outcome }),
    statutoryLimitDays: t.int({ resolve: (b) => b.item.statutoryLimitDays }),
    limitDays: t.exposeInt('limitDays'),
    deadline: t.field({ type: 'Date', nullable: true, resolve: (b) => b.deadline }),
    trafficLight: t.field({
      type: TrafficLightEnum,
      nullable: true,
      description: "The branch's own light on its own clock; null once concluded or before acceptance.",
      resolve: (b) => b.light,
    }),
    concludedOn: t.field({ type: 'Date', nullable: true, resolve: (b) => b.concludedOn }),
    outstandingMaterials: t.field({
      type: [CaseMaterialType],
      resolve: (b) => (b.state === 'SUBMITTED' ? readMissing(b.missingMaterials) : []),
    }),
  }),
});

function readMissing(json: unknown): { code: string; name: string; copies: number }[] {
  if (!Array.isArray(json)) return [];
  return json.flatMap((m: unknown) =>
    typeof m === 'object' &&
    m !== null &&
    'code' in m &&
    'name' in m &&
    typeof m.code === 'string' &&
    typeof m.name === 'string'
      ? [{ code: m.code, name: m.name, copies: 'copies' in m && typeof m.copies === 'number' ? m.copies : 1 }]
      : [],
  );
}

const JointProgressType = builder.objectRef<JointView>('JointProgress').implement({
  description:
    'A joint application (并联审批): one receipt, one branch per item, a combined light. Public by receipt number and verification code; no personal data.',
  fields: (t) => ({
    receiptNumber: t.string({ resolve: (v) => v.app.receiptNumber }),
    service: t.field({ type: JointServiceType, resolve: (v) => v.service }),
    projectName: t.string({ nullable: true, resolve: (v) => v.app.projectName }),
    state: t.field({ type: JointStateEnum, resolve: stateOf }),
    outcome: t.field({ type: CaseStateEnum, nullable: true, resolve: (v) => v.figures.outcome }),
    submittedOn: t.field({ type: 'Date', resolve: (v) => dateOf(shanghaiToday(v.app.submittedAt)) }),
    acceptedOn: t.field({
      type: 'Date',
      nullable: true,
      resolve: (v) => (v.figures.acceptedOn ? dateOf(v.figures.acceptedOn) : null),
    }),
    jointLimitDays: t.int({ resolve: (v) => v.app.jointLimitDays }),
    deadline: t.field({
      type: 'Date',
      nullable: true,
      description:
        'Acceptance + the joint limit in working days; the days any branch clock stands still (补正, special stages) are not counted.',
      resolve: (v) => (v.figures.deadline ? dateOf(v.figures.deadline) : null),
    }),
    trafficLight: t.field({
      type: TrafficLightEnum,
      nullable: true,
      description:
        'The worst open branch; RED once the joint deadline has passed; null when concluded or not yet accepted.',
      resolve: (v) => v.light,
    }),
    concludedOn: t.field({
      type: 'Date',
      nullable: true,
      resolve: (v) => (v.figures.concludedOn ? dateOf(v.figures.concludedOn) : null),
    }),
    usedWorkingDays: t.int({
      nullable: true,
      description:
        'Working days from acceptance to the last conclusion, the days any branch clock stood still not counted.',
      resolve: (v) => v.figures.usedWorkingDays,
    }),
    elapsedWorkingDays: t.int({
      nullable: true,
      description:
        'Joint working days counted so far: from acceptance to today, or to the last conclusion once concluded (usedWorkingDays); the days any branch clock stood still not counted. Null before acceptance.',
      resolve: (v) => v.elapsedWorkingDays,
    }),
    serialLimitDays: t.int({
      description: "Sum of the branches' statutory limits (serial handling).",
      resolve: (v) => v.app.serialLimitDays,
    }),
    daysSaved: t.int({
      nullable: true,
      description: 'serialLimitDays − usedWorkingDays, once concluded.',
      resolve: (v) => (v.figures.usedWorkingDays === null ? null : v.app.serialLimitDays - v.figures.usedWorkingDays),
    }),
    branches: t.field({ type: [JointBranchType], resolve: (v) => v.branches }),
  }),
});

const JointMaterialInput = builder.inputType('JointMaterialInput', {
  fields: (t) => ({
    code: t.string({ required: true, description: 'A shared material code (S01), or a material code of `item`.' }),
    item: t.string({
      required: false,
      description: 'The item whose own material this is; absent for a shared material.',
    }),
    copies: t.int({ required: false }),
  }),
});
const JointConditionInput = builder.inputType('JointConditionInput', {
  fields: (t) => ({ item: t.string({ required: true }), code: t.string({ required: true }) }),
});

const SubmitJointInput = builder.inputType('SubmitJointApplicationInput', {
  fields: (t) => ({
    service: t.string({ required: true, description: 'Joint service code.' }),
    channel: t.field({ type: CaseChannelEnum, required: true }),
    acceptancePlace: t.field({ type: AcceptancePlaceEnum, required: false }),
    applicantUscc: t.field({ type: 'USCC', required: false }),
    applicantName: t.string({ required: true }),
    applicantIdNumber: t.string({ required: false }),
    applicantPhone: t.string({ required: true }),
    materials: t.field({
      type: [JointMaterialInput],
      required: true,
      description: "The union of the items' materials; a shared material once.",
    }),
    conditionsApplying: t.field({ type: [JointConditionInput], required: false }),
    projectName: t.string({ required: false, description: 'The key project (重点项目) it belongs to.' }),
  }),
});

const SubmitJointPayload = builder
  .objectRef<{ view: JointView; verificationCode: string }>('SubmitJointApplicationPayload')
  .implement({
    fields: (t) => ({
      application: t.field({ type: JointProgressType, resolve: (p) => p.view }),
      verificationCode: t.string({
        description: 'Printed on the one receipt; with the receipt number it unlocks jointProgress.',
        resolve: (p) => p.verificationCode,
      }),
      cases: t.field({ type: [CaseType], resolve: (p) => p.view.branches }),
      receiptUrl: t.string({
        description:
          'The one printable receipt (受理回执) to print at the window: every branch, the materials, the joint deadline.',
        resolve: (p, _a, ctx) => jointReceiptUrl(ctx.config.publicUrl, p.view.app.receiptNumber, p.verificationCode),
      }),
      progressUrl: t.string({
        description: 'The public progress page of the joint application (its QR code is on the receipt).',
        resolve: (p, _a, ctx) => jointProgressUrl(ctx.config.publicUrl, p.view.app.receiptNumber, p.verificationCode),
      }),
    }),
  });

const JointReceiptMaterialType = builder.objectRef<JointReceiptMaterial>('JointReceiptMaterial').implement({
  description: "A material on the joint receipt: a shared material of the joint service once, or an item's own.",
  fields: (t) => ({
    code: t.exposeString('code'),
    name: t.exposeString('name'),
    copies: t.exposeInt('copies'),
    items: t.stringList({ description: 'Codes of the items it stands for.', resolve: (m) => m.itemCodes }),
    shared: t.exposeBoolean('shared', {
      description: 'A shared material of the joint service: submitted once for several items.',
    }),
  }),
});

const JointLibraryMaterialType = builder
  .objectRef<JointReceiptMaterials['fromLibraries'][number]>('JointLibraryMaterial')
  .implement({
    description: 'A material taken from the libraries instead of asked for (通过一台两库共享获取，免于提交).',
    fields: (t) => ({
      name: t.exposeString('name'),
      items: t.stringList({ resolve: (m) => m.itemCodes }),
    }),
  });

/** The branch of the lead department (its phones go on the receipt), or the first. */
const leadBranch = (v: JointView) =>
  v.branches.find((b) => b.departmentCode === v.app.leadDepartmentCode) ?? v.branches[0];

const JointReceiptType = builder
  .objectRef<{ view: JointView; materials: JointReceiptMaterials }>('JointReceipt')
  .implement({
    description:
      'The one acceptance receipt (受理回执) of a joint application for printing: every branch, the union of the materials received (a shared material once), the joint deadline, phones and the progress link.',
    fields: (t) => ({
      receiptNumber: t.string({ resolve: ({ view }) => view.app.receiptNumber }),
      verificationCode: t.string({ resolve: ({ view }) => view.app.verificationCode }),
      service: t.field({ type: JointServiceType, resolve: ({ view }) => view.service }),
      projectName: t.string({ nullable: true, resolve: ({ view }) => view.app.projectName }),
      applicantName: t.string({
        description: "Enterprise name, or a person's name with the middle masked.",
        resolve: ({ view }) => maskedApplicantName(view.app),
      }),
      channel: t.field({ type: CaseChannelEnum, resolve: ({ view }) => view.app.channel }),
      acceptancePlace: t.field({
        type: AcceptancePlaceEnum,
        nullable: true,
        resolve: ({ view }) => view.branches[0]?.acceptancePlace ?? null,
      }),
      state: t.field({ type: JointStateEnum, resolve: ({ view }) => stateOf(view) }),
      submittedAt: t.field({ type: 'DateTime', resolve: ({ view }) => view.app.submittedAt }),
      acceptedOn: t.field({
        type: 'Date',
        nullable: true,
        resolve: ({ view }) => (view.figures.acceptedOn ? dateOf(view.figures.acceptedOn) : null),
      }),
      jointLimitDays: t.int({ resolve: ({ view }) => view.app.jointLimitDays }),
      serialLimitDays: t.int({ resolve: ({ view }) => view.app.serialLimitDays }),
      deadline: t.field({
        type: 'Date',
        nullable: true,
        resolve: ({ view }) => (view.figures.deadline ? dateOf(view.figures.deadline) : null),
      }),
      branches: t.field({ type: [JointBranchType], resolve: ({ view }) => view.branches }),
      materialsReceived: t.field({
        type: [JointReceiptMaterialType],
        description: "The union of the branches' materials received; a shared material once.",
        resolve: ({ materials }) => materials.received,
      }),
      materialsFromLibraries: t.field({
        type: [JointLibraryMaterialType],
        resolve: ({ materials }) => materials.fromLibraries,
      }),
      outstandingMaterials: t.field({
        type: [JointReceiptMaterialType],
        description: 'What branches awaiting materials still need (one-time notice); a shared material once.',
        resolve: ({ materials }) => materials.outstanding,
      }),
      consultationPhone: t.string({
        nullable: true,
        description: "The lead department item's consultation phone.",
        resolve: ({ view }) => leadBranch(view)?.item.consultationPhone ?? null,
      }),
      supervisionPhone: t.string({
        nullable: true,
        resolve: ({ view }) => leadBranch(view)?.item.supervisionPhone ?? null,
      }),
      progressUrl: t.string({
        resolve: ({ view }, _a, ctx) =>
          jointProgressUrl(ctx.config.publicUrl, view.app.receiptNumber, view.app.verificationCode),
      }),
    }),
  });

const JointFigureRowType = builder.objectRef<JointFigureRow>('JointFigures').implement({
  fields: (t) => ({
    department: t.field({
      type: DepartmentRef,
      nullable: true,
      description: 'Lead department; null for the overall row.',
      resolve: (r) => (r.departmentCode ? { code: r.departmentCode } : null),
    }),
    concluded: t.exposeInt('concluded', { description: 'Joint applications concluded in the period.' }),
    projects: t.exposeInt('projects', { description: 'Distinct key projects among them.' }),
    serialDays: t.exposeInt('serialDays', { description: "Sum of the branches' statutory limits." }),
    usedDays: t.exposeInt('usedDays', { description: 'Joint working days used.' }),
    daysSaved: t.exposeInt('daysSaved', { description: 'serialDays − usedDays.' }),
    speedUp: t.exposeFloat('speedUp', { nullable: true, description: 'daysSaved / serialDays.' }),
  }),
});

const JointStatisticsType = builder.objectRef<JointStatistics>('JointStatistics').implement({
  fields: (t) => ({
    from: t.field({ type: 'Date', resolve: (s) => dateOf(s.from) }),
    to: t.field({ type: 'Date', resolve: (s) => dateOf(s.to) }),
    overall: t.field({ type: JointFigureRowType, resolve: (s) => s.overall }),
    byDepartment: t.field({ type: [JointFigureRowType], resolve: (s) => s.byDepartment }),
  }),
});

builder.queryFields((t) => ({
  jointServices: t.field({
    type: [JointServiceType],
    description: 'The joint services of the catalogue (并联审批).',
    resolve: (_r, _a, ctx) => ctx.prisma.jointService.findMany({ orderBy: { code: 'asc' } }),
  }),
  jointProgress: t.field({
    type: JointProgressType,
    nullable: true,
    description:
      'Public progress of a joint application by receipt number and verification code; null when either is wrong.',
    args: { receiptNumber: t.arg.string({ required: true }), verificationCode: t.arg.string({ required: true }) },
    resolve: async (_r, args, ctx) =>
      publicJointView(ctx, args.receiptNumber, args.verificationCode, await ctx.calendar()),
  }),
  jointReceipt: t.field({
    type: JointReceiptType,
    nullable: true,
    description:
      'The printable receipt of a joint application, by receipt number and verification code (like caseReceipt); null when either is wrong.',
    args: { receiptNumber: t.arg.string({ required: true }), verificationCode: t.arg.string({ required: true }) },
    resolve: async (_r, args, ctx) => {
      const view = await publicJointView(ctx, args.receiptNumber, args.verificationCode, await ctx.calendar());
      return view ? { view, materials: jointReceiptMaterials(view) } : null;
    },
  }),
  openJointApplications: t.field({
    type: [JointProgressType],
    description:
      'Joint applications not yet concluded, red first (past the joint deadline, or a red branch), at most 50 (supervision:read).',
    resolve: async (_r, _a, ctx) => {
      assertScope(ctx.caller, 'supervision:read');
      return openJointViews(ctx, await ctx.calendar());
    },
  }),
  jointStatistics: t.field({
    type: JointStatisticsType,
    description:
      'Joint approval figures over applications concluded in the period: working days saved against serial handling, and speed-up, per lead department and overall.',
    args: {
      from: t.arg({ type: 'Date', required: true }),
      to: t.arg({ type: 'Date', required: true }),
      department: t.arg.string({ required: false }),
    },
    resolve: (_r, args, ctx) => jointStatistics(ctx.prisma, toLocal(args.from), toLocal(args.to), args.department),
  }),
}));

builder.mutationFields((t) => ({
  submitJointApplication: t.field({
    type: SubmitJointPayload,
    description: `Takes a joint application at one window (case:accept): one receipt, one branch case per item, each through the submitCase rules. ${CASE_MUTATION_ERRORS}`,
    args: { input: t.arg({ type: SubmitJointInput, required: true }) },
    resolve: async (_r, { input }, ctx) => {
      assertScope(ctx.caller, 'case:accept');
      const { application } = await submitJointApplication(ctx, {
        serviceCode: input.service,
        channel: input.channel,
        acceptancePlace: input.acceptancePlace ?? null,
        applicantUscc: input.applicantUscc ?? null,
        applicantName: input.applicantName,
        applicantIdNumber: input.applicantIdNumber ?? null,
        applicantPhone: input.applicantPhone,
        materials: input.materials.map((m) => ({ code: m.code, itemCode: m.item ?? null, copies: m.copies ?? null })),
        conditionsApplying: (input.conditionsApplying ?? []).map((c) => ({ itemCode: c.item, code: c.code })),
        projectName: input.projectName ?? null,
      });
      return {
        view: await jointView(ctx, application, await ctx.calendar()),
        verificationCode: application.verificationCode,
      };
    },
  }),
}));
