/**
 * Cases through the gateway on a real database: one-window submission, the one-time notice,
 * every transition and refusal (writing nothing), pauses and deadlines, traffic lights and
 * reminders, the licence issued at conclusion, and the public views without personal data.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectWithMessage, HOOK_TIMEOUT } from './helpers/runner.js';
import { fromLocal, loadWorkingCalendar, shanghaiToday, toLocal } from '../src/modules/approvals/calendar/store.js';
import { lightFor } from '../src/modules/approvals/cases/traffic-light.js';
import { emitTrafficLightReminders } from '../src/modules/approvals/workers.js';
import type { Pause } from '../src/modules/approvals/calendar/calendar.js';
import { seedCatalogue } from '../prisma/seed/cases.js';
import {
  ApproveCaseDocument,
  CaseByIdDocument,
  CaseInboxDocument,
  CaseProgressDocument,
  CaseReceiptDocument,
  ConcludeCaseDocument,
  PauseCaseDocument,
  RejectCaseDocument,
  RequestSupplementDocument,
  ResumeCaseDocument,
  ReviewCaseDocument,
  ServiceItemGuideDocument,
  SetCalendarOverrideDocument,
  SubmitCaseDocument,
  SupplementMaterialsDocument,
  UndertakeCaseDocument,
  type SubmitCaseInput,
} from './generated/graphql.js';
import { aFoodCaseInput, anEnterprise, aSystemKey, referenceData } from './helpers/builders.js';
import { startTestHub, statingPurpose, type TestHub } from './helpers/hub.js';

let hub: TestHub;
let window: string; // the one window (GSC): accepts any department's items
let mr: string; // market regulation: handles its items, reads personal data
let mrNoHandle: string;
let hc: string; // another department
let admin: string;
let holder: { uscc: string; name: string };

const FOOD = 'HZ-MR-005'; // steps: acceptance, undertaking, review, approval, conclusion; produces FOOD_BUSINESS_LICENCE

beforeAll(async () => {
  hub = statingPurpose(await startTestHub(), 'case handling');
  const prisma = hub.platform.prisma;
  await referenceData(prisma);
  await seedCatalogue(prisma);
  window = (await aSystemKey(prisma, 'GSC', ['case:accept'])).key;
  mr = (await aSystemKey(prisma, 'MR', ['case:handle', 'case:read'])).key;
  mrNoHandle = (await aSystemKey(prisma, 'MR', ['case:read'])).key;
  hc = (await aSystemKey(prisma, 'HC', ['case:handle', 'case:read'])).key;
  admin = (await aSystemKey(prisma, 'GSC', ['calendar:admin'])).key;
  holder = await anEnterprise(prisma);
}, HOOK_TIMEOUT);
afterAll(() => hub.stop(), HOOK_TIMEOUT);

function foodInput(overrides: Partial<SubmitCaseInput> = {}): SubmitCaseInput {
  return aFoodCaseInput(holder, overrides);
}

async function submit(overrides: Partial<SubmitCaseInput> = {}) {
  const res = await hub.gql(SubmitCaseDocument, { input: foodInput(overrides) }, window);
  expect(res.errors).toBeUndefined();
  return res.data!.submitCase;
}

/** Everything a refused request must leave untouched. */
async function footprint(caseId: string) {
  const prisma = hub.platform.prisma;
  const c = await prisma.case.findUniqueOrThrow({ where: { id: caseId } });
  return {
    state: c.state,
    revision: c.revision,
    events: await prisma.caseEvent.count({ where: { caseId } }),
    pauses: await prisma.casePause.count({ where: { caseId } }),
    notifications: await prisma.notification.count({ where: { caseId } }),
    licences: await prisma.licence.count(),
  };
}

const notifications = (caseId: string) =>
  hub.platform.prisma.notification.findMany({ where: { caseId }, orderBy: { createdAt: 'asc' } });

/** The Shanghai day k counted working days before today (so that k working days are used). */
async function dayWithWorkingDaysBefore(k: number, pauses: Pause[] = []): Promise<string> {
  const calendar = await loadWorkingCalendar(hub.platform.prisma);
  const today = shanghaiToday();
  let d = today;
  for (let i = 0; i < 60; i++) {
    d = toLocal(new Date(fromLocal(d).getTime() - 86_400_000));
    if (calendar.countWorkingDays(d, today, pauses) === k && calendar.isWorkingDay(d)) return d;
  }
  throw new Error(`no day with ${k} working days before today`);
}

describe('catalogue guide', () => {
  it('shows an item publicly with materials, limits, phones, department and its guide link', async () => {
    const res = await hub.gql(ServiceItemGuideDocument, { code: FOOD });
    expect(res.errors).toBeUndefined();
    expect(res.data?.serviceItem).toMatchObject({
      code: FOOD,
      audience: 'ENTERPRISE',
      statutoryLimitDays: 10,
      committedLimitDays: 5,
      producesLicenceType: 'FOOD_BUSINESS_LICENCE',
      department: { code: 'MR', name: '海珠区市场监督管理局' },
      consultationPhone: '020-89000001',
    });
    expect(res.data?.serviceItem?.materials.map((m) => `${m.code}:${m.requirement}`)).toEqual([
      'M01:REQUIRED',
      'M02:REQUIRED',
      'M03:REQUIRED',
      'M04:REQUIRED',
      'M05:CONDITIONAL',
      'M06:CONDITIONAL',
    ]);
    expect(res.data?.serviceItem?.guideUrl).toMatch(/\/guide\/HZ-MR-005$/);
  });
});

describe('submission at one window', () => {
  it("accepts a complete application for another department's item, with receipt data, deadline, history and an ACCEPTED message", async () => {
    const r = await submit();
    expect(r.accepted).toBe(true);
    expect(r.missingMaterials).toEqual([]);
    const c = r.case;
    expect(c.state).toBe('ACCEPTED');
    expect(c.receiptNumber).toMatch(/^HZ\d{16}$/);
    expect(c.verificationCode).toMatch(/^[A-Z2-9]{6}$/);
    const calendar = await loadWorkingCalendar(hub.platform.prisma);
    const today = shanghaiToday();
    expect(c.acceptedOn).toBe(today);
    expect(c.deadline).toBe(calendar.deadline({ acceptedOn: today, limit: 5 }));
    expect(c.limitDays).toBe(5);
    expect(c.history.map((e) => [e.action, e.fromState, e.toState, e.actorDepartment?.code])).toEqual([
      ['SUBMITTED', null, 'SUBMITTED', 'GSC'],
      ['ACCEPTED', 'SUBMITTED', 'ACCEPTED', 'GSC'],
    ]);
    const sent = await notifications(c.id);
    expect(sent.map((n) => [n.kind, n.audience, n.recipient, n.status])).toEqual([
      ['ACCEPTED', 'APPLICANT', '13900139000', 'PENDING'],
    ]);
    expect((sent[0]!.payload as { text: string }).text).toContain(c.receiptNumber);

    const receipt = await hub.gql(CaseReceiptDocument, {
      receiptNumber: c.receiptNumber,
      verificationCode: c.verificationCode,
    });
    expect(receipt.data?.caseReceipt).toMatchObject({
      itemName: expect.stringContaining('食品'),
      limitDays: 5,
      deadline: c.deadline,
      consultationPhone: '020-89000001',
      supervisionPhone: '12345',
    });
    expect(receipt.data?.caseReceipt?.materialsReceived.map((m) => m.code)).toEqual(['M01', 'M02', 'M03', 'M04']);
    expect(receipt.data?.caseReceipt?.progressUrl).toContain(`receipt=${c.receiptNumber}`);
  });

  it('refuses without case:accept, for an unknown item, a place the item is not accepted at, and unknown materials — writing nothing', async () => {
    const before = await hub.platform.prisma.case.count();
    const noScope = await hub.gql(SubmitCaseDocument, { input: foodInput() }, mr);
    expect(noScope.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await hub.gql(SubmitCaseDocument, { input: foodInput() });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const unknown = await hub.gql(SubmitCaseDocument, { input: foodInput({ item: 'HZ-XX-999' }) }, window);
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const bad = await hub.gql(
      SubmitCaseDocument,
      { input: foodInput({ acceptancePlace: 'COMMUNITY_STATION', materials: [{ code: 'M99' }], applicantUscc: null }) },
      window,
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const fields = (bad.errors?.[0]?.extensions?.problems as { field: string }[]).map((p) => p.field).sort();
    expect(fields).toEqual(['acceptancePlace', 'applicantUscc', 'materials[0].code']);
    expect(await hub.platform.prisma.case.count()).toBe(before);
  });

  it('refuses a PRE_REVIEW item on an online channel: it comes online only through the hall’s pre-review', async () => {
    const before = await hub.platform.prisma.case.count();
    for (const channel of ['ONLINE', 'MOBILE'] as const) {
      const r = await hub.gql(SubmitCaseDocument, { input: foodInput({ channel, acceptancePlace: null }) }, window);
      expect(r.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'PRE_REVIEW_REQUIRED',
        field: 'channel',
      });
      expect(r.errors?.[0]?.message).toContain('pre-review');
    }
    expect(await hub.platform.prisma.case.count()).toBe(before);
  });
});

describe('one-time notification (一次性告知)', () => {
  it('lists every missing material at once, accepts when they arrive, and refuses to ask later for anything not on the list', async () => {
    const r = await submit({ materials: [{ code: 'M01' }, { code: 'M02' }], conditionsApplying: ['M06'] });
    expect(r.accepted).toBe(false);
    expect(r.case.state).toBe('SUBMITTED');
    expect(r.missingMaterials.map((m) => m.code)).toEqual(['M03', 'M04', 'M06']);
    expect(r.case.deadline).toBeNull();
    const id = r.case.id;
    let sent = await notifications(id);
    expect(sent.map((n) => n.kind)).toEqual(['MATERIALS_MISSING']);
    const text = (sent[0]!.payload as { text: string }).text;
    for (const m of r.missingMaterials) expect(text).toContain(m.name);

    // Something not on the notice is not taken.
    const before = await footprint(id);
    const outside = await hub.gql(SupplementMaterialsDocument, { id, materials: [{ code: 'M05' }] }, window);
    expect(outside.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(outside.errors?.[0]?.extensions?.notInNotice).toEqual(['M05']);
    expect(await footprint(id)).toEqual(before);

    // Part of the list: still waiting, and no second notice.
    const partial = await hub.gql(SupplementMaterialsDocument, { id, materials: [{ code: 'M03' }] }, window);
    expect(partial.data?.supplementMaterials.state).toBe('SUBMITTED');
    expect(partial.data?.supplementMaterials.outstandingMaterials.map((m) => m.code)).toEqual(['M04', 'M06']);
    const rest = await hub.gql(
      SupplementMaterialsDocument,
      { id, materials: [{ code: 'M04' }, { code: 'M06' }] },
      window,
    );
    expect(rest.errors).toBeUndefined();
    expect(rest.data?.supplementMaterials.state).toBe('ACCEPTED');
    expect(rest.data?.supplementMaterials.deadline).not.toBeNull();
    sent = await notifications(id);
    expect(sent.map((n) => n.kind)).toEqual(['MATERIALS_MISSING', 'ACCEPTED']);

    // After acceptance the department may ask again only for materials of the notice.
    const ask = await footprint(id);
    const notOnList = await hub.gql(RequestSupplementDocument, { id, materials: ['M02'], reason: '复印件不清晰' }, mr);
    expect(notOnList.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(notOnList.errors?.[0]?.extensions?.reason).toBe('NOT_IN_ONE_TIME_NOTICE');
    expect(await footprint(id)).toEqual(ask);
    const onList = await hub.gql(RequestSupplementDocument, { id, materials: ['M03'], reason: '复印件不清晰' }, mr);
    expect(onList.data?.requestSupplement).toMatchObject({ paused: true, pauseKind: 'SUPPLEMENTING' });
    const back = await hub.gql(SupplementMaterialsDocument, { id, materials: [{ code: 'M03' }] }, window);
    expect(back.data?.supplementMaterials).toMatchObject({ paused: false, state: 'ACCEPTED' });
    sent = await notifications(id);
    expect(sent.map((n) => n.kind)).toEqual(['MATERIALS_MISSING', 'ACCEPTED', 'PAUSED', 'RESUMED']);
  });

  it('a complete application has an empty notice, so nothing can be asked for later', async () => {
    const { case: c } = await submit();
    const before = await footprint(c.id);
    const res = await hub.gql(RequestSupplementDocument, { id: c.id, materials: ['M01'], reason: '再交一份' }, mr);
    expect(res.errors?.[0]?.extensions?.reason).toBe('NOT_IN_ONE_TIME_NOTICE');
    expect(await footprint(c.id)).toEqual(before);
  });
});

describe('lifecycle', () => {
  it('moves accepted → undertaken → reviewed → approved → concluded, recording who, when and why', async () => {
    const { case: c } = await submit();
    const undertaken = await hub.gql(UndertakeCaseDocument, { id: c.id, reason: '分派承办人' }, mr);
    expect(undertaken.data?.undertakeCase.state).toBe('UNDERTAKEN');
    expect((await hub.gql(ReviewCaseDocument, { id: c.id, reason: '材料审查通过' }, mr)).data?.reviewCase.state).toBe(
      'REVIEWED',
    );
    const approved = await hub.gql(ApproveCaseDocument, { id: c.id }, mr);
    expect(approved.data?.approveCase).toMatchObject({
      state: 'APPROVED',
      outcome: 'APPROVED',
      availableActions: ['CONCLUDE'],
    });
    const concluded = await hub.gql(
      ConcludeCaseDocument,
      {
        id: c.id,
        licence: {
          scope: '热食类食品制售',
          attributes: [
            { name: 'premises', value: '广州市海珠区新港中路1号' },
            { name: 'businessFormat', value: '餐饮服务经营者' },
          ],
        },
      },
      mr,
    );
    expect(concluded.errors).toBeUndefined();
    const done = concluded.data!.concludeCase.case;
    expect(done).toMatchObject({
      state: 'CONCLUDED',
      outcome: 'APPROVED',
      onTime: true,
      usedWorkingDays: 0,
      trafficLight: null,
    });
    expect(done.history.map((e) => [e.action, e.fromState, e.toState, e.reason, e.actorDepartment?.code])).toEqual([
      ['SUBMITTED', null, 'SUBMITTED', 'channel WINDOW at DISTRICT_CENTRE', 'GSC'],
      ['ACCEPTED', 'SUBMITTED', 'ACCEPTED', '材料齐全，予以受理', 'GSC'],
      ['UNDERTAKE', 'ACCEPTED', 'UNDERTAKEN', '分派承办人', 'MR'],
      ['REVIEW', 'UNDERTAKEN', 'REVIEWED', '材料审查通过', 'MR'],
      ['APPROVE', 'REVIEWED', 'APPROVED', null, 'MR'],
      ['CONCLUDE', 'APPROVED', 'CONCLUDED', null, 'MR'],
    ]);
    // TARGETED_PUSH: supervision tells the applicant of the items that depend on this one (HZ-MR-006).
    expect((await notifications(c.id)).map((n) => n.kind)).toEqual(['ACCEPTED', 'CONCLUDED', 'TARGETED_PUSH']);
  });

  it('refuses every transition the state does not allow, and writes nothing', async () => {
    const { case: c } = await submit();
    const id = c.id;
    const attempts: [string, () => Promise<{ errors?: { extensions?: { code?: string } }[] }>][] = [
      ['review before undertaking', () => hub.gql(ReviewCaseDocument, { id }, mr)],
      ['approve from ACCEPTED', () => hub.gql(ApproveCaseDocument, { id }, mr)],
      ['reject from ACCEPTED', () => hub.gql(RejectCaseDocument, { id, reason: '不符合条件' }, mr)],
      ['conclude from ACCEPTED', () => hub.gql(ConcludeCaseDocument, { id }, mr)],
      ['resume when not paused', () => hub.gql(ResumeCaseDocument, { id, reason: '恢复' }, mr)],
      [
        'a stage the item does not have',
        () => hub.gql(PauseCaseDocument, { id, stage: 'HEARING', reason: '听证' }, mr),
      ],
    ];
    for (const [what, attempt] of attempts) {
      const before = await footprint(id);
      const res = await attempt();
      expectWithMessage(res.errors?.[0]?.extensions?.code, what).toBe('CONFLICT');
      expectWithMessage(await footprint(id), what).toEqual(before);
    }
    await hub.gql(UndertakeCaseDocument, { id }, mr);
    const again = await footprint(id);
    expect((await hub.gql(UndertakeCaseDocument, { id }, mr)).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await hub.gql(ConcludeCaseDocument, { id }, mr)).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await footprint(id)).toEqual(again);

    // Pausing stops every step but resume.
    expect(
      (
        await hub.gql(
          PauseCaseDocument,
          { id, stage: 'SITE_INSPECTION', reason: '现场核查经营场所', expectedDays: 3 },
          mr,
        )
      ).data?.pauseCase.paused,
    ).toBe(true);
    const paused = await footprint(id);
    expect((await hub.gql(ReviewCaseDocument, { id }, mr)).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(
      (await hub.gql(PauseCaseDocument, { id, stage: 'SITE_INSPECTION', reason: '再次' }, mr)).errors?.[0]?.extensions
        ?.code,
    ).toBe('CONFLICT');
    expect(await footprint(id)).toEqual(paused);
    expect((await hub.gql(ResumeCaseDocument, { id, reason: '勘察完毕' }, mr)).data?.resumeCase.paused).toBe(false);

    // After the decision and conclusion nothing moves any more.
    await hub.gql(ReviewCaseDocument, { id }, mr);
    const rejected = await hub.gql(RejectCaseDocument, { id, reason: '经营场所不符合要求' }, mr);
    expect(rejected.data?.rejectCase).toMatchObject({ state: 'REJECTED', outcome: 'REJECTED' });
    const concluded = await hub.gql(ConcludeCaseDocument, { id }, mr);
    expect(concluded.data?.concludeCase.licence).toBeNull();
    const final = await footprint(id);
    for (const attempt of [
      () => hub.gql(ApproveCaseDocument, { id }, mr),
      () => hub.gql(ConcludeCaseDocument, { id }, mr),
      () => hub.gql(PauseCaseDocument, { id, stage: 'SITE_INSPECTION', reason: 'x' }, mr),
    ]) {
      expect((await attempt()).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    }
    expect(await footprint(id)).toEqual(final);
  });

  it("requires a reason to reject, and follows the item's own steps (no undertaking for HZ-MR-001)", async () => {
    const { case: c } = await submit();
    await hub.gql(UndertakeCaseDocument, { id: c.id }, mr);
    await hub.gql(ReviewCaseDocument, { id: c.id }, mr);
    const noReason = await hub.gql(RejectCaseDocument, { id: c.id, reason: '  ' }, mr);
    expect(noReason.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const reg = await hub.gql(
      SubmitCaseDocument,
      {
        input: foodInput({
          item: 'HZ-MR-001',
          materials: ['M01', 'M02', 'M03', 'M04', 'M05'].map((code) => ({ code })),
        }),
      },
      window,
    );
    expect(reg.errors).toBeUndefined();
    const id = reg.data!.submitCase.case.id;
    expect(reg.data!.submitCase.case.availableActions).toEqual(['REVIEW']);
    expect((await hub.gql(UndertakeCaseDocument, { id }, mr)).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await hub.gql(ReviewCaseDocument, { id }, mr)).data?.reviewCase.state).toBe('REVIEWED');
  });

  it("lets only the item's department with case:handle move its cases", async () => {
    const { case: c } = await submit();
    const before = await footprint(c.id);
    const other = await hub.gql(UndertakeCaseDocument, { id: c.id }, hc);
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(other.errors?.[0]?.extensions?.requiredDepartment).toBe('MR');
    expect((await hub.gql(UndertakeCaseDocument, { id: c.id }, mrNoHandle)).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect((await hub.gql(UndertakeCaseDocument, { id: c.id }, window)).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect((await hub.gql(UndertakeCaseDocument, { id: c.id })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await footprint(c.id)).toEqual(before);
    // HC cannot even see the case; MR reads personal data, the window sees it masked.
    expect((await hub.gql(CaseByIdDocument, { id: c.id }, hc)).data?.case).toBeNull();
    expect((await hub.gql(CaseByIdDocument, { id: c.id }, mr)).data?.case?.applicant.phone).toBe('13900139000');
    expect((await hub.gql(CaseByIdDocument, { id: c.id }, window)).data?.case?.applicant.phone).toBe('139****9000');
  });
});

describe('licence issued at conclusion', () => {
  it("issues the item's licence to the applicant enterprise in the conclusion transaction, with the case as its source", async () => {
    const { case: c } = await submit();
    for (const doc of [UndertakeCaseDocument, ReviewCaseDocument, ApproveCaseDocument])
      await hub.gql(doc, { id: c.id }, mr);
    // Required attributes missing: refused, nothing written (no case change, no licence).
    const before = await footprint(c.id);
    const incomplete = await hub.gql(ConcludeCaseDocument, { id: c.id }, mr);
    expect(incomplete.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await footprint(c.id)).toEqual(before);

    const changesBefore = await hub.platform.prisma.changeEvent.count({ where: { entityType: 'LICENCE' } });
    const res = await hub.gql(
      ConcludeCaseDocument,
      {
        id: c.id,
        licence: {
          attributes: [
            { name: 'premises', value: '广州市海珠区新港中路1号' },
            { name: 'businessFormat', value: '餐饮服务经营者' },
          ],
        },
      },
      mr,
    );
    expect(res.errors).toBeUndefined();
    const licence = res.data!.concludeCase.licence!;
    // The food business licence numbering of the type (JY, district 440105, a per-type serial).
    expect(licence.number).toMatch(/^JY1440105\d{7}$/);
    expect(licence).toMatchObject({
      status: 'VALID',
      validFrom: shanghaiToday(),
      holder: { uscc: holder.uscc, name: holder.name },
      issuingDepartment: { code: 'MR' },
    });
    expect(licence.validUntil).not.toBeNull(); // 60 months for food business licences
    const row = await hub.platform.prisma.licence.findUniqueOrThrow({ where: { id: licence.id } });
    expect(row.sourceRecordId).toBe(`case:${c.receiptNumber}`);
    expect(row.attributes).toEqual({ premises: '广州市海珠区新港中路1号', businessFormat: '餐饮服务经营者' });
    const fromCase = await hub.gql(CaseByIdDocument, { id: c.id }, mr);
    expect(fromCase.data?.case?.licence?.id).toBe(licence.id);
    expect(fromCase.data?.case?.licence?.history).toEqual([
      { action: 'ISSUED', reason: `办件 ${c.receiptNumber} 办结，准予许可` },
    ]);
    const change = await hub.platform.prisma.changeEvent.findFirst({
      where: { entityType: 'LICENCE', entityId: licence.id },
    });
    expect(change?.action).toBe('CREATED');
    expect(await hub.platform.prisma.changeEvent.count({ where: { entityType: 'LICENCE' } })).toBe(changesBefore + 1);
  });
});

describe('deadlines, pauses and traffic lights', () => {
  it('does not count paused working days: the deadline moves and usedWorkingDays excludes them', async () => {
    const prisma = hub.platform.prisma;
    const { case: c } = await submit();
    await hub.gql(PauseCaseDocument, { id: c.id, stage: 'SITE_INSPECTION', reason: '现场核查' }, mr);
    // Pretend the case was accepted 2 working days before the pause, which has run for 4 working days until today.
    const pauseFrom = await dayWithWorkingDaysBefore(4);
    const calendar = await loadWorkingCalendar(prisma);
    let accepted = pauseFrom;
    for (let i = 0; i < 30 && calendar.countWorkingDays(accepted, pauseFrom) < 2; i++) {
      accepted = toLocal(new Date(fromLocal(accepted).getTime() - 86_400_000));
    }
    await prisma.case.update({
      where: { id: c.id },
      data: { acceptedOn: fromLocal(accepted), pausedSince: fromLocal(pauseFrom) },
    });
    await prisma.casePause.updateMany({ where: { caseId: c.id }, data: { fromDate: fromLocal(pauseFrom) } });

    const today = shanghaiToday();
    const resumed = await hub.gql(ResumeCaseDocument, { id: c.id, reason: '勘察完毕' }, mr);
    expect(resumed.errors).toBeUndefined();
    const pauses = [{ from: pauseFrom, to: today }];
    const expected = calendar.deadline({ acceptedOn: accepted, limit: 5, pauses });
    expect(resumed.data?.resumeCase.deadline).toBe(expected);
    expect(expected > calendar.deadline({ acceptedOn: accepted, limit: 5 })).toBe(true);
    expect(resumed.data?.resumeCase.remainingWorkingDays).toBe(3);
    expect(resumed.data?.resumeCase.trafficLight).toBe('GREEN');

    for (const doc of [UndertakeCaseDocument, ReviewCaseDocument]) await hub.gql(doc, { id: c.id }, mr);
    await hub.gql(RejectCaseDocument, { id: c.id, reason: '不符合条件' }, mr);
    const done = await hub.gql(ConcludeCaseDocument, { id: c.id }, mr);
    expect(done.data?.concludeCase.case).toMatchObject({ usedWorkingDays: 2, onTime: true });
  });

  it('turns yellow close to the deadline and red when overdue; the inbox lists the most urgent first; reminders go out once per change', async () => {
    const prisma = hub.platform.prisma;
    const make = async (usedDays: number) => {
      const { case: c } = await submit();
      await prisma.case.update({
        where: { id: c.id },
        data: { acceptedOn: fromLocal(await dayWithWorkingDaysBefore(usedDays)) },
      });
      return c.id;
    };
    const green = await make(1); // 4 left, 20% used
    const yellow = await make(4); // 1 left (TRAFFIC_LIGHT_YELLOW_DAYS = 1)
    const red = await make(7); // 2 past the deadline
    const light = async (id: string) => (await hub.gql(CaseByIdDocument, { id }, mr)).data?.case;
    expect(await light(green)).toMatchObject({ trafficLight: 'GREEN', remainingWorkingDays: 4 });
    expect(await light(yellow)).toMatchObject({ trafficLight: 'YELLOW', remainingWorkingDays: 1 });
    expect(await light(red)).toMatchObject({ trafficLight: 'RED', remainingWorkingDays: -2 });

    const inbox = await hub.gql(CaseInboxDocument, {}, mr);
    const ids = inbox.data!.caseInbox.cases.map((c) => c.id);
    expect(ids.indexOf(red)).toBeLessThan(ids.indexOf(yellow));
    expect(ids.indexOf(yellow)).toBeLessThan(ids.indexOf(green));
    const remaining = inbox.data!.caseInbox.cases.map((c) => c.remainingWorkingDays!);
    expect([...remaining].sort((a, b) => a - b)).toEqual(remaining);
    const reds = await hub.gql(CaseInboxDocument, { light: 'RED' }, mr);
    expect(reds.data!.caseInbox.cases.every((c) => c.trafficLight === 'RED')).toBe(true);
    expect(reds.data!.caseInbox.cases.map((c) => c.id)).toContain(red);
    expect((await hub.gql(CaseInboxDocument, {}, window)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    await emitTrafficLightReminders(hub.platform);
    const reminders = async () =>
      (await prisma.notification.findMany({ where: { caseId: { in: [green, yellow, red] }, audience: 'DEPARTMENT' } }))
        .map((n) => `${n.caseId}:${n.kind}:${n.recipient}`)
        .sort();
    const first = await reminders();
    expect(first).toEqual([`${red}:REMINDER_RED:MR`, `${yellow}:REMINDER_YELLOW:MR`].sort());
    await emitTrafficLightReminders(hub.platform);
    expect(await reminders()).toEqual(first);
    // The yellow case goes red: one more reminder.
    await prisma.case.update({
      where: { id: yellow },
      data: { acceptedOn: fromLocal(await dayWithWorkingDaysBefore(6)) },
    });
    await emitTrafficLightReminders(hub.platform);
    expect(await reminders()).toEqual([...first, `${yellow}:REMINDER_RED:MR`].sort());
  });

  it('applies both yellow thresholds: working days left and share of the limit used', () => {
    const t = { yellowDays: 1, yellowShare: 0.8 };
    expect(lightFor(5, 5, 10, t)).toBe('GREEN');
    expect(lightFor(2, 8, 10, t)).toBe('YELLOW'); // 80% used
    expect(lightFor(3, 7, 10, t)).toBe('GREEN');
    expect(lightFor(1, 1, 2, t)).toBe('YELLOW'); // 1 day left
    expect(lightFor(0, 0, 0, t)).toBe('YELLOW'); // on-the-spot item, due today
    expect(lightFor(-1, 11, 10, t)).toBe('RED');
    expect(lightFor(3, 2, 5, { yellowDays: 3, yellowShare: 1 })).toBe('YELLOW');
    expect(lightFor(4, 6, 10, { yellowDays: 0, yellowShare: 0.5 })).toBe('YELLOW');
  });

  it('moves open deadlines when an administrator corrects the calendar', async () => {
    const { case: c } = await submit();
    const calendar = await loadWorkingCalendar(hub.platform.prisma);
    const today = shanghaiToday();
    const target = calendar.addWorkingDays(today, 2);
    const denied = await hub.gql(SetCalendarOverrideDocument, { date: target, kind: 'HOLIDAY' }, mr);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    try {
      const set = await hub.gql(
        SetCalendarOverrideDocument,
        { date: target, kind: 'HOLIDAY', name: '临时调整' },
        admin,
      );
      expect(set.errors).toBeUndefined();
      expect(set.data?.setCalendarOverride.casesRescheduled).toBeGreaterThanOrEqual(1);
      const moved = await hub.gql(CaseByIdDocument, { id: c.id }, mr);
      expect(moved.data?.case?.deadline).toBe(calendar.addWorkingDays(today, 6));
      const row = await hub.platform.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
      expect(toLocal(row.deadline!)).toBe(calendar.addWorkingDays(today, 6));
    } finally {
      await hub.gql(SetCalendarOverrideDocument, { date: target, kind: null }, admin);
    }
    const back = await hub.platform.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
    expect(toLocal(back.deadline!)).toBe(calendar.addWorkingDays(today, 5));
  });
});

describe('public progress', () => {
  it('shows progress by receipt number and verification code, with no personal data; a wrong code shows nothing', async () => {
    const person = { applicantName: '陈小明', applicantPhone: '13712345678' };
    const { case: c } = await submit({ ...person, materials: [{ code: 'M01' }] });
    const res = await hub.gql(CaseProgressDocument, {
      receiptNumber: c.receiptNumber,
      verificationCode: c.verificationCode.toLowerCase(),
    });
    expect(res.errors).toBeUndefined();
    const p = res.data!.caseProgress!;
    expect(p).toMatchObject({ receiptNumber: c.receiptNumber, state: 'SUBMITTED', department: { code: 'MR' } });
    // M02 (营业执照) is taken from the Subject Library for the registered holder, so it is not outstanding.
    expect(p.outstandingMaterials.map((m) => m.code)).toEqual(['M03', 'M04']);
    const json = JSON.stringify(res);
    for (const secret of [person.applicantName, person.applicantPhone, '12345678', holder.uscc, holder.name])
      expect(json).not.toContain(secret);

    const wrong = await hub.gql(CaseProgressDocument, { receiptNumber: c.receiptNumber, verificationCode: 'AAAAAA' });
    expect(wrong.data?.caseProgress).toBeNull();

    const page = await fetch(`${hub.url}/progress?receipt=${c.receiptNumber}&code=${c.verificationCode}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(c.receiptNumber);
    for (const secret of [person.applicantName, person.applicantPhone, holder.uscc]) expect(html).not.toContain(secret);
    expect((await fetch(`${hub.url}/progress?receipt=${c.receiptNumber}&code=WRONG1`)).status).toBe(404);
  });

  it('serves the printable receipt with its QR code and the item guide', async () => {
    const { case: c } = await submit();
    const receipt = await fetch(`${hub.url}/receipts/${c.receiptNumber}?code=${c.verificationCode}`);
    expect(receipt.status).toBe(200);
    const html = await receipt.text();
    expect(html).toContain(c.receiptNumber);
    expect(html).toContain('<svg');
    expect(html).toContain('020-89000001');
    expect(html).toContain('@media print');
    expect((await fetch(`${hub.url}/receipts/${c.receiptNumber}?code=ZZZZZZ`)).status).toBe(404);
    const guide = await fetch(`${hub.url}/guide/${FOOD}`);
    expect(guide.status).toBe(200);
    const g = await guide.text();
    expect(g).toContain('食品经营');
    expect(g).toContain('M01');
    expect((await fetch(`${hub.url}/guide/HZ-XX-999`)).status).toBe(404);
  });
});
