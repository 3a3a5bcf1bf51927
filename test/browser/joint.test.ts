/**
 * A joint application's public pages (并联审批) in a real browser (Debian's Chromium through
 * playwright-core), on the demo data: /joint/progress shows for HZJDEMO01–06 exactly what
 * jointProgress answers (the combined light in words, the joint deadline, days used of the joint
 * limit, every branch's state, light, deadline and conclusion), and no personal data; a wrong code
 * or an unknown number gives the single-case page's refusal; a branch's progress page leads to its
 * joint application; the one receipt of an application taken at the window through
 * submitJointApplication, and those of the demo, list each branch and the shared material once. The README's example URLs
 * open. Screenshots go to test-output/joint/. No request leaves the hub's origin. Skips, saying so,
 * only when no Chromium is installed.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect, it } from '@jest/globals';
import { afterAll, beforeAll, describeSkipIf } from '../helpers/runner.js';
import { createApiKey } from '../../src/platform/auth/api-keys.js';
import { DEMO_SYSTEMS, seedDemo } from '../../prisma/seed/demo.js';
import { JointPageDocument, SubmitJointApplicationDocument, type JointPageQuery } from '../generated/graphql.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { hasBrowser, launchChromium, NO_BROWSER, openPage } from '../helpers/browser.js';

if (!hasBrowser) console.warn(`${NO_BROWSER}: the joint application browser tests are skipped`);
const OUT = path.resolve('test-output/joint');
// A browser walk on a loaded 2-core machine: generous, so that only a failure fails.
const WALK_MS = 180_000;
const DEMO = ['01', '02', '03', '04', '05', '06'].map((n) => ({ receipt: `HZJDEMO${n}`, code: `DEMO${n}` }));

// The words the pages put beside each light and state (the colour is never the only sign).
const LIGHT_WORDS: Record<string, string> = { GREEN: '绿灯 正常', YELLOW: '黄灯 临近期限', RED: '红灯 已超期' };
const STATE_WORDS: Record<string, string> = {
  SUBMITTED: '待补正材料',
  ACCEPTED: '已受理',
  UNDERTAKEN: '承办中',
  REVIEWED: '已审核',
  APPROVED: '已批准',
  REJECTED: '不予许可',
  CONCLUDED: '已办结',
};
const JOINT_STATE_WORDS: Record<string, string> = {
  SUBMITTED: '待补正材料',
  IN_PROGRESS: '办理中',
  CONCLUDED: '已办结',
};

let hub: TestHub;
let browser: Browser;
let windowKey: string;
const outside: string[] = [];

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
}

async function newPage(width = 1024, height = 900): Promise<Page> {
  return openPage(browser, hub.url, outside, { width, height });
}

async function api(receipt: string, code: string): Promise<JointPageQuery> {
  const res = await hub.gql(JointPageDocument, { receiptNumber: receipt, verificationCode: code });
  expect(res.errors).toBeUndefined();
  return res.data!;
}

/** The cells of each row of a table, as text. */
function rowsOf(page: Page, table: string): Promise<string[][]> {
  return page
    .locator(`${table} tr[data-branch]`)
    .evaluateAll((rows) =>
      rows.map((r) => [...r.querySelectorAll('td')].map((td) => (td.textContent ?? '').replace(/\s+/g, ' ').trim())),
    );
}

describeSkipIf(!hasBrowser, NO_BROWSER)('joint application pages in a browser', () => {
  beforeAll(async () => {
    fs.mkdirSync(OUT, { recursive: true });
    hub = await startTestHub();
    const { prisma } = hub.platform;
    await seedDemo(prisma);
    const demo = DEMO_SYSTEMS.find((s) => s.name === 'one-window');
    expect(demo?.scopes).toContain('case:accept');
    const system = await prisma.departmentSystem.findUniqueOrThrow({
      where: { departmentCode_name: { departmentCode: demo!.department, name: demo!.name } },
    });
    windowKey = await createApiKey(prisma, system.id);
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  }, WALK_MS);

  it(
    'shows every demo joint application as jointProgress answers it, the red one red in words, with no personal data',
    async () => {
      const page = await newPage();
      const lights = new Set<string | null>();
      for (const { receipt, code } of DEMO) {
        const { jointProgress: p } = await api(receipt, code);
        expect(p).not.toBeNull();
        const res = await page.goto(`${hub.url}/joint/progress?receipt=${receipt}&code=${code}`);
        expect(res?.status()).toBe(200);
        await expect(page.locator('h1').textContent()).resolves.toBe('并联审批办理进度');
        const card = (await page.locator('.card').first().textContent()) ?? '';
        expect(card).toContain(p!.receiptNumber);
        expect(card).toContain(p!.service.name);
        expect(card).toContain(p!.service.leadDepartment.name);
        await expect(page.locator('#joint-state').textContent()).resolves.toBe(JOINT_STATE_WORDS[p!.state]);

        // The combined light: its colour class and its words, or none once concluded.
        lights.add(p!.trafficLight);
        const tag = page.locator('.card').first().locator('[data-light]');
        if (p!.trafficLight) {
          await expect(tag.getAttribute('data-light')).resolves.toBe(p!.trafficLight);
          await expect(tag.textContent()).resolves.toBe(LIGHT_WORDS[p!.trafficLight]);
        } else await expect(tag.count()).resolves.toBe(0);
        await expect(page.locator('#joint-deadline').textContent()).resolves.toBe(p!.deadline);
        await expect(page.locator('#joint-days').textContent()).resolves.toBe(
          `${p!.elapsedWorkingDays} / ${p!.jointLimitDays}`,
        );

        // Every branch, in the API's order, with its own state, light, deadline and conclusion.
        const rows = await rowsOf(page, '#joint-branches');
        expect(rows).toHaveLength(p!.branches.length);
        p!.branches.forEach((b, i) => {
          const [dept, item, number, state, light, deadline, concluded] = rows[i]!;
          expect(dept).toBe(b.department.name);
          expect(item).toBe(b.itemName);
          expect(number).toBe(b.receiptNumber);
          expect(state).toContain(STATE_WORDS[b.state]);
          expect(light).toBe(b.trafficLight ? LIGHT_WORDS[b.trafficLight] : '—');
          expect(deadline).toBe(b.deadline ?? '—');
          expect(concluded).toBe(b.concludedOn ?? '—');
        });

        // No personal data: the applicant's name, USCC, phone and any ID number stay off the page.
        const { prisma } = hub.platform;
        const app = await prisma.jointApplication.findUniqueOrThrow({ where: { receiptNumber: receipt } });
        const cases = await prisma.case.findMany({
          where: { jointApplicationId: app.id },
          select: { applicantIdNumber: true, applicantPhone: true },
        });
        const html = await page.content();
        const personal = [
          app.applicantName,
          app.applicantUscc,
          app.applicantPhone,
          ...cases.flatMap((c) => [c.applicantIdNumber, c.applicantPhone]),
        ].filter((x): x is string => Boolean(x));
        expect(personal.length).toBeGreaterThanOrEqual(3);
        for (const x of personal) expect(html).not.toContain(x);
        await shot(page, `progress-${receipt}`);
      }
      // The demo has a red one (past the joint limit), and says why in words.
      const red = await api('HZJDEMO06', 'DEMO06');
      expect(red.jointProgress?.trafficLight).toBe('RED');
      expect(red.jointProgress!.elapsedWorkingDays!).toBeGreaterThan(red.jointProgress!.jointLimitDays);
      await page.goto(`${hub.url}/joint/progress?receipt=HZJDEMO06&code=DEMO06`);
      await expect(page.locator('.card').first().textContent()).resolves.toContain('已超过并联办理时限');
      expect(lights.has(null)).toBe(true);
      // A narrow phone screen: the branch table stays readable (no cell squeezed under 3 characters).
      const phone = await newPage(390, 844);
      await phone.goto(`${hub.url}/joint/progress?receipt=HZJDEMO06&code=DEMO06`);
      const narrowest = await phone
        .locator('#joint-branches td')
        .evaluateAll((cells) => Math.min(...cells.map((c) => c.getBoundingClientRect().width)));
      expect(narrowest).toBeGreaterThanOrEqual(40);
      await shot(phone, 'progress-HZJDEMO06-phone');
      expect(outside).toEqual([]);
    },
    WALK_MS,
  );

  it(
    'refuses a wrong code and an unknown number as the single-case page does, and leads from a branch to its joint application',
    async () => {
      const page = await newPage();
      for (const url of [
        '/joint/progress?receipt=HZJDEMO06&code=WRONG1',
        '/joint/progress?receipt=HZJNOPE99&code=DEMO06',
      ]) {
        const res = await page.goto(`${hub.url}${url}`);
        expect(res?.status()).toBe(404);
        await expect(page.locator('h1').textContent()).resolves.toBe('未找到办件');
        await expect(page.locator('.card p').textContent()).resolves.toBe('受理编号或查询码不正确。');
      }
      // The single-case page says the same words for the same mistake.
      const single = await page.goto(`${hub.url}/progress?receipt=HZJDEMO06-1&code=WRONG1`);
      expect(single?.status()).toBe(404);
      await expect(page.locator('.card p').textContent()).resolves.toBe('受理编号或查询码不正确。');
      await shot(page, 'wrong-code');
      const receipt = await page.goto(`${hub.url}/joint/receipts/HZJDEMO06?code=WRONG1`);
      expect(receipt?.status()).toBe(404);

      // A branch's own progress page links to the joint lookup with the joint receipt number filled in.
      await page.goto(`${hub.url}/progress?receipt=HZJDEMO06-2&code=DEMO06`);
      await shot(page, 'branch-progress-HZJDEMO06-2');
      await page.locator('#joint-link a').click();
      await page.waitForURL(/\/joint\/progress\?receipt=HZJDEMO06$/);
      await expect(page.getByLabel('受理编号').inputValue()).resolves.toBe('HZJDEMO06');
      await shot(page, 'lookup-form');
      await page.getByLabel('查询码').fill('DEMO06');
      await page.getByRole('button', { name: '查询' }).click();
      await page.waitForURL(/code=DEMO06/);
      await expect(page.locator('#joint-branches tr[data-branch]').count()).resolves.toBe(2);
      expect(outside).toEqual([]);
    },
    WALK_MS,
  );

  it(
    'prints one receipt at the window: every branch, the shared material once, the joint deadline and a QR code to the progress page',
    async () => {
      const { prisma } = hub.platform;
      const enterprise = await prisma.enterprise.findFirstOrThrow({
        where: { status: 'ACTIVE' },
        orderBy: { uscc: 'asc' },
      });
      const submitted = await hub.gql(
        SubmitJointApplicationDocument,
        {
          input: {
            service: 'HZ-JS-001',
            channel: 'WINDOW',
            acceptancePlace: 'DISTRICT_CENTRE',
            applicantUscc: enterprise.uscc,
            applicantName: enterprise.name,
            applicantPhone: '13912345678',
            materials: [
              { code: 'S01' },
              ...['M01', 'M02', 'M04'].map((code) => ({ code, item: 'HZ-MR-005' })),
              ...['M01', 'M02', 'M04', 'M05'].map((code) => ({ code, item: 'HZ-HE-001' })),
            ],
          },
        },
        windowKey,
      );
      expect(submitted.errors).toBeUndefined();
      const s = submitted.data!.submitJointApplication;
      const number = s.application.receiptNumber;
      expect(s.receiptUrl).toContain(`/joint/receipts/${number}?code=${s.verificationCode}`);
      expect(s.progressUrl).toContain(`/joint/progress?receipt=${number}&code=${s.verificationCode}`);
      const { jointReceipt: r, jointProgress: p } = await api(number, s.verificationCode);
      // The shared material (S01 stands for HZ-MR-005/M03 and HZ-HE-001/M03) is one row for both items.
      expect(r!.materialsReceived.filter((m) => m.shared)).toEqual([
        { code: 'S01', name: '经营场所平面布局图', items: ['HZ-MR-005', 'HZ-HE-001'], shared: true },
      ]);

      const page = await newPage();
      // The receipt is served by the hub whatever PUBLIC_URL says: open it on this hub's origin.
      const res = await page.goto(`${hub.url}${new URL(s.receiptUrl).pathname}${new URL(s.receiptUrl).search}`);
      expect(res?.status()).toBe(200);
      await expect(page.locator('h1').textContent()).resolves.toBe('并联审批受理回执');
      const head = (await page.locator('.card').first().textContent()) ?? '';
      expect(head).toContain(number);
      expect(head).toContain(s.verificationCode);
      expect(head).toContain(`${p!.deadline} 前`);
      await expect(page.locator('.qr svg').count()).resolves.toBe(1);
      await expect(page.locator(`a[href="${r!.progressUrl}"]`).count()).resolves.toBe(1);
      // Every branch opened, each once.
      const branches = await rowsOf(page, '#receipt-branches');
      expect(branches.map((row) => row[3])).toEqual(p!.branches.map((b) => b.receiptNumber));
      // Each material once: S01 a single row, and the items' own M03 (which S01 stands for) not at all.
      const codes = await page
        .locator('#receipt-materials tr[data-material]')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-material')));
      expect(codes.filter((c) => c === 'S01')).toHaveLength(1);
      expect(codes).not.toContain('M03');
      expect(codes).toHaveLength(r!.materialsReceived.length);
      const materials = (await page.locator('#receipt-materials').textContent()) ?? '';
      expect(materials.split('经营场所平面布局图')).toHaveLength(2);
      expect(materials).toContain('共用材料，一次提交');
      // The phone and the applicant's USCC are not printed; the enterprise's name is (as on a case receipt).
      const html = await page.content();
      expect(html).not.toContain('13912345678');
      expect(html).not.toContain(enterprise.uscc);
      await shot(page, 'receipt-window');
      await page.emulateMedia({ media: 'print' });
      await shot(page, 'receipt-window-print');

      // The demo applications' receipts list what jointReceipt lists: every branch, every material once.
      await page.emulateMedia({ media: 'screen' });
      let sharedSeen = 0;
      for (const { receipt, code } of DEMO) {
        const { jointReceipt: d } = await api(receipt, code);
        const res = await page.goto(`${hub.url}/joint/receipts/${receipt}?code=${code}`);
        expect(res?.status()).toBe(200);
        const rows = await rowsOf(page, '#receipt-branches');
        expect(rows.map((row) => row[3])).toEqual(d!.branches.map((b) => b.receiptNumber));
        const listed = await page
          .locator('#receipt-materials tr[data-material]')
          .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
        expect(listed.map((row) => [row[1], row[2]])).toEqual(d!.materialsReceived.map((m) => [m.code, m.name]));
        expect(listed.length).toBeGreaterThan(0);
        for (const m of d!.materialsReceived.filter((x) => x.shared)) {
          sharedSeen += 1;
          expect(listed.filter((row) => row[1] === m.code)).toHaveLength(1);
          expect(m.items.length).toBeGreaterThanOrEqual(2);
        }
        if (receipt === 'HZJDEMO03' || receipt === 'HZJDEMO06') await shot(page, `receipt-${receipt}`);
      }
      // HZ-JS-001's plan of the premises (S01) is on the three start-up receipts, once each.
      expect(sharedSeen).toBe(3);
      expect(outside).toEqual([]);
    },
    WALK_MS,
  );

  it(
    "opens the README's example URLs of the joint pages on the demo data",
    async () => {
      const readme = fs.readFileSync(path.resolve('README.md'), 'utf8');
      const urls = [...readme.matchAll(/http:\/\/127\.0\.0\.1:4000(\/joint\/[^\s`)]+)/g)].map((m) => m[1]!);
      expect(urls.length).toBeGreaterThanOrEqual(2);
      const page = await newPage();
      for (const u of urls) {
        const res = await page.goto(`${hub.url}${u}`);
        expect([u, res?.status()]).toEqual([u, 200]);
      }
      expect(outside).toEqual([]);
    },
    WALK_MS,
  );
});
