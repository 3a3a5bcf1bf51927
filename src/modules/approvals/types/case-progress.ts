/**
 * CaseProgress: public progress of a case by receipt number and verification code, and the
 * caseProgress query. Holds no personal data.
 */
import { shanghaiToday } from '../calendar/store.js';
import { outstandingMaterials } from '../cases/materials.js';
import { builder } from '../builder.js';
import { CaseMaterialType } from './case-material.js';
import { ProgressPauseType } from './case-progress-pause.js';
import { ProgressStepType } from './case-progress-step.js';
import { CaseStateEnum, clockOf, dateOf, deadlineOf, PauseKindEnum, TrafficLightEnum } from './case-shared.js';
import { publicCase, type PublicCase } from './public-case.js';
import { DepartmentRef } from './refs.js';

const CaseProgressType = builder.objectRef<PublicCase>('CaseProgress').implement({
  description:
    'Public progress of a case by receipt number and verification code. Holds no personal data: no applicant, no actors, no reasons.',
  fields: (t) => ({
    receiptNumber: t.string({ resolve: ({ c }) => c.receiptNumber }),
    itemCode: t.string({ resolve: ({ item }) => item.code }),
    itemName: t.string({ resolve: ({ item }) => item.name }),
    department: t.field({ type: DepartmentRef, resolve: ({ c }) => ({ code: c.departmentCode }) }),
    state: t.field({ type: CaseStateEnum, resolve: ({ c }) => c.state }),
    outcome: t.field({ type: CaseStateEnum, nullable: true, resolve: ({ c }) => c.outcome }),
    submittedOn: t.field({ type: 'Date', resolve: ({ c }) => dateOf(shanghaiToday(c.submittedAt)) }),
    acceptedOn: t.field({ type: 'Date', nullable: true, resolve: ({ c }) => c.acceptedOn }),
    limitDays: t.int({ resolve: ({ c }) => c.limitDays }),
    deadline: t.field({ type: 'Date', nullable: true, resolve: ({ c }, _a, ctx) => deadlineOf(c, ctx) }),
    trafficLight: t.field({
      type: TrafficLightEnum,
      nullable: true,
      resolve: async ({ c }, _a, ctx) => (await clockOf(c, ctx))?.light ?? null,
    }),
    paused: t.boolean({ resolve: ({ c }) => c.pausedSince !== null }),
    pauseKind: t.field({ type: PauseKindEnum, nullable: true, resolve: ({ c }) => c.pauseKind }),
    pauses: t.field({ type: [ProgressPauseType], resolve: ({ c }, _a, ctx) => ctx.loaders.pausesByCase.load(c.id) }),
    outstandingMaterials: t.field({ type: [CaseMaterialType], resolve: ({ c }) => outstandingMaterials(c) }),
    concludedOn: t.field({ type: 'Date', nullable: true, resolve: ({ c }) => c.concludedOn }),
    onTime: t.boolean({ nullable: true, resolve: ({ c }) => c.onTime }),
    steps: t.field({ type: [ProgressStepType], resolve: ({ c }, _a, ctx) => ctx.loaders.eventsByCase.load(c.id) }),
    jointReceiptNumber: t.string({
      nullable: true,
      description:
        'The receipt number of the joint application (并联审批) this case is a branch of; its progress opens with the code printed on the joint receipt.',
      resolve: async ({ c }, _a, ctx) =>
        c.jointApplicationId
          ? ((
              await ctx.prisma.jointApplication.findUnique({
                where: { id: c.jointApplicationId },
                select: { receiptNumber: true },
              })
            )?.receiptNumber ?? null)
          : null,
    }),
  }),
});

builder.queryFields((t) => ({
  caseProgress: t.field({
    type: CaseProgressType,
    nullable: true,
    description:
      'Public progress by receipt number and the verification code printed on the receipt; null when either is wrong.',
    args: { receiptNumber: t.arg.string({ required: true }), verificationCode: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => publicCase(ctx, args.receiptNumber, args.verificationCode),
  }),
}));
