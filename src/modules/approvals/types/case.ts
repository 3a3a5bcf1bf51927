/**
 * Case (办件): submission at one window, the receipt, handling by the item's department, the
 * traffic light and inbox, and the public progress lookup (no personal data).
 */
import type { Case, CaseEvent, CasePause, ServiceItem } from '../../../generated/prisma/client.js';
import { CaseChannel, CaseState, PauseKind, TrafficLight } from '../../../generated/prisma/enums.js';
import {
  canSeeCase,
  canSeePersonalData,
  caseByReceiptAndCode,
  caseClock,
  concludeCase,
  departmentInbox,
  pauseCase,
  pausesOf,
  requestSupplement,
  resumeCase,
  submitCase,
  supplementMaterials,
  transitionCase,
  type MaterialRef,
} from '../cases/cases.js';
import { shanghaiToday } from '../calendar/store.js';
import { availableActions } from '../cases/lifecycle.js';
import { progressUrl } from '../notifications/outbox.js';
import type { ClockState } from '../cases/traffic-light.js';
import { maskIdNumber, maskPhone } from '../../../platform/graphql/masking.js';
import { revealPersonal } from '../../../platform/audit/reveal.js';
import { builder } from '../builder.js';
import type { ApprovalsContext } from '../context.js';
import { DepartmentRef, EnterpriseRef, LicenceRef } from './refs.js';
import { AcceptancePlaceEnum, ServiceItemType } from './service-item.js';

const CaseChannelEnum = builder.enumType(CaseChannel, {
  name: 'CaseChannel',
  description: 'WINDOW 窗口, ONLINE 网上, MOBILE 移动端, COMMUNITY_STATION 社区服务站, KIOSK 自助终端. ONLINE and MOBILE count as online.',
});
const CaseStateEnum = builder.enumType(CaseState, {
  name: 'CaseState',
  description: 'SUBMITTED 已提交（待补正）→ ACCEPTED 受理 → UNDERTAKEN 承办 → REVIEWED 审核 → APPROVED 批准 / REJECTED 不予许可 → CONCLUDED 办结.',
});
const PauseKindEnum = builder.enumType(PauseKind, {
  name: 'PauseKind',
  description: 'Why the clock stopped: HEARING 听证, SITE_INSPECTION 现场勘察, TESTING 检验检测, EXPERT_REVIEW 专家评审, SUPPLEMENTING 补正材料, OTHER.',
});
const SpecialStageEnum = builder.enumType('SpecialStage', {
  description: 'A special stage a department can stop the clock for (must be listed on the item, except OTHER).',
  values: ['HEARING', 'SITE_INSPECTION', 'TESTING', 'EXPERT_REVIEW', 'OTHER'] as const,
});
const TrafficLightEnum = builder.enumType(TrafficLight, {
  name: 'TrafficLight',
  description: 'GREEN on time; YELLOW close to the deadline (TRAFFIC_LIGHT_YELLOW_DAYS / TRAFFIC_LIGHT_YELLOW_SHARE); RED overdue.',
});
const CaseActionEnum = builder.enumType('CaseAction', { values: ['UNDERTAKE', 'REVIEW', 'APPROVE', 'REJECT', 'CONCLUDE'] as const });

const CaseMaterialType = builder.objectRef<MaterialRef>('CaseMaterial').implement({
  fields: (t) => ({ code: t.exposeString('code'), name: t.exposeString('name'), copies: t.exposeInt('copies') }),
});

async function clockOf(c: Case, ctx: ApprovalsContext): Promise<ClockState | null> {
  if (!c.acceptedOn) return null;
  const [calendar, pauses] = await Promise.all([ctx.calendar(), ctx.loaders.pausesByCase.load(c.id)]);
  return caseClock(calendar, c, pausesOf(pauses), ctx);
}

const dateOf = (d: string) => new Date(`${d}T00:00:00.000Z`);

const CaseEventType = builder.prismaObject('CaseEvent', {
  description: 'One step of a case: what, from which state to which, who and why.',
  fields: (t) => ({
    action: t.exposeString('action'),
    fromState: t.expose('fromState', { type: CaseStateEnum, nullable: true }),
    toState: t.expose('toState', { type: CaseStateEnum }),
    reason: t.exposeString('reason', { nullable: true }),
    actorDepartment: t.field({ type: DepartmentRef, nullable: true, resolve: (e) => (e.actorDepartmentCode ? { code: e.actorDepartmentCode } : null) }),
    actorSystemId: t.exposeID('actorSystemId', { nullable: true }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
  }),
});

const CasePauseType = builder.prismaObject('CasePause', {
  description: 'A special stage or supplementing: working days d with from < d <= to are not counted.',
  fields: (t) => ({
    kind: t.expose('kind', { type: PauseKindEnum }),
    from: t.expose('fromDate', { type: 'Date' }),
    to: t.expose('toDate', { type: 'Date', nullable: true }),
    reason: t.exposeString('reason'),
  }),
});

const ApplicantType = builder.objectRef<{ c: Case; personal: boolean }>('CaseApplicant').implement({
  description: 'The applicant. ID number and phone are masked unless the caller has case:read in the case department; unmasked only with a stated purpose (header x-purpose, else FORBIDDEN with reason PURPOSE_REQUIRED), and every unmasked read is audited.',
  fields: (t) => ({
    name: t.string({ resolve: ({ c }) => c.applicantName }),
    enterprise: t.field({ type: EnterpriseRef, nullable: true, resolve: ({ c }) => (c.applicantUscc ? { uscc: c.applicantUscc } : null) }),
    uscc: t.field({ type: 'USCC', nullable: true, resolve: ({ c }) => c.applicantUscc }),
    idNumber: t.string({
      nullable: true,
      resolve: ({ c, personal }, _a, ctx) =>
        c.applicantIdNumber
          ? personal
            ? revealPersonal(ctx, { entityType: 'CASE', entityId: c.id, field: 'applicant.idNumber' }, c.applicantIdNumber)
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

export const CaseType = builder.prismaObject('Case', {
  description: 'A case (办件): one application for one catalogue item, accepted at one window. Visible to the department handling it and to windows (case:accept).',
  fields: (t) => ({
    id: t.exposeID('id'),
    receiptNumber: t.exposeString('receiptNumber', { description: '受理编号' }),
    verificationCode: t.exposeString('verificationCode', { description: 'Printed on the receipt; with the receipt number it unlocks public progress.' }),
    item: t.field({ type: ServiceItemType, resolve: async (c, _a, ctx) => (await ctx.loaders.itemByCode.load(c.itemCode))! }),
    department: t.field({ type: DepartmentRef, resolve: (c) => ({ code: c.departmentCode }) }),
    channel: t.expose('channel', { type: CaseChannelEnum }),
    acceptancePlace: t.expose('acceptancePlace', { type: AcceptancePlaceEnum }),
    applicant: t.field({ type: ApplicantType, resolve: (c, _a, ctx) => ({ c, personal: canSeePersonalData(ctx.caller, c) }) }),
    state: t.expose('state', { type: CaseStateEnum }),
    outcome: t.expose('outcome', { type: CaseStateEnum, nullable: true, description: 'APPROVED or REJECTED once decided.' }),
    submittedAt: t.expose('submittedAt', { type: 'DateTime' }),
    acceptedAt: t.expose('acceptedAt', { type: 'DateTime', nullable: true }),
    acceptedOn: t.expose('acceptedOn', { type: 'Date', nullable: true, description: 'The time limit counts from the next working day.' }),
    limitDays: t.exposeInt('limitDays', { description: 'Time limit in working days (the committed limit of the item).' }),
    deadline: t.field({
      type: 'Date',
      nullable: true,
      description: 'Current deadline: moves later while the clock is stopped.',
      resolve: async (c, _a, ctx) => {
        const clock = await clockOf(c, ctx);
        return clock ? dateOf(clock.deadline) : c.deadline;
      },
    }),
    remainingWorkingDays: t.int({ nullable: true, description: 'Working days left today; negative when overdue; null unless open.', resolve: async (c, _a, ctx) => (await clockOf(c, ctx))?.remainingWorkingDays ?? null }),
    trafficLight: t.field({ type: TrafficLightEnum, nullable: true, description: 'null unless the case is open.', resolve: async (c, _a, ctx) => (await clockOf(c, ctx))?.light ?? null }),
    paused: t.boolean({ resolve: (c) => c.pausedSince !== null }),
    pauseKind: t.expose('pauseKind', { type: PauseKindEnum, nullable: true }),
    pausedSince: t.expose('pausedSince', { type: 'Date', nullable: true }),
    pauses: t.field({ type: [CasePauseType], resolve: (c, _a, ctx) => ctx.loaders.pausesByCase.load(c.id) }),
    concludedAt: t.expose('concludedAt', { type: 'DateTime', nullable: true }),
    usedWorkingDays: t.exposeInt('usedWorkingDays', { nullable: true, description: 'At conclusion: working days used, paused days excluded.' }),
    onTime: t.exposeBoolean('onTime', { nullable: true }),
    fullyOnline: t.exposeBoolean('fullyOnline'),
    materialsReceived: t.field({ type: [CaseMaterialType], resolve: (c) => c.materialsReceived as unknown as MaterialRef[] }),
    oneTimeNotice: t.field({
      type: [CaseMaterialType],
      description: 'The one-time notice (一次性告知): every material that was missing at submission. Nothing else can be asked for later.',
      resolve: (c) => c.missingMaterials as unknown as MaterialRef[],
    }),
    outstandingMaterials: t.field({
      type: [CaseMaterialType],
      description: 'Materials of the notice not yet received.',
      resolve: (c) => {
        const got = new Map((c.materialsReceived as unknown as MaterialRef[]).map((m) => [m.code, m.copies]));
        return (c.missingMaterials as unknown as MaterialRef[]).filter((m) => (got.get(m.code) ?? 0) < m.copies);
      },
    }),
    noticeIssuedAt: t.expose('noticeIssuedAt', { type: 'DateTime', nullable: true }),
    availableActions: t.field({
      type: [CaseActionEnum],
      resolve: async (c, _a, ctx) => availableActions(c.state, (await ctx.loaders.itemByCode.load(c.itemCode))?.steps ?? [], c.pausedSince !== null),
    }),
    licence: t.field({ type: LicenceRef, nullable: true, description: 'The licence issued at conclusion.', resolve: (c) => (c.licenceId ? { id: c.licenceId } : null) }),
    history: t.field({ type: [CaseEventType], resolve: (c, _a, ctx) => ctx.loaders.eventsByCase.load(c.id) }),
    receiptUrl: t.string({ resolve: (c, _a, ctx) => `${ctx.config.publicUrl}/receipts/${encodeURIComponent(c.receiptNumber)}?code=${c.verificationCode}` }),
    progressUrl: t.string({ resolve: (c, _a, ctx) => progressUrl(ctx.config.publicUrl, c.receiptNumber, c.verificationCode) }),
    revision: t.exposeInt('revision'),
  }),
});

// --- Public views -----------------------------------------------------------------------------

interface PublicCase {
  c: Case;
  item: ServiceItem;
}

const ProgressStepType = builder.objectRef<CaseEvent>('CaseProgressStep').implement({
  description: 'A step of a case as the public sees it: no actor, no free-text reason.',
  fields: (t) => ({
    action: t.exposeString('action'),
    state: t.field({ type: CaseStateEnum, resolve: (e) => e.toState }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
  }),
});

const ProgressPauseType = builder.objectRef<CasePause>('CaseProgressPause').implement({
  fields: (t) => ({
    kind: t.field({ type: PauseKindEnum, resolve: (p) => p.kind }),
    from: t.field({ type: 'Date', resolve: (p) => p.fromDate }),
    to: t.field({ type: 'Date', nullable: true, resolve: (p) => p.toDate }),
  }),
});

const CaseProgressType = builder.objectRef<PublicCase>('CaseProgress').implement({
  description: 'Public progress of a case by receipt number and verification code. Holds no personal data: no applicant, no actors, no reasons.',
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
    deadline: t.field({
      type: 'Date',
      nullable: true,
      resolve: async ({ c }, _a, ctx) => {
        const clock = await clockOf(c, ctx);
        return clock ? dateOf(clock.deadline) : c.deadline;
      },
    }),
    trafficLight: t.field({ type: TrafficLightEnum, nullable: true, resolve: async ({ c }, _a, ctx) => (await clockOf(c, ctx))?.light ?? null }),
    paused: t.boolean({ resolve: ({ c }) => c.pausedSince !== null }),
    pauseKind: t.field({ type: PauseKindEnum, nullable: true, resolve: ({ c }) => c.pauseKind }),
    pauses: t.field({ type: [ProgressPauseType], resolve: ({ c }, _a, ctx) => ctx.loaders.pausesByCase.load(c.id) }),
    outstandingMaterials: t.field({
      type: [CaseMaterialType],
      resolve: ({ c }) => {
        const got = new Map((c.materialsReceived as unknown as MaterialRef[]).map((m) => [m.code, m.copies]));
        return (c.missingMaterials as unknown as MaterialRef[]).filter((m) => (got.get(m.code) ?? 0) < m.copies);
      },
    }),
    concludedOn: t.field({ type: 'Date', nullable: true, resolve: ({ c }) => c.concludedOn }),
    onTime: t.boolean({ nullable: true, resolve: ({ c }) => c.onTime }),
    steps: t.field({ type: [ProgressStepType], resolve: ({ c }, _a, ctx) => ctx.loaders.eventsByCase.load(c.id) }),
  }),
});

const CaseReceiptType = builder.objectRef<PublicCase>('CaseReceipt').implement({
  description: 'The acceptance receipt (受理回执) for printing: item, limit and deadline, materials received, phones and the progress link.',
  fields: (t) => ({
    receiptNumber: t.string({ resolve: ({ c }) => c.receiptNumber }),
    verificationCode: t.string({ resolve: ({ c }) => c.verificationCode }),
    itemCode: t.string({ resolve: ({ item }) => item.code }),
    itemName: t.string({ resolve: ({ item }) => item.name }),
    department: t.field({ type: DepartmentRef, resolve: ({ c }) => ({ code: c.departmentCode }) }),
    applicantName: t.string({
      description: 'Enterprise name, or a person\'s name with the middle masked.',
      resolve: ({ c }) => (c.applicantUscc ? c.applicantName : c.applicantName.length <= 1 ? '*' : `${c.applicantName[0]}${'*'.repeat(c.applicantName.length - 1)}`),
    }),
    channel: t.field({ type: CaseChannelEnum, resolve: ({ c }) => c.channel }),
    acceptancePlace: t.field({ type: AcceptancePlaceEnum, resolve: ({ c }) => c.acceptancePlace }),
    state: t.field({ type: CaseStateEnum, resolve: ({ c }) => c.state }),
    acceptedAt: t.field({ type: 'DateTime', nullable: true, resolve: ({ c }) => c.acceptedAt }),
    limitDays: t.int({ resolve: ({ c }) => c.limitDays }),
    statutoryLimitDays: t.int({ resolve: ({ item }) => item.statutoryLimitDays }),
    deadline: t.field({ type: 'Date', nullable: true, resolve: ({ c }) => c.deadline }),
    materialsReceived: t.field({ type: [CaseMaterialType], resolve: ({ c }) => c.materialsReceived as unknown as MaterialRef[] }),
    oneTimeNotice: t.field({ type: [CaseMaterialType], resolve: ({ c }) => c.missingMaterials as unknown as MaterialRef[] }),
    consultationPhone: t.string({ nullable: true, resolve: ({ item }) => item.consultationPhone }),
    supervisionPhone: t.string({ nullable: true, resolve: ({ item }) => item.supervisionPhone }),
    progressUrl: t.string({ resolve: ({ c }, _a, ctx) => progressUrl(ctx.config.publicUrl, c.receiptNumber, c.verificationCode) }),
  }),
});

async function publicCase(ctx: ApprovalsContext, receipt: string, code: string): Promise<PublicCase | null> {
  const c = await caseByReceiptAndCode(ctx, receipt, code);
  if (!c) return null;
  const item = await ctx.loaders.itemByCode.load(c.itemCode);
  return item ? { c, item } : null;
}

const InboxType = builder.objectRef<{ total: number; cases: Case[] }>('CaseInbox').implement({
  fields: (t) => ({
    total: t.exposeInt('total'),
    cases: t.field({ type: [CaseType], resolve: (i) => i.cases }),
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
      const c = /^[0-9a-f-]{36}$/i.test(id) ? await ctx.prisma.case.findUnique({ where: { id } }) : null;
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
  caseInbox: t.field({
    type: InboxType,
    description: "The caller's department's open cases, most urgent first (red, then fewest working days left). case:handle or case:read.",
    args: {
      department: t.arg.string({ required: false, description: "Defaults to the caller's department (the only one allowed)." }),
      light: t.arg({ type: TrafficLightEnum, required: false }),
      includeSubmitted: t.arg.boolean({ required: false, description: 'Also list cases waiting for materials.' }),
      limit: t.arg.int({ required: false, defaultValue: 50 }),
      offset: t.arg.int({ required: false, defaultValue: 0 }),
    },
    resolve: async (_r, args, ctx) => {
      const { entries, total } = await departmentInbox(ctx, args.department, {
        light: args.light ?? null,
        includeSubmitted: args.includeSubmitted ?? false,
        limit: Math.min(Math.max(args.limit ?? 50, 1), 500),
        offset: Math.max(args.offset ?? 0, 0),
      });
      return { total, cases: entries.map((e) => e.case) };
    },
  }),
  caseProgress: t.field({
    type: CaseProgressType,
    nullable: true,
    description: 'Public progress by receipt number and the verification code printed on the receipt; null when either is wrong.',
    args: { receiptNumber: t.arg.string({ required: true }), verificationCode: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => publicCase(ctx, args.receiptNumber, args.verificationCode),
  }),
  caseReceipt: t.field({
    type: CaseReceiptType,
    nullable: true,
    description: 'The printable acceptance receipt, by receipt number and verification code.',
    args: { receiptNumber: t.arg.string({ required: true }), verificationCode: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => publicCase(ctx, args.receiptNumber, args.verificationCode),
  }),
}));

// --- Mutations ----------------------------------------------------------------------------------

const MaterialInput = builder.inputType('CaseMaterialInput', {
  fields: (t) => ({
    code: t.string({ required: true, description: 'Material code of the item, e.g. M01.' }),
    copies: t.int({ required: false, description: 'Defaults to the copies the item asks for.' }),
  }),
});

const SubmitCaseInput = builder.inputType('SubmitCaseInput', {
  fields: (t) => ({
    item: t.string({ required: true, description: 'Catalogue item code.' }),
    channel: t.field({ type: CaseChannelEnum, required: true }),
    acceptancePlace: t.field({ type: AcceptancePlaceEnum, required: false, description: "Defaults to the item's first place for online channels." }),
    applicantUscc: t.field({ type: 'USCC', required: false, description: 'Required for enterprise items.' }),
    applicantName: t.string({ required: true }),
    applicantIdNumber: t.string({ required: false, description: 'Required for personal items.' }),
    applicantPhone: t.string({ required: true, description: 'Progress messages (SMS) go here.' }),
    materials: t.field({ type: [MaterialInput], required: true }),
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

const ConcludeLicenceInput = builder.inputType('ConcludeLicenceInput', {
  description: 'Content of the licence issued at conclusion (for items that produce one).',
  fields: (t) => ({
    scope: t.string({ required: false, description: "Defaults to the item's name." }),
    attributes: t.field({ type: [builder.inputType('CaseLicenceAttributeInput', { fields: (a) => ({ name: a.string({ required: true }), value: a.string({ required: true }) }) })], required: false }),
  }),
});

const ConcludePayload = builder.objectRef<{ case: Case; licence: { id: string } | null }>('ConcludeCasePayload').implement({
  fields: (t) => ({
    case: t.field({ type: CaseType, resolve: (p) => p.case }),
    licence: t.field({ type: LicenceRef, nullable: true, resolve: (p) => (p.licence ? { id: p.licence.id } : null) }),
  }),
});

const ERRORS = 'Errors: NOT_FOUND, CONFLICT (the state does not allow it; nothing is written), FORBIDDEN (not the case department), UNAUTHENTICATED, BAD_USER_INPUT.';

builder.mutationFields((t) => ({
  submitCase: t.field({
    type: SubmitCasePayload,
    description: `Takes an application at a window for any department's item (case:accept). Complete materials: ACCEPTED with a receipt. Missing materials: SUBMITTED with one notice listing all of them. ${ERRORS}`,
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
  supplementMaterials: t.field({
    type: CaseType,
    description: `Records materials of the one-time notice (case:accept, or case:handle of the department). A SUBMITTED case is accepted once nothing is outstanding; a SUPPLEMENTING pause ends. ${ERRORS}`,
    args: { id: t.arg.id({ required: true }), materials: t.arg({ type: [MaterialInput], required: true }) },
    resolve: (_r, args, ctx) => supplementMaterials(ctx, String(args.id), args.materials),
  }),
  undertakeCase: t.field({
    type: CaseType,
    description: `承办 (case:handle). ${ERRORS}`,
    args: { id: t.arg.id({ required: true }), reason: t.arg.string({ required: false }) },
    resolve: (_r, args, ctx) => transitionCase(ctx, String(args.id), 'UNDERTAKE', args.reason),
  }),
  reviewCase: t.field({
    type: CaseType,
    description: `审核 (case:handle). ${ERRORS}`,
    args: { id: t.arg.id({ required: true }), reason: t.arg.string({ required: false }) },
    resolve: (_r, args, ctx) => transitionCase(ctx, String(args.id), 'REVIEW', args.reason),
  }),
  approveCase: t.field({
    type: CaseType,
    description: `批准 (case:handle). ${ERRORS}`,
    args: { id: t.arg.id({ required: true }), reason: t.arg.string({ required: false }) },
    resolve: (_r, args, ctx) => transitionCase(ctx, String(args.id), 'APPROVE', args.reason),
  }),
  rejectCase: t.field({
    type: CaseType,
    description: `不予许可 with the reason (case:handle). ${ERRORS}`,
    args: { id: t.arg.id({ required: true }), reason: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => transitionCase(ctx, String(args.id), 'REJECT', args.reason),
  }),
  pauseCase: t.field({
    type: CaseType,
    description: `Stops the clock for a special stage of the item (case:handle); the applicant is told, with the expected duration. ${ERRORS}`,
    args: {
      id: t.arg.id({ required: true }),
      stage: t.arg({ type: SpecialStageEnum, required: true }),
      reason: t.arg.string({ required: true }),
      expectedDays: t.arg.int({ required: false }),
    },
    resolve: (_r, args, ctx) => pauseCase(ctx, String(args.id), args.stage, args.reason, args.expectedDays),
  }),
  requestSupplement: t.field({
    type: CaseType,
    description: `Asks for materials of the one-time notice again (补正, case:handle); the clock stops. A material not on the notice is refused with CONFLICT (reason NOT_IN_ONE_TIME_NOTICE). ${ERRORS}`,
    args: { id: t.arg.id({ required: true }), materials: t.arg.stringList({ required: true }), reason: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => requestSupplement(ctx, String(args.id), args.materials, args.reason),
  }),
  resumeCase: t.field({
    type: CaseType,
    description: `Restarts the clock (case:handle); the deadline moves by the paused working days. ${ERRORS}`,
    args: { id: t.arg.id({ required: true }), reason: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => resumeCase(ctx, String(args.id), args.reason),
  }),
  concludeCase: t.field({
    type: ConcludePayload,
    description: `办结 an APPROVED or REJECTED case (case:handle). An approved case of an item that produces a licence issues it to the applicant enterprise in the same transaction. ${ERRORS}`,
    args: { id: t.arg.id({ required: true }), reason: t.arg.string({ required: false }), licence: t.arg({ type: ConcludeLicenceInput, required: false }) },
    resolve: (_r, args, ctx) => concludeCase(ctx, String(args.id), args.reason, args.licence ?? null),
  }),
}));
