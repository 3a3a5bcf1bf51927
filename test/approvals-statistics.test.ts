/**
 * Catalogue import through the API, statistics over known cases (exact figures), the demo
 * generator's distribution, and the calendar days view.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HOOK_TIMEOUT } from './helpers/runner.js';
import { fromLocal } from '../src/modules/approvals/calendar/store.js';
import { generateCases } from '../prisma/seed/generate-cases.js';
import type { Prisma } from '../src/generated/prisma/client.js';
import {
  CalendarDaysDocument,
  CaseStatisticsDocument,
  ImportCatalogueDocument,
  ServiceItemGuideDocument,
} from './generated/graphql.js';
import { aDepartment, aSystemKey, referenceData } from './helpers/builders.js';
import { startTestHub, type TestHub } from './helpers/hub.js';

let hub: TestHub;
let admin: string;
let dept: string;
let item: string;

const catalogue = (code: string, department: string, extra = '') => `items:
  - code: ${code}
    name: 测试事项
    departmentCode: ${department}
    audience: ENTERPRISE
    acceptedAt: [DISTRICT_CENTRE]
    onTheSpot: false
    statutoryLimitDays: 10
    committedLimitDays: 5
    steps: [ACCEPTANCE, REVIEW, APPROVAL, CONCLUSION]
    specialStages: []
    online: FULLY_ONLINE
    producesLicenceType: null
    dependsOn: []
    conditions: [符合条件]
    legalBasis: ['《中华人民共和国行政许可法》第三十二条']
    materials:
      - code: M01
        name: 申请书
        form: ORIGINAL
        copies: 1
        requirement: REQUIRED
    fees: []
${extra}`;

beforeAll(async () => {
  hub = await startTestHub();
  await referenceData(hub.platform.prisma);
  admin = (await aSystemKey(hub.platform.prisma, 'GSC', ['catalogue:admin'])).key;
  dept = (await aDepartment(hub.platform.prisma)).code;
  item = `TS-${dept}-001`;
}, HOOK_TIMEOUT);
afterAll(() => hub.stop(), HOOK_TIMEOUT);

describe('catalogue import', () => {
  it('imports a catalogue (catalogue:admin), and reports every problem of a bad file at once, importing nothing', async () => {
    const denied = await hub.gql(ImportCatalogueDocument, { yaml: catalogue(item, dept) });
    expect(denied.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const ok = await hub.gql(ImportCatalogueDocument, { yaml: catalogue(item, dept) }, admin);
    expect(ok.data?.importCatalogue).toEqual({ ok: true, created: 1, updated: 0, problems: [] });
    const again = await hub.gql(ImportCatalogueDocument, { yaml: catalogue(item, dept) }, admin);
    expect(again.data?.importCatalogue).toMatchObject({ ok: true, created: 0, updated: 1 });
    const guide = await hub.gql(ServiceItemGuideDocument, { code: item });
    expect(guide.data?.serviceItem).toMatchObject({ code: item, statutoryLimitDays: 10, department: { code: dept } });

    const bad = catalogue(`TS-${dept}-002`, 'NOPE').replace('committedLimitDays: 5', 'committedLimitDays: 50');
    const res = await hub.gql(ImportCatalogueDocument, { yaml: bad }, admin);
    expect(res.data?.importCatalogue.ok).toBe(false);
    const paths = res.data!.importCatalogue.problems.map((p) => p.path).sort();
    expect(paths).toEqual(['committedLimitDays', 'departmentCode']);
    expect(res.data!.importCatalogue.problems.every((p) => typeof p.line === 'number')).toBe(true);
    expect(await hub.platform.prisma.serviceItem.count({ where: { code: `TS-${dept}-002` } })).toBe(0);
  });
});

describe('statistics', () => {
  it('computes accepted, concluded, on-time rate, speed-up against the statutory limit, online rate, fully online and overdue', async () => {
    const prisma = hub.platform.prisma;
    let n = 0;
    const aCase = (c: Partial<Prisma.CaseCreateManyInput> & { acceptedOn: string }): Prisma.CaseCreateManyInput => {
      n += 1;
      const { acceptedOn, ...rest } = c;
      return {
        receiptNumber: `ST${dept}${n}`,
        verificationCode: 'ABCDEF',
        itemCode: item,
        departmentCode: dept,
        channel: 'WINDOW',
        acceptancePlace: 'DISTRICT_CENTRE',
        applicantName: 'x',
        state: 'ACCEPTED',
        limitDays: 5,
        acceptedOn: fromLocal(acceptedOn),
        acceptedAt: fromLocal(acceptedOn),
        deadline: fromLocal('2025-03-31'),
        ...rest,
      };
    };
    const concluded = (on: string, used: number, onTime: boolean) => ({
      state: 'CONCLUDED' as const,
      outcome: 'APPROVED' as const,
      concludedOn: fromLocal(on),
      usedWorkingDays: used,
      onTime,
    });
    await prisma.case.createMany({
      data: [
        aCase({ acceptedOn: '2025-03-03', channel: 'ONLINE', fullyOnline: true, ...concluded('2025-03-05', 2, true) }),
        aCase({ acceptedOn: '2025-03-04', channel: 'MOBILE', ...concluded('2025-03-10', 4, true) }),
        aCase({ acceptedOn: '2025-03-05', channel: 'WINDOW', ...concluded('2025-03-21', 12, false) }),
        aCase({ acceptedOn: '2025-03-06', channel: 'KIOSK', deadline: fromLocal('2025-03-13') }), // open, overdue at the end of March
        aCase({ acceptedOn: '2025-03-28', channel: 'COMMUNITY_STATION', deadline: fromLocal('2025-04-07') }), // open, not yet due
        aCase({ acceptedOn: '2025-02-10', channel: 'ONLINE', ...concluded('2025-02-12', 1, true) }), // outside the period
      ],
    });
    const res = await hub.gql(CaseStatisticsDocument, { from: '2025-03-01', to: '2025-03-31', department: dept });
    expect(res.errors).toBeUndefined();
    const s = res.data!.caseStatistics;
    expect(s).toMatchObject({ accepted: 5, concluded: 3, concludedOnTime: 2, online: 2, fullyOnline: 1, overdue: 2 });
    expect(s.onTimeRate).toBeCloseTo(2 / 3, 10);
    expect(s.onlineRate).toBeCloseTo(2 / 5, 10);
    expect(s.averageSpeedUp).toBeCloseTo((0.8 + 0.6 + -0.2) / 3, 10);
    const byItem = await hub.gql(CaseStatisticsDocument, { from: '2025-01-01', to: '2025-12-31', item });
    expect(byItem.data?.caseStatistics).toMatchObject({ accepted: 6, concluded: 4, online: 3 });
    const empty = await hub.gql(CaseStatisticsDocument, { from: '2025-03-01', to: '2025-03-31', department: 'NONE' });
    expect(empty.data?.caseStatistics).toMatchObject({
      accepted: 0,
      onTimeRate: null,
      onlineRate: null,
      averageSpeedUp: null,
    });
  });

  it('generates demo cases with about 51% online, mostly on time, some overdue and some open', async () => {
    const prisma = hub.platform.prisma;
    const { seedCatalogue } = await import('../prisma/seed/cases.js');
    await seedCatalogue(prisma);
    const before = await prisma.case.count();
    const r = await generateCases(prisma, { count: 3000, year: 2025, seed: 7 });
    expect(r.cases).toBe(3000);
    expect(await prisma.case.count()).toBe(before + 3000);
    const res = await hub.gql(CaseStatisticsDocument, { from: '2025-01-01', to: '2025-12-31' });
    const s = res.data!.caseStatistics;
    expect(s.onlineRate!).toBeGreaterThan(0.46);
    expect(s.onlineRate!).toBeLessThan(0.56);
    expect(s.onTimeRate!).toBeGreaterThan(0.95);
    expect(s.onTimeRate!).toBeLessThan(1);
    expect(s.fullyOnline).toBeGreaterThan(0);
    expect(s.overdue).toBeGreaterThan(0);
    expect(
      await prisma.case.count({
        where: { receiptNumber: { contains: 'D' }, concludedOn: null, acceptedOn: { gte: fromLocal('2025-01-01') } },
      }),
    ).toBeGreaterThan(0);
  });
});

describe('calendar', () => {
  it('shows statutory holidays and adjusted working days in Asia/Shanghai', async () => {
    const res = await hub.gql(CalendarDaysDocument, { from: '2025-09-27', to: '2025-10-12' });
    const days = Object.fromEntries(res.data!.calendarDays.map((d) => [d.date, d.working]));
    expect(days['2025-09-28']).toBe(true); // Sunday, adjusted working day
    expect(days['2025-10-01']).toBe(false); // National Day
    expect(days['2025-10-09']).toBe(true);
    expect(days['2025-10-11']).toBe(true); // Saturday, adjusted working day
    expect(days['2025-10-12']).toBe(false);
  });

  it('keeps statutory holidays off in a year without a published notice, still flagged not covered', async () => {
    const res = await hub.gql(CalendarDaysDocument, { from: '2026-12-31', to: '2027-01-04' });
    expect(res.data!.calendarDays.map((d) => [d.date, d.working, d.name, d.covered])).toEqual([
      ['2026-12-31', true, null, true],
      ['2027-01-01', false, '元旦', false],
      ['2027-01-02', false, null, false],
      ['2027-01-03', false, null, false],
      ['2027-01-04', true, null, false],
    ]);
  });
});
