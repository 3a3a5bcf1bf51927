/**
 * Order-style plans (订单式服务): stages from the catalogue's dependencies and joint services, a
 * cycle refused with its path, the critical path and expected finish in working days (fixed
 * calendar), the SVG flowchart at /plans/<id> and Plan.svg, readable at 30 nodes (no overlapping boxes).
 */
import { describe, expect, it } from '@jest/globals';
import { afterAll, beforeAll, expectWithMessage } from './helpers/runner.js';
import { WorkingCalendar, type HolidaySource } from '../src/modules/approvals/calendar/calendar.js';
import { planStages, schedule, type PlanItem } from '../src/modules/approvals/plans/plan-graph.js';
import { planSvg } from '../src/modules/approvals/plans/plan-svg.js';
import { seedCatalogue } from '../prisma/seed/cases.js';
import { CreatePlanDocument, PlanDocument } from './generated/graphql.js';
import { aSystemKey, referenceData } from './helpers/builders.js';
import { startTestHub, type TestHub } from './helpers/hub.js';

const fixedSource: HolidaySource = {
  isHoliday: (d) => d >= '2025-10-01' && d <= '2025-10-08',
  isAdjustedWorkday: (d) => d === '2025-10-11',
  holidayName: () => null,
  coveredYears: () => ({ from: 2025, to: 2025 }),
};
const cal = new WorkingCalendar({ source: fixedSource });

let hub: TestHub;
let window: string;
const ITEMS = ['HZ-MR-001', 'HZ-MR-005', 'HZ-HE-001', 'HZ-HC-001', 'HZ-EE-001', 'HZ-HC-002'];

beforeAll(async () => {
  hub = await startTestHub();
  await referenceData(hub.platform.prisma);
  await seedCatalogue(hub.platform.prisma);
  window = (await aSystemKey(hub.platform.prisma, 'GSC', ['case:accept'])).key;
});
afterAll(() => hub.stop());

describe('a plan through the API', () => {
  it('groups joint items into one parallel stage, orders stages by the dependencies and gives the critical path', async () => {
    const res = await hub.gql(CreatePlanDocument, { name: '某重点项目', items: ITEMS, startOn: '2026-03-02' }, window);
    expect(res.errors).toBeUndefined();
    const plan = res.data!.createPlan;
    const byId = Object.fromEntries(plan.stages.map((s) => [s.id, s]));
    expect(Object.keys(byId).sort()).toEqual(['HZ-HC-002', 'HZ-JS-001', 'HZ-JS-002', 'HZ-MR-001']);
    expect(byId['HZ-JS-001']).toMatchObject({ joint: true, days: 10, after: ['HZ-MR-001'] });
    expect(byId['HZ-JS-001']!.nodes.map((n) => n.itemCode).sort()).toEqual(['HZ-HE-001', 'HZ-MR-005']);
    expect(byId['HZ-HC-002']!.after).toEqual(['HZ-JS-002']);
    // JS-002 (20 working days) then HC-002 is longer than MR-001 then JS-001.
    expect(plan.criticalPath).toEqual(['HZ-JS-002', 'HZ-HC-002']);
    expect(plan.expectedFinish).toBe(byId['HZ-HC-002']!.finish);
    expect(plan.svg).toMatch(/^<svg /);
    expect((plan.svg.match(/class="stage"/g) ?? []).length).toBe(4);

    const again = await hub.gql(PlanDocument, { id: plan.id });
    expect(again.data?.plan?.criticalPath).toEqual(plan.criticalPath);
    const page = await fetch(`${hub.url}/plans/${plan.id}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<svg');
    expect(html).toContain('某重点项目');
    expect((await fetch(`${hub.url}/plans/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
  });

  it('refuses a cycle with its path, and an anonymous caller', async () => {
    const res = await hub.gql(
      CreatePlanDocument,
      { name: '环', items: ITEMS, order: [{ item: 'HZ-MR-001', dependsOn: 'HZ-HE-001' }] },
      window,
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).toMatch(
      /cycle: HZ-JS-001 → HZ-MR-001 → HZ-JS-001|cycle: HZ-MR-001 → HZ-JS-001 → HZ-MR-001/,
    );
    const anonymous = await hub.gql(CreatePlanDocument, { name: 'x', items: ITEMS });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('scheduling with a fixed calendar', () => {
  const it3 = (code: string, days: number, dependsOn: string[] = []): PlanItem => ({
    code,
    name: code,
    departmentCode: 'D',
    committedLimitDays: days,
    dependsOn,
  });

  it('starts a stage when the last stage before it finishes, counting working days over the holidays', () => {
    const stages = planStages([it3('A-001', 2), it3('B-001', 5), it3('C-001', 1, ['A-001', 'B-001'])], [], []);
    const g = schedule(stages, new Map(), '2025-09-29', cal);
    // B: 09-30, then 10-09, 10-10, 10-11 (adjusted working Saturday), 10-13 → C: 10-14.
    expect(g.stages.find((s) => s.id === 'B-001')?.finish).toBe('2025-10-13');
    expect(g.expectedFinish).toBe('2025-10-14');
    expect(g.criticalPath).toEqual(['B-001', 'C-001']);
  });

  it('uses the concluded day of a finished case', () => {
    const stages = planStages([it3('A-001', 2), it3('C-001', 1, ['A-001'])], [], []);
    const g = schedule(
      stages,
      new Map([
        ['A-001', { state: 'CONCLUDED', acceptedOn: '2025-09-29', deadline: '2025-09-30', concludedOn: '2025-09-29' }],
      ]),
      '2025-09-29',
      cal,
    );
    expect(g.expectedFinish).toBe('2025-09-30');
  });

  it('lays out 30 stages without overlapping boxes', () => {
    const items = Array.from({ length: 30 }, (_, i) =>
      it3(
        `N-${String(i).padStart(3, '0')}`,
        1 + (i % 5),
        i === 0 ? [] : [`N-${String(Math.floor((i - 1) / 2)).padStart(3, '0')}`],
      ),
    );
    const g = schedule(planStages(items, [], []), new Map(), '2025-09-29', cal);
    const { svg, boxes } = planSvg(g, new Map(), '三十个环节');
    expect(boxes).toHaveLength(30);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
        expectWithMessage(overlap, `${a.id} overlaps ${b.id}`).toBe(false);
      }
    }
    const width = Number(/width="(\d+)"/.exec(svg)?.[1]);
    expect(boxes.every((b) => b.x >= 0 && b.x + b.width <= width)).toBe(true);
  });
});
