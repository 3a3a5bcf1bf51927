/**
 * Case (办件): one application for one catalogue item, as its department and the windows see it,
 * and the queries that find one by id or receipt number.
 */
import { availableActions } from '../cases/lifecycle.js';
import { materialsReceived, oneTimeNotice, sharedMaterials } from '../cases/json.js';
import { outstandingMaterials } from '../cases/materials.js';
import { canSeeCase, canSeePersonalData } from '../cases/reading.js';
import { progressUrl } from '../notifications/outbox.js';
import { builder } from '../builder.js';
import { ApplicantType } from './case-applicant.js';
import { CaseEventType } from './case-event.js';
import { CaseMaterialType } from './case-material.js';
import { CasePauseType } from './case-pause.js';
import { CaseSharedMaterialType } from './case-shared-material.js';
import {
  CaseActionEnum,
  CaseChannelEnum,
  CaseStateEnum,
  clockOf,
  deadlineOf,
  PauseKindEnum,
  TrafficLightEnum,
} from './case-shared.js';
import { DepartmentRef, LicenceRef } from './refs.js';
import { AcceptancePlaceEnum, ServiceItemType } from './service-item.js';
import { isUuid } from '../../../platform/ids.js';

export const CaseType = builder.prismaObject('Case', {
  description:
    'A case (办件): one application for one catalogue item, accepted at one window. Visible to the department handling it and to windows (case:accept).',
  fields: (t) => ({
    id: t.exposeID('id'),
    receiptNumber: t.exposeString('receiptNumber', { description: '受理编号' }),
    verificationCode: t.exposeString('verificationCode', {
      description: 'Printed on the receipt; with the receipt number it unlocks public progress.',
    }),
    item: t.field({
      type: ServiceItemType,
      resolve: async (c, _a, ctx) => {
        const item = await ctx.loaders.itemByCode.load(c.itemCode);
        if (!item) throw new Error(`Case ${c.id} names item ${c.itemCode}, which is not in the catalogue`);
        return item;
      },
    }),
    department: t.field({ type: DepartmentRef, resolve: (c) => ({ code: c.departmentCode }) }),
    channel: t.expose('channel', { type: CaseChannelEnum }),
    acceptancePlace: t.expose('acceptancePlace', { type: AcceptancePlaceEnum }),
    applicant: t.field({
      type: ApplicantType,
      resolve: (c, _a, ctx) => ({ c, personal: canSeePersonalData(ctx.caller, c) }),
    }),
    state: t.expose('state', { type: CaseStateEnum }),
    outcome: t.expose('outcome', {
      type: CaseStateEnum,
      nullable: true,
      description: 'APPROVED or REJECTED once decided.',
    }),
    submittedAt: t.expose('submittedAt', { type: 'DateTime' }),
    acceptedAt: t.expose('acceptedAt', { type: 'DateTime', nullable: true }),
    acceptedOn: t.expose('acceptedOn', {
      type: 'Date',
      nullable: true,
      description: 'The time limit counts from the next working day.',
    }),
    limitDays: t.exposeInt('limitDays', {
      description: 'Time limit in working days (the committed limit of the item).',
    }),
    deadline: t.field({
      type: 'Date',
      nullable: true,
      description: 'Current deadline: moves later while the clock is stopped.',
      resolve: (c, _a, ctx) => deadlineOf(c, ctx),
    }),
    remainingWorkingDays: t.int({
      nullable: true,
      description: 'Working days left today; negative when overdue; null unless open.',
      resolve: async (c, _a, ctx) => (await clockOf(c, ctx))?.remainingWorkingDays ?? null,
    }),
    trafficLight: t.field({
      type: TrafficLightEnum,
      nullable: true,
      description: 'null unless the case is open.',
      resolve: async (c, _a, ctx) => (await clockOf(c, ctx))?.light ?? null,
    }),
    paused: t.boolean({ resolve: (c) => c.pausedSince !== null }),
    pauseKind: t.expose('pauseKind', { type: PauseKindEnum, nullable: true }),
    pausedSince: t.expose('pausedSince', { type: 'Date', nullable: true }),
    pauses: t.field({ type: [CasePauseType], resolve: (c, _a, ctx) => ctx.loaders.pausesByCase.load(c.id) }),
    concludedAt: t.expose('concludedAt', { type: 'DateTime', nullable: true }),
    usedWorkingDays: t.exposeInt('usedWorkingDays', {
      nullable: true,
      description: 'At conclusion: working days used, paused days excluded.',
    }),
    onTime: t.exposeBoolean('onTime', { nullable: true }),
    fullyOnline: t.exposeBoolean('fullyOnline'),
    materialsReceived: t.field({ type: [CaseMaterialType], resolve: (c) => materialsReceived(c) }),
    oneTimeNotice: t.field({
      type: [CaseMaterialType],
      description:
        'The one-time notice (一次性告知): every material that was missing at submission. Nothing else can be asked for later.',
      resolve: (c) => oneTimeNotice(c),
    }),
    outstandingMaterials: t.field({
      type: [CaseMaterialType],
      description: 'Materials of the notice not yet received.',
      resolve: (c) => outstandingMaterials(c),
    }),
    sharedMaterials: t.field({
      type: [CaseSharedMaterialType],
      description:
        'Materials taken from the libraries instead of asked for (免于提交), with the datum that fulfilled each.',
      resolve: (c) => sharedMaterials(c),
    }),
    noticeIssuedAt: t.expose('noticeIssuedAt', {
      type: 'DateTime',
      nullable: true,
      description:
        'When the notice of missing materials was given: on the spot at submission, or by issueCorrectionNotice.',
    }),
    noticeDeferred: t.exposeBoolean('noticeDeferred', {
      description:
        'The materials were taken for checking (notice DEFERRED): the department owes the notice within five working days (art. 32).',
    }),
    deemedAccepted: t.exposeBoolean('deemedAccepted', {
      description: 'Accepted by law because no notice was given within five working days of receipt (art. 32).',
    }),
    notAcceptedAt: t.expose('notAcceptedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When acceptance was refused (不予受理).',
    }),
    notAcceptedReason: t.exposeString('notAcceptedReason', { nullable: true }),
    decisionUrl: t.string({
      nullable: true,
      description: 'The printable written decision not to accept (不予受理决定书); null unless NOT_ACCEPTED.',
      resolve: (c, _a, ctx) =>
        c.state === 'NOT_ACCEPTED'
          ? `${ctx.config.publicUrl}/decisions/${encodeURIComponent(c.receiptNumber)}?code=${c.verificationCode}`
          : null,
    }),
    availableActions: t.field({
      type: [CaseActionEnum],
      resolve: async (c, _a, ctx) =>
        availableActions(c.state, (await ctx.loaders.itemByCode.load(c.itemCode))?.steps ?? [], c.pausedSince !== null),
    }),
    licence: t.field({
      type: LicenceRef,
      nullable: true,
      description: 'The licence issued at conclusion.',
      resolve: (c) => (c.licenceId ? { id: c.licenceId } : null),
    }),
    history: t.field({ type: [CaseEventType], resolve: (c, _a, ctx) => ctx.loaders.eventsByCase.load(c.id) }),
    receiptUrl: t.string({
      resolve: (c, _a, ctx) =>
        `${ctx.config.publicUrl}/receipts/${encodeURIComponent(c.receiptNumber)}?code=${c.verificationCode}`,
    }),
    progressUrl: t.string({
      resolve: (c, _a, ctx) => progressUrl(ctx.config.publicUrl, c.receiptNumber, c.verificationCode),
    }),
    revision: t.exposeInt('revision'),
  }),
});

builder.queryFields((t) => ({
  case: t.field({
    type: CaseType,
    nullable: true,
    description: 'A case by id: for its department (case:handle / case:read) and windows (case:accept).',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_r, args, ctx) => {
      const id = String(args.id);
      const c = isUuid(id) ? await ctx.prisma.case.findUnique({ where: { id } }) : null;
      return c && canSeeCase(ctx.caller, c) ? c : null;
    },
  }),
  caseByReceipt: t.field({
    type: CaseType,
    nullable: true,
    description: 'A case by receipt number, for the same callers as `case`.',
    args: { receiptNumber: t.arg.string({ required: true }) },
    resolve: async (_r, args, ctx) => {
      const c = await ctx.prisma.case.findUnique({ where: { receiptNumber: args.receiptNumber.trim() } });
      return c && canSeeCase(ctx.caller, c) ? c : null;
    },
  }),
}));
