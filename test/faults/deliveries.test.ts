/**
 * A change-feed webhook receiver and the SMS gateway down for a long stretch (backoffs of 50 ms
 * doubling, so the stretch is many attempts long), then back but losing the first response of
 * each message (it processes, then drops the connection): every delivery is retried with a
 * growing delay, none is lost, and none is processed twice, because every attempt of a message
 * carries the same Idempotency-Key. The hub's own workers do the sending.
 */
import http from 'node:http';
import { expect, it } from '@jest/globals';
import { afterAll, beforeAll, describeSkipIf, inject, poll } from '../helpers/runner.js';
import { aFoodCaseInput, anEnterprise, anEnterpriseInput, aSystemKey, referenceData } from '../helpers/builders.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { RegisterEnterpriseDocument, RegisterWebhookDocument, SubmitCaseDocument } from '../generated/graphql.js';
import { seedCatalogue } from '../../prisma/seed/cases.js';
import { freePort } from '../../bench/processes.js';

const reason = inject('databaseEmbedded')
  ? 'needs PostgreSQL (DATABASE_URL): background workers and the test would queue on the one embedded session'
  : '';

/** A receiver that remembers what it processed, by idempotency key, and can lose its first answers. */
class Receiver {
  server: http.Server | undefined;
  readonly processed = new Map<string, number>();
  readonly received = new Map<string, number>();
  dropFirstAnswer = true;
  constructor(readonly port: number) {}

  async up(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const key = req.headers['idempotency-key'];
      req.resume();
      req.on('end', () => {
        if (typeof key !== 'string') {
          res.writeHead(400).end();
          return;
        }
        this.received.set(key, (this.received.get(key) ?? 0) + 1);
        if (this.processed.has(key)) {
          // Seen before: acknowledge without doing it again.
          res.writeHead(200).end('duplicate');
          return;
        }
        this.processed.set(key, 1);
        if (this.dropFirstAnswer) {
          // Processed, but the answer never reaches the hub.
          req.socket.destroy();
          return;
        }
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', () => r()));
  }

  async down(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
}

describeSkipIf(reason !== '', reason)('webhook receiver and SMS gateway down, then losing answers', () => {
  let hub: TestHub;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = new Receiver(await freePort());
    hub = await startTestHub({
      OUTBOUND_ALLOW_PRIVATE: 'true',
      WEBHOOK_WORKER: 'on',
      WEBHOOK_INTERVAL_MS: '50',
      WEBHOOK_BACKOFF_MS: '50',
      WEBHOOK_MAX_ATTEMPTS: '30',
      WEBHOOK_TIMEOUT_MS: '1000',
      APPROVAL_WORKERS: 'on',
      NOTIFIER_DRIVER: 'sms',
      SMS_GATEWAY_URL: `http://127.0.0.1:${receiver.port}/sms`,
      NOTIFIER_INTERVAL_MS: '50',
      NOTIFIER_BACKOFF_MS: '50',
      NOTIFIER_MAX_ATTEMPTS: '30',
      NOTIFIER_TIMEOUT_MS: '1000',
    });
    const prisma = hub.platform.prisma;
    await referenceData(prisma);
    await seedCatalogue(prisma);
  });
  afterAll(async () => {
    await hub?.stop();
    await receiver?.down();
  });

  it('retries with backoff while they are down, delivers every message once when they return', async () => {
    const prisma = hub.platform.prisma;
    const feed = (await aSystemKey(prisma, 'MR', ['feed:read', 'feed:webhooks', 'enterprise:register'])).key;
    const window = (await aSystemKey(prisma, 'GSC', ['case:accept'])).key;
    const hook = await hub.gql(
      RegisterWebhookDocument,
      { url: `http://127.0.0.1:${receiver.port}/hook`, types: ['ENTERPRISE'] },
      feed,
    );
    expect(hook.errors).toBeUndefined();
    const webhookId = hook.data!.registerWebhook.webhook.id;

    // While both are down: 6 enterprises (feed events) and 3 cases (SMS to the applicant).
    const usccs: string[] = [];
    for (let i = 0; i < 6; i++) {
      const input = anEnterpriseInput('MR');
      expect((await hub.gql(RegisterEnterpriseDocument, { input }, feed)).errors).toBeUndefined();
      usccs.push(input.uscc);
    }
    const holder = await anEnterprise(prisma);
    const cases: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await hub.gql(
        SubmitCaseDocument,
        {
          input: aFoodCaseInput(holder),
        },
        window,
        { 'x-purpose': 'case handling' },
      );
      expect(res.errors).toBeUndefined();
      cases.push(res.data!.submitCase.case.id);
    }
    const notifications = await prisma.notification.findMany({ where: { caseId: { in: cases } } });
    expect(notifications.length).toBeGreaterThanOrEqual(3);

    // Down for a long stretch (in backoff terms): several attempts each, spaced further and further apart.
    await poll(
      async () => ({
        hooks: await prisma.webhookDelivery.findMany({ where: { webhookId } }),
        sms: await prisma.notification.findMany({ where: { caseId: { in: cases } } }),
      }),
      ({ hooks, sms }) => {
        expect(hooks).toHaveLength(usccs.length);
        for (const d of [...hooks, ...sms]) {
          expect(d.status).toBe('PENDING');
          expect(d.attempts).toBeGreaterThanOrEqual(4);
        }
      },
      { timeout: 30_000, interval: 200 },
    );
    const pending = await prisma.webhookDelivery.findFirstOrThrow({ where: { webhookId } });
    // After n failures the next attempt waits 50 ms × 2^(n-1): the gaps grow, the hub does not hammer.
    const attemptsSoFar = pending.attempts;
    await new Promise((r) => setTimeout(r, 1000));
    const later = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: pending.id } });
    expect(later.attempts - attemptsSoFar).toBeLessThanOrEqual(3);
    expect(later.lastError).toBeTruthy();
    expect(receiver.received.size).toBe(0);

    // Back, but every first answer is lost after the message was processed.
    await receiver.up();
    await poll(
      async () => ({
        hooks: await prisma.webhookDelivery.findMany({ where: { webhookId } }),
        sms: await prisma.notification.findMany({ where: { caseId: { in: cases } } }),
      }),
      ({ hooks, sms }) => {
        for (const d of hooks) expect(d.status).toBe('DELIVERED');
        for (const n of sms) expect(n.status).toBe('SENT');
      },
      { timeout: 60_000, interval: 250 },
    );
    const events = await prisma.changeEvent.findMany({ where: { entityType: 'ENTERPRISE', entityId: { in: usccs } } });
    const hookKeys = events.map((e) => `${webhookId}:${e.seq}`);
    const smsKeys = notifications.map((n) => n.id);
    for (const key of [...hookKeys, ...smsKeys]) {
      // Processed exactly once, though sent at least twice (the first answer was lost).
      expect({ key, processed: receiver.processed.get(key) }).toEqual({ key, processed: 1 });
      expect(receiver.received.get(key) ?? 0).toBeGreaterThanOrEqual(2);
    }
    process.stdout.write(
      `deliveries: ${hookKeys.length} webhook + ${smsKeys.length} SMS, ${[...receiver.received.values()].reduce((a, b) => a + b, 0)} requests received by the receiver after it returned\n`,
    );
  }, 150_000);
});
