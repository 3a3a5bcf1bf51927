/**
 * One-window submission (一口受理): the application and materials check, materials fulfilled from
 * the libraries (免于提交), the receipt, and either acceptance (the clock starts), the one-time
 * notice of everything missing (一次性告知), or, with the notice deferred, receipt for checking.
 */
import type { Case, ServiceItem } from '../../../generated/prisma/client.js';
import type { AcceptancePlace, CaseChannel } from '../../../generated/prisma/enums.js';
import { assertScope } from '../../../platform/auth/caller.js';
import type { BaseContext } from '../../../platform/context.js';
import { badInput, notFound } from '../../../platform/errors.js';
import { isValidUscc } from '../../../platform/uscc.js';
import type { WorkingCalendar } from '../calendar/calendar.js';
import { fromLocal, loadWorkingCalendar, shanghaiToday, toLocal } from '../calendar/store.js';
import { itemMaterials, type ItemMaterial } from '../catalogue/catalogue.js';
import type { MaterialRef, SharedMaterial } from './json.js';
import { receiptNumber, verificationCode } from './receipt.js';
import { fulfilFromLibraries } from './sharing.js';
import {
  actorOf,
  messagePrefix,
  notifyApplicant,
  retryOnUniqueViolation,
  type SystemCaller,
  type Tx,
} from './shared.js';

const ONLINE_CHANNELS: CaseChannel[] = ['ONLINE', 'MOBILE'];
const PHONE = /^(?:1\d{10}|(?:\d{3,4}-)?\d{7,8})$/;
const ID_NUMBER = /^\d{17}[\dX]$/;

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
  /**
   * ON_THE_SPOT (default): the window checks the materials now and gives the one-time notice at
   * once. DEFERRED: the materials are taken for checking; the department owes the notice within
   * five working days (Administrative Licensing Law art. 32), else the case is deemed accepted.
   */
  notice?: NoticeMode | null;
}

/** When the notice of missing materials is given (art. 32: 当场或者五日内一次告知). */
export type NoticeMode = 'ON_THE_SPOT' | 'DEFERRED';

export interface SubmitCaseResult {
  case: Case;
  /** Everything missing, listed once (一次性告知); empty when the case was accepted or the notice deferred. */
  missing: MaterialRef[];
  /** Materials taken from the libraries instead (免于提交). */
  shared: SharedMaterial[];
}

type Problem = { field: string; message: string };

/** An application that passed every check, ready to become a case. */
interface Application {
  item: ServiceItem;
  channel: CaseChannel;
  place: AcceptancePlace;
  online: boolean;
  applicant: { uscc: string | null; name: string; idNumber: string | null; phone: string };
  received: MaterialRef[];
  missing: MaterialRef[];
  shared: SharedMaterial[];
  /** The notice is owed by the department (notice DEFERRED) rather than given now. */
  deferred: boolean;
}

function invalidCase(problems: Problem[]) {
  return badInput(`Invalid case: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, { problems });
}

/** What was received and what is missing, against the item's materials. */
function materialsCheck(
  materials: ItemMaterial[],
  received: { code: string; copies?: number | null }[],
  conditionsApplying: string[],
): { received: MaterialRef[]; missing: MaterialRef[]; problems: Problem[] } {
  const byCode = new Map(materials.map((m) => [m.code, m]));
  const problems: Problem[] = [];
  const got = new Map<string, { name: string; copies: number }>();
  received.forEach((r, i) => {
    const m = byCode.get(r.code);
    if (!m)
      problems.push({
        field: `materials[${i}].code`,
        message: `${r.code} is not a material of this item (known: ${[...byCode.keys()].join(', ')})`,
      });
    else if (r.copies != null && r.copies < 1)
      problems.push({ field: `materials[${i}].copies`, message: 'must be at least 1' });
    else got.set(r.code, { name: m.name, copies: (got.get(r.code)?.copies ?? 0) + (r.copies ?? m.copies) });
  });
  conditionsApplying.forEach((code, i) => {
    const m = byCode.get(code);
    if (!m || m.requirement !== 'CONDITIONAL') {
      problems.push({
        field: `conditionsApplying[${i}]`,
        message: `${code} is not a conditional material of this item`,
      });
    }
  });
  const missing: MaterialRef[] = [];
  for (const m of materials) {
    const needed = m.requirement === 'REQUIRED' || conditionsApplying.includes(m.code);
    if (needed && (got.get(m.code)?.copies ?? 0) < m.copies)
      missing.push({ code: m.code, name: m.name, copies: m.copies });
  }
  const receivedRefs = [...got].map(([code, { name, copies }]) => ({ code, name, copies }));
  return { received: receivedRefs, missing, problems };
}

/** Where the application is accepted: given, or implied by an online or community channel. */
function acceptancePlaceOf(
  item: ServiceItem,
  input: SubmitCaseInput,
  online: boolean,
  problems: Problem[],
): AcceptancePlace | undefined {
  if (online && (item.online === 'NONE' || item.online === 'BOOKING')) {
    problems.push({
      field: 'channel',
      message: `${item.name} cannot be applied for online (online level ${item.online})`,
    });
  }
  const place: AcceptancePlace | undefined =
    input.acceptancePlace ??
    (online ? item.acceptedAt[0] : input.channel === 'COMMUNITY_STATION' ? 'COMMUNITY_STATION' : undefined);
  if (!place) problems.push({ field: 'acceptancePlace', message: 'say where the application is accepted' });
  else if (!item.acceptedAt.includes(place)) {
    problems.push({
      field: 'acceptancePlace',
      message: `${item.name} is accepted at ${item.acceptedAt.join(', ')}, not ${place}`,
    });
  }
  if (input.channel === 'COMMUNITY_STATION' && place && place !== 'COMMUNITY_STATION') {
    problems.push({
      field: 'acceptancePlace',
      message: 'the COMMUNITY_STATION channel is accepted at a COMMUNITY_STATION',
    });
  }
  return place;
}

/** The applicant as given, trimmed, with the identification the item's audience needs. */
function applicantOf(item: ServiceItem, input: SubmitCaseInput, problems: Problem[]): Application['applicant'] {
  const name = input.applicantName.trim();
  const phone = input.applicantPhone.trim();
  if (!name || name.length > 200) problems.push({ field: 'applicantName', message: 'must be 1 to 200 characters' });
  if (!PHONE.test(phone))
    problems.push({ field: 'applicantPhone', message: 'is not a phone number (e.g. 13800138000)' });
  const uscc = input.applicantUscc?.trim() || null;
  const idNumber = input.applicantIdNumber?.trim().toUpperCase() || null;
  if (uscc && !isValidUscc(uscc)) problems.push({ field: 'applicantUscc', message: 'is not a valid USCC' });
  if (idNumber && !ID_NUMBER.test(idNumber))
    problems.push({ field: 'applicantIdNumber', message: 'is not a resident ID number (18 characters)' });
  if (item.audience === 'ENTERPRISE' && !uscc)
    problems.push({ field: 'applicantUscc', message: `${item.name} is applied for by an enterprise: give its USCC` });
  if (item.audience === 'PERSON' && !idNumber)
    problems.push({
      field: 'applicantIdNumber',
      message: `${item.name} is applied for by a person: give the ID number`,
    });
  return { uscc, name, idNumber, phone };
}

/** Checks channel, place, applicant and materials, reporting every problem at once. */
function checkApplication(item: ServiceItem, input: SubmitCaseInput): Application {
  const problems: Problem[] = [];
  const online = ONLINE_CHANNELS.includes(input.channel);
  const place = acceptancePlaceOf(item, input, online, problems);
  const applicant = applicantOf(item, input, problems);
  const check = materialsCheck(itemMaterials(item), input.materials, input.conditionsApplying ?? []);
  problems.push(...check.problems);
  // A missing place is always among the problems.
  if (problems.length > 0 || !place) throw invalidCase(problems);
  return {
    item,
    channel: input.channel,
    place,
    online,
    applicant,
    received: check.received,
    missing: check.missing,
    shared: [],
    deferred: input.notice === 'DEFERRED',
  };
}

/** An item that issues a licence issues it to a registered enterprise: refuse the application now, not at conclusion. */
async function assertHolderRegistered(ctx: BaseContext, { item, applicant }: Application): Promise<void> {
  if (!item.producesLicenceTypeCode || !applicant.uscc) return;
  const enterprise = await ctx.prisma.enterprise.findUnique({
    where: { uscc: applicant.uscc },
    select: { uscc: true },
  });
  if (!enterprise) {
    throw notFound(
      `No enterprise has the USCC ${applicant.uscc}; ${item.name} issues a licence to a registered enterprise, register it in the Subject Library first`,
      {
        field: 'applicantUscc',
      },
    );
  }
}

/** Inserts the case with a new receipt number: ACCEPTED with its deadline, or SUBMITTED with the notice (or owing it). */
function insertCase(tx: Tx, a: Application, calendar: WorkingCalendar, now: Date): Promise<Case> {
  const today = shanghaiToday(now);
  const complete = a.missing.length === 0;
  return tx.case.create({
    data: {
      receiptNumber: receiptNumber(today),
      verificationCode: verificationCode(),
      itemCode: a.item.code,
      departmentCode: a.item.departmentCode,
      channel: a.channel,
      acceptancePlace: a.place,
      applicantUscc: a.applicant.uscc,
      applicantName: a.applicant.name,
      applicantIdNumber: a.applicant.idNumber,
      applicantPhone: a.applicant.phone,
      state: complete ? 'ACCEPTED' : 'SUBMITTED',
      submittedAt: now,
      limitDays: a.item.committedLimitDays,
      fullyOnline: a.online && a.item.online === 'FULLY_ONLINE',
      materialsReceived: a.received.map((m) => ({ ...m })),
      sharedMaterials: a.shared.map((m) => ({ ...m })),
      // A deferred check records no notice: the department gives it (issueCorrectionNotice).
      missingMaterials: a.deferred ? [] : a.missing.map((m) => ({ ...m })),
      noticeDeferred: !complete && a.deferred,
      ...(complete
        ? {
            acceptedAt: now,
            acceptedOn: fromLocal(today),
            deadline: fromLocal(calendar.deadline({ acceptedOn: today, limit: a.item.committedLimitDays })),
            lastLight: null,
          }
        : a.deferred
          ? {}
          : { noticeIssuedAt: now }),
    },
  });
}

/** The ACCEPTED event and the applicant's message with the receipt number and deadline. */
export async function recordAcceptance(
  tx: Tx,
  ctx: BaseContext,
  c: Case,
  item: ServiceItem,
  at: Date,
  caller: SystemCaller | null,
): Promise<void> {
  await tx.caseEvent.create({
    data: {
      caseId: c.id,
      action: 'ACCEPTED',
      fromState: 'SUBMITTED',
      toState: 'ACCEPTED',
      reason: '材料齐全，予以受理',
      ...actorOf(caller),
      occurredAt: at,
    },
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

/** The MATERIALS_MISSING event and the one message listing everything missing. */
async function recordOneTimeNotice(
  tx: Tx,
  ctx: BaseContext,
  c: Case,
  item: ServiceItem,
  missing: MaterialRef[],
  at: Date,
  caller: SystemCaller | null,
): Promise<void> {
  const list = missing.map((m, i) => `${i + 1}.${m.name}（${m.copies}份）`).join('；');
  await tx.caseEvent.create({
    data: {
      caseId: c.id,
      action: 'MATERIALS_MISSING',
      fromState: 'SUBMITTED',
      toState: 'SUBMITTED',
      reason: `一次性告知：${missing.map((m) => m.code).join(', ')}`,
      ...actorOf(caller),
      occurredAt: at,
    },
  });
  await notifyApplicant(
    tx,
    ctx,
    c,
    'MATERIALS_MISSING',
    `${messagePrefix(item.name)}申请材料不齐全，请一次性补齐以下材料：${list}。受理编号${c.receiptNumber}。`,
    {
      missing,
    },
  );
}

/**
 * One-window acceptance (一口受理): any window with case:accept takes an application for any
 * department's item. Complete materials: the case is accepted and its clock starts. Missing
 * materials: the case stays SUBMITTED and one notice lists everything missing.
 */
export async function submitCase(ctx: BaseContext, input: SubmitCaseInput): Promise<SubmitCaseResult> {
  assertScope(ctx.caller, 'case:accept');
  const item = await ctx.prisma.serviceItem.findUnique({ where: { code: input.itemCode } });
  if (!item) throw notFound(`No catalogue item has the code "${input.itemCode}"`, { field: 'itemCode' });
  // A PRE_REVIEW item comes online only through the hall's pre-review (the department passes the
  // draft, see submitFromHall); taking it online here would skip the review the catalogue promises.
  if (ONLINE_CHANNELS.includes(input.channel) && item.online === 'PRE_REVIEW') {
    throw badInput(
      `${item.name} is applied for online through the online hall's pre-review (/hall/apply, then preReviewDraft), not submitted directly on channel ${input.channel}`,
      { field: 'channel', reason: 'PRE_REVIEW_REQUIRED' },
    );
  }
  return submitChecked(ctx, item, input, ctx.caller);
}

/**
 * How an online application from the hall arrives: passed in pre-review by the item's department
 * (any online item), or applied for directly by the applicant (FULLY_ONLINE items only).
 */
export type HallSubmission = { via: 'PRE_REVIEW'; reviewer: SystemCaller } | { via: 'DIRECT' };

/**
 * An ONLINE application from the online hall, through the same checks, receipt and clock as a
 * window. The case events name the reviewing department's system, or no system for a direct
 * application (the applicant acted, signed in to the hall).
 */
export async function submitFromHall(
  ctx: BaseContext,
  input: Omit<SubmitCaseInput, 'channel' | 'notice'>,
  how: HallSubmission,
): Promise<SubmitCaseResult> {
  const item = await ctx.prisma.serviceItem.findUnique({ where: { code: input.itemCode } });
  if (!item) throw notFound(`No catalogue item has the code "${input.itemCode}"`, { field: 'itemCode' });
  if (how.via === 'DIRECT' && item.online !== 'FULLY_ONLINE') {
    throw badInput(`${item.name} needs the department's pre-review before it is accepted online`, {
      field: 'itemCode',
      reason: 'PRE_REVIEW_REQUIRED',
    });
  }
  if (how.via === 'PRE_REVIEW' && how.reviewer.departmentCode !== item.departmentCode)
    throw badInput(`${item.name} is pre-reviewed by its own department`, { field: 'itemCode' });
  return submitChecked(
    ctx,
    item,
    { ...input, channel: 'ONLINE', notice: 'ON_THE_SPOT' },
    how.via === 'PRE_REVIEW' ? how.reviewer : null,
  );
}

async function submitChecked(
  ctx: BaseContext,
  item: ServiceItem,
  input: SubmitCaseInput,
  caller: SystemCaller | null,
): Promise<SubmitCaseResult> {
  const checked = checkApplication(item, input);
  await assertHolderRegistered(ctx, checked);
  const now = new Date();
  const application = {
    ...checked,
    ...(await fulfilFromLibraries(ctx.prisma, itemMaterials(item), checked.missing, checked.applicant.uscc, now)),
  };

  const calendar = await loadWorkingCalendar(ctx.prisma);
  // A receipt-number collision (1 in 10^8 per day) is retried with a new number.
  const created = await retryOnUniqueViolation(3, () =>
    ctx.prisma.$transaction(async (tx) => {
      const c = await insertCase(tx, application, calendar, now);
      const how = `channel ${input.channel} at ${application.place}${c.noticeDeferred ? ', materials taken for checking (notice deferred)' : ''}`;
      await tx.caseEvent.create({
        data: {
          caseId: c.id,
          action: 'SUBMITTED',
          toState: 'SUBMITTED',
          reason: how,
          ...actorOf(caller),
          occurredAt: now,
        },
      });
      if (application.missing.length === 0) await recordAcceptance(tx, ctx, c, item, now, caller);
      else if (!application.deferred) await recordOneTimeNotice(tx, ctx, c, item, application.missing, now, caller);
      return c;
    }),
  );
  ctx.logger.info(
    {
      caseId: created.id,
      receipt: created.receiptNumber,
      item: item.code,
      state: created.state,
      shared: application.shared.length,
      system: caller?.systemName ?? 'online hall',
    },
    'case submitted',
  );
  return { case: created, missing: created.noticeDeferred ? [] : application.missing, shared: application.shared };
}
