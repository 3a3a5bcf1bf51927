/**
 * Case rules and writes (办件): one-window submission with the materials check and the one-time
 * notice, acceptance with a receipt, the lifecycle transitions of the item's steps, clock-stopping
 * pauses, conclusion (issuing the item's licence in the same transaction) and deadline
 * recomputation. Every write checks scope and department, changes the row conditionally on its
 * state and revision, and writes its CaseEvent and outbox notifications in the same transaction.
 */
import { randomInt, timingSafeEqual } from 'node:crypto';
import { Prisma, type Case, type Licence, type LicenceType, type ServiceItem } from '../../../generated/prisma/client.js';
import type { AcceptancePlace, CaseChannel, CaseState, PauseKind } from '../../../generated/prisma/enums.js';
import { assertScope, hasScope, type Caller } from '../../../platform/auth/caller.js';
import type { BaseContext } from '../../../platform/context.js';
import { badInput, conflict, forbidden, hubError, isUniqueViolation, notFound } from '../../../platform/errors.js';
import { isValidUscc } from '../../../platform/uscc.js';
import type { Pause, WorkingCalendar } from '../calendar/calendar.js';
import { recordChange } from '../../../platform/outbox.js';
import { attributeProblems, coerceAttributes, parseAttributeSchema, type AttributeValue } from '../../licences/index.js';
import { cacheLicence } from '../../licences/index.js';
import { fromLocal, loadWorkingCalendar, shanghaiToday, toLocal, type LocalDate } from '../calendar/store.js';
import { itemMaterials, type ItemMaterial } from '../catalogue/catalogue.js';
import { allowedFrom, OPEN_STATES, PAUSABLE_STATES, SPECIAL_STAGE_KINDS, TARGET, type CaseAction } from './lifecycle.js';
import { enqueueNotification, progressUrl, type NotificationKind } from '../notifications/outbox.js';
import { clockState, type ClockState } from './traffic-light.js';
import { isUuid } from '../../../platform/ids.js';

type Tx = Prisma.TransactionClient;
type SystemCaller = Extract<Caller, { kind: 'system' }>;

export const ONLINE_CHANNELS: CaseChannel[] = ['ONLINE', 'MOBILE'];

export interface MaterialRef {
  code: string;
  name: string;
  copies: number;
}

export interface SubmitCaseInput {
  itemCode: string;
  channel: CaseChannel;
  /** Defaults to the item's first acceptance place for online channels. */
  acceptancePlace?: AcceptancePlace | null;
  applicantUscc?: string | null;
  applicantName: string;
  applicantIdNumber?: string | null;
  applicantPhone: string;
  materials: { code: string; copies?: number | null }[];
  /** Codes of CONDITIONAL materials whose condition applies to this applicant. */
  conditionsApplying?: string[] | null;
}

export interface SubmitCaseResult {
  case: Case;
  /** Everything missing, listed once (一次性告知); empty when the case was accepted. */
  missing: MaterialRef[];
}

export interface ConcludeLicenceInput {
  scope?: string | null;
  attributes?: { name: string; value: string }[] | null;
}

const PHONE = /^(?:1\d{10}|(?:\d{3,4}-)?\d{7,8})$/;
const ID_NUMBER = /^\d{17}[\dX]$/;
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

const PAUSE_LABEL: Record<PauseKind, string> = {
  HEARING: '听证',
  SITE_INSPECTION: '现场勘察',
  TESTING: '检验检测',
  EXPERT_REVIEW: '专家评审',
  SUPPLEMENTING: '补正材料',
  OTHER: '特殊环节',
};

function verificationCode(): string {
  return Array.from({ length: 6 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
}

function receiptNumber(today: LocalDate): string {
  return `HZ${today.replaceAll('-', '')}${String(randomInt(100_000_000)).padStart(8, '0')}`;
}

/** Constant-time comparison of the verification code printed on a receipt. */
export function codeMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected.toUpperCase());
  const b = Buffer.from(given.trim().toUpperCase());
  return a.length === b.length && timingSafeEqual(a, b);
}

function problemsError(problems: { field: string; message: string }[]): void {
  if (problems.length > 0) {
    throw badInput(`Invalid case: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, { problems });
  }
}

function actorOf(caller: SystemCaller) {
  return { actorSystemId: caller.systemId, actorDepartmentCode: caller.departmentCode };
}

/** Closed and open pauses of a case as the calendar reads them. */
export function pausesOf(rows: { fromDate: Date; toDate: Date | null }[]): Pause[] {
  return rows.map((p) => ({ from: toLocal(p.fromDate), to: p.toDate ? toLocal(p.toDate) : null }));
}

/** Deadline, days left and light of an open accepted case today; null for others. */
export function caseClock(
  calendar: WorkingCalendar,
  c: Pick<Case, 'state' | 'acceptedOn' | 'limitDays'>,
  pauses: Pause[],
  ctx: Pick<BaseContext, 'config'>,
  today: LocalDate = shanghaiToday(),
): ClockState | null {
  if (!c.acceptedOn || !OPEN_STATES.includes(c.state)) return null;
  return clockState(calendar, { acceptedOn: toLocal(c.acceptedOn), limitDays: c.limitDays, pauses }, today, ctx.config.trafficLight);
}

function messagePrefix(itemName: string): string {
  return `【海珠区政务服务】您申请的“${itemName}”`;
}

async function notifyApplicant(
  tx: Tx,
  ctx: BaseContext,
  c: Pick<Case, 'id' | 'receiptNumber' | 'verificationCode' | 'applicantPhone'>,
  kind: NotificationKind,
  text: string,
  extra: Record<string, unknown> = {},
): Promise<void> {
  if (!c.applicantPhone) return;
  const url = progressUrl(ctx.config.publicUrl, c.receiptNumber, c.verificationCode);
  await enqueueNotification(tx, {
    caseId: c.id,
    kind,
    audience: 'APPLICANT',
    recipient: c.applicantPhone,
    payload: { text: `${text} 查询进度：${url}`, receiptNumber: c.receiptNumber, progressUrl: url, ...extra },
  });
}

// ---------------------------------------------------------------------------------------------
// Submission and acceptance

function materialsCheck(
  materials: ItemMaterial[],
  received: { code: string; copies?: number | null }[],
  conditionsApplying: string[],
): { received: MaterialRef[]; missing: MaterialRef[]; problems: { field: string; message: string }[] } {
  const byCode = new Map(materials.map((m) => [m.code, m]));
  const problems: { field: string; message: string }[] = [];
  const got = new Map<string, number>();
  received.forEach((r, i) => {
    const m = byCode.get(r.code);
    if (!m) problems.push({ field: `materials[${i}].code`, message: `${r.code} is not a material of this item (known: ${[...byCode.keys()].join(', ')})` });
    else if (r.copies != null && r.copies < 1) problems.push({ field: `materials[${i}].copies`, message: 'must be at least 1' });
    else got.set(r.code, (got.get(r.code) ?? 0) + (r.copies ?? m.copies));
  });
  conditionsApplying.forEach((code, i) => {
    const m = byCode.get(code);
    if (!m || m.requirement !== 'CONDITIONAL') {
      problems.push({ field: `conditionsApplying[${i}]`, message: `${code} is not a conditional material of this item` });
    }
  });
  const missing: MaterialRef[] = [];
  for (const m of materials) {
    const needed = m.requirement === 'REQUIRED' || conditionsApplying.includes(m.code);
    if (needed && (got.get(m.code) ?? 0) < m.copies) missing.push({ code: m.code, name: m.name, copies: m.copies });
  }
  const receivedRefs = [...got].map(([code, copies]) => ({ code, name: byCode.get(code)!.name, copies }));
  return { received: receivedRefs, missing, problems };
}

/**
 * One-window acceptance (一口受理): any window with case:accept takes an application for any
 * department's item. Complete materials: the case is accepted and its clock starts. Missing
 * materials: the case stays SUBMITTED and one notice lists everything missing.
 */
export async function submitCase(ctx: BaseContext, input: SubmitCaseInput): Promise<SubmitCaseResult> {
  assertScope(ctx.caller, 'case:accept');
  const caller = ctx.caller;
  const item = await ctx.prisma.serviceItem.findUnique({ where: { code: input.itemCode } });
  if (!item) throw notFound(`No catalogue item has the code "${input.itemCode}"`, { field: 'itemCode' });

  const problems: { field: string; message: string }[] = [];
  const online = ONLINE_CHANNELS.includes(input.channel);
  if (online && (item.online === 'NONE' || item.online === 'BOOKING')) {
    problems.push({ field: 'channel', message: `${item.name} cannot be applied for online (online level ${item.online})` });
  }
  const place: AcceptancePlace | undefined =
    input.acceptancePlace ?? (online ? item.acceptedAt[0] : input.channel === 'COMMUNITY_STATION' ? 'COMMUNITY_STATION' : undefined);
  if (!place) problems.push({ field: 'acceptancePlace', message: 'say where the application is accepted' });
  else if (!item.acceptedAt.includes(place)) {
    problems.push({ field: 'acceptancePlace', message: `${item.name} is accepted at ${item.acceptedAt.join(', ')}, not ${place}` });
  }
  if (input.channel === 'COMMUNITY_STATION' && place && place !== 'COMMUNITY_STATION') {
    problems.push({ field: 'acceptancePlace', message: 'the COMMUNITY_STATION channel is accepted at a COMMUNITY_STATION' });
  }
  const name = input.applicantName.trim();
  if (!name || name.length > 200) problems.push({ field: 'applicantName', message: 'must be 1 to 200 characters' });
  if (!PHONE.test(input.applicantPhone.trim())) problems.push({ field: 'applicantPhone', message: 'is not a phone number (e.g. 13800138000)' });
  const uscc = input.applicantUscc?.trim() || null;
  const idNumber = input.applicantIdNumber?.trim().toUpperCase() || null;
  if (uscc && !isValidUscc(uscc)) problems.push({ field: 'applicantUscc', message: 'is not a valid USCC' });
  if (idNumber && !ID_NUMBER.test(idNumber)) problems.push({ field: 'applicantIdNumber', message: 'is not a resident ID number (18 characters)' });
  if (item.audience === 'ENTERPRISE' && !uscc) problems.push({ field: 'applicantUscc', message: `${item.name} is applied for by an enterprise: give its USCC` });
  if (item.audience === 'PERSON' && !idNumber) problems.push({ field: 'applicantIdNumber', message: `${item.name} is applied for by a person: give the ID number` });
  const check = materialsCheck(itemMaterials(item.materials), input.materials, input.conditionsApplying ?? []);
  problems.push(...check.problems);
  problemsError(problems);

  if (item.producesLicenceTypeCode && uscc) {
    const enterprise = await ctx.prisma.enterprise.findUnique({ where: { uscc }, select: { uscc: true } });
    if (!enterprise) {
      throw notFound(`No enterprise has the USCC ${uscc}; ${item.name} issues a licence to a registered enterprise, register it in the Subject Library first`, {
        field: 'applicantUscc',
      });
    }
  }

  const calendar = await loadWorkingCalendar(ctx.prisma);
  const now = new Date();
  const today = shanghaiToday(now);
  const complete = check.missing.length === 0;
  for (let attempt = 0; ; attempt++) {
    try {
      const created = await ctx.prisma.$transaction(async (tx) => {
        const c = await tx.case.create({
          data: {
            receiptNumber: receiptNumber(today),
            verificationCode: verificationCode(),
            itemCode: item.code,
            departmentCode: item.departmentCode,
            channel: input.channel,
            acceptancePlace: place!,
            applicantUscc: uscc,
            applicantName: name,
            applicantIdNumber: idNumber,
            applicantPhone: input.applicantPhone.trim(),
            state: complete ? 'ACCEPTED' : 'SUBMITTED',
            submittedAt: now,
            limitDays: item.committedLimitDays,
            fullyOnline: online && item.online === 'FULLY_ONLINE',
            materialsReceived: check.received.map((m) => ({ ...m })),
            missingMaterials: check.missing.map((m) => ({ ...m })),
            ...(complete
              ? {
                  acceptedAt: now,
                  acceptedOn: fromLocal(today),
                  deadline: fromLocal(calendar.deadline({ acceptedOn: today, limit: item.committedLimitDays })),
                  lastLight: null,
                }
              : { noticeIssuedAt: now }),
          },
        });
        await tx.caseEvent.create({
          data: { caseId: c.id, action: 'SUBMITTED', toState: 'SUBMITTED', reason: `channel ${input.channel} at ${place}`, ...actorOf(caller), occurredAt: now },
        });
        if (complete) await recordAcceptance(tx, ctx, c, item, now, caller);
        else {
          const list = check.missing.map((m, i) => `${i + 1}.${m.name}（${m.copies}份）`).join('；');
          await tx.caseEvent.create({
            data: {
              caseId: c.id,
              action: 'MATERIALS_MISSING',
              fromState: 'SUBMITTED',
              toState: 'SUBMITTED',
              reason: `一次性告知：${check.missing.map((m) => m.code).join(', ')}`,
              ...actorOf(caller),
              occurredAt: now,
            },
          });
          await notifyApplicant(tx, ctx, c, 'MATERIALS_MISSING', `${messagePrefix(item.name)}申请材料不齐全，请一次性补齐以下材料：${list}。受理编号${c.receiptNumber}。`, {
            missing: check.missing,
          });
        }
        return c;
      });
      ctx.logger.info({ caseId: created.id, receipt: created.receiptNumber, item: item.code, state: created.state, system: caller.systemName }, 'case submitted');
      return { case: created, missing: check.missing };
    } catch (err) {
      // A receipt-number collision (1 in 10^8 per day) is retried with a new number.
      if (isUniqueViolation(err) && attempt < 3) continue;
      throw err;
    }
  }
}

async function recordAcceptance(tx: Tx, ctx: BaseContext, c: Case, item: ServiceItem, at: Date, caller: SystemCaller): Promise<void> {
  await tx.caseEvent.create({
    data: { caseId: c.id, action: 'ACCEPTED', fromState: 'SUBMITTED', toState: 'ACCEPTED', reason: '材料齐全，予以受理', ...actorOf(caller), occurredAt: at },
  });
  const deadline = c.deadline ? toLocal(c.deadline) : '';
  await notifyApplicant(
    tx,
    ctx,
    c,
    'ACCEPTED',
    `${messagePrefix(item.name)}已受理，受理编号${c.receiptNumber}，承诺${c.limitDays}个工作日内办结（${deadline}前）。`,
    { deadline, limitDays: c.limitDays },
  );
}

async function loadCase(ctx: BaseContext, id: string): Promise<Case & { item: ServiceItem }> {
  const valid = isUuid(id);
  const c = valid ? await ctx.prisma.case.findUnique({ where: { id }, include: { item: true } }) : null;
  if (!c) throw notFound(`No case has the id ${id}`, { caseId: id });
  return c;
}

function assertDepartment(caller: SystemCaller, c: Case): void {
  if (caller.departmentCode !== c.departmentCode) {
    throw forbidden(`Case ${c.receiptNumber} is handled by department ${c.departmentCode}; the key of "${caller.systemName}" is of ${caller.departmentCode}`, {
      requiredDepartment: c.departmentCode,
    });
  }
}

function refused(c: Case, action: string, allowed: CaseState[], why?: string): never {
  throw conflict(
    why ?? `A case in state ${c.state} cannot be ${action.toLowerCase()} (allowed from ${allowed.length ? allowed.join(' or ') : 'no state for this item'})`,
    { caseId: c.id, currentState: c.state, allowedFrom: allowed, action },
  );
}

/** The conditional update every write makes: nothing is written when the case moved meanwhile. */
async function updateIfUnchanged(tx: Tx, c: Case, data: Prisma.CaseUpdateManyMutationInput): Promise<Case> {
  const { count } = await tx.case.updateMany({ where: { id: c.id, revision: c.revision, state: c.state }, data: { ...data, revision: { increment: 1 } } });
  if (count === 0) throw conflict(`Case ${c.receiptNumber} changed meanwhile; reload and retry`, { caseId: c.id });
  return tx.case.findUniqueOrThrow({ where: { id: c.id } });
}

/**
 * Records supplemented materials. On a SUBMITTED case only materials of its one-time notice are
 * taken, and the case is accepted once none is outstanding. During a SUPPLEMENTING pause the
 * clock restarts when the materials arrive.
 */
export async function supplementMaterials(
  ctx: BaseContext,
  id: string,
  materials: { code: string; copies?: number | null }[],
): Promise<Case> {
  const window = hasScope(ctx.caller, 'case:accept');
  assertScope(ctx.caller, window ? 'case:accept' : 'case:handle');
  const caller = ctx.caller;
  const c = await loadCase(ctx, id);
  if (!window) assertDepartment(caller, c);
  const supplementing = c.state !== 'SUBMITTED' && c.pauseKind === 'SUPPLEMENTING' && c.pausedSince !== null;
  if (c.state !== 'SUBMITTED' && !supplementing) {
    refused(c, 'SUPPLEMENTED', ['SUBMITTED'], `Case ${c.receiptNumber} (${c.state}) is not waiting for materials`);
  }
  if (materials.length === 0) throw badInput('List the materials received', { problems: [{ field: 'materials', message: 'must not be empty' }] });
  const notice = c.missingMaterials as unknown as MaterialRef[];
  const noticed = new Set(notice.map((m) => m.code));
  const outside = materials.filter((m) => !noticed.has(m.code)).map((m) => m.code);
  if (outside.length > 0) {
    throw badInput(`Not on the one-time notice of case ${c.receiptNumber}: ${outside.join(', ')}`, {
      reason: 'NOT_IN_ONE_TIME_NOTICE',
      notInNotice: outside,
      problems: outside.map((code) => ({ field: 'materials', message: `${code} was not asked for` })),
    });
  }
  const received = new Map((c.materialsReceived as unknown as MaterialRef[]).map((m) => [m.code, { ...m }]));
  const byCode = new Map(notice.map((m) => [m.code, m]));
  for (const m of materials) {
    const prev = received.get(m.code);
    const copies = (prev?.copies ?? 0) + (m.copies ?? byCode.get(m.code)!.copies);
    received.set(m.code, { code: m.code, name: byCode.get(m.code)!.name, copies });
  }
  const outstanding = notice.filter((m) => (received.get(m.code)?.copies ?? 0) < m.copies);
  const now = new Date();
  const today = shanghaiToday(now);
  const calendar = await loadWorkingCalendar(ctx.prisma);
  const updated = await ctx.prisma.$transaction(async (tx) => {
    const list = [...received.values()];
    await tx.caseEvent.create({
      data: {
        caseId: c.id,
        action: 'SUPPLEMENTED',
        fromState: c.state,
        toState: c.state === 'SUBMITTED' && outstanding.length === 0 ? 'ACCEPTED' : c.state,
        reason: `补正材料：${materials.map((m) => m.code).join(', ')}`,
        ...actorOf(caller),
        occurredAt: now,
      },
    });
    if (c.state === 'SUBMITTED') {
      if (outstanding.length > 0) return updateIfUnchanged(tx, c, { materialsReceived: list });
      const accepted = await updateIfUnchanged(tx, c, {
        materialsReceived: list,
        state: 'ACCEPTED',
        acceptedAt: now,
        acceptedOn: fromLocal(today),
        deadline: fromLocal(calendar.deadline({ acceptedOn: today, limit: c.limitDays })),
      });
      await recordAcceptance(tx, ctx, accepted, c.item, now, caller);
      return accepted;
    }
    const withMaterials = await updateIfUnchanged(tx, c, { materialsReceived: list });
    return endPause(tx, ctx, withMaterials, c.item, calendar, today, now, caller, '补正材料已收到，恢复计时');
  });
  return updated;
}

// ---------------------------------------------------------------------------------------------
// Handling: transitions, pauses, conclusion

async function forHandling(ctx: BaseContext, id: string): Promise<{ caller: SystemCaller; c: Case & { item: ServiceItem } }> {
  assertScope(ctx.caller, 'case:handle');
  const caller = ctx.caller;
  const c = await loadCase(ctx, id);
  assertDepartment(caller, c);
  return { caller, c };
}

function requireReason(reason: string | null | undefined, needed: boolean): string | null {
  const r = reason?.trim() || null;
  if (needed && !r) throw badInput('Say why (reason must not be empty)', { problems: [{ field: 'reason', message: 'must not be empty' }] });
  return r;
}

/** UNDERTAKE, REVIEW, APPROVE, REJECT (CONCLUDE has its own function). */
export async function transitionCase(ctx: BaseContext, id: string, action: Exclude<CaseAction, 'CONCLUDE'>, reason?: string | null): Promise<Case> {
  const { caller, c } = await forHandling(ctx, id);
  const why = requireReason(reason, action === 'REJECT');
  const from = allowedFrom(action, c.item.steps);
  if (!from.includes(c.state)) refused(c, action, from);
  if (c.pausedSince) refused(c, action, from, `Case ${c.receiptNumber} is paused (${c.pauseKind}); resume it first`);
  const to = TARGET[action];
  const updated = await ctx.prisma.$transaction(async (tx) => {
    const u = await updateIfUnchanged(tx, c, { state: to, ...(action === 'APPROVE' || action === 'REJECT' ? { outcome: to } : {}) });
    await tx.caseEvent.create({ data: { caseId: c.id, action, fromState: c.state, toState: to, reason: why, ...actorOf(caller) } });
    return u;
  });
  ctx.logger.info({ caseId: c.id, action, system: caller.systemName }, 'case transition');
  return updated;
}

/** Stops the clock for a special stage listed on the item (hearing, inspection, testing, expert review) or OTHER. */
export async function pauseCase(
  ctx: BaseContext,
  id: string,
  kind: Exclude<PauseKind, 'SUPPLEMENTING'>,
  reason: string,
  expectedDays?: number | null,
): Promise<Case> {
  const { caller, c } = await forHandling(ctx, id);
  const why = requireReason(reason, true)!;
  if (SPECIAL_STAGE_KINDS.includes(kind) && !c.item.specialStages.includes(kind)) {
    throw conflict(`${c.item.name} has no ${kind} stage in the catalogue (its special stages: ${c.item.specialStages.join(', ') || 'none'})`, {
      caseId: c.id,
      reason: 'STAGE_NOT_IN_CATALOGUE',
    });
  }
  if (expectedDays != null && (expectedDays < 1 || !Number.isInteger(expectedDays))) throw badInput('expectedDays must be a positive whole number');
  return startPause(ctx, caller, c, kind, why, expectedDays ?? null);
}

/**
 * Asks the applicant to supplement materials after acceptance (补正); the clock stops. Only
 * materials on the case's one-time notice may be asked for: anything else is refused.
 */
export async function requestSupplement(ctx: BaseContext, id: string, codes: string[], reason: string): Promise<Case> {
  const { caller, c } = await forHandling(ctx, id);
  const why = requireReason(reason, true)!;
  if (codes.length === 0) throw badInput('List the materials to supplement', { problems: [{ field: 'materials', message: 'must not be empty' }] });
  const notice = c.missingMaterials as unknown as MaterialRef[];
  const outside = codes.filter((code) => !notice.some((m) => m.code === code));
  if (outside.length > 0) {
    throw hubError(
      'CONFLICT',
      `The one-time notice (一次性告知) of case ${c.receiptNumber} did not list ${outside.join(', ')}; materials not on it cannot be asked for later`,
      { caseId: c.id, reason: 'NOT_IN_ONE_TIME_NOTICE', notInNotice: outside, notice: notice.map((m) => m.code) },
    );
  }
  const names = notice.filter((m) => codes.includes(m.code)).map((m) => m.name);
  return startPause(ctx, caller, c, 'SUPPLEMENTING', `${why}（补正：${names.join('、')}）`, null);
}

async function startPause(
  ctx: BaseContext,
  caller: SystemCaller,
  c: Case & { item: ServiceItem },
  kind: PauseKind,
  reason: string,
  expectedDays: number | null,
): Promise<Case> {
  if (!PAUSABLE_STATES.includes(c.state)) refused(c, 'PAUSED', PAUSABLE_STATES);
  if (c.pausedSince) refused(c, 'PAUSED', PAUSABLE_STATES, `Case ${c.receiptNumber} is already paused (${c.pauseKind})`);
  const now = new Date();
  const today = shanghaiToday(now);
  const updated = await ctx.prisma.$transaction(async (tx) => {
    const u = await updateIfUnchanged(tx, c, { pausedSince: fromLocal(today), pauseKind: kind });
    await tx.casePause.create({ data: { caseId: c.id, kind, fromDate: fromLocal(today), reason } });
    await tx.caseEvent.create({ data: { caseId: c.id, action: 'PAUSED', fromState: c.state, toState: c.state, reason: `${kind}: ${reason}`, ...actorOf(caller), occurredAt: now } });
    const how = expectedDays ? `，预计${expectedDays}个工作日` : '';
    await notifyApplicant(
      tx,
      ctx,
      u,
      'PAUSED',
      `${messagePrefix(c.item.name)}（受理编号${c.receiptNumber}）进入${PAUSE_LABEL[kind]}环节${how}：${reason}。该时间不计入办理时限。`,
      { stage: kind, expectedDays },
    );
    return u;
  });
  ctx.logger.info({ caseId: c.id, kind, system: caller.systemName }, 'case paused');
  return updated;
}

async function endPause(
  tx: Tx,
  ctx: BaseContext,
  c: Case,
  item: ServiceItem,
  calendar: WorkingCalendar,
  today: LocalDate,
  now: Date,
  caller: SystemCaller,
  reason: string,
): Promise<Case> {
  await tx.casePause.updateMany({ where: { caseId: c.id, toDate: null }, data: { toDate: fromLocal(today) } });
  const pauses = pausesOf(await tx.casePause.findMany({ where: { caseId: c.id } }));
  const deadline = calendar.deadline({ acceptedOn: toLocal(c.acceptedOn!), limit: c.limitDays, pauses });
  const u = await updateIfUnchanged(tx, c, { pausedSince: null, pauseKind: null, deadline: fromLocal(deadline) });
  await tx.caseEvent.create({ data: { caseId: c.id, action: 'RESUMED', fromState: c.state, toState: c.state, reason, ...actorOf(caller), occurredAt: now } });
  await notifyApplicant(tx, ctx, u, 'RESUMED', `${messagePrefix(item.name)}（受理编号${c.receiptNumber}）已恢复办理，办理期限至${deadline}。`, { deadline });
  return u;
}

/** Restarts the clock; the deadline moves by the working days the pause took. */
export async function resumeCase(ctx: BaseContext, id: string, reason: string): Promise<Case> {
  const { caller, c } = await forHandling(ctx, id);
  const why = requireReason(reason, true)!;
  if (!c.pausedSince) refused(c, 'RESUMED', [], `Case ${c.receiptNumber} is not paused`);
  const calendar = await loadWorkingCalendar(ctx.prisma);
  const now = new Date();
  return ctx.prisma.$transaction((tx) => endPause(tx, ctx, c, c.item, calendar, shanghaiToday(now), now, caller, why));
}

function addMonths(d: Date, months: number): Date {
  const r = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate()));
  return new Date(r.getTime() - 86_400_000);
}

async function issueCaseLicence(
  tx: Tx,
  c: Case,
  type: LicenceType,
  scope: string,
  attributes: Record<string, AttributeValue>,
  today: LocalDate,
  caller: SystemCaller,
): Promise<Licence> {
  const prefix = `${type.code}-${today.slice(0, 4)}-`;
  const seq = (await tx.licence.count({ where: { typeCode: type.code, number: { startsWith: prefix } } })) + 1;
  const issuedOn = fromLocal(today);
  const licence = await tx.licence.create({
    data: {
      typeCode: type.code,
      number: `${prefix}${String(seq).padStart(6, '0')}`,
      holderUscc: c.applicantUscc!,
      issuingDepartmentCode: type.issuingDepartmentCode,
      issuedOn,
      validFrom: issuedOn,
      validUntil: type.validityMonths ? addMonths(issuedOn, type.validityMonths) : null,
      scope,
      attributes,
      sourceSystemId: caller.systemId,
      sourceRecordId: `case:${c.receiptNumber}`,
      sourceVersion: 1,
    },
  });
  await tx.licenceEvent.create({
    data: {
      licenceId: licence.id,
      action: 'ISSUED',
      toStatus: 'VALID',
      reason: `办件 ${c.receiptNumber} 办结，准予许可`,
      actorSystemId: caller.systemId,
      actorDepartmentCode: caller.departmentCode,
    },
  });
  await recordChange(tx, {
    entityType: 'LICENCE',
    entityId: licence.id,
    action: 'CREATED',
    revision: licence.revision,
    actor: { systemId: caller.systemId, departmentCode: caller.departmentCode },
    changes: {
      typeCode: licence.typeCode,
      number: licence.number,
      holderUscc: licence.holderUscc,
      issuingDepartmentCode: licence.issuingDepartmentCode,
      issuedOn: today,
      validFrom: today,
      validUntil: licence.validUntil ? toLocal(licence.validUntil) : null,
      scope,
      attributes,
      status: licence.status,
      sourceRecordId: licence.sourceRecordId,
    },
  });
  return licence;
}

/**
 * Concludes (办结) an approved or rejected case: records the working days used and whether it was
 * on time; an approved case of an item that produces a licence issues that licence to the
 * applicant enterprise in the same transaction, with the case as its source.
 */
export async function concludeCase(
  ctx: BaseContext,
  id: string,
  reason?: string | null,
  licenceInput?: ConcludeLicenceInput | null,
): Promise<{ case: Case; licence: Licence | null }> {
  const { caller, c } = await forHandling(ctx, id);
  const why = requireReason(reason, false);
  const from = allowedFrom('CONCLUDE', c.item.steps);
  if (!from.includes(c.state)) refused(c, 'CONCLUDED', from);
  if (c.pausedSince) refused(c, 'CONCLUDED', from, `Case ${c.receiptNumber} is paused (${c.pauseKind}); resume it first`);

  let licenceType: LicenceType | null = null;
  let scope = '';
  let attributes: Record<string, AttributeValue> = {};
  if (c.state === 'APPROVED' && c.item.producesLicenceTypeCode && c.applicantUscc) {
    licenceType = await ctx.prisma.licenceType.findUniqueOrThrow({ where: { code: c.item.producesLicenceTypeCode } });
    const defs = parseAttributeSchema(licenceType.attributeSchema);
    attributes = coerceAttributes(defs, licenceInput?.attributes ?? []);
    scope = licenceInput?.scope?.trim() || c.item.name;
    const problems = attributeProblems(defs, attributes).map((p) => ({ field: `licence.${p.field}`, message: p.message }));
    if (problems.length > 0) {
      throw badInput(`The ${licenceType.name} issued at conclusion needs: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, { problems });
    }
  }

  const calendar = await loadWorkingCalendar(ctx.prisma);
  for (let attempt = 0; ; attempt++) {
    const now = new Date();
    const today = shanghaiToday(now);
    try {
      const result = await ctx.prisma.$transaction(async (tx) => {
        const pauses = pausesOf(await tx.casePause.findMany({ where: { caseId: c.id } }));
        const accepted = toLocal(c.acceptedOn!);
        const used = calendar.countWorkingDays(accepted, today, pauses);
        const deadline = calendar.deadline({ acceptedOn: accepted, limit: c.limitDays, pauses });
        const onTime = today <= deadline;
        const licence = licenceType ? await issueCaseLicence(tx, c, licenceType, scope, attributes, today, caller) : null;
        const u = await updateIfUnchanged(tx, c, {
          state: 'CONCLUDED',
          concludedAt: now,
          concludedOn: fromLocal(today),
          usedWorkingDays: used,
          onTime,
          deadline: fromLocal(deadline),
          licenceId: licence?.id ?? null,
        });
        await tx.caseEvent.create({
          data: { caseId: c.id, action: 'CONCLUDE', fromState: c.state, toState: 'CONCLUDED', reason: why, ...actorOf(caller), occurredAt: now },
        });
        const result = c.outcome === 'APPROVED' ? '准予许可' : '不予许可';
        await notifyApplicant(
          tx,
          ctx,
          u,
          'CONCLUDED',
          `${messagePrefix(c.item.name)}（受理编号${c.receiptNumber}）已办结，结果：${result}${licence ? `，证照编号${licence.number}` : ''}。`,
          { outcome: c.outcome, licenceNumber: licence?.number ?? null },
        );
        return { case: u, licence };
      });
      if (result.licence) await cacheLicence(ctx, result.licence);
      ctx.logger.info({ caseId: c.id, outcome: c.outcome, licenceId: result.licence?.id, system: caller.systemName }, 'case concluded');
      return result;
    } catch (err) {
      // Two conclusions of the same licence type at once can pick the same number: retry with the next.
      if (isUniqueViolation(err) && licenceType && attempt < 3) continue;
      throw err;
    }
  }
}

/**
 * After a calendar correction: recomputes the stored deadline of every open, running case whose
 * deadline is on or after the corrected day.
 */
export async function rescheduleOpenCases(ctx: Pick<BaseContext, 'prisma'>, from: LocalDate): Promise<number> {
  const calendar = await loadWorkingCalendar(ctx.prisma);
  const open = await ctx.prisma.case.findMany({
    where: { state: { in: OPEN_STATES }, acceptedOn: { not: null }, deadline: { gte: fromLocal(from) } },
    select: { id: true, acceptedOn: true, limitDays: true, deadline: true, pausedSince: true, pauses: { select: { fromDate: true, toDate: true } } },
  });
  const today = shanghaiToday();
  let changed = 0;
  for (const c of open) {
    const deadline = calendar.deadline({ acceptedOn: toLocal(c.acceptedOn!), limit: c.limitDays, pauses: pausesOf(c.pauses), asOf: today });
    if (c.deadline && toLocal(c.deadline) === deadline) continue;
    await ctx.prisma.case.updateMany({ where: { id: c.id }, data: { deadline: fromLocal(deadline) } });
    changed += 1;
  }
  return changed;
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Departments see their own cases (case:handle or case:read); windows (case:accept) see all. */
export function canSeeCase(caller: Caller, c: Pick<Case, 'departmentCode'>): boolean {
  if (caller.kind !== 'system') return false;
  if (hasScope(caller, 'case:accept')) return true;
  return (hasScope(caller, 'case:handle') || hasScope(caller, 'case:read')) && caller.departmentCode === c.departmentCode;
}

/** The applicant's ID number and phone: case:read of the case's department only. */
export function canSeePersonalData(caller: Caller, c: Pick<Case, 'departmentCode'>): boolean {
  return hasScope(caller, 'case:read') && caller.kind === 'system' && caller.departmentCode === c.departmentCode;
}

export interface InboxEntry {
  case: Case;
  clock: ClockState | null;
}

/** A department's open cases, most urgent first: red, then fewest working days left. */
export async function departmentInbox(
  ctx: BaseContext,
  departmentCode: string | null | undefined,
  opts: { light?: 'GREEN' | 'YELLOW' | 'RED' | null; includeSubmitted?: boolean; limit: number; offset: number },
): Promise<{ entries: InboxEntry[]; total: number }> {
  const caller = ctx.caller;
  if (caller.kind !== 'system' || !(hasScope(caller, 'case:handle') || hasScope(caller, 'case:read'))) {
    assertScope(caller, 'case:handle');
  }
  const dept = departmentCode ?? caller.departmentCode;
  if (dept !== caller.departmentCode) {
    throw forbidden(`The inbox of department ${dept} is for its own systems; the key of "${caller.systemName}" is of ${caller.departmentCode}`, {
      requiredDepartment: dept,
    });
  }
  const states: CaseState[] = opts.includeSubmitted ? ['SUBMITTED', ...OPEN_STATES] : OPEN_STATES;
  const rows = await ctx.prisma.case.findMany({ where: { departmentCode: dept, state: { in: states } }, include: { pauses: true } });
  const calendar = await loadWorkingCalendar(ctx.prisma);
  const today = shanghaiToday();
  const entries = rows
    .map((r) => {
      const { pauses, ...c } = r;
      return { case: c as Case, clock: caseClock(calendar, c, pausesOf(pauses), ctx, today) };
    })
    .filter((e) => !opts.light || e.clock?.light === opts.light)
    .sort(
      (a, b) =>
        (a.clock?.remainingWorkingDays ?? Number.MAX_SAFE_INTEGER) - (b.clock?.remainingWorkingDays ?? Number.MAX_SAFE_INTEGER) ||
        a.case.submittedAt.getTime() - b.case.submittedAt.getTime(),
    );
  return { entries: entries.slice(opts.offset, opts.offset + opts.limit), total: entries.length };
}

/** A case by receipt number and verification code, for the public; null when either is wrong. */
export async function caseByReceiptAndCode(ctx: Pick<BaseContext, 'prisma'>, receipt: string, code: string): Promise<Case | null> {
  const c = await ctx.prisma.case.findUnique({ where: { receiptNumber: receipt.trim() } });
  return c && codeMatches(c.verificationCode, code) ? c : null;
}
