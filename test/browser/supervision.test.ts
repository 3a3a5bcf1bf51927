/**
 * The supervision dashboard and an order-style plan in a real browser (Debian's Chromium through
 * playwright-core), on the demo data: the dashboard opened with the demo supervision system's key
 * shows per department exactly the API's figures (supervisionReport, and caseStatistics of each
 * department), the joint figures of jointStatistics and the red cases; the printable monthly report
 * and the CSV agree with it; /plans/<id> draws the demo plan and a 30-item plan. Screenshots go to
 * test-output/supervision/. No request leaves the hub's origin. Skips, saying so, only when no
 * Chromium is installed.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect, it } from '@jest/globals';
import { afterAll, beforeAll, describeSkipIf } from '../helpers/runner.js';
import { caseStatistics, shanghaiToday } from '../../src/modules/approvals/index.js';
import { periodOf } from '../../src/modules/supervision/index.js';
import { createApiKey } from '../../src/platform/auth/api-keys.js';
import { DEMO_PLAN_ID } from '../../prisma/seed/joint-demo.js';
import { DEMO_SYSTEMS, seedDemo } from '../../prisma/seed/demo.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { hasBrowser, launchChromium, NO_BROWSER, openPage } from '../helpers/browser.js';

if (!hasBrowser) console.warn(`${NO_BROWSER}: the supervision browser tests are skipped`);
const OUT = path.resolve('test-output/supervision');
// A browser walk on a loaded 2-core machine: generous, so that only a failure fails.
const WALK_MS = 180_000;

let hub: TestHub;
let browser: Browser;
let supervisorKey: string;
const outside: string[] = [];

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
}

async function newPage(width = 1440, height = 900): Promise<Page> {
  return openPage(browser, hub.url, outside, { width, height });
}

interface ReportRow {
  departmentCode: string;
  accepted: number;
  concluded: number;
  concludedOnTime: number;
  onTimeRate: number | null;
  averageSpeedUp: number | null;
  onlineRate: number | null;
  fullyOnline: number;
  overdue: number;
  jointDaysSaved: number;
  evaluations: number;
  satisfactionRate: number | null;
  complaints: number;
  complaintsAnsweredOnTime: number;
  complaintsOnTimeRate: number | null;
}

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(2)}%`);

describeSkipIf(!hasBrowser, NO_BROWSER)('supervision dashboard in a browser', () => {
  beforeAll(async () => {
    fs.mkdirSync(OUT, { recursive: true });
    hub = await startTestHub();
    const { prisma } = hub.platform;
    await seedDemo(prisma);
    // The demo supervisors' system, with a fresh key (keys are shown once, when the demo makes them).
    const demo = DEMO_SYSTEMS.find((s) => s.name === 'supervision' && s.scopes.includes('supervision:read'));
    expect(demo).toBeDefined();
    const system = await prisma.departmentSystem.findUniqueOrThrow({
      where: { departmentCode_name: { departmentCode: demo!.department, name: demo!.name } },
    });
    expect(system.scopes).toEqual(expect.arrayContaining(['supervision:read', 'supervision:write']));
    supervisorKey = await createApiKey(prisma, system.id);
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  }, WALK_MS);

  it(
    'shows the quarter per department with the figures of the API, the joint figures and the red cases',
    async () => {
      const page = await newPage();
      await page.goto(`${hub.url}/supervision`);
      await shot(page, '01-sign-in');
      await page.getByLabel('监督密钥').fill(supervisorKey);
      await page.getByRole('button', { name: '进入' }).click();
      await page.locator('body[data-loaded="true"]').waitFor();
      await shot(page, '02-dashboard-quarter');

      const today = shanghaiToday();
      const year = Number(today.slice(0, 4));
      const quarter = Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1;
      const api = await hub.gql<{ supervisionReport: { departments: ReportRow[] } }, Record<string, unknown>>(
        `query($y: Int!, $q: Int!) { supervisionReport(period: QUARTER, year: $y, number: $q) { departments {
        departmentCode accepted concluded concludedOnTime onTimeRate averageSpeedUp onlineRate fullyOnline overdue jointDaysSaved
        evaluations satisfactionRate complaints complaintsAnsweredOnTime complaintsOnTimeRate } } }`,
        { y: year, q: quarter },
        supervisorKey,
      );
      expect(api.errors).toBeUndefined();
      const rows = api.data!.supervisionReport.departments;
      expect(rows.length).toBeGreaterThan(3);
      const shown = await page.locator('#report tr[data-dept]').evaluateAll((trs) =>
        trs.map((tr) => {
          const cell = (k: string) => tr.querySelector(`[data-k="${k}"]`)?.textContent ?? null;
          return {
            dept: tr.getAttribute('data-dept'),
            accepted: cell('accepted'),
            concluded: cell('concluded'),
            onTime: cell('onTimeRate'),
            speedUp: cell('averageSpeedUp'),
            online: cell('onlineRate'),
            fullyOnline: cell('fullyOnline'),
            overdue: cell('overdue'),
            joint: cell('jointDaysSaved'),
          };
        }),
      );
      const p = periodOf('QUARTER', year, quarter);
      expect(shown.map((s) => s.dept)).toEqual(rows.map((r) => r.departmentCode));
      for (const r of rows) {
        // The department's own caseStatistics: the dashboard, the report and the statistics agree.
        const {
          from: _f,
          to: _t,
          ...stats
        } = await caseStatistics(hub.platform.prisma, {
          ...p,
          departmentCode: r.departmentCode,
        });
        expect(r).toMatchObject({
          accepted: stats.accepted,
          concluded: stats.concluded,
          concludedOnTime: stats.concludedOnTime,
          overdue: stats.overdue,
          fullyOnline: stats.fullyOnline,
        });
        expect(shown.find((s) => s.dept === r.departmentCode)).toEqual({
          dept: r.departmentCode,
          accepted: String(stats.accepted),
          concluded: String(stats.concluded),
          onTime: pct(stats.onTimeRate),
          speedUp: pct(stats.averageSpeedUp),
          online: pct(stats.onlineRate),
          fullyOnline: String(stats.fullyOnline),
          overdue: String(stats.overdue),
          joint: String(r.jointDaysSaved),
        });
      }

      const joint = await hub.gql<
        { jointStatistics: { overall: { concluded: number; projects: number; daysSaved: number } } },
        Record<string, unknown>
      >(
        `query($f: Date!, $t: Date!) { jointStatistics(from: $f, to: $t) { overall { concluded projects daysSaved } } }`,
        {
          f: `${year}-01-01`,
          t: `${year}-12-31`,
        },
      );
      const o = joint.data!.jointStatistics.overall;
      expect(o.concluded).toBeGreaterThan(0);
      await expect(page.locator('#joint-concluded').textContent()).resolves.toBe(String(o.concluded));
      await expect(page.locator('#joint-projects').textContent()).resolves.toBe(String(o.projects));
      await expect(page.locator('#joint-saved').textContent()).resolves.toBe(String(o.daysSaved));

      const red = await hub.gql<{ redCases: { receiptNumber: string }[] }, Record<string, unknown>>(
        '{ redCases { receiptNumber } }',
        {},
        supervisorKey,
      );
      const redShown = await page.locator('#red tr.red td:first-child').allTextContents();
      expect(redShown).toEqual(red.data!.redCases.map((c) => c.receiptNumber));
      // The online hall's figures per department (hallStatistics), and over all departments.
      const hallShown = await page
        .locator('#report tr[data-dept]')
        .evaluateAll((trs) =>
          trs.map((tr) =>
            ['evaluations', 'satisfactionRate', 'complaints', 'complaintsOnTimeRate'].map(
              (k) => tr.querySelector(`[data-k="${k}"]`)?.textContent ?? null,
            ),
          ),
        );
      expect(hallShown).toEqual(
        rows.map((r) => [
          String(r.evaluations),
          pct(r.satisfactionRate),
          String(r.complaints),
          pct(r.complaintsOnTimeRate),
        ]),
      );
      const evaluations = rows.reduce((s, r) => s + r.evaluations, 0);
      const complaints = rows.reduce((s, r) => s + r.complaints, 0);
      expect(evaluations).toBeGreaterThan(0); // the demo's evaluations fall in the current quarter
      expect(complaints).toBeGreaterThan(0);
      const satisfied = rows.reduce((s, r) => s + Math.round((r.satisfactionRate ?? 0) * r.evaluations), 0);
      await expect(page.locator('#kpi-satisfaction').textContent()).resolves.toBe(pct(satisfied / evaluations));
      await expect(page.locator('#kpi-complaints').textContent()).resolves.toBe(
        `${rows.reduce((s, r) => s + r.complaintsAnsweredOnTime, 0)} / ${complaints}`,
      );

      // The demo's joint application past its joint limit: its open branch is red.
      expect(redShown).toContain('HZJDEMO06-2');
      await expect(page.locator('#joint-open').textContent()).resolves.toContain('HZJDEMO06');
      expect(outside).toEqual([]);
    },
    WALK_MS,
  );

  it(
    'prints the monthly report and exports the same figures as CSV',
    async () => {
      const page = await newPage(1200, 900);
      await page.goto(`${hub.url}/supervision`);
      await page.getByLabel('监督密钥').fill(supervisorKey);
      await page.getByRole('button', { name: '进入' }).click();
      await page.locator('body[data-loaded="true"]').waitFor();
      const today = shanghaiToday();
      const year = Number(today.slice(0, 4));
      const month = Number(today.slice(5, 7));
      await page.getByLabel('报表周期').selectOption('MONTH');
      await page.getByLabel('月份').selectOption(String(month));
      await page.getByRole('button', { name: '刷新' }).click();
      await page.locator('body[data-loaded="true"]').waitFor();
      await shot(page, '03-dashboard-month');

      const [printable] = await Promise.all([
        page.waitForEvent('popup'),
        page.getByRole('link', { name: '打印报表' }).click(),
      ]);
      await printable.locator('body[data-loaded="true"]').waitFor();
      await printable.emulateMedia({ media: 'print' });
      await printable.screenshot({ path: path.join(OUT, '04-printable-month.png'), fullPage: true });
      const p = periodOf('MONTH', year, month);
      await expect(printable.locator('h1').textContent()).resolves.toContain(`${year}年${month}月`);
      const printed = await printable
        .locator('table.report tr[data-dept]')
        .evaluateAll((trs) =>
          trs.map((tr) => [tr.getAttribute('data-dept'), tr.querySelector('[data-k="accepted"]')?.textContent]),
        );
      const csv = await fetch(`${hub.url}/supervision/report.csv?period=MONTH&year=${year}&number=${month}`, {
        headers: { authorization: `Bearer ${supervisorKey}` },
      });
      const lines = (await csv.text())
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      const csvRows = lines.slice(1).map((l) => l.split(','));
      expect(printed).toEqual(csvRows.map((c) => [c[0], c[2]]));
      for (const [dept, accepted] of printed) {
        const s = await caseStatistics(hub.platform.prisma, { ...p, departmentCode: dept });
        expect(accepted).toBe(String(s.accepted));
      }
      expect(outside).toEqual([]);
    },
    WALK_MS,
  );

  it(
    'draws the demo plan and a plan of 30 items as readable flowcharts',
    async () => {
      const page = await newPage(1440, 900);
      const res = await page.goto(`${hub.url}/plans/${DEMO_PLAN_ID}`);
      expect(res?.status()).toBe(200);
      await shot(page, '05-plan-demo');
      expect(await page.locator('svg g.stage').count()).toBeGreaterThanOrEqual(10);
      // Its design stage (the demo's concluded joint application) is drawn as done.
      await expect(page.locator('svg g.stage[data-id="HZ-JS-002"] rect').getAttribute('fill')).resolves.toBe('#d9f2d9');

      const { prisma } = hub.platform;
      const items = await prisma.serviceItem.findMany({
        where: { code: { startsWith: 'HZ-' } },
        orderBy: { code: 'asc' },
        select: { code: true },
      });
      const window = await prisma.departmentSystem.findUniqueOrThrow({
        where: { departmentCode_name: { departmentCode: 'GSC', name: 'one-window' } },
      });
      const created = await hub.gql<{ createPlan: { id: string } }, Record<string, unknown>>(
        'mutation($items: [String!]!) { createPlan(name: "三十个事项的重点项目", items: $items) { id } }',
        { items: items.slice(0, 30).map((i) => i.code) },
        await createApiKey(prisma, window.id),
      );
      expect(created.errors).toBeUndefined();
      await page.goto(`${hub.url}/plans/${created.data!.createPlan.id}`);
      await shot(page, '06-plan-30-items');
      const boxes = await page.locator('svg g.stage rect').evaluateAll((rects) =>
        rects.map((r) => {
          const b = r.getBoundingClientRect();
          return { x: b.x, y: b.y, w: b.width, h: b.height };
        }),
      );
      expect(boxes.length).toBeGreaterThanOrEqual(20);
      // Readable: boxes do not overlap and their text is at least 12 CSS pixels high on screen.
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i]!;
          const b = boxes[j]!;
          expect(a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h).toBe(false);
        }
      const fontPx = await page
        .locator('svg g.stage text tspan')
        .first()
        .evaluate((t) => t.getBoundingClientRect().height);
      expect(fontPx).toBeGreaterThanOrEqual(12);
      expect(outside).toEqual([]);
    },
    WALK_MS,
  );
});
