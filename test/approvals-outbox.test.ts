/**
 * The notification outbox under a failing notifier: a local webhook that refuses the first
 * requests. Case transactions commit regardless, every message is retried with backoff until
 * delivered, and nothing is lost or sent twice after success.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HOOK_TIMEOUT } from './helpers/runner.js';
import { seedCatalogue } from '../prisma/seed/cases.js';
import { backoffMs, emitTrafficLightReminders, startApprovalWorkers } from '../src/modules/approvals/workers.js';
import { SubmitCaseDocument } from './generated/graphql.js';
import { anEnterprise, aSystemKey, referenceData } from './helpers/builders.js';
import { startTestHub, type TestHub } from './helpers/hub.js';

const FAIL_FIRST = 3;
let received: { id: string; kind: string; recipient: string; text: string; status: number }[] = [];
let server: http.Server;
let hub: TestHub;
let window: string;
let uscc: string;

beforeAll(async () => {
  let requests = 0;
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests += 1;
      const status = requests <= FAIL_FIRST ? 503 : 200;
      const m = JSON.parse(body) as { id: string; kind: string; recipient: string; text: string };
      received.push({ id: m.id, kind: m.kind, recipient: m.recipient, text: m.text, status });
      res.writeHead(status).end(status === 200 ? 'ok' : 'gateway down');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  hub = await startTestHub({
    NOTIFIER_DRIVER: 'webhook',
    NOTIFIER_WEBHOOK_URL: `http://127.0.0.1:${port}/notify`,
    OUTBOUND_ALLOW_HOSTS: '127.0.0.1',
    NOTIFIER_INTERVAL_MS: '20',
    NOTIFIER_BACKOFF_MS: '10',
    REMINDER_INTERVAL_MS: '3600000',
  });
  await referenceData(hub.platform.prisma);
  await seedCatalogue(hub.platform.prisma);
  // Earlier test files may have left open cases and messages in the shared database: settle their
  // lights now and set their messages aside, so that only this test's messages are delivered.
  await emitTrafficLightReminders(hub.platform);
  await hub.platform.prisma.notification.updateMany({
    where: { status: 'PENDING' },
    data: { status: 'FAILED', lastError: 'left by an earlier test' },
  });
  window = (await aSystemKey(hub.platform.prisma, 'GSC', ['case:accept'])).key;
  uscc = (await anEnterprise(hub.platform.prisma)).uscc;
}, HOOK_TIMEOUT);
afterAll(async () => {
  await hub.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}, HOOK_TIMEOUT);

describe('notification outbox', () => {
  it('commits cases while the notifier is down, retries with backoff, and delivers every message exactly once after success', async () => {
    received = [];
    const prisma = hub.platform.prisma;
    // The notifier is not running yet, and would fail: the case transactions do not wait for it.
    const cases = [];
    for (let i = 0; i < 3; i++) {
      const res = await hub.gql(
        SubmitCaseDocument,
        {
          input: {
            item: 'HZ-MR-005',
            channel: 'WINDOW',
            acceptancePlace: 'DISTRICT_CENTRE',
            applicantUscc: uscc,
            applicantName: '广州测试餐饮有限公司',
            applicantPhone: `1390013900${i}`,
            materials: i === 2 ? [{ code: 'M01' }] : ['M01', 'M02', 'M03', 'M04'].map((code) => ({ code })),
          },
        },
        window,
      );
      expect(res.errors).toBeUndefined();
      cases.push(res.data!.submitCase.case);
    }
    expect(await prisma.case.count({ where: { id: { in: cases.map((c) => c.id) } } })).toBe(3);
    const outbox = await prisma.notification.findMany({ where: { caseId: { in: cases.map((c) => c.id) } } });
    expect(outbox.map((n) => n.kind).sort()).toEqual(['ACCEPTED', 'ACCEPTED', 'MATERIALS_MISSING']);
    expect(outbox.every((n) => n.status === 'PENDING' && n.attempts === 0)).toBe(true);

    // The workers run alone meanwhile: the embedded test database does not like concurrent polling.
    const workers = startApprovalWorkers(hub.platform);
    try {
      await new Promise((r) => setTimeout(r, 2000));
    } finally {
      await workers.stop();
    }
    const after = await prisma.notification.findMany({ where: { id: { in: outbox.map((n) => n.id) } } });
    // Three refusals spread over the messages: total attempts = messages + refusals.
    expect(after.reduce((sum, n) => sum + n.attempts, 0)).toBe(3 + FAIL_FIRST);
    expect(after.some((n) => n.attempts > 1)).toBe(true);
    expect(after.every((n) => n.sentAt !== null && n.lastError === null)).toBe(true);
    // Every message arrived, each accepted exactly once; the failed tries were retried, not lost.
    const delivered = received
      .filter((r) => r.status === 200)
      .map((r) => r.id)
      .sort();
    expect(delivered).toEqual(outbox.map((n) => n.id).sort());
    expect(received.filter((r) => r.status !== 200)).toHaveLength(FAIL_FIRST);
    const texts = received
      .filter((r) => r.status === 200)
      .map((r) => r.text)
      .join('\n');
    for (const c of cases) expect(texts).toContain(c.receiptNumber);
  });

  it('keeps a message that never gets through as FAILED after the last attempt, with the error', async () => {
    const prisma = hub.platform.prisma;
    const { deliverDueNotifications } = await import('../src/modules/approvals/workers.js');
    const n = await prisma.notification.create({
      data: {
        kind: 'ACCEPTED',
        audience: 'APPLICANT',
        recipient: '13900000000',
        payload: { text: 'x', receiptNumber: 'HZ0' },
      },
    });
    const failing = { name: 'failing', send: () => Promise.reject(new Error('SMS gateway unreachable')) };
    const platform = {
      ...hub.platform,
      config: { ...hub.platform.config, notifier: { ...hub.platform.config.notifier, maxAttempts: 2, backoffMs: 1 } },
    };
    await deliverDueNotifications(platform, failing);
    let row = await prisma.notification.findUniqueOrThrow({ where: { id: n.id } });
    expect(row).toMatchObject({ status: 'PENDING', attempts: 1, lastError: 'SMS gateway unreachable' });
    await new Promise((r) => setTimeout(r, 20));
    await deliverDueNotifications(platform, failing);
    row = await prisma.notification.findUniqueOrThrow({ where: { id: n.id } });
    expect(row).toMatchObject({ status: 'FAILED', attempts: 2, lastError: 'SMS gateway unreachable' });
  });

  it('backs off exponentially, capped at an hour', () => {
    expect([1, 2, 3, 4].map((a) => backoffMs(1000, a))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(1000, 30)).toBe(3_600_000);
  });
});
