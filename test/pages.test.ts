/**
 * The public pages as a browser gets them, without a key: item guide, receipt, progress, QR
 * verification, and their refusals and error pages. All in Chinese, names instead of codes,
 * every time in Beijing time.
 */
import { describe, expect, it } from '@jest/globals';
import { afterAll, beforeAll, expectWithMessage } from './helpers/runner.js';
import { seedCatalogue } from '../prisma/seed/cases.js';
import { licencePage, type VerifiedLicence } from '../src/modules/licences/pages/verify-page.js';
import { shanghaiTime } from '../src/web/time.js';
import { IssueLicenceDocument, LicenceQrDocument, SubmitCaseDocument } from './generated/graphql.js';
import { aFoodCaseInput, aFoodLicenceInput, anEnterprise, aSystemKey, referenceData } from './helpers/builders.js';
import { startTestHub, type TestHub } from './helpers/hub.js';

let hub: TestHub;
let window: string;
let mr: string;
let holder: { uscc: string; name: string };

const FOOD = 'HZ-MR-005'; // produces FOOD_BUSINESS_LICENCE, named 食品经营许可证
/** 2026-11-28 22:40:13 UTC is 2026-11-29 06:40:13 in Beijing: another day, so a UTC rendering cannot pass. */
const INSTANT = new Date('2026-11-28T22:40:13Z');

beforeAll(async () => {
  hub = await startTestHub();
  const prisma = hub.platform.prisma;
  await referenceData(prisma);
  await seedCatalogue(prisma);
  window = (await aSystemKey(prisma, 'GSC', ['case:accept'])).key;
  mr = (await aSystemKey(prisma, 'MR', ['licence:issue'])).key;
  holder = await anEnterprise(prisma);
});
afterAll(() => hub.stop());

async function get(path: string) {
  const res = await fetch(`${hub.url}${path}`);
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

/** What a reader sees: the text outside tags, styles and attribute values. */
function visibleText(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/g, ' ')
    .replace(/<svg[\s\S]*?<\/svg>/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(
      /&(amp|lt|gt|quot|#39);/g,
      (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] ?? ' ',
    );
}

/** Latin words a reader would see, once the given data values (numbers, codes) are taken out. */
function latinWords(html: string, data: string[] = []): string[] {
  let text = visibleText(html);
  for (const d of data) text = text.split(d).join(' ');
  return text.match(/[A-Za-z]{2,}/g) ?? [];
}

/** The <time> elements of a page: their datetime attribute and their text. */
function times(html: string): { iso: string; text: string }[] {
  return [...html.matchAll(/<time datetime="([^"]+)">([^<]+)<\/time>/g)].map((m) => ({ iso: m[1]!, text: m[2]! }));
}

/** Beijing wall-clock time by plain arithmetic (UTC+8, no daylight saving), to check the formatter against. */
function beijing(d: Date): string {
  return new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

describe('shared time formatter', () => {
  it('gives Beijing wall-clock time and a +08:00 offset', () => {
    expect(shanghaiTime(INSTANT)).toEqual({ text: '2026-11-29 06:40:13', iso: '2026-11-29T06:40:13+08:00' });
    expect(shanghaiTime('2025-12-31T16:00:00.000Z').text).toBe('2026-01-01 00:00:00');
    expect(new Date(shanghaiTime(INSTANT).iso).getTime()).toBe(INSTANT.getTime());
  });
});

describe('approvals pages', () => {
  it('the guide names the licence the item produces instead of its code', async () => {
    const { status, body } = await get(`/guide/${FOOD}`);
    expect(status).toBe(200);
    expect(body).toContain('<dt>办理结果</dt><dd>食品经营许可证（');
    expect(body).not.toContain('FOOD_BUSINESS_LICENCE');
    // Item and material codes are identifiers people quote; nothing else is in Latin letters.
    expect(latinWords(body, [FOOD, 'HZ-MR-001'])).toEqual([]);
  });

  it('the receipt and the progress page show times in Beijing time, in Chinese', async () => {
    const submitted = await hub.gql(
      SubmitCaseDocument,
      {
        input: aFoodCaseInput(holder, { item: FOOD }),
      },
      window,
    );
    expect(submitted.errors).toBeUndefined();
    const c = submitted.data!.submitCase.case;
    const prisma = hub.platform.prisma;
    await prisma.case.update({ where: { id: c.id }, data: { acceptedAt: INSTANT } });
    await prisma.caseEvent.updateMany({ where: { caseId: c.id }, data: { occurredAt: INSTANT } });
    const ids = [c.receiptNumber, c.verificationCode, FOOD, 'M01', 'M02', 'M03', 'M04', holder.name];

    const receipt = await get(`/receipts/${c.receiptNumber}?code=${c.verificationCode}`);
    expect(receipt.status).toBe(200);
    expect(receipt.body).toContain('受理回执');
    expect(receipt.body).toContain(
      '<dt>受理时间</dt><dd><time datetime="2026-11-29T06:40:13+08:00">2026-11-29 06:40:13</time>（北京时间）',
    );
    // The progress link is a URL, which the receipt prints as it is.
    const url = (/<a href="([^"]+)">/.exec(receipt.body)?.[1] ?? '').replace(/&amp;/g, '&');
    expect(url).toContain('/progress?');
    expect(latinWords(receipt.body, [url, ...ids])).toEqual([]);

    const progress = await get(`/progress?receipt=${c.receiptNumber}&code=${c.verificationCode}`);
    expect(progress.status).toBe(200);
    const steps = times(progress.body);
    expect(steps.length).toBeGreaterThanOrEqual(2);
    for (const t of steps) expect(t).toEqual({ iso: '2026-11-29T06:40:13+08:00', text: '2026-11-29 06:40:13' });
    expect(progress.body).toContain('以上时间均为北京时间');
    expect(progress.body).toContain('提交申请');
    expect(latinWords(progress.body, ids)).toEqual([]);
  });

  it('refusals and error pages are in Chinese', async () => {
    const form = await get('/progress');
    expect(form.status).toBe(200);
    expect(form.body).toContain('办理进度查询');
    expect(latinWords(form.body)).toEqual([]);

    const pages: [string, number, string][] = [
      ['/guide/HZ-XX-999', 404, '未找到事项'],
      ['/receipts/NOPE?code=ZZZZZZ', 404, '未找到回执'],
      ['/receipts/NOPE', 404, '未找到回执'],
      ['/progress?receipt=NOPE&code=ZZZZZZ', 404, '未找到办件'],
      // An undecodable path parameter fails inside Express's router, before any handler.
      ['/guide/%E0%A4%A', 400, '请求无效'],
    ];
    for (const [path, status, title] of pages) {
      const res = await get(path);
      expectWithMessage(res.status, path).toBe(status);
      expectWithMessage(res.type, path).toMatch(/^text\/html/);
      expectWithMessage(res.body, path).toContain(`<h1>${title}</h1>`);
      expectWithMessage(latinWords(res.body, ['HZ-XX-999']), path).toEqual([]);
    }
  });
});

describe('QR verification page', () => {
  async function licenceToken() {
    const issued = await hub.gql(IssueLicenceDocument, { input: aFoodLicenceInput(holder.uscc) }, mr);
    expect(issued.errors).toBeUndefined();
    const l = issued.data!.issueLicence;
    const qr = (await hub.gql(LicenceQrDocument, { id: l.id })).data!.licence!.qr;
    return { number: l.number, token: qr.token };
  }

  it('shows the check time as Beijing wall-clock time, in Chinese only', async () => {
    const l = await licenceToken();
    const before = Date.now();
    const { status, body } = await get(`/q/${l.token}`);
    const after = Date.now();
    expect(status).toBe(200);
    const [checked] = times(body);
    expect(checked).toBeDefined();
    expect(checked!.iso).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    const at = new Date(checked!.iso).getTime();
    // Shown to the second, so the instant may be up to a second before the request started.
    expect(at).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(at).toBeLessThanOrEqual(after);
    expect(checked!.text).toBe(beijing(new Date(at)));
    expect(body).toContain('核验时间');
    expect(body).toContain('（北京时间）');
    expect(body).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/);
    expect(body).toContain('有效');
    expect(body).toContain('data-status="VALID"');
    expect(latinWords(body, [l.number, holder.uscc, holder.name])).toEqual([]);
  });

  it('renders a licence checked at a known instant in Beijing time', () => {
    const licence: VerifiedLicence = {
      number: 'JY14401050000001',
      status: 'REVOKED',
      validFrom: '2025-01-10',
      validUntil: null,
      scope: '预包装食品销售',
      type: { name: '食品经营许可证' },
      issuingDepartment: { name: '海珠区市场监督管理局' },
      holder: { name: '广州市测试有限公司', uscc: '91440105MA5XXXXXX1' },
    };
    const html = licencePage(licence, INSTANT);
    expect(html).toContain(
      '核验时间 <time datetime="2026-11-29T06:40:13+08:00">2026-11-29 06:40:13</time>（北京时间）',
    );
    expect(html).not.toContain('2026-11-28');
    expect(html).toContain('已吊销');
    expect(latinWords(html, [licence.number, licence.holder.uscc])).toEqual([]);
  });

  it('refuses a bad token, an unknown page and a bad image request in Chinese', async () => {
    const l = await licenceToken();
    const broken = l.token.slice(0, -20);
    const pages: [string, number, string][] = [
      [`/q/${broken}`, 400, '二维码无效'],
      ['/q/not-a-token', 400, '二维码无效'],
      ['/q/%E0%A4%A', 400, '二维码无效'],
    ];
    for (const [path, status, title] of pages) {
      const res = await get(path);
      expectWithMessage(res.status, path).toBe(status);
      expectWithMessage(res.body, path).toContain(`<div class="big">${title}</div>`);
      expectWithMessage(latinWords(res.body), path).toEqual([]);
    }
    const malformed = await get(`/q/${broken}`);
    expect(malformed.body).toContain('二维码内容不完整或格式不正确');

    const png = await get(`/q/${broken}/qr.png`);
    expect(png.status).toBe(400);
    expect(png.type).toBe('text/plain; charset=utf-8');
    expect(png.body).toBe('二维码无效，无法生成图片：二维码内容不完整或格式不正确，可能未扫描完整，或已被改动。');
    const gif = await get(`/q/${l.token}/qr.gif`);
    expect(gif.status).toBe(404);
    expect(gif.type).toBe('text/plain; charset=utf-8');
    expect(latinWords(gif.body, ['qr.png', 'qr.svg'])).toEqual([]);
    expect(gif.body).toContain('不支持的图片格式');
  });
});
