/**
 * Supervision: callbacks and targeted pushes after a conclusion, overdue admonitions, and the
 * department report, whose figures equal caseStatistics, in a fixed number of SQL statements.
 */
import { describe, expect, it } from '@jest/globals';
import { afterAll, beforeAll } from './helpers/runner.js';
import { caseStatistics } from '../src/modules/approvals/index.js';
import { fromLocal } from '../src/modules/approvals/calendar/store.js';
import { runAdmonitions, supervisionReport } from '../src/modules/supervision/index.js';
import type { Prisma } from '../src/generated/prisma/client.js';
import { aDepartment, anEnterprise, aSystemKey, referenceData } from './helpers/builders.js';
import { startTestHub, type TestHub } from './helpers/hub.js';

let hub: TestHub;

const item = (code: string, dept: string, dependsOn = '[]') => `  - code: ${code}
    name: 事项${code}
    departmentCode: ${dept}
    audience: ENTERPRISE
    acceptedAt: [DISTRICT_CENTRE]
    onTheSpot: false
    statutoryLimitDays: 10
    committedLimitDays: 5
    steps: [ACCEPTANCE, REVIEW, APPROVAL, CONCLUSION]
    online: FULLY_ONLINE
    dependsOn: ${dependsOn}
    conditions: [符合条件]
    legalBasis: ['《中华人民共和国行政许可法》第二十六条']
    materials:
      - { code: M01, name: 申请书, form: ORIGINAL, copies: 1, requirement: REQUIRED }
`;

beforeAll(async () => {
  hub = await startTestHub();
  await referenceData(hub.platform.prisma);
});
afterAll(() => hub.stop());

const gqlOk = async <T>(q: string, v: Record<string, unknown>, key?: string) => {
  const r = await hub.gql<T, Record<string, unknown>>(q, v, key);
  expect(r.errors).toBeUndefined();
  return r.data as T;
};

describe('after a conclusion', () => {
  it('creates a callback task (recorded with supervision:write) and pushes the usual next items to the applicant', async () => {
    const prisma = hub.platform.prisma;
    const dept = (await aDepartment(prisma)).code;
    const a = `TS-${dept}-001`;
    const b = `TS-${dept}-002`;
    const admin = (await aSystemKey(prisma, 'GSC', ['catalogue:admin'])).key;
    await gqlOk(
      `mutation($y: String!) { importCatalogue(yaml: $y) { ok } }`,
      { y: `items:\n${item(a, dept)}${item(b, dept, `[${a}]`)}` },
      admin,
    );
    const window = (await aSystemKey(prisma, 'GSC', ['case:accept'])).key;
    const handler = (await aSystemKey(prisma, dept, ['case:handle'])).key;
    const holder = await anEnterprise(prisma);
    const sub = await gqlOk<{ submitCase: { case: { id: string } } }>(
      `mutation($i: SubmitCaseInput!) { submitCase(input: $i) { case { id } } }`,
      {
        i: {
          item: a,
          channel: 'WINDOW',
          acceptancePlace: 'DISTRICT_CENTRE',
          applicantUscc: holder.uscc,
          applicantName: holder.name,
          applicantPhone: '13900139000',
          materials: [{ code: 'M01' }],
        },
      },
      window,
    );
    const id = sub.submitCase.case.id;
    for (const m of ['reviewCase', 'approveCase', 'concludeCase'])
      await gqlOk(`mutation($id: ID!) { ${m}(id: $id) { __typename } }`, { id }, handler);

    const push = await prisma.targetedPush.findUniqueOrThrow({ where: { caseId: id } });
    expect(push.itemCodes).toEqual([b]);
    const message = await prisma.notification.findFirstOrThrow({ where: { caseId: id, kind: 'TARGETED_PUSH' } });
    expect(message.recipient).toBe('13900139000');
    expect(JSON.stringify(message.payload)).toContain(b);

    const supervisor = (await aSystemKey(prisma, 'GSC', ['supervision:read', 'supervision:write'])).key;
    const reader = (await aSystemKey(prisma, 'GSC', ['supervision:read'])).key;
    const pending = await gqlOk<{ pendingCallbacks: { id: string; caseId: string }[] }>(
      `{ pendingCallbacks { id caseId } }`,
      {},
      reader,
    );
    const task = pending.pendingCallbacks.find((c) => c.caseId === id);
    expect(task).toBeDefined();
    const denied = await hub.gql(
      `mutation($id: ID!) { recordCallback(id: $id, satisfied: true, result: "满意") { status } }`,
      { id: task!.id },
      reader,
    );
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const done = await gqlOk<{ recordCallback: { status: string; satisfied: boolean } }>(
      `mutation($id: ID!) { recordCallback(id: $id, satisfied: true, result: "满意") { status satisfied } }`,
      { id: task!.id },
      supervisor,
    );
    expect(done.recordCallback).toEqual({ status: 'DONE', satisfied: true });
    const anonymous = await hub.gql(`{ redCases { receiptNumber } }`, {});
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('admonitions and reports', () => {
  it('admonishes each red case once, and reports per department exactly what caseStatistics says, in a fixed number of statements', async () => {
    const prisma = hub.platform.prisma;
    const depts = [(await aDepartment(prisma)).code, (await aDepartment(prisma)).code];
    const yaml = `items:\n${depts.map((d) => item(`TR-${d}-001`, d)).join('')}`;
    const admin = (await aSystemKey(prisma, 'GSC', ['catalogue:admin'])).key;
    await gqlOk(`mutation($y: String!) { importCatalogue(yaml: $y) { ok } }`, { y: yaml }, admin);
    let n = 0;
    const row = (
      dept: string,
      c: {
        acceptedOn: string;
        concludedOn?: string;
        usedWorkingDays?: number;
        onTime?: boolean;
        channel?: 'WINDOW' | 'ONLINE';
        deadline: string;
      },
    ): Prisma.CaseCreateManyInput => {
      n += 1;
      return {
        receiptNumber: `SV${dept}${n}`,
        verificationCode: 'ABCDEF',
        itemCode: `TR-${dept}-001`,
        departmentCode: dept,
        channel: c.channel ?? 'WINDOW',
        acceptancePlace: 'DISTRICT_CENTRE',
        applicantName: '某公司',
        state: c.concludedOn ? 'CONCLUDED' : 'UNDERTAKEN',
        outcome: c.concludedOn ? 'APPROVED' : null,
        limitDays: 5,
        acceptedOn: fromLocal(c.acceptedOn),
        deadline: fromLocal(c.deadline),
        concludedOn: c.concludedOn ? fromLocal(c.concludedOn) : null,
        usedWorkingDays: c.usedWorkingDays ?? null,
        onTime: c.onTime ?? null,
      };
    };
    await prisma.case.createMany({
      data: [
        row(depts[0]!, {
          acceptedOn: '2024-04-02',
          concludedOn: '2024-04-08',
          usedWorkingDays: 4,
          onTime: true,
          channel: 'ONLINE',
          deadline: '2024-04-09',
        }),
        row(depts[0]!, {
          acceptedOn: '2024-05-06',
          concludedOn: '2024-05-20',
          usedWorkingDays: 10,
          onTime: false,
          deadline: '2024-05-13',
        }),
        row(depts[0]!, { acceptedOn: '2024-06-03', deadline: '2024-06-11' }),
        row(depts[1]!, {
          acceptedOn: '2024-04-10',
          concludedOn: '2024-04-12',
          usedWorkingDays: 2,
          onTime: true,
          channel: 'ONLINE',
          deadline: '2024-04-17',
        }),
      ],
    });
    expect(await runAdmonitions(prisma, '2024-07-01')).toBeGreaterThanOrEqual(1);
    expect(await prisma.admonition.count({ where: { departmentCode: depts[0]! } })).toBe(1);
    expect(await runAdmonitions(prisma, '2024-07-02')).toBe(0);
    const admonition = await prisma.notification.findFirstOrThrow({
      where: { kind: 'ADMONITION', recipient: depts[0]! },
    });
    expect(admonition.audience).toBe('DEPARTMENT');

    const before = hub.platform.db.statementCount();
    const report = await supervisionReport(prisma, '2024-04-01', '2024-06-30');
    const statements = hub.platform.db.statementCount() - before;
    // Cases, follow-ups and joint (3) plus the online hall's evaluations, tickets and bookings (3).
    expect(statements).toBeLessThanOrEqual(6);
    for (const d of depts) {
      const stats = await caseStatistics(prisma, { from: '2024-04-01', to: '2024-06-30', departmentCode: d });
      const line = report.departments.find((r) => r.departmentCode === d);
      const { from: _f, to: _t, ...figures } = stats;
      expect(line).toMatchObject(figures);
    }
    expect(report.departments.find((r) => r.departmentCode === depts[0])).toMatchObject({
      accepted: 3,
      concluded: 2,
      overdue: 2,
      onlineRate: 1 / 3,
      admonitions: 0,
    });

    const key = (await aSystemKey(prisma, 'GSC', ['supervision:read'])).key;
    const csv = await fetch(`${hub.url}/supervision/report.csv?period=QUARTER&year=2024&number=2`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(csv.status).toBe(200);
    const text = await csv.text();
    expect(text).toContain(`${depts[0]},`);
    expect((await fetch(`${hub.url}/supervision/report.csv?period=QUARTER&year=2024&number=2`)).status).toBe(401);
    const page = await fetch(`${hub.url}/supervision`);
    expect(page.status).toBe(200);
    expect((await fetch(`${hub.url}/supervision/assets/chart.umd.min.js`)).status).toBe(200);
  });
});

describe('supervision queries at any size', () => {
  it('issue the same number of statements for 2 departments and 4 cases as for 6 departments and 60 cases, and the monthly report equals caseStatistics', async () => {
    const prisma = hub.platform.prisma;
    const admin = (await aSystemKey(prisma, 'GSC', ['catalogue:admin'])).key;
    // A year no other test writes to: the figures are this test's own.
    const year = 2031;
    await prisma.case.deleteMany({ where: { receiptNumber: { startsWith: 'SQ2031' } } });
    let n = 0;
    const addDepartments = async (count: number, casesEach: number) => {
      const depts = await Promise.all(Array.from({ length: count }, () => aDepartment(prisma)));
      const yaml = `items:\n${depts.map((d) => item(`TQ-${d.code}-001`, d.code)).join('')}`;
      await gqlOk(`mutation($y: String!) { importCatalogue(yaml: $y) { ok } }`, { y: yaml }, admin);
      const rows: Prisma.CaseCreateManyInput[] = depts.flatMap((d) =>
        Array.from({ length: casesEach }, (_, k): Prisma.CaseCreateManyInput => {
          n += 1;
          const day = `${year}-03-${String(3 + (k % 20)).padStart(2, '0')}`;
          const concluded = k % 3 !== 2;
          return {
            receiptNumber: `SQ2031${d.code}${n}`,
            verificationCode: 'ABCDEF',
            itemCode: `TQ-${d.code}-001`,
            departmentCode: d.code,
            channel: k % 2 ? 'ONLINE' : 'WINDOW',
            acceptancePlace: 'DISTRICT_CENTRE',
            applicantName: '某公司',
            state: concluded ? 'CONCLUDED' : 'UNDERTAKEN',
            outcome: concluded ? 'APPROVED' : null,
            limitDays: 5,
            acceptedOn: fromLocal(day),
            deadline: fromLocal(`${year}-03-28`),
            concludedOn: concluded ? fromLocal(`${year}-03-27`) : null,
            usedWorkingDays: concluded ? 4 : null,
            onTime: concluded ? k % 4 !== 0 : null,
          };
        }),
      );
      await prisma.case.createMany({ data: rows });
      return depts.map((d) => d.code);
    };
    const count = async (q: () => Promise<unknown>) => {
      const before = hub.platform.db.statementCount();
      await q();
      return hub.platform.db.statementCount() - before;
    };
    const { monthlyTrend, redCases } = await import('../src/modules/supervision/index.js');
    const { jointStatistics } = await import('../src/modules/approvals/index.js');
    const queries = {
      quarter: () => supervisionReport(prisma, `${year}-01-01`, `${year}-03-31`),
      month: () => supervisionReport(prisma, `${year}-03-01`, `${year}-03-31`),
      trend: () => monthlyTrend(prisma, `${year}-01-01`, `${year}-12-31`),
      red: () => redCases(prisma, `${year}-04-30`, null),
      joint: () => jointStatistics(prisma, `${year}-01-01`, `${year}-12-31`),
    };
    const small = await addDepartments(2, 2);
    // One after the other: the statement counter is the pool's, shared by concurrent queries.
    const measured = async () => {
      const out: Record<string, number> = {};
      for (const [k, q] of Object.entries(queries)) out[k] = await count(q);
      return out;
    };
    const few = await measured();
    const many = [...small, ...(await addDepartments(4, 15))];
    const more = await measured();
    expect(more).toEqual(few);
    // The report's 3 statements plus the online hall's 3 (hallStatisticsByDepartment).
    expect(few).toEqual({ quarter: 6, month: 6, trend: 1, red: 1, joint: 1 });

    const month = await supervisionReport(prisma, `${year}-03-01`, `${year}-03-31`);
    for (const d of many) {
      const {
        from: _f,
        to: _t,
        ...stats
      } = await caseStatistics(prisma, {
        from: `${year}-03-01`,
        to: `${year}-03-31`,
        departmentCode: d,
      });
      expect(month.departments.find((r) => r.departmentCode === d)).toMatchObject(stats);
    }
    const key = (await aSystemKey(prisma, 'GSC', ['supervision:read'])).key;
    const csv = await fetch(`${hub.url}/supervision/report.csv?period=MONTH&year=${year}&number=3`, {
      headers: { authorization: `Bearer ${key}` },
    });
    const lines = (await csv.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(month.departments.length + 1);
    for (const line of lines.slice(1)) {
      const c = line.split(',');
      const r = month.departments.find((x) => x.departmentCode === c[0])!;
      expect([c[2], c[3], c[4], c[10]]).toEqual([r.accepted, r.concluded, r.concludedOnTime, r.overdue].map(String));
    }
  });
});
