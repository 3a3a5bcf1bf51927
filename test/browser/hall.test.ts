/**
 * The online hall in a real browser (Debian's Chromium through playwright-core): register, book,
 * upload, pre-review returned, fix, case accepted and concluded by the department (API, its key),
 * evaluate; and a complaint answered. Screenshots of each step go to test-output/hall/. Skips,
 * saying so, only when no Chromium is installed.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect, it } from '@jest/globals';
import { afterAll, beforeAll, describeSkipIf } from '../helpers/runner.js';
import { addDays, loadWorkingCalendar, shanghaiToday } from '../../src/modules/approvals/index.js';
import { aDepartment, aSystemKey } from '../helpers/builders.js';
import { aHallItem, aMobile, smsInbox, type SmsInbox } from '../helpers/hall.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { hasBrowser, launchChromium, NO_BROWSER, openPage } from '../helpers/browser.js';

if (!hasBrowser) console.warn(`${NO_BROWSER}: the hall browser tests are skipped`);
const OUT = path.resolve('test-output/hall');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

let hub: TestHub;
let inbox: SmsInbox;
let browser: Browser;
let deptKey: string;
let deptCode: string;
const outside: string[] = [];
const requested: string[] = [];

/** Every form control a user can reach has an accessible name from a label (or aria-label). */
async function assertLabelled(page: Page): Promise<void> {
  const unlabelled = await page.evaluate(() =>
    Array.from(
      document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input, select, textarea'),
    )
      .filter((el) => el.type !== 'hidden' && el.type !== 'submit')
      .filter(
        (el) => (el.labels?.length ?? 0) === 0 && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'),
      )
      .map((el) => el.outerHTML),
  );
  expect(unlabelled).toEqual([]);
}

async function shot(page: Page, name: string): Promise<void> {
  await assertLabelled(page);
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
}

async function newPage(): Promise<Page> {
  const page = await openPage(browser, hub.url, outside, { width: 390, height: 844 });
  page.on('request', (r) => requested.push(r.url()));
  return page;
}

async function signIn(page: Page, phone: string): Promise<void> {
  await page.goto(`${hub.url}/hall`);
  await page.getByLabel('手机号码').fill(phone);
  await page.getByRole('button', { name: '获取验证码' }).click();
  await page.getByLabel('短信验证码').fill(inbox.codeFor(phone) ?? '');
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(`${hub.url}/hall`);
}

describeSkipIf(!hasBrowser, NO_BROWSER)('online hall in a browser', () => {
  beforeAll(async () => {
    fs.mkdirSync(OUT, { recursive: true });
    inbox = await smsInbox();
    hub = await startTestHub({ NOTIFIER_DRIVER: 'sms', SMS_GATEWAY_URL: inbox.url, OUTBOUND_ALLOW_HOSTS: '127.0.0.1' });
    const dept = await aDepartment(hub.platform.prisma);
    deptCode = dept.code;
    deptKey = (await aSystemKey(hub.platform.prisma, dept.code, ['case:handle', 'booking:admin', 'hall:answer'])).key;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    await inbox?.close();
  });

  it('register → book → upload → returned → fix → accepted → concluded → evaluate', async () => {
    const prisma = hub.platform.prisma;
    const bookable = await aHallItem(prisma, deptCode, 'BOOKING');
    const item = await aHallItem(prisma, deptCode, 'PRE_REVIEW');
    const cal = await loadWorkingCalendar(prisma);
    let day = addDays(shanghaiToday(), 1);
    while (!cal.isWorkingDay(day)) day = addDays(day, 1);
    const slots = await hub.gql(
      'mutation($i: String!, $d: Date!) { setBookingSlots(itemCode: $i, place: DISTRICT_CENTRE, from: $d, to: $d, slots: [{ time: "09:00-10:00", capacity: 3 }]) { slots } }',
      { i: bookable.code, d: day },
      deptKey,
    );
    expect(slots.errors).toBeUndefined();

    const page = await newPage();
    const phone = aMobile();
    await page.goto(`${hub.url}/hall`);
    await shot(page, '01-sign-in');
    // Keyboard: Tab reaches the phone field past the header link, and the focus ring shows.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      const style = el ? getComputedStyle(el) : null;
      return { id: el?.id, outline: style?.outlineStyle, width: parseFloat(style?.outlineWidth ?? '0') };
    });
    expect(focused).toMatchObject({ id: 'phone', outline: 'solid' });
    expect(focused.width).toBeGreaterThanOrEqual(2);
    await signIn(page, phone);
    await page.getByRole('heading', { name: '我的办事' }).waitFor();
    await shot(page, '02-home');

    await page.getByRole('navigation').getByRole('link', { name: '预约办事' }).click();
    await page.getByLabel('办理事项').selectOption(bookable.code);
    await page.getByRole('button', { name: '查看时段' }).click();
    await page.getByRole('radio').first().check();
    await shot(page, '03-book');
    await page.getByRole('button', { name: '确认预约' }).click();
    await expect(page.locator('.notice').textContent()).resolves.toContain('预约成功');
    await shot(page, '04-booked');

    await page.getByRole('navigation').getByRole('link', { name: '网上申报' }).click();
    await page.getByLabel('办理事项').selectOption(item.code);
    await page.getByLabel('申请人名称').fill('张三');
    await page.getByLabel('身份证号码（个人事项）').fill('11010519491231002X');
    await page.getByRole('button', { name: '下一步：上传材料' }).click();
    await page.getByLabel('材料', { exact: true }).selectOption('FORM');
    await page.getByLabel('文件').setInputFiles({ name: '申请表.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByRole('button', { name: '上传' }).click();
    await page.getByRole('link', { name: '申请表.pdf' }).waitFor();
    await shot(page, '05-uploaded');
    await page.getByRole('button', { name: '提交预审' }).click();
    await page.locator('.notice', { hasText: '已提交预审' }).waitFor();
    await shot(page, '06-submitted');
    const draft = await prisma.hallDraft.findFirstOrThrow({ where: { itemCode: item.code } });
    expect(draft.state).toBe('PENDING_REVIEW');

    // The department's clerk reviews at /hall/department with the department system's key.
    const desk = await newPage();
    await desk.goto(`${hub.url}/hall/department`);
    await desk.getByLabel('密钥').fill(deptKey);
    await desk.getByRole('button', { name: '进入' }).click();
    const card = desk.locator('.draft', { hasText: item.code });
    // The reviewer sees which service the files are for, by its name.
    await expect(card.locator('h3').textContent()).resolves.toBe(item.name);
    await card.getByLabel('退回意见（一次性告知，每行一项）').fill('请上传身份证复印件（正反面）\n申请表须本人签名');
    await shot(desk, '07a-department-review');
    await card.getByRole('button', { name: '退回补正' }).click();
    await desk.locator('#dept-status', { hasText: '已退回' }).waitFor();
    expect((await prisma.hallDraft.findUniqueOrThrow({ where: { id: draft.id } })).state).toBe('RETURNED');
    await page.reload();
    await expect(page.locator('.fixes').textContent()).resolves.toContain('请上传身份证复印件');
    await expect(page.locator('.fixes').textContent()).resolves.toContain('申请表须本人签名');
    await shot(page, '07-returned');
    await page.getByLabel('材料', { exact: true }).selectOption('ID');
    await page.getByLabel('文件').setInputFiles({ name: '身份证.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByRole('button', { name: '上传' }).click();
    await page.getByRole('link', { name: '身份证.pdf' }).waitFor();
    await page.getByRole('button', { name: '提交预审' }).click();
    await page.locator('.notice', { hasText: '已提交预审' }).waitFor();
    await desk.getByRole('button', { name: '刷新' }).click();
    await desk.locator('.draft', { hasText: item.code }).locator('.hint', { hasText: '已退回过一次' }).waitFor();
    await shot(desk, '07b-department-pass');
    await desk.locator('.draft', { hasText: item.code }).getByRole('button', { name: '预审通过' }).click();
    await desk.locator('#dept-status', { hasText: '已通过' }).waitFor();
    const caseId = (await prisma.hallDraft.findUniqueOrThrow({ where: { id: draft.id } })).caseId!;
    expect(caseId).toBeTruthy();
    await page.goto(`${hub.url}/hall/cases/${caseId}`);
    await expect(page.locator('main').textContent()).resolves.toContain('已受理');
    await shot(page, '08-case-accepted');

    for (const m of [
      'undertakeCase(id: $id) { state }',
      'reviewCase(id: $id) { state }',
      'approveCase(id: $id) { state }',
      'concludeCase(id: $id) { case { state } }',
    ]) {
      expect((await hub.gql(`mutation($id: ID!) { ${m} }`, { id: caseId }, deptKey)).errors).toBeUndefined();
    }
    await page.reload();
    await page.getByRole('radio', { name: '5星' }).check();
    await page.getByRole('checkbox', { name: '一次办成' }).check();
    await page.getByLabel('评价内容（可选）').fill('网上预审很方便');
    await shot(page, '09-evaluate');
    await page.getByRole('button', { name: '提交评价' }).click();
    await expect(page.locator('.notice').textContent()).resolves.toContain('感谢您的评价');
    await shot(page, '10-evaluated');
    const ev = await prisma.evaluation.findUniqueOrThrow({ where: { caseId } });
    expect(ev).toMatchObject({ stars: 5, tags: ['一次办成'], channel: 'HALL' });
    // The network log saw the pages and their assets, and nothing outside the hub.
    expect(requested).toEqual(
      expect.arrayContaining([`${hub.url}/hall/assets/hall.css`, `${hub.url}/hall/assets/hall.js`]),
    );
    expect(outside).toEqual([]);
  }, 180_000);

  it('a complaint is answered and the applicant sees the answer', async () => {
    const page = await newPage();
    await signIn(page, aMobile());
    await page.getByRole('navigation').getByRole('link', { name: '投诉咨询' }).click();
    await page.getByLabel('或关于部门').selectOption(deptCode);
    await page.getByLabel('标题').fill('窗口排队时间过长');
    await page.getByLabel('内容').fill('上午排队两个小时才办理。');
    await shot(page, '11-complaint');
    await page.getByRole('button', { name: '提交' }).click();
    const ticket = await hub.platform.prisma.hallTicket.findFirstOrThrow({
      where: { departmentCode: deptCode, subject: '窗口排队时间过长' },
    });
    const answered = await hub.gql(
      'mutation($id: ID!) { answerTicket(id: $id, answer: "已增加窗口，感谢反馈。") { id } }',
      { id: ticket.id },
      deptKey,
    );
    expect(answered.errors).toBeUndefined();
    await page.reload();
    await expect(page.locator('main').textContent()).resolves.toContain('已增加窗口');
    await shot(page, '12-complaint-answered');
    expect(outside).toEqual([]);
  }, 120_000);
});
