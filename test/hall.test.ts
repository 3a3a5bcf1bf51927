/**
 * The online hall over HTTP against a real database: SMS sign-in, sessions, booking capacity under
 * concurrency, pre-review into a case, evaluation, complaints, and cross-account access.
 */
import { describe, expect, it } from '@jest/globals';
import { afterAll, beforeAll } from './helpers/runner.js';
import { addDays, fromLocal, shanghaiToday } from '../src/modules/approvals/index.js';
import { book } from '../src/modules/hall/booking.js';
import { hallRound } from '../src/modules/hall/workers.js';
import { supervisionReport } from '../src/modules/supervision/index.js';
import { aDepartment, aSystemKey } from './helpers/builders.js';
import { aHallItem, aMobile, applicantGql, signInOverHttp, smsInbox, type SmsInbox } from './helpers/hall.js';
import { startTestHub, type TestHub } from './helpers/hub.js';

let hub: TestHub;
let inbox: SmsInbox;
let dept: { code: string };
let deptKey: string;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

beforeAll(async () => {
  inbox = await smsInbox();
  hub = await startTestHub({
    NOTIFIER_DRIVER: 'sms',
    SMS_GATEWAY_URL: inbox.url,
    OUTBOUND_ALLOW_HOSTS: '127.0.0.1',
    HALL_UPLOAD_MAX_MB: '0.01',
  });
  dept = await aDepartment(hub.platform.prisma);
  deptKey = (await aSystemKey(hub.platform.prisma, dept.code, ['case:handle', 'booking:admin', 'hall:answer'])).key;
});

afterAll(async () => {
  await hub?.stop();
  await inbox?.close();
});

async function nextWorkingDay(): Promise<string> {
  let d = addDays(shanghaiToday(), 1);
  const { loadWorkingCalendar } = await import('../src/modules/approvals/index.js');
  const cal = await loadWorkingCalendar(hub.platform.prisma);
  while (!cal.isWorkingDay(d)) d = addDays(d, 1);
  return d;
}

async function upload(cookie: string, draftId: string, materialCode: string, bytes: Buffer, name = 'a.pdf') {
  const fd = new FormData();
  fd.set('materialCode', materialCode);
  fd.set('file', new Blob([new Uint8Array(bytes)]), name);
  return fetch(`${hub.url}/hall/drafts/${draftId}/files`, {
    method: 'POST',
    headers: { cookie, origin: hub.url },
    body: fd,
    redirect: 'manual',
  });
}

describe('sign-in', () => {
  it('signs in with the SMS code, refuses a foreign origin, and ends the session on sign-out', async () => {
    const phone = aMobile();
    const cookie = await signInOverHttp(hub.url, inbox, phone);
    const me = await applicantGql<{ hallMe: { phone: string } | null }>(hub.url, cookie, '{ hallMe { phone } }');
    expect(me.data?.hallMe?.phone).toBe(`${phone.slice(0, 3)}****${phone.slice(7)}`);
    // The same cookie from another site's page is not a session.
    const foreign = await fetch(`${hub.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, origin: 'http://evil.example' },
      body: JSON.stringify({ query: '{ hallMe { phone } }' }),
    });
    expect(((await foreign.json()) as { data: { hallMe: unknown } }).data.hallMe).toBeNull();
    const posted = await fetch(`${hub.url}/hall/logout`, {
      method: 'POST',
      headers: { cookie, origin: 'http://evil.example' },
      redirect: 'manual',
    });
    expect(posted.status).toBe(403);
    await fetch(`${hub.url}/hall/logout`, { method: 'POST', headers: { cookie, origin: hub.url }, redirect: 'manual' });
    expect((await applicantGql<{ hallMe: unknown }>(hub.url, cookie, '{ hallMe { phone } }')).data?.hallMe).toBeNull();
    const row = await hub.platform.prisma.hallSmsCode.findFirst({ where: { phone } });
    expect(row?.codeHash).not.toContain(inbox.codeFor(phone));
  });

  it('allows five attempts per code, then refuses even the right one', async () => {
    const phone = aMobile();
    const headers = { origin: hub.url, 'content-type': 'application/x-www-form-urlencoded' };
    await fetch(`${hub.url}/hall/code`, { method: 'POST', headers, body: new URLSearchParams({ phone }) });
    const code = inbox.codeFor(phone)!;
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`${hub.url}/hall/login`, {
        method: 'POST',
        headers,
        body: new URLSearchParams({ phone, code: wrong }),
        redirect: 'manual',
      });
      expect(r.status).toBe(400);
    }
    const r = await fetch(`${hub.url}/hall/login`, {
      method: 'POST',
      headers,
      body: new URLSearchParams({ phone, code }),
      redirect: 'manual',
    });
    expect(r.status).toBe(400);
    expect(r.headers.get('set-cookie')).toBeNull();
  });

  it('rate-limits codes per number', async () => {
    const phone = aMobile();
    const headers = {
      origin: hub.url,
      'content-type': 'application/x-www-form-urlencoded',
      'x-forwarded-for': '10.0.0.1',
    };
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (await fetch(`${hub.url}/hall/code`, { method: 'POST', headers, body: new URLSearchParams({ phone }) })).status,
      );
    expect(statuses).toEqual([200, 200, 200, 200, 200, 400]);
  });

  it('counts codes per client address as the gateway sees it: X-Forwarded-For only through TRUST_PROXY hops', async () => {
    const send = async (url: string, forwardedFor: string) => {
      const res = await fetch(`${url}/hall/code`, {
        method: 'POST',
        headers: { origin: url, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': forwardedFor },
        body: new URLSearchParams({ phone: aMobile() }),
      });
      return res.status === 400 ? ((await res.text()).includes('过于频繁') ? 'limited' : 'bad') : res.status;
    };
    // Counted in memory (no REDIS_URL): only the address is under test, not the store.
    const env = {
      NOTIFIER_DRIVER: 'sms',
      SMS_GATEWAY_URL: inbox.url,
      OUTBOUND_ALLOW_HOSTS: '127.0.0.1',
      REDIS_URL: '',
    };
    // Behind one proxy: each forwarded client has its own count.
    const proxied = await startTestHub({ ...env, TRUST_PROXY: '1', HALL_SMS_PER_ADDRESS_HOUR: '2' });
    try {
      const a = [await send(proxied.url, '203.0.113.7'), await send(proxied.url, '203.0.113.7')];
      expect([...a, await send(proxied.url, '203.0.113.7'), await send(proxied.url, '203.0.113.8')]).toEqual([
        200,
        200,
        'limited',
        200,
      ]);
    } finally {
      await proxied.stop();
    }
    // No trusted proxy: a forged X-Forwarded-For does not buy a fresh count.
    const direct = await startTestHub({ ...env, TRUST_PROXY: '0', HALL_SMS_PER_ADDRESS_HOUR: '2' });
    try {
      const b = [await send(direct.url, '198.51.100.1'), await send(direct.url, '198.51.100.2')];
      expect([...b, await send(direct.url, '198.51.100.3')]).toEqual([200, 200, 'limited']);
    } finally {
      await direct.stop();
    }
  });
});

describe('booking', () => {
  it('never exceeds a slot’s capacity: 200 concurrent attempts on 5 seats, exactly 5 succeed', async () => {
    const item = await aHallItem(hub.platform.prisma, dept.code, 'BOOKING');
    const day = await nextWorkingDay();
    const set = await hub.gql<{ setBookingSlots: { slots: number } }, unknown>(
      'mutation($i: String!, $d: Date!) { setBookingSlots(itemCode: $i, place: DISTRICT_CENTRE, from: $d, to: $d, slots: [{ time: "09:00-10:00", capacity: 5 }]) { slots } }',
      { i: item.code, d: day },
      deptKey,
    );
    expect(set.data?.setBookingSlots.slots).toBe(1);
    const slot = await hub.platform.prisma.bookingSlot.findFirstOrThrow({ where: { itemCode: item.code } });
    const accounts = await Promise.all(
      Array.from({ length: 200 }, () => hub.platform.prisma.hallAccount.create({ data: { phone: aMobile() } })),
    );
    const results = await Promise.allSettled(
      accounts.map((a) => book({ ...hub.platform, caller: { kind: 'applicant', accountId: a.id } }, slot.id)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect((await hub.platform.prisma.bookingSlot.findUniqueOrThrow({ where: { id: slot.id } })).booked).toBe(5);
    expect(await hub.platform.prisma.booking.count({ where: { slotId: slot.id, status: 'BOOKED' } })).toBe(5);
  });

  it('books, reschedules, cancels, reminds the day before; another account cannot touch it', async () => {
    const item = await aHallItem(hub.platform.prisma, dept.code, 'BOOKING');
    const day = await nextWorkingDay();
    await hub.gql(
      'mutation($i: String!, $d: Date!) { setBookingSlots(itemCode: $i, place: DISTRICT_CENTRE, from: $d, to: $d, slots: [{ time: "09:00-10:00", capacity: 1 }, { time: "10:00-11:00", capacity: 1 }]) { slots } }',
      { i: item.code, d: day },
      deptKey,
    );
    const a = await signInOverHttp(hub.url, inbox, aMobile());
    const b = await signInOverHttp(hub.url, inbox, aMobile());
    const slots = await applicantGql<{ bookingSlots: { id: string; time: string }[] }>(
      hub.url,
      a,
      'query($i: String!) { bookingSlots(itemCode: $i) { id time } }',
      { i: item.code },
    );
    const [s1, s2] = slots.data!.bookingSlots;
    const booked = await applicantGql<{ bookSlot: { id: string } }>(
      hub.url,
      a,
      'mutation($s: ID!) { bookSlot(slotId: $s) { id } }',
      { s: s1!.id },
    );
    const id = booked.data!.bookSlot.id;
    const full = await applicantGql(hub.url, b, 'mutation($s: ID!) { bookSlot(slotId: $s) { id } }', { s: s1!.id });
    expect(full.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'SLOT_FULL' });
    const stolen = await applicantGql(hub.url, b, 'mutation($id: ID!) { cancelBooking(id: $id) { id } }', { id });
    expect(stolen.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(
      (await applicantGql<{ myBookings: unknown[] }>(hub.url, b, '{ myBookings { id } }')).data?.myBookings,
    ).toEqual([]);
    const moved = await applicantGql<{ rescheduleBooking: { slot: { time: string } } }>(
      hub.url,
      a,
      'mutation($id: ID!, $s: ID!) { rescheduleBooking(id: $id, slotId: $s) { slot { time } } }',
      { id, s: s2!.id },
    );
    expect(moved.data?.rescheduleBooking.slot.time).toBe('10:00-11:00');
    expect((await hub.platform.prisma.bookingSlot.findUniqueOrThrow({ where: { id: s1!.id } })).booked).toBe(0);
    // The reminder goes out the day before the booking, once.
    const dayBefore = new Date(fromLocal(addDays(day, -1)).getTime() + 4 * 3600_000);
    expect((await hallRound(hub.platform, dayBefore)).reminded).toBeGreaterThanOrEqual(1);
    expect(
      await hub.platform.prisma.notification.count({
        where: { kind: 'BOOKING_REMINDER', payload: { path: ['bookingId'], equals: id } },
      }),
    ).toBe(1);
    await hallRound(hub.platform, dayBefore);
    expect(
      await hub.platform.prisma.notification.count({
        where: { kind: 'BOOKING_REMINDER', payload: { path: ['bookingId'], equals: id } },
      }),
    ).toBe(1);
    const cancelled = await applicantGql<{ cancelBooking: { status: string } }>(
      hub.url,
      a,
      'mutation($id: ID!) { cancelBooking(id: $id) { status } }',
      { id },
    );
    expect(cancelled.data?.cancelBooking.status).toBe('CANCELLED');
    expect((await hub.platform.prisma.bookingSlot.findUniqueOrThrow({ where: { id: s2!.id } })).booked).toBe(0);
  });
});

describe('pre-review, case, evaluation, complaint', () => {
  it('returns once with the list to fix, passes into an accepted ONLINE case, and is evaluated once', async () => {
    const item = await aHallItem(hub.platform.prisma, dept.code);
    const a = await signInOverHttp(hub.url, inbox, aMobile());
    const other = await signInOverHttp(hub.url, inbox, aMobile());
    const created = await applicantGql<{ createDraft: { id: string } }>(
      hub.url,
      a,
      'mutation($i: String!) { createDraft(itemCode: $i, applicantName: "张三", applicantIdNumber: "11010519491231002X") { id } }',
      { i: item.code },
    );
    const draftId = created.data!.createDraft.id;
    expect((await upload(a, draftId, 'FORM', Buffer.from('not a pdf'), 'x.pdf')).status).toBe(400);
    expect((await upload(a, draftId, 'FORM', Buffer.concat([PDF, Buffer.alloc(20_000)]))).status).toBe(400);
    expect((await upload(a, draftId, 'FORM', PDF)).status).toBe(303);
    const file = await hub.platform.prisma.hallFile.findFirstOrThrow({ where: { draftId } });
    expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
    // Files only for their applicant and the item's department.
    expect((await fetch(`${hub.url}/hall/files/${file.id}`, { headers: { cookie: other } })).status).toBe(404);
    expect((await fetch(`${hub.url}/hall/files/${file.id}`)).status).toBe(404);
    expect((await fetch(`${hub.url}/hall/files/${file.id}`, { headers: { cookie: a } })).status).toBe(200);
    expect(
      (await fetch(`${hub.url}/hall/files/${file.id}`, { headers: { authorization: `Bearer ${deptKey}` } })).status,
    ).toBe(200);
    expect(
      (await applicantGql(hub.url, other, 'query($id: ID!) { hallDraft(id: $id) { id } }', { id: draftId })).errors?.[0]
        ?.extensions?.code,
    ).toBe('NOT_FOUND');

    await applicantGql(hub.url, a, 'mutation($id: ID!) { submitDraft(id: $id) { state } }', { id: draftId });
    const review =
      'mutation($id: ID!, $pass: Boolean!, $fixes: [DraftFixInput!]) { preReviewDraft(id: $id, pass: $pass, fixes: $fixes) { state caseId fixes { materialCode note } } }';
    const returned = await hub.gql<{ preReviewDraft: { state: string } }, unknown>(
      review,
      { id: draftId, pass: false, fixes: [{ materialCode: 'ID', note: '请上传身份证复印件' }] },
      deptKey,
    );
    expect(returned.data?.preReviewDraft.state).toBe('RETURNED');
    expect((await upload(a, draftId, 'ID', PDF)).status).toBe(303);
    await applicantGql(hub.url, a, 'mutation($id: ID!) { submitDraft(id: $id) { state } }', { id: draftId });
    const again = await hub.gql(review, { id: draftId, pass: false, fixes: [{ note: '再补' }] }, deptKey);
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_RETURNED' });
    const passed = await hub.gql<{ preReviewDraft: { state: string; caseId: string } }, unknown>(
      review,
      { id: draftId, pass: true },
      deptKey,
    );
    expect(passed.data?.preReviewDraft.state).toBe('PASSED');
    const caseId = passed.data!.preReviewDraft.caseId;
    const c = await hub.platform.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    expect(c).toMatchObject({ channel: 'ONLINE', state: 'ACCEPTED' });
    expect(c.deadline).not.toBeNull();

    const mine = await applicantGql<{ myCases: { id: string; state: string; receiptNumber: string }[] }>(
      hub.url,
      a,
      '{ myCases { id state receiptNumber } }',
    );
    expect(mine.data?.myCases.map((x) => x.id)).toEqual([caseId]);
    expect((await applicantGql<{ myCases: unknown[] }>(hub.url, other, '{ myCases { id } }')).data?.myCases).toEqual(
      [],
    );
    const early = await applicantGql(
      hub.url,
      a,
      'mutation($id: ID!) { evaluateCase(caseId: $id, input: { stars: 5 }) { id } }',
      { id: caseId },
    );
    expect(early.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'NOT_CONCLUDED' });

    for (const m of [
      'undertakeCase(id: $id) { state }',
      'reviewCase(id: $id) { state }',
      'approveCase(id: $id) { state }',
      'concludeCase(id: $id) { case { state } }',
    ]) {
      const r = await hub.gql(`mutation($id: ID!) { ${m} }`, { id: caseId }, deptKey);
      expect(r.errors).toBeUndefined();
    }
    const stolen = await applicantGql(
      hub.url,
      other,
      'mutation($id: ID!) { evaluateCase(caseId: $id, input: { stars: 1 }) { id } }',
      { id: caseId },
    );
    expect(stolen.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const ev = await applicantGql<{ evaluateCase: { stars: number; followUp: boolean } }>(
      hub.url,
      a,
      'mutation($id: ID!) { evaluateCase(caseId: $id, input: { stars: 2, tags: ["等候时间长"], comment: "排队太久" }) { stars followUp } }',
      { id: caseId },
    );
    expect(ev.data?.evaluateCase).toEqual({ stars: 2, followUp: true });
    expect(
      await hub.platform.prisma.notification.count({
        where: { caseId, kind: 'EVALUATION_FOLLOW_UP', recipient: dept.code },
      }),
    ).toBe(1);
    const twice = await hub.gql(
      'mutation($r: String!, $c: String!) { evaluateByReceipt(receiptNumber: $r, verificationCode: $c, input: { stars: 5 }) { id } }',
      { r: c.receiptNumber, c: c.verificationCode },
    );
    expect(twice.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_EVALUATED' });
  });

  it('applies online at once for a FULLY_ONLINE item; a PRE_REVIEW item goes through pre-review, also through the API', async () => {
    const prisma = hub.platform.prisma;
    const direct = await aHallItem(prisma, dept.code, 'FULLY_ONLINE');
    const reviewed = await aHallItem(prisma, dept.code, 'PRE_REVIEW');
    const a = await signInOverHttp(hub.url, inbox, aMobile());
    const draftOf = async (itemCode: string) => {
      const r = await applicantGql<{ createDraft: { id: string } }>(
        hub.url,
        a,
        'mutation($i: String!) { createDraft(itemCode: $i, applicantName: "李四", applicantIdNumber: "11010519491231002X") { id } }',
        { i: itemCode },
      );
      const id = r.data!.createDraft.id;
      expect((await upload(a, id, 'FORM', PDF)).status).toBe(303);
      expect((await upload(a, id, 'ID', PDF)).status).toBe(303);
      return id;
    };
    const apply = 'mutation($id: ID!) { applyDraftOnline(id: $id) { state caseId } }';

    // FULLY_ONLINE: no department review; the case is accepted at once, its events name no system.
    const d1 = await draftOf(direct.code);
    const applied = await applicantGql<{ applyDraftOnline: { state: string; caseId: string } }>(hub.url, a, apply, {
      id: d1,
    });
    expect(applied.data?.applyDraftOnline.state).toBe('PASSED');
    const c1 = await prisma.case.findUniqueOrThrow({
      where: { id: applied.data!.applyDraftOnline.caseId },
      include: { events: true },
    });
    expect(c1).toMatchObject({ channel: 'ONLINE', state: 'ACCEPTED', fullyOnline: true, itemCode: direct.code });
    expect(c1.events.map((e) => [e.action, e.actorSystemId])).toEqual([
      ['SUBMITTED', null],
      ['ACCEPTED', null],
    ]);
    const again = await applicantGql(hub.url, a, apply, { id: d1 });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'NOT_EDITABLE' });

    // PRE_REVIEW: the applicant cannot skip the review; the draft stays editable and no case is made.
    const d2 = await draftOf(reviewed.code);
    const skipped = await applicantGql(hub.url, a, apply, { id: d2 });
    expect(skipped.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'PRE_REVIEW_REQUIRED' });
    expect((await prisma.hallDraft.findUniqueOrThrow({ where: { id: d2 } })).state).toBe('EDITING');
    expect(await prisma.case.count({ where: { itemCode: reviewed.code } })).toBe(0);

    // Through the API a department's window takes a FULLY_ONLINE item online, never a PRE_REVIEW one.
    const windowKey = (await aSystemKey(prisma, dept.code, ['case:accept'])).key;
    const submit =
      'mutation($i: String!) { submitCase(input: { item: $i, channel: ONLINE, applicantName: "李四", applicantIdNumber: "11010519491231002X", applicantPhone: "13900139000", materials: [{ code: "FORM" }, { code: "ID" }] }) { accepted } }';
    const ok = await hub.gql<{ submitCase: { accepted: boolean } }, unknown>(submit, { i: direct.code }, windowKey);
    expect(ok.errors).toBeUndefined();
    expect(ok.data?.submitCase.accepted).toBe(true);
    const refused = await hub.gql(submit, { i: reviewed.code }, windowKey);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PRE_REVIEW_REQUIRED' });
    expect(await prisma.case.count({ where: { itemCode: reviewed.code } })).toBe(0);

    // Pre-review stays possible (optional) for the FULLY_ONLINE item.
    const d3 = await draftOf(direct.code);
    await applicantGql(hub.url, a, 'mutation($id: ID!) { submitDraft(id: $id) { state } }', { id: d3 });
    const passed = await hub.gql<{ preReviewDraft: { state: string; caseId: string } }, unknown>(
      'mutation($id: ID!) { preReviewDraft(id: $id, pass: true) { state caseId } }',
      { id: d3 },
      deptKey,
    );
    expect(passed.data?.preReviewDraft.state).toBe('PASSED');
    const c3 = await prisma.case.findUniqueOrThrow({
      where: { id: passed.data!.preReviewDraft.caseId },
      include: { events: true },
    });
    expect(c3.events.every((e) => e.actorSystemId !== null && e.actorDepartmentCode === dept.code)).toBe(true);
  });

  it('routes a complaint to the department, escalates it when late, and shows the answer to its applicant only', async () => {
    const a = await signInOverHttp(hub.url, inbox, aMobile());
    const other = await signInOverHttp(hub.url, inbox, aMobile());
    const opened = await applicantGql<{ openTicket: { id: string; light: string; dueOn: string } }>(
      hub.url,
      a,
      'mutation($d: String!) { openTicket(kind: COMPLAINT, subject: "窗口态度", body: "工作人员态度不好", departmentCode: $d) { id light dueOn } }',
      { d: dept.code },
    );
    const t = opened.data!.openTicket;
    expect(t.light).toBe('GREEN');
    expect(
      (await applicantGql(hub.url, other, 'query($id: ID!) { myTicket(id: $id) { id } }', { id: t.id })).errors?.[0]
        ?.extensions?.code,
    ).toBe('NOT_FOUND');
    const listed = await hub.gql<{ hallTickets: { id: string }[] }, unknown>(
      '{ hallTickets(openOnly: true) { id } }',
      {},
      deptKey,
    );
    expect(listed.data?.hallTickets.map((x) => x.id)).toContain(t.id);
    const late = new Date(fromLocal(addDays(t.dueOn, 2)).getTime() + 4 * 3600_000);
    await hallRound(hub.platform, late);
    const row = await hub.platform.prisma.hallTicket.findUniqueOrThrow({ where: { id: t.id } });
    expect(row.escalatedAt).not.toBeNull();
    expect(
      await hub.platform.prisma.notification.count({
        where: { kind: 'TICKET_ESCALATED', recipient: 'SUPERVISION', payload: { path: ['ticketId'], equals: t.id } },
      }),
    ).toBe(1);
    await hub.gql(
      'mutation($id: ID!) { answerTicket(id: $id, answer: "已核实并批评教育") { id } }',
      { id: t.id },
      deptKey,
    );
    const seen = await applicantGql<{ myTicket: { answer: string } }>(
      hub.url,
      a,
      'query($id: ID!) { myTicket(id: $id) { answer } }',
      { id: t.id },
    );
    expect(seen.data?.myTicket.answer).toBe('已核实并批评教育');
    const stats = await hub.gql<{ hallStatistics: { complaints: number; complaintsAnswered: number } }, unknown>(
      'query($d: String!) { hallStatistics(departmentCode: $d) { complaints complaintsAnswered satisfactionRate bookingSuccessRate } }',
      { d: dept.code },
    );
    expect(stats.data?.hallStatistics).toMatchObject({ complaints: 1, complaintsAnswered: 1 });
  });
});

describe('statistics', () => {
  it('hallStatistics counts satisfaction, complaints on time, consultations and booking success; supervision reports the same', async () => {
    const prisma = hub.platform.prisma;
    const d = await aDepartment(prisma);
    const item = await aHallItem(prisma, d.code, 'BOOKING');
    const account = await prisma.hallAccount.create({ data: { phone: aMobile() } });
    const today = shanghaiToday();
    const from = addDays(today, -20);
    const to = addDays(today, 7);
    // Bookings: a past day with kept, kept, missed, cancelled; a future day booked (not yet held).
    const slot = (day: string) =>
      prisma.bookingSlot.create({
        data: { place: 'DISTRICT_CENTRE', itemCode: item.code, day: fromLocal(day), slot: '09:00-10:00', capacity: 5 },
      });
    const past = await slot(addDays(today, -3));
    const future = await slot(addDays(today, 3));
    for (const status of ['KEPT', 'KEPT', 'MISSED', 'CANCELLED'] as const)
      await prisma.booking.create({ data: { slotId: past.id, accountId: account.id, status } });
    await prisma.booking.create({ data: { slotId: future.id, accountId: account.id } });
    // Evaluations 5, 4, 2 (the 2 opens a follow-up).
    for (const stars of [5, 4, 2])
      await prisma.evaluation.create({
        data: {
          caseId: crypto.randomUUID(),
          departmentCode: d.code,
          itemCode: item.code,
          stars,
          tags: [],
          channel: 'RECEIPT',
          followUp: stars <= 2,
        },
      });
    // Complaints: answered on time, answered late, unanswered past due, unanswered not yet due; consultations: answered, open.
    const ticket = (kind: 'COMPLAINT' | 'CONSULTATION', dueOn: string, answeredOn: string | null) =>
      prisma.hallTicket.create({
        data: {
          kind,
          accountId: account.id,
          departmentCode: d.code,
          subject: 's',
          body: 'b',
          dueOn: fromLocal(dueOn),
          ...(answeredOn ? { answer: 'a', answeredOn: fromLocal(answeredOn), answeredAt: new Date() } : {}),
        },
      });
    await ticket('COMPLAINT', addDays(today, -5), addDays(today, -6));
    await ticket('COMPLAINT', addDays(today, -5), addDays(today, -2));
    await ticket('COMPLAINT', addDays(today, -1), null);
    await ticket('COMPLAINT', addDays(today, 4), null);
    await ticket('CONSULTATION', addDays(today, 4), today);
    await ticket('CONSULTATION', addDays(today, 4), null);

    const stats = await hub.gql<{ hallStatistics: Record<string, number | null> }, unknown>(
      'query($d: String!, $f: Date!, $t: Date!) { hallStatistics(departmentCode: $d, from: $f, to: $t) { evaluations averageStars satisfactionRate lowScores followUpsOpen complaints complaintsAnswered complaintsAnsweredOnTime complaintsOnTimeRate consultations consultationsAnswered bookings bookingsCancelled bookingsKept bookingSuccessRate } }',
      { d: d.code, f: from, t: to },
    );
    expect(stats.errors).toBeUndefined();
    const expected = {
      evaluations: 3,
      averageStars: 3.67,
      satisfactionRate: 0.6667,
      lowScores: 1,
      followUpsOpen: 1,
      complaints: 4,
      complaintsAnswered: 2,
      complaintsAnsweredOnTime: 1,
      complaintsOnTimeRate: 0.3333,
      consultations: 2,
      consultationsAnswered: 1,
      bookings: 4,
      bookingsCancelled: 1,
      bookingsKept: 2,
      bookingSuccessRate: 0.6667,
    };
    expect(stats.data?.hallStatistics).toEqual(expected);

    // The supervision report's row of the department (it has a case in the period) carries the same figures.
    const windowKey = (await aSystemKey(prisma, d.code, ['case:accept'])).key;
    const submitted = await hub.gql(
      'mutation($i: String!) { submitCase(input: { item: $i, channel: WINDOW, acceptancePlace: DISTRICT_CENTRE, applicantName: "王五", applicantIdNumber: "11010519491231002X", applicantPhone: "13900139000", materials: [{ code: "FORM" }, { code: "ID" }] }) { accepted } }',
      { i: item.code },
      windowKey,
    );
    expect(submitted.errors).toBeUndefined();
    const report = await supervisionReport(prisma, from, to);
    const row = report.departments.find((r) => r.departmentCode === d.code);
    expect(row?.hall).toEqual({
      evaluations: expected.evaluations,
      satisfactionRate: expected.satisfactionRate,
      complaints: expected.complaints,
      complaintsAnsweredOnTime: expected.complaintsAnsweredOnTime,
      complaintsOnTimeRate: expected.complaintsOnTimeRate,
      consultations: expected.consultations,
      bookingSuccessRate: expected.bookingSuccessRate,
    });
  });
});
