/**
 * Server-side request forgery probes: webhook registration refuses internal destinations in
 * every spelling, deliveries are checked again after DNS resolution, registrants see a status or
 * a short reason (never the reply), at most 64 KB of a reply is read, redirects are not
 * followed, and the notifier's webhook and SMS drivers go through the same guard.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { afterAll, beforeAll, poll } from '../helpers/runner.js';
import { IssueLicenceDocument, RegisterWebhookDocument, WebhooksDocument } from '../generated/graphql.js';
import { aFoodLicenceInput, anEnterprise, aSystemKey, referenceData } from '../helpers/builders.js';
import { startTestHub, testConfig, type TestHub } from '../helpers/hub.js';
import { createNotifier } from '../../src/modules/approvals/notifications/notifier.js';
import { createLogger } from '../../src/platform/logger.js';
import { MAX_REPLY_BYTES, postOutbound } from '../../src/platform/outbound/post.js';
import { STRICT_POLICY } from '../../src/platform/outbound/guard.js';

let hub: TestHub;
let community: { key: string; systemId: string };
let issuer: string;
let holder: string;
let internal: http.Server; // an "internal service" on 127.0.0.1 that must never be reached
let internalHits = 0;
let internalPort = 0;
let allowed: http.Server; // a receiver on 127.0.0.2, allowed by OUTBOUND_ALLOW_HOSTS
let allowedUrl = '';

beforeAll(async () => {
  internal = http.createServer((req, res) => {
    internalHits += 1;
    req.resume();
    res.end('internal secret: redis password is hunter2');
  });
  await new Promise<void>((r) => internal.listen(0, '127.0.0.1', r));
  internalPort = (internal.address() as AddressInfo).port;
  allowed = http.createServer((req, res) => {
    req.resume();
    if (req.url === '/redirect') {
      res.writeHead(302, { location: `http://127.0.0.1:${internalPort}/` }).end();
    } else if (req.url === '/huge') {
      // 8 MB, far beyond what the hub reads; it stops reading (and the write fails) long before.
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 'x');
      let n = 0;
      const more = () => {
        while (n < 128 && res.write(chunk)) n += 1;
        if (n < 128) res.once('drain', more);
        else res.end();
      };
      res.on('error', () => undefined);
      more();
    } else {
      res.statusCode = 500;
      res.end('stack trace of the receiver: internal detail');
    }
  });
  await new Promise<void>((r) => allowed.listen(0, '127.0.0.2', r));
  allowedUrl = `http://127.0.0.2:${(allowed.address() as AddressInfo).port}`;

  hub = await startTestHub({
    FEED_POLL_MS: '50',
    WEBHOOK_INTERVAL_MS: '100',
    WEBHOOK_BACKOFF_MS: '60000',
    OUTBOUND_ALLOW_HOSTS: '127.0.0.2',
  });
  const prisma = hub.platform.prisma;
  await referenceData(prisma);
  const c = await aSystemKey(prisma, 'HC', ['feed:read', 'feed:webhooks']);
  community = { key: c.key, systemId: c.system.id };
  issuer = (await aSystemKey(prisma, 'MR', ['licence:issue'])).key;
  holder = (await anEnterprise(prisma)).uscc;
});
afterAll(async () => {
  await hub.stop();
  await new Promise<void>((r) => internal.close(() => r()));
  await new Promise<void>((r) => allowed.close(() => r()));
});

describe('registration', () => {
  it.each([
    ['loopback', 'http://127.0.0.1:6379/'],
    ['hex IPv4', 'http://0x7f000001/'],
    ['decimal IPv4', 'http://2130706433/'],
    ['short IPv4', 'http://127.1/'],
    ['localhost', 'http://localhost:6379/'],
    ['cloud metadata', 'http://169.254.169.254/latest/meta-data/'],
    ['10/8', 'http://10.0.0.1/'],
    ['172.16/12', 'http://172.16.0.1/'],
    ['192.168/16', 'http://192.168.1.1/'],
    ['IPv6 loopback', 'http://[::1]/'],
    ['IPv4-mapped IPv6', 'http://[::ffff:127.0.0.1]/'],
    ['IPv6 unique local', 'http://[fc00::1]/'],
    ['IPv6 link-local', 'http://[fe80::1]/'],
    ['multicast', 'http://224.0.0.1/'],
    ['unspecified', 'http://0.0.0.0/'],
    ['IPv6 unspecified', 'http://[::]/'],
    ['gopher', 'gopher://example.org/'],
    ['file', 'file:///etc/passwd'],
  ])('refuses %s (%s) with BAD_USER_INPUT and a reason', async (_what, url) => {
    const res = await hub.gql(RegisterWebhookDocument, { url }, community.key);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.extensions?.reason).toEqual(expect.any(String));
  });

  it('accepts a destination on the allow-list', async () => {
    const res = await hub.gql(RegisterWebhookDocument, { url: `${allowedUrl}/ok`, types: ['PENALTY'] }, community.key);
    expect(res.errors).toBeUndefined();
  });
});

describe('delivery', () => {
  it('re-checks after resolution, and shows the registrant a status or a reason, never the reply', async () => {
    const [head] = await hub.platform.prisma.$queryRaw<
      { head: bigint }[]
    >`SELECT COALESCE(max(seq), 0)::bigint AS head FROM "ChangeEvent"`;
    // Rows as if the names had resolved elsewhere at registration (DNS rebinding).
    const internalHook = await hub.platform.prisma.webhook.create({
      data: {
        systemId: community.systemId,
        url: `http://localhost:${internalPort}/`,
        secret: 'whsec_x',
        entityTypes: ['LICENCE'],
        cursor: head!.head,
      },
    });
    const reg = await hub.gql(
      RegisterWebhookDocument,
      { url: `${allowedUrl}/fails`, types: ['LICENCE'] },
      community.key,
    );
    expect(reg.errors).toBeUndefined();
    const res = await hub.gql(IssueLicenceDocument, { input: aFoodLicenceInput(holder) }, issuer);
    expect(res.errors).toBeUndefined();
    const errors = async () => {
      const list = await hub.gql(WebhooksDocument, {}, community.key);
      return Object.fromEntries(list.data!.webhooks.map((w) => [w.id, w.deliveries[0]?.lastError ?? null]));
    };
    await poll(
      async () => {
        const e = await errors();
        return [e[internalHook.id], e[reg.data!.registerWebhook.webhook.id]];
      },
      (v) => expect(v).toEqual(['refused: loopback address', 'HTTP 500']),
      { timeout: 20_000, interval: 200 },
    );
    expect(internalHits).toBe(0);
  });

  it('reads at most 64 KB of a reply and follows no redirect', async () => {
    const policy = { allowPrivate: false, allowHosts: ['127.0.0.2'] };
    const huge = await postOutbound(policy, { url: `${allowedUrl}/huge`, headers: {}, body: '{}', timeoutMs: 10_000 });
    expect(huge.status).toBe(200);
    expect(huge.body.length).toBe(MAX_REPLY_BYTES);
    const redirect = await postOutbound(policy, {
      url: `${allowedUrl}/redirect`,
      headers: {},
      body: '{}',
      timeoutMs: 10_000,
    });
    expect(redirect.status).toBe(302);
    expect(internalHits).toBe(0);
    await expect(
      postOutbound(STRICT_POLICY, {
        url: `http://127.0.0.1:${internalPort}/`,
        headers: {},
        body: '{}',
        timeoutMs: 10_000,
      }),
    ).rejects.toMatchObject({ reason: 'refused: loopback address' });
  });
});

describe('the notifier', () => {
  it.each([
    ['webhook', { NOTIFIER_DRIVER: 'webhook', NOTIFIER_WEBHOOK_URL: `http://127.0.0.1:1/notify` }],
    ['sms', { NOTIFIER_DRIVER: 'sms', SMS_GATEWAY_URL: 'http://169.254.169.254/sms' }],
  ])('the %s driver refuses an internal destination', async (_driver, env) => {
    const notifier = createNotifier(testConfig(env), createLogger('silent'));
    await expect(
      notifier.send({
        id: 'n1',
        kind: 'CASE_ACCEPTED',
        audience: 'APPLICANT',
        recipient: '13800138000',
        text: 'x',
        receiptNumber: null,
        progressUrl: null,
        data: {},
      }),
    ).rejects.toThrow(/refused/);
  });
});
