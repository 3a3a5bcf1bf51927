/**
 * Once-only materials at the window (免于提交) and acceptance under the Administrative Licensing
 * Law art. 32 (不予受理, the correction notice once within five working days, deemed acceptance),
 * plus the licence rules the approval path relies on: derived-status filter, numbering by type,
 * and no licence for a cancelled or revoked enterprise.
 */
import { describe, expect, it } from '@jest/globals';
import { afterAll, beforeAll } from './helpers/runner.js';
import { seedCatalogue } from '../prisma/seed/cases.js';
import { fromLocal, loadWorkingCalendar, shanghaiToday } from '../src/modules/approvals/calendar/store.js';
import { deemOverdueAcceptances } from '../src/modules/approvals/cases/acceptance.js';
import { nextLicenceNumber } from '../src/modules/licences/numbering.js';
import {
  ApproveCaseDocument,
  ConcludeCaseDocument,
  IssueCorrectionNoticeDocument,
  IssueLicenceDocument,
  ItemSharedSourcesDocument,
  LicencesByStatusDocument,
  RefuseAcceptanceDocument,
  ReviewCaseDocument,
  SharingStatisticsDocument,
  SupplementMaterialsDocument,
  UndertakeCaseDocument,
  WindowCaseDocument,
  WindowReceiptDocument,
  WindowSubmitDocument,
  type SubmitCaseInput,
} from './generated/graphql.js';
import { aFoodLicenceInput, anEnterprise, aSystemKey, referenceData } from './helpers/builders.js';
import { startTestHub, statingPurpose, type TestHub } from './helpers/hub.js';

let hub: TestHub;
let window: string; // the one window (GSC)
let mr: string; // market regulation: handles its items and issues food licences
let hc: string; // another department
let holder: { uscc: string; name: string; revision: number };

const FOOD = 'HZ-MR-005'; // M02 (营业执照) shared from the Subject Library
const FOOD_RENEWAL = 'HZ-MR-006'; // M03 (原食品经营许可证) shared from a valid food business licence
const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

beforeAll(async () => {
  hub = statingPurpose(await startTestHub(), 'case handling');
  const prisma = hub.platform.prisma;
  await referenceData(prisma);
  await seedCatalogue(prisma);
  window = (await aSystemKey(prisma, 'GSC', ['case:accept'])).key;
  mr = (await aSystemKey(prisma, 'MR', ['case:handle', 'case:read', 'licence:issue'])).key;
  hc = (await aSystemKey(prisma, 'HC', ['case:handle', 'case:read'])).key;
  holder = await anEnterprise(prisma);
});
afterAll(() => hub.stop());

function input(overrides: Partial<SubmitCaseInput> = {}): SubmitCaseInput {
  return {
    item: FOOD,
    channel: 'WINDOW',
    acceptancePlace: 'DISTRICT_CENTRE',
    applicantUscc: holder.uscc,
    applicantName: holder.name,
    applicantPhone: '13900139000',
    materials: ['M01', 'M03', 'M04'].map((code) => ({ code })),
    ...overrides,
  };
}

async function submit(overrides: Partial<SubmitCaseInput> = {}) {
  const res = await hub.gql(WindowSubmitDocument, { input: input(overrides) }, window);
  expect(res.errors).toBeUndefined();
  return res.data!.submitCase;
}

async function caseById(id: string) {
  const res = await hub.gql(WindowCaseDocument, { id }, mr);
  expect(res.errors).toBeUndefined();
  return res.data!.case!;
}

async function page(url: string) {
  const res = await fetch(url.replace(/^https?:\/\/[^/]+/, hub.url));
  return { status: res.status, body: await res.text() };
}

async function aFoodLicence(holderUscc: string, validUntil: string, number: string) {
  return hub.platform.prisma.licence.create({
    data: {
      typeCode: 'FOOD_BUSINESS_LICENCE',
      number,
      holderUscc,
      issuingDepartmentCode: 'MR',
      issuedOn: day('2021-01-04'),
      validFrom: day('2021-01-04'),
      validUntil: day(validUntil),
      scope: '预包装食品销售',
      attributes: { premises: '广州市海珠区新港中路1号', businessFormat: '食品销售经营者' },
    },
  });
}

const serial = () => String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0');

describe('once-only materials (免于提交)', () => {
  it('publishes the shared source of catalogue materials', async () => {
    const food = await hub.gql(ItemSharedSourcesDocument, { code: FOOD });
    expect(food.data?.serviceItem?.materials.find((m) => m.code === 'M02')?.sharedSource).toEqual({
      source: 'SUBJECT_REGISTRATION',
      licenceType: null,
    });
    expect(food.data?.serviceItem?.materials.find((m) => m.code === 'M01')?.sharedSource).toBeNull();
    const renewal = await hub.gql(ItemSharedSourcesDocument, { code: FOOD_RENEWAL });
    expect(renewal.data?.serviceItem?.materials.find((m) => m.code === 'M03')?.sharedSource).toEqual({
      source: 'LICENCE',
      licenceType: 'FOOD_BUSINESS_LICENCE',
    });
  });

  it('takes the business licence from the Subject Library: never on the notice, recorded with the datum, shown on the receipt and guide', async () => {
    const before = await hub.gql(SharingStatisticsDocument, { from: shanghaiToday(), to: shanghaiToday(), item: FOOD });
    const r = await submit();
    expect(r.accepted).toBe(true);
    expect(r.missingMaterials).toEqual([]);
    expect(r.case.sharedMaterials).toEqual([
      {
        code: 'M02',
        name: '营业执照或者其他主体资格证明文件',
        source: 'SUBJECT_REGISTRATION',
        entityType: 'ENTERPRISE',
        entityId: holder.uscc,
        revision: holder.revision,
      },
    ]);
    const messages = await hub.platform.prisma.notification.findMany({ where: { caseId: r.case.id } });
    expect(messages.map((m) => m.kind)).toEqual(['ACCEPTED']);

    const receipt = await page(r.case.receiptUrl);
    expect(receipt.body).toContain('受理回执');
    expect(receipt.body).toContain('通过一台两库共享获取，免于提交');
    expect(receipt.body).not.toContain('需补正材料');
    const guide = await page(`${hub.url}/guide/${FOOD}`);
    expect(guide.body).toContain('通过一台两库共享获取，免于提交（主体库中本企业的登记信息）');
    expect((await page(`${hub.url}/guide/${FOOD_RENEWAL}`)).body).toContain('证照库中本企业有效的食品经营许可证');

    const after = await hub.gql(SharingStatisticsDocument, { from: shanghaiToday(), to: shanghaiToday(), item: FOOD });
    expect(
      after.data!.caseStatistics.materialsExemptedBySharing - before.data!.caseStatistics.materialsExemptedBySharing,
    ).toBe(1);
    expect(
      after.data!.caseStatistics.casesWithSharedMaterials - before.data!.caseStatistics.casesWithSharedMaterials,
    ).toBe(1);
  });

  it('asks a cancelled enterprise for its business licence like any other material', async () => {
    const gone = await anEnterprise(hub.platform.prisma);
    await hub.platform.prisma.enterprise.update({ where: { uscc: gone.uscc }, data: { status: 'CANCELLED' } });
    const r = await submit({ applicantUscc: gone.uscc, applicantName: gone.name });
    expect(r.accepted).toBe(false);
    expect(r.missingMaterials.map((m) => m.code)).toEqual(['M02']);
    expect(r.sharedMaterials).toEqual([]);
  });

  it('takes the previous licence from the Approval Library only while it is valid (derived status)', async () => {
    const renewal = { item: FOOD_RENEWAL, materials: [{ code: 'M01' }] };
    const expiredHolder = await anEnterprise(hub.platform.prisma);
    await aFoodLicence(expiredHolder.uscc, '2024-01-03', `JY1440105${serial()}`);
    const asked = await submit({ ...renewal, applicantUscc: expiredHolder.uscc, applicantName: expiredHolder.name });
    expect(asked.missingMaterials.map((m) => m.code)).toEqual(['M03']);

    const validHolder = await anEnterprise(hub.platform.prisma);
    const licence = await aFoodLicence(validHolder.uscc, '2099-12-31', `JY1440105${serial()}`);
    const taken = await submit({ ...renewal, applicantUscc: validHolder.uscc, applicantName: validHolder.name });
    expect(taken.accepted).toBe(true);
    expect(taken.case.sharedMaterials).toEqual([
      {
        code: 'M03',
        name: '原食品经营许可证',
        source: 'LICENCE',
        entityType: 'LICENCE',
        entityId: licence.id,
        revision: licence.revision,
      },
    ]);
  });
});

describe('acceptance under art. 32', () => {
  it('refuses acceptance (不予受理) by the department, with a printable written decision', async () => {
    const { case: c } = await submit({ materials: [{ code: 'M01' }] });
    const other = await hub.gql(RefuseAcceptanceDocument, { id: c.id, reason: '不属于本机关职权范围' }, hc);
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const empty = await hub.gql(RefuseAcceptanceDocument, { id: c.id, reason: '  ' }, mr);
    expect(empty.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const res = await hub.gql(RefuseAcceptanceDocument, { id: c.id, reason: '申请人不具备申请资格' }, mr);
    expect(res.errors).toBeUndefined();
    const refused = res.data!.refuseAcceptance;
    expect(refused).toMatchObject({
      state: 'NOT_ACCEPTED',
      notAcceptedReason: '申请人不具备申请资格',
      acceptedOn: null,
    });
    const again = await hub.gql(RefuseAcceptanceDocument, { id: c.id, reason: '再次' }, mr);
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    const decision = await page(refused.decisionUrl!);
    expect(decision.status).toBe(200);
    for (const text of [
      '不予受理决定书',
      '申请人不具备申请资格',
      '《中华人民共和国行政许可法》第三十二条',
      '行政复议',
      '北京时间',
      c.receiptNumber,
    ]) {
      expect(decision.body).toContain(text);
    }
    expect((await page(`${hub.url}/decisions/${c.receiptNumber}?code=AAAAAA`)).status).toBe(404);
    const accepted = await submit({ materials: ['M01', 'M03', 'M04'].map((code) => ({ code })) });
    expect(
      (await page(`${hub.url}/decisions/${accepted.case.receiptNumber}?code=${accepted.case.verificationCode}`)).status,
    ).toBe(404);
  });

  it('takes materials for checking (DEFERRED), lets the department give one correction notice, and accepts once it is met', async () => {
    const r = await submit({ materials: [{ code: 'M01' }, { code: 'M03' }], notice: 'DEFERRED' });
    expect(r).toMatchObject({ accepted: false, missingMaterials: [] });
    expect(r.case).toMatchObject({ state: 'SUBMITTED', noticeDeferred: true, noticeIssuedAt: null, oneTimeNotice: [] });
    const receipt = await hub.gql(WindowReceiptDocument, {
      receiptNumber: r.case.receiptNumber,
      verificationCode: r.case.verificationCode,
    });
    expect(receipt.data?.caseReceipt).toMatchObject({ noticeDeferred: true, outstandingMaterials: [] });
    expect((await page(r.case.receiptUrl)).body).toContain('五个工作日内一次性告知');

    const shared = await hub.gql(IssueCorrectionNoticeDocument, { id: r.case.id, materials: [{ code: 'M02' }] }, mr);
    expect(shared.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const res = await hub.gql(
      IssueCorrectionNoticeDocument,
      { id: r.case.id, materials: [{ code: 'M03' }, { code: 'M04' }], reason: 'M03 未盖章' },
      mr,
    );
    expect(res.errors).toBeUndefined();
    const noticed = res.data!.issueCorrectionNotice;
    expect(noticed.noticeIssuedAt).not.toBeNull();
    expect(noticed.oneTimeNotice.map((m) => m.code)).toEqual(['M03', 'M04']);
    // The unsealed M03 no longer counts as received; it is outstanding with M04.
    expect(noticed.materialsReceived.map((m) => m.code)).toEqual(['M01']);
    const twice = await hub.gql(IssueCorrectionNoticeDocument, { id: r.case.id, materials: [{ code: 'M05' }] }, mr);
    expect(twice.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'NOTICE_ALREADY_GIVEN' });
    expect((await page(r.case.receiptUrl)).body).toContain('需补正材料');

    const done = await hub.gql(
      SupplementMaterialsDocument,
      { id: r.case.id, materials: [{ code: 'M03' }, { code: 'M04' }] },
      window,
    );
    expect(done.errors).toBeUndefined();
    const accepted = await hub.gql(WindowReceiptDocument, {
      receiptNumber: r.case.receiptNumber,
      verificationCode: r.case.verificationCode,
    });
    expect(accepted.data?.caseReceipt).toMatchObject({ state: 'ACCEPTED', outstandingMaterials: [] });
    expect(accepted.data?.caseReceipt?.materialsReceived.map((m) => m.code)).toEqual(['M01', 'M03', 'M04']);
    const html = (await page(r.case.receiptUrl)).body;
    expect(html).toContain('受理回执');
    expect(html).not.toContain('需补正材料');
  });

  it('refuses a correction notice after an on-the-spot notice, and after the fifth working day', async () => {
    const spot = await submit({ materials: [{ code: 'M01' }] });
    const res = await hub.gql(IssueCorrectionNoticeDocument, { id: spot.case.id, materials: [{ code: 'M03' }] }, mr);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'NOTICE_ALREADY_GIVEN' });

    const late = await submit({ materials: [{ code: 'M01' }], notice: 'DEFERRED' });
    await hub.platform.prisma.case.update({
      where: { id: late.case.id },
      data: { submittedAt: new Date(Date.now() - 20 * 86_400_000) },
    });
    const over = await hub.gql(IssueCorrectionNoticeDocument, { id: late.case.id, materials: [{ code: 'M03' }] }, mr);
    expect(over.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'NOTICE_PERIOD_OVER' });
  });

  it('deems a case accepted as of the day of receipt when no notice came within five working days (the worker, on a clock the test sets)', async () => {
    const owing = await submit({ materials: [{ code: 'M01' }], notice: 'DEFERRED' });
    const noticed = await submit({ materials: [{ code: 'M01' }], notice: 'DEFERRED' });
    expect(
      (await hub.gql(IssueCorrectionNoticeDocument, { id: noticed.case.id, materials: [{ code: 'M03' }] }, mr)).errors,
    ).toBeUndefined();
    const calendar = await loadWorkingCalendar(hub.platform.prisma);
    const received = shanghaiToday();
    const fifth = fromLocal(calendar.addWorkingDays(received, 5));
    const sixth = fromLocal(calendar.addWorkingDays(received, 6));

    await deemOverdueAcceptances(hub.platform, fifth);
    expect((await caseById(owing.case.id)).state).toBe('SUBMITTED');

    expect(await deemOverdueAcceptances(hub.platform, sixth)).toBeGreaterThanOrEqual(1);
    const deemed = await caseById(owing.case.id);
    expect(deemed).toMatchObject({
      state: 'ACCEPTED',
      deemedAccepted: true,
      acceptedOn: received,
      deadline: calendar.deadline({ acceptedOn: received, limit: 5 }),
    });
    const event = (await hub.gql(WindowCaseDocument, { id: owing.case.id }, mr)).data!.case!.history.find(
      (e) => e.action === 'DEEMED_ACCEPTED',
    );
    expect(event?.reason).toContain('《中华人民共和国行政许可法》第三十二条');
    // A case whose notice was given waits for its materials; it is not deemed accepted.
    expect((await caseById(noticed.case.id)).state).toBe('SUBMITTED');
    // Once accepted, the worker leaves it alone.
    expect(await deemOverdueAcceptances(hub.platform, sixth)).toBe(0);
  });
});

describe('licences on the approval path', () => {
  it('filters licences on the derived status: VALID excludes expired ones, EXPIRED finds them', async () => {
    const e = await anEnterprise(hub.platform.prisma);
    const expired = await aFoodLicence(e.uscc, '2024-01-03', `JY1440105${serial()}`);
    const valid = await aFoodLicence(e.uscc, '2099-12-31', `JY1440105${serial()}`);
    const ids = async (status: 'VALID' | 'EXPIRED') =>
      (await hub.gql(LicencesByStatusDocument, { filter: { holder: e.uscc, status } })).data!.licences.edges.map(
        (x) => x.node.id,
      );
    expect(await ids('VALID')).toEqual([valid.id]);
    expect(await ids('EXPIRED')).toEqual([expired.id]);
  });

  it('checks numbers given on issueLicence against the numbering of the type', async () => {
    const res = await hub.gql(
      IssueLicenceDocument,
      { input: aFoodLicenceInput(holder.uscc, { number: 'FOOD-2026-1' }) },
      mr,
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.extensions?.problems).toEqual([expect.objectContaining({ field: 'number' })]);
    const ok = await hub.gql(IssueLicenceDocument, { input: aFoodLicenceInput(holder.uscc) }, mr);
    expect(ok.errors).toBeUndefined();
  });

  it('numbers by type with a sequence that concurrent issues never share', async () => {
    const prisma = hub.platform.prisma;
    const today = fromLocal(shanghaiToday());
    const types = await prisma.licenceType.findMany({
      where: { code: { in: ['FOOD_BUSINESS_LICENCE', 'FIRE_SAFETY_CERTIFICATE'] } },
    });
    for (const type of types) {
      const numbers = await Promise.all(
        Array.from({ length: 6 }, () => prisma.$transaction((tx) => nextLicenceNumber(tx, type, today, holder.uscc))),
      );
      expect(new Set(numbers).size).toBe(6);
      for (const n of numbers) expect(n).toMatch(new RegExp(`^(?:${type.numberPattern})$`, 'u'));
    }
  });

  it('issues no licence to a cancelled or revoked enterprise, by issueLicence or at conclusion', async () => {
    const prisma = hub.platform.prisma;
    const revoked = await anEnterprise(prisma);
    await prisma.enterprise.update({ where: { uscc: revoked.uscc }, data: { status: 'REVOKED' } });
    const res = await hub.gql(IssueLicenceDocument, { input: aFoodLicenceInput(revoked.uscc) }, mr);
    expect(res.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'HOLDER_NOT_IN_BUSINESS',
      field: 'holderUscc',
    });

    const applicant = await anEnterprise(prisma);
    const { case: c } = await submit({ applicantUscc: applicant.uscc, applicantName: applicant.name });
    for (const doc of [UndertakeCaseDocument, ReviewCaseDocument, ApproveCaseDocument])
      expect((await hub.gql(doc, { id: c.id }, mr)).errors).toBeUndefined();
    await prisma.enterprise.update({ where: { uscc: applicant.uscc }, data: { status: 'CANCELLED' } });
    const licences = await prisma.licence.count({ where: { holderUscc: applicant.uscc } });
    const concluded = await hub.gql(
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
    expect(concluded.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'HOLDER_NOT_IN_BUSINESS' });
    expect(await prisma.licence.count({ where: { holderUscc: applicant.uscc } })).toBe(licences);
    expect((await caseById(c.id)).state).toBe('APPROVED');
  });
});
