/**
 * Joint approval (并联审批): the catalogue's jointServices, one application opening one branch per
 * item, the combined light and deadline, conclusion when every branch has concluded, days saved and
 * speed-up in jointStatistics; the figures are checked against a fixed calendar.
 */
import { describe, expect, it } from '@jest/globals';
import { afterAll, beforeAll } from './helpers/runner.js';
import { WorkingCalendar, type HolidaySource, type Pause } from '../src/modules/approvals/calendar/calendar.js';
import { fromLocal } from '../src/modules/approvals/calendar/store.js';
import { combinedLight, jointFigures } from '../src/modules/approvals/joint/joint-applications.js';
import { seedCatalogue } from '../prisma/seed/cases.js';
import {
  ApproveCaseDocument,
  ConcludeCaseDocument,
  ImportCatalogueDocument,
  JointProgressDocument,
  JointServicesDocument,
  JointStatisticsDocument,
  RejectCaseDocument,
  ReviewCaseDocument,
  SubmitJointApplicationDocument,
  type SubmitJointApplicationInput,
} from './generated/graphql.js';
import { aDepartment, anEnterprise, aSystemKey, referenceData } from './helpers/builders.js';
import { startTestHub, type TestHub } from './helpers/hub.js';

// A fixed calendar: 2025-10-01..08 National Day holidays, 2025-10-11 (Saturday) an adjusted working day.
const fixedSource: HolidaySource = {
  isHoliday: (d) => d >= '2025-10-01' && d <= '2025-10-08',
  isAdjustedWorkday: (d) => d === '2025-10-11',
  holidayName: (d) => (d >= '2025-10-01' && d <= '2025-10-08' ? '国庆节' : null),
  coveredYears: () => ({ from: 2025, to: 2025 }),
};
const cal = new WorkingCalendar({ source: fixedSource });

let hub: TestHub;
let window: string;
const handlers: Record<string, string> = {};
let deptA: string;
let deptB: string;
let service: string;
let holder: { uscc: string; name: string };

const item = (code: string, dept: string, statutory: number, committed: number) => `  - code: ${code}
    name: 测试事项${code}
    departmentCode: ${dept}
    audience: ENTERPRISE
    acceptedAt: [DISTRICT_CENTRE]
    onTheSpot: false
    statutoryLimitDays: ${statutory}
    committedLimitDays: ${committed}
    steps: [ACCEPTANCE, REVIEW, APPROVAL, CONCLUSION]
    online: FULLY_ONLINE
    conditions: [符合条件]
    legalBasis: ['《中华人民共和国行政许可法》第二十六条']
    materials:
      - { code: M01, name: 申请书, form: ORIGINAL, copies: 1, requirement: REQUIRED }
      - { code: M02, name: 场地平面图, form: COPY, copies: 1, requirement: REQUIRED }
`;

beforeAll(async () => {
  hub = await startTestHub();
  const prisma = hub.platform.prisma;
  await referenceData(prisma);
  await seedCatalogue(prisma);
  deptA = (await aDepartment(prisma)).code;
  deptB = (await aDepartment(prisma, 'HOUSING_CONSTRUCTION')).code;
  service = `TJ-${deptA}-001`;
  const yaml = `items:\n${item(`TA-${deptA}-001`, deptA, 20, 10)}${item(`TB-${deptB}-001`, deptB, 30, 15)}jointServices:
  - code: ${service}
    name: 测试并联
    leadDepartmentCode: ${deptA}
    items: [TA-${deptA}-001, TB-${deptB}-001]
    jointLimitDays: 12
    sharedMaterials:
      - { code: S01, name: 场地平面图, satisfies: [TA-${deptA}-001/M02, TB-${deptB}-001/M02] }
`;
  const admin = (await aSystemKey(prisma, 'GSC', ['catalogue:admin'])).key;
  const imported = await hub.gql(ImportCatalogueDocument, { yaml }, admin);
  expect(imported.data?.importCatalogue.problems).toEqual([]);
  window = (await aSystemKey(prisma, 'GSC', ['case:accept'])).key;
  handlers[deptA] = (await aSystemKey(prisma, deptA, ['case:handle'])).key;
  handlers[deptB] = (await aSystemKey(prisma, deptB, ['case:handle'])).key;
  holder = await anEnterprise(prisma);
});
afterAll(() => hub.stop());

function input(overrides: Partial<SubmitJointApplicationInput> = {}): SubmitJointApplicationInput {
  return {
    service,
    channel: 'WINDOW',
    acceptancePlace: 'DISTRICT_CENTRE',
    applicantUscc: holder.uscc,
    applicantName: holder.name,
    applicantPhone: '13900139000',
    materials: [{ code: 'S01' }, { code: 'M01', item: `TA-${deptA}-001` }, { code: 'M01', item: `TB-${deptB}-001` }],
    projectName: '测试重点项目',
    ...overrides,
  };
}

async function decide(id: string, dept: string, reject = false) {
  const key = handlers[dept]!;
  expect((await hub.gql(ReviewCaseDocument, { id }, key)).errors).toBeUndefined();
  if (reject) expect((await hub.gql(RejectCaseDocument, { id, reason: '不符合条件' }, key)).errors).toBeUndefined();
  else expect((await hub.gql(ApproveCaseDocument, { id }, key)).errors).toBeUndefined();
  const res = await hub.gql(ConcludeCaseDocument, { id }, key);
  expect(res.errors).toBeUndefined();
}

describe('the catalogue', () => {
  it('imports the sample joint services (enterprise start-up and a construction project) and the test one', async () => {
    const res = await hub.gql(JointServicesDocument, {});
    const codes = res.data!.jointServices.map((s) => s.code);
    expect(codes).toEqual(expect.arrayContaining(['HZ-JS-001', 'HZ-JS-002', service]));
    const ours = res.data!.jointServices.find((s) => s.code === service)!;
    expect(ours).toMatchObject({
      jointLimitDays: 12,
      leadDepartment: { code: deptA },
      sharedMaterials: [{ code: 'S01', satisfies: [`TA-${deptA}-001/M02`, `TB-${deptB}-001/M02`] }],
    });
    expect(new Set(res.data!.jointServices.find((s) => s.code === 'HZ-JS-002')!.items.map((i) => i.code))).toEqual(
      new Set(['HZ-HC-001', 'HZ-EE-001']),
    );
  });

  it('refuses a joint service of one department, unknown items and parallel items that depend on each other, importing nothing', async () => {
    const admin = (await aSystemKey(hub.platform.prisma, 'GSC', ['catalogue:admin'])).key;
    const yaml = `items:\n${item(`TA-${deptA}-002`, deptA, 5, 5)}${item(`TA-${deptA}-003`, deptA, 5, 5).replace('online: FULLY_ONLINE', `online: FULLY_ONLINE\n    dependsOn: [TA-${deptA}-002]`)}jointServices:
  - { code: TJ-${deptA}-002, name: 坏, leadDepartmentCode: ${deptA}, items: [TA-${deptA}-002, TA-${deptA}-003, TX-NONE-001], jointLimitDays: 3 }
`;
    const res = await hub.gql(ImportCatalogueDocument, { yaml }, admin);
    expect(res.data?.importCatalogue.ok).toBe(false);
    const messages = res.data!.importCatalogue.problems.map((p) => p.message).join(' | ');
    expect(messages).toMatch(/no item with code TX-NONE-001/);
    expect(messages).toMatch(/depends on TA-.*-002 of the same joint service/);
    expect(messages).toMatch(/at least two departments/);
    expect(await hub.platform.prisma.serviceItem.count({ where: { code: `TA-${deptA}-002` } })).toBe(0);
  });
});

describe('a joint application', () => {
  it('opens one branch per item with the shared material counted for both, one receipt, and concludes when every branch has', async () => {
    const res = await hub.gql(SubmitJointApplicationDocument, { input: input() }, window);
    expect(res.errors).toBeUndefined();
    const { application: app, verificationCode, cases } = res.data!.submitJointApplication;
    expect(cases.map((c) => c.item.code).sort()).toEqual([`TA-${deptA}-001`, `TB-${deptB}-001`]);
    expect(cases.every((c) => c.state === 'ACCEPTED')).toBe(true);
    expect(app).toMatchObject({
      state: 'IN_PROGRESS',
      jointLimitDays: 12,
      serialLimitDays: 50,
      trafficLight: 'GREEN',
      concludedOn: null,
    });
    expect(app.branches).toHaveLength(2);
    expect(new Set(cases.map((c) => c.receiptNumber)).has(app.receiptNumber)).toBe(false);

    const [a, b] = [cases.find((c) => c.item.code.startsWith('TA'))!, cases.find((c) => c.item.code.startsWith('TB'))!];
    await decide(a.id, deptA);
    let progress = await hub.gql(JointProgressDocument, { receiptNumber: app.receiptNumber, verificationCode });
    expect(progress.data?.jointProgress).toMatchObject({ state: 'IN_PROGRESS', concludedOn: null });
    await decide(b.id, deptB);
    progress = await hub.gql(JointProgressDocument, { receiptNumber: app.receiptNumber, verificationCode });
    expect(progress.data?.jointProgress).toMatchObject({
      state: 'CONCLUDED',
      outcome: 'APPROVED',
      usedWorkingDays: 0,
      daysSaved: 50,
      trafficLight: null,
    });
    const stored = await hub.platform.prisma.jointApplication.findUniqueOrThrow({
      where: { receiptNumber: app.receiptNumber },
    });
    expect(stored).toMatchObject({ outcome: 'APPROVED', usedWorkingDays: 0, onTime: true });
    const wrong = await hub.gql(JointProgressDocument, {
      receiptNumber: app.receiptNumber,
      verificationCode: 'XXXXXX',
    });
    expect(wrong.data?.jointProgress).toBeNull();
  });

  it('is concluded as rejected when a branch is rejected', async () => {
    const res = await hub.gql(SubmitJointApplicationDocument, { input: input({ projectName: null }) }, window);
    const { application: app, verificationCode, cases } = res.data!.submitJointApplication;
    await decide(cases[0]!.id, cases[0]!.item.code.startsWith('TA') ? deptA : deptB, true);
    await decide(cases[1]!.id, cases[1]!.item.code.startsWith('TA') ? deptA : deptB);
    const progress = await hub.gql(JointProgressDocument, { receiptNumber: app.receiptNumber, verificationCode });
    expect(progress.data?.jointProgress).toMatchObject({ state: 'CONCLUDED', outcome: 'REJECTED' });
  });

  it('waits in SUBMITTED listing what each branch misses, and refuses an unknown material leaving nothing behind', async () => {
    const res = await hub.gql(
      SubmitJointApplicationDocument,
      { input: input({ materials: [{ code: 'M01', item: `TA-${deptA}-001` }] }) },
      window,
    );
    const app = res.data!.submitJointApplication.application;
    expect(app.state).toBe('SUBMITTED');
    expect(app.trafficLight).toBeNull();
    const missing = Object.fromEntries(
      app.branches.map((b) => [b.itemCode, b.outstandingMaterials.map((m) => m.code).sort()]),
    );
    expect(missing).toEqual({ [`TA-${deptA}-001`]: ['M02'], [`TB-${deptB}-001`]: ['M01', 'M02'] });

    const before = await hub.platform.prisma.case.count();
    const bad = await hub.gql(
      SubmitJointApplicationDocument,
      { input: input({ materials: [{ code: 'S09' }] }) },
      window,
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badBranch = await hub.gql(
      SubmitJointApplicationDocument,
      { input: input({ materials: [{ code: 'S01' }, { code: 'M09', item: `TB-${deptB}-001` }] }) },
      window,
    );
    expect(badBranch.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await hub.platform.prisma.case.count()).toBe(before);
    const anonymous = await hub.gql(SubmitJointApplicationDocument, { input: input() });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('the one receipt', () => {
  const RECEIPT = `query($r: String!, $c: String!) { jointReceipt(receiptNumber: $r, verificationCode: $c) {
    state deadline progressUrl branches { receiptNumber }
    materialsReceived { code name items shared } outstandingMaterials { code items shared } } }`;
  type Receipt = {
    jointReceipt: {
      state: string;
      deadline: string | null;
      progressUrl: string;
      branches: { receiptNumber: string }[];
      materialsReceived: { code: string; name: string; items: string[]; shared: boolean }[];
      outstandingMaterials: { code: string; items: string[]; shared: boolean }[];
    } | null;
  };

  it('lists the union of the materials, a shared one once for every item it stands for, and every branch; the window gets its URL', async () => {
    const res = await hub.gql(SubmitJointApplicationDocument, { input: input() }, window);
    const { application: app, verificationCode, receiptUrl, progressUrl, cases } = res.data!.submitJointApplication;
    expect(receiptUrl).toMatch(new RegExp(`/joint/receipts/${app.receiptNumber}\\?code=${verificationCode}$`));
    expect(progressUrl).toMatch(new RegExp(`/joint/progress\\?receipt=${app.receiptNumber}&code=${verificationCode}$`));
    const r = (await hub.gql<Receipt, Record<string, string>>(RECEIPT, { r: app.receiptNumber, c: verificationCode }))
      .data!.jointReceipt!;
    expect(r.progressUrl).toBe(progressUrl);
    expect(r.deadline).toBe(app.deadline);
    expect(r.branches.map((b) => b.receiptNumber).sort()).toEqual(cases.map((c) => c.receiptNumber).sort());
    // S01 stands for both items' M02: one row; each item's own M01 a row of its own.
    expect(r.materialsReceived).toEqual([
      { code: 'S01', name: '场地平面图', items: [`TA-${deptA}-001`, `TB-${deptB}-001`], shared: true },
      { code: 'M01', name: '申请书', items: [`TA-${deptA}-001`], shared: false },
      { code: 'M01', name: '申请书', items: [`TB-${deptB}-001`], shared: false },
    ]);
    expect(r.outstandingMaterials).toEqual([]);
    const wrong = await hub.gql<Receipt, Record<string, string>>(RECEIPT, { r: app.receiptNumber, c: 'XXXXXX' });
    expect(wrong.data?.jointReceipt).toBeNull();
    // Each branch's own progress names its joint application.
    const branch = await hub.platform.prisma.case.findUniqueOrThrow({ where: { id: cases[0]!.id } });
    const page = await fetch(`${hub.url}/progress?receipt=${branch.receiptNumber}&code=${branch.verificationCode}`);
    expect(await page.text()).toContain(`/joint/progress?receipt=${app.receiptNumber}`);
  });

  it('while materials are missing, is a receipt for checking that asks for a missing shared material once', async () => {
    const res = await hub.gql(
      SubmitJointApplicationDocument,
      {
        input: input({
          materials: [
            { code: 'M01', item: `TA-${deptA}-001` },
            { code: 'M01', item: `TB-${deptB}-001` },
          ],
        }),
      },
      window,
    );
    const { application: app, verificationCode } = res.data!.submitJointApplication;
    const r = (await hub.gql<Receipt, Record<string, string>>(RECEIPT, { r: app.receiptNumber, c: verificationCode }))
      .data!.jointReceipt!;
    expect(r.state).toBe('SUBMITTED');
    expect(r.outstandingMaterials).toEqual([
      { code: 'S01', items: [`TA-${deptA}-001`, `TB-${deptB}-001`], shared: true },
    ]);
    const page = await fetch(`${hub.url}/joint/receipts/${app.receiptNumber}?code=${verificationCode}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<h1>并联审批收件凭证</h1>');
    expect(html).toContain('需补正材料（一次性告知）');
    expect(html.match(/data-material="S01"/g)).toHaveLength(1);
  });
});

describe('figures with a fixed calendar', () => {
  const branch = (
    acceptedOn: string,
    concludedOn: string | null,
    outcome: 'APPROVED' | 'REJECTED' = 'APPROVED',
    pauses: Pause[] = [],
  ) => ({
    state: concludedOn ? ('CONCLUDED' as const) : ('REVIEWED' as const),
    outcome: concludedOn ? outcome : null,
    acceptedOn: fromLocal(acceptedOn),
    concludedOn: concludedOn ? fromLocal(concludedOn) : null,
    pauses,
  });

  it('counts the joint limit from the last acceptance, skipping the holidays, and the days used to the last conclusion', () => {
    // Accepted Tuesday 2025-09-30; 5 working days: 09 (Thu), 10 (Fri), 11 (adjusted Saturday), 13, 14.
    const open = jointFigures(
      { jointLimitDays: 5 },
      [branch('2025-09-29', null), branch('2025-09-30', '2025-10-10')],
      cal,
    );
    expect(open).toMatchObject({ acceptedOn: '2025-09-30', deadline: '2025-10-14', concludedOn: null, outcome: null });
    const done = jointFigures(
      { jointLimitDays: 5 },
      [branch('2025-09-29', '2025-10-13'), branch('2025-09-30', '2025-10-10', 'REJECTED')],
      cal,
    );
    expect(done).toMatchObject({ concludedOn: '2025-10-13', outcome: 'REJECTED', usedWorkingDays: 4, onTime: true });
    const late = jointFigures({ jointLimitDays: 5 }, [branch('2025-09-30', '2025-10-15')], cal);
    expect(late).toMatchObject({ usedWorkingDays: 6, onTime: false });
  });

  it('stops the joint clock on the days any branch clock stands still (补正, special stages), counting overlaps once', () => {
    // Accepted Tuesday 2025-09-30. Branch one waits for the applicant's supplement from 09 to 10
    // (10 not counted); branch two is in an expert review from 13 to 15 (14, 15 not counted). The
    // holidays are not counted either: limit 5 → 09, 11 (adjusted Saturday), 13, 16, 17.
    const supplementing: Pause = { from: '2025-10-09', to: '2025-10-10' };
    const review: Pause = { from: '2025-10-13', to: '2025-10-15' };
    const open = jointFigures(
      { jointLimitDays: 5 },
      [
        branch('2025-09-29', null, 'APPROVED', [supplementing]),
        branch('2025-09-30', '2025-10-16', 'APPROVED', [review]),
      ],
      cal,
      '2025-10-20',
    );
    expect(open.deadline).toBe('2025-10-17');
    const done = jointFigures(
      { jointLimitDays: 5 },
      [
        branch('2025-09-29', '2025-10-20', 'APPROVED', [supplementing]),
        branch('2025-09-30', '2025-10-16', 'APPROVED', [review]),
      ],
      cal,
    );
    // 09, 11, 13, 16, 17, 20 counted: six days used (one late), of the nine working days that passed.
    expect(done).toMatchObject({ deadline: '2025-10-17', usedWorkingDays: 6, onTime: false });
    expect(cal.countWorkingDays('2025-09-30', '2025-10-20')).toBe(9);
    // A pause before the joint application was accepted (the last branch) holds nothing of it.
    const early = jointFigures(
      { jointLimitDays: 5 },
      [
        branch('2025-09-25', '2025-10-13', 'APPROVED', [{ from: '2025-09-26', to: '2025-09-29' }]),
        branch('2025-09-30', '2025-10-13'),
      ],
      cal,
    );
    expect(early).toMatchObject({ deadline: '2025-10-14', usedWorkingDays: 4 });
    // A supplement still under way (open pause) moves the deadline with each working day it lasts.
    const waiting = jointFigures(
      { jointLimitDays: 5 },
      [branch('2025-09-30', null, 'APPROVED', [{ from: '2025-10-09', to: null }])],
      cal,
      '2025-10-13',
    );
    expect(waiting.deadline).toBe('2025-10-17');
  });

  it('lights the worst open branch, and red once the joint deadline has passed', () => {
    const f = jointFigures({ jointLimitDays: 5 }, [branch('2025-09-30', null)], cal);
    expect(combinedLight(f, ['GREEN', 'YELLOW', null], '2025-10-09')).toBe('YELLOW');
    expect(combinedLight(f, ['GREEN', 'GREEN'], '2025-10-14')).toBe('GREEN');
    expect(combinedLight(f, ['GREEN', 'GREEN'], '2025-10-15')).toBe('RED');
  });

  it('counts a key project led by two departments once overall, and sums days from the fixed calendar', async () => {
    const prisma = hub.platform.prisma;
    await prisma.jointApplication.deleteMany({ where: { receiptNumber: { startsWith: 'JFIX' } } });
    const svc = await prisma.jointService.findUniqueOrThrow({ where: { code: service } });
    // Branches as a fixed calendar concludes them: the stored figures are jointFigures'.
    const mk = async (
      receipt: string,
      lead: string,
      project: string,
      serial: number,
      branches: ReturnType<typeof branch>[],
    ) => {
      const f = jointFigures({ jointLimitDays: 12 }, branches, cal);
      await prisma.jointApplication.create({
        data: {
          receiptNumber: receipt,
          verificationCode: 'ABCDEF',
          serviceCode: svc.code,
          leadDepartmentCode: lead,
          applicantName: 'x',
          channel: 'WINDOW',
          jointLimitDays: 12,
          serialLimitDays: serial,
          usedWorkingDays: f.usedWorkingDays,
          projectName: project,
          acceptedOn: fromLocal(f.acceptedOn!),
          concludedOn: fromLocal(f.concludedOn!),
          outcome: f.outcome,
          onTime: f.onTime,
        },
      });
      return f.usedWorkingDays!;
    };
    // 2025-09-30 → 2025-10-13: 09, 10, 11, 13 = 4; → 10-15 with a supplement 10-09..10-10: 5.
    const used = [
      await mk(`JFIX${deptA}1`, deptA, '琶洲总部大楼', 50, [
        branch('2025-09-30', '2025-10-13'),
        branch('2025-09-29', '2025-10-10'),
      ]),
      await mk(`JFIX${deptB}1`, deptB, '琶洲总部大楼', 45, [
        branch('2025-09-30', '2025-10-15', 'APPROVED', [{ from: '2025-10-09', to: '2025-10-10' }]),
      ]),
      await mk(`JFIX${deptB}2`, deptB, '海珠湿地配套', 30, [branch('2025-09-30', '2025-10-09')]),
    ];
    expect(used).toEqual([4, 5, 1]);
    const res = await hub.gql(JointStatisticsDocument, { from: '2025-10-01', to: '2025-10-31' });
    expect(res.errors).toBeUndefined();
    expect(res.data?.jointStatistics.overall).toEqual({
      concluded: 3,
      projects: 2,
      serialDays: 125,
      usedDays: 10,
      daysSaved: 115,
      speedUp: 115 / 125,
    });
    const rows = res.data!.jointStatistics.byDepartment;
    expect(new Map(rows.map((r) => [r.department?.code, [r.concluded, r.daysSaved]]))).toEqual(
      new Map([
        [deptA, [1, 46]],
        [deptB, [2, 69]],
      ]),
    );
    expect(rows.reduce((s, r) => s + r.daysSaved, 0)).toBe(115);
  });

  it('sums days saved and speed-up per lead department and overall in jointStatistics', async () => {
    const prisma = hub.platform.prisma;
    const svc = await prisma.jointService.findUniqueOrThrow({ where: { code: service } });
    const mk = (receipt: string, serial: number, used: number, project: string) =>
      prisma.jointApplication.create({
        data: {
          receiptNumber: receipt,
          verificationCode: 'ABCDEF',
          serviceCode: svc.code,
          leadDepartmentCode: deptB,
          applicantName: 'x',
          channel: 'WINDOW',
          jointLimitDays: 12,
          serialLimitDays: serial,
          usedWorkingDays: used,
          projectName: project,
          acceptedOn: fromLocal('2024-03-01'),
          concludedOn: fromLocal('2024-03-20'),
          outcome: 'APPROVED',
          onTime: true,
        },
      });
    await mk(`J${deptB}1`, 50, 10, 'P1');
    await mk(`J${deptB}2`, 40, 5, 'P2');
    const res = await hub.gql(JointStatisticsDocument, { from: '2024-03-01', to: '2024-03-31', department: deptB });
    expect(res.data?.jointStatistics.overall).toEqual({
      concluded: 2,
      projects: 2,
      serialDays: 90,
      usedDays: 15,
      daysSaved: 75,
      speedUp: 75 / 90,
    });
    expect(res.data?.jointStatistics.byDepartment).toEqual([
      { department: { code: deptB }, concluded: 2, serialDays: 90, usedDays: 15, daysSaved: 75, speedUp: 75 / 90 },
    ]);
  });
});
