/**
 * The change feed through the gateway on a real database: changes in cursor order, resuming,
 * the gap rule (a transaction that commits later with a lower seq is not skipped), webhooks
 * with retries and signatures, and the community-platform key that reads but cannot write.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectWithMessage, HOOK_TIMEOUT, inject, itSkipIf, poll } from './helpers/runner.js';
import {
  ChangesDocument,
  DecidePenaltyDocument,
  DeleteWebhookDocument,
  IssueLicenceDocument,
  LicenceByIdDocument,
  RegisterEnterpriseDocument,
  RegisterWebhookDocument,
  SuspendLicenceDocument,
  WebhooksDocument,
} from './generated/graphql.js';
import {
  aFoodLicenceInput,
  anEnterprise,
  anEnterpriseInput,
  aSystemKey,
  referenceData,
  uniqueCode,
} from './helpers/builders.js';
import { startTestHub, type TestHub } from './helpers/hub.js';
import { recordChanges } from '../src/platform/outbox.js';

let hub: TestHub;
let issuer: string; // market regulation: issues and suspends food licences
let reader: string; // a department system with feed:read
let community: string; // the community platform: feed:read and feed:webhooks only
let holder: string;

beforeAll(async () => {
  hub = await startTestHub({
    FEED_POLL_MS: '50',
    WEBHOOK_INTERVAL_MS: '100',
    WEBHOOK_BACKOFF_MS: '50',
    WEBHOOK_MAX_ATTEMPTS: '5',
    // The receivers of these tests listen on loopback (test/security/outbound.test.ts covers the default).
    OUTBOUND_ALLOW_PRIVATE: 'true',
  });
  const prisma = hub.platform.prisma;
  await referenceData(prisma);
  issuer = (
    await aSystemKey(prisma, 'MR', ['licence:issue', 'licence:suspend', 'penalty:decide', 'enterprise:register'])
  ).key;
  reader = (await aSystemKey(prisma, 'MR', ['feed:read'])).key;
  community = (await aSystemKey(prisma, 'HC', ['feed:read', 'feed:webhooks'])).key;
  holder = (await anEnterprise(prisma)).uscc;
}, HOOK_TIMEOUT);
afterAll(() => hub.stop(), HOOK_TIMEOUT);

/** The newest seq now: a cursor from which a test reads only its own events. */
async function headCursor(): Promise<string> {
  const [row] = await hub.platform.prisma.$queryRaw<
    { head: bigint }[]
  >`SELECT COALESCE(max(seq), 0)::bigint AS head FROM "ChangeEvent"`;
  return String(row!.head);
}

async function issue(): Promise<string> {
  const res = await hub.gql(IssueLicenceDocument, { input: aFoodLicenceInput(holder) }, issuer);
  expect(res.errors).toBeUndefined();
  return res.data!.issueLicence.id;
}

async function changes(after: string, types?: ('LICENCE' | 'ENTERPRISE' | 'PENALTY')[], key = reader, first?: number) {
  const res = await hub.gql(ChangesDocument, { after, types, first }, key);
  expect(res.errors).toBeUndefined();
  return res.data!.changes;
}

describe('changes', () => {
  it('returns a mutation’s changes in cursor order with the entity refs resolved', async () => {
    const start = await headCursor();
    const id = await issue();
    await hub.gql(SuspendLicenceDocument, { id, reason: '整改期间暂停' }, issuer);
    const page = await changes(start, ['LICENCE']);
    const mine = page.events.filter((e) => e.entityId === id);
    expect(mine.map((e) => [e.action, e.revision])).toEqual([
      ['CREATED', 1],
      ['SUSPENDED', 2],
    ]);
    expect(mine[0]).toMatchObject({
      entityType: 'LICENCE',
      department: { code: 'MR' },
      licence: { id },
      enterprise: null,
    });
    expect(JSON.parse(mine[1]!.changes)).toMatchObject({ status: 'SUSPENDED', reason: '整改期间暂停' });
    const cursors = page.events.map((e) => BigInt(e.cursor));
    expect(cursors).toEqual([...cursors].sort((a, b) => (a < b ? -1 : 1)));
    expect(page.endCursor).toBe(page.events.at(-1)!.cursor);
    expect(page.hasMore).toBe(false);
  });

  it('resumes from a cursor with only later events, pages with first/hasMore, and filters by type', async () => {
    const start = await headCursor();
    const ids = [await issue(), await issue(), await issue()];
    const p1 = await changes(start, ['LICENCE'], reader, 2);
    expect(p1.events.map((e) => e.entityId)).toEqual(ids.slice(0, 2));
    expect(p1.hasMore).toBe(true);
    const p2 = await changes(p1.endCursor, ['LICENCE']);
    expect(p2.events.map((e) => e.entityId)).toEqual(ids.slice(2));
    expect(p2.hasMore).toBe(false);
    const penalties = await changes(start, ['PENALTY']);
    expect(penalties.events).toEqual([]);
    // Skipped events of other types still move the cursor on.
    expect(BigInt(penalties.endCursor)).toBeGreaterThanOrEqual(BigInt(p2.events.at(-1)!.cursor));
    expect((await changes(p2.endCursor)).events).toEqual([]);
  });

  // PGlite serves one connection at a time: no concurrent transactions.
  const itOnPostgres = itSkipIf(inject('databaseEmbedded'), 'the embedded database has no concurrent transactions');
  itOnPostgres('never skips a transaction that commits later with a lower seq (the gap rule)', async () => {
    const start = await headCursor();
    const raw = new pg.Client({ connectionString: hub.platform.databaseUrl });
    await raw.connect();
    try {
      await raw.query('BEGIN');
      const first = await raw.query<{ seq: string }>(
        `INSERT INTO "ChangeEvent" ("entityType", "entityId", action, changes) VALUES ('LICENCE', 'gap-test', 'TEST', '{}') RETURNING seq::text`,
      );
      const firstSeq = first.rows[0]!.seq;
      const secondId = await issue(); // committed, with a higher seq
      const whileOpen = await changes(start);
      expect(whileOpen.events.map((e) => e.entityId)).not.toContain(secondId);
      expect(whileOpen.events.map((e) => e.cursor)).not.toContain(firstSeq);
      expect(whileOpen.endCursor).toBe(start);
      await raw.query('COMMIT');
      const afterCommit = await changes(whileOpen.endCursor);
      const both = afterCommit.events.filter((e) => e.entityId === 'gap-test' || e.entityId === secondId);
      expect(both.map((e) => e.entityId)).toEqual(['gap-test', secondId]);
      expect(both[0]!.cursor).toBe(firstSeq);
    } finally {
      await raw.query('ROLLBACK').catch(() => undefined);
      await raw.end();
    }
  });

  itOnPostgres('is not held back by a writing transaction in another database of the server', async () => {
    // A long bulk load or migration of another application sharing the PostgreSQL server.
    const elsewhere = new URL(hub.platform.databaseUrl);
    elsewhere.pathname = '/postgres';
    const other = new pg.Client({ connectionString: elsewhere.toString() });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_current_xact_id()'); // it now holds a transaction id, as a writer does
      const start = await headCursor();
      const id = await issue();
      const page = await changes(start);
      expect(page.events.map((e) => e.entityId)).toContain(id);
      expect(BigInt(page.endCursor)).toBeGreaterThan(BigInt(start));
    } finally {
      await other.query('ROLLBACK').catch(() => undefined);
      await other.end();
    }
  });

  it('refuses the public and systems without feed:read, and bad arguments', async () => {
    const anonymous = await hub.gql(ChangesDocument, {});
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const noScope = await hub.gql(ChangesDocument, {}, issuer);
    expect(noScope.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await hub.gql(ChangesDocument, { after: 'abc' }, reader)).errors?.[0]?.extensions?.code).toBe(
      'BAD_USER_INPUT',
    );
    expect((await hub.gql(ChangesDocument, { first: 501 }, reader)).errors?.[0]?.extensions?.code).toBe(
      'BAD_USER_INPUT',
    );
  });
});

describe('community-platform key (feed:read, feed:webhooks)', () => {
  it('reads licences and the feed but every write refuses it, writing nothing', async () => {
    const id = await issue();
    expect((await hub.gql(LicenceByIdDocument, { id }, community)).data?.licence?.id).toBe(id);
    expect((await changes('0', ['LICENCE'], community, 1)).events).toHaveLength(1);

    // Other test files write into the same database meanwhile: look at what these writes would have made.
    const prisma = hub.platform.prisma;
    const licenceInput = aFoodLicenceInput(holder);
    const enterpriseInput = anEnterpriseInput('MR');
    const decisionNumber = uniqueCode('穗海市监罚〔2025〕');
    const suspended = await prisma.licence.findUniqueOrThrow({ where: { id } });
    const eventsOf = () => prisma.changeEvent.count({ where: { entityId: id } });
    const eventsBefore = await eventsOf();
    const writes = [
      await hub.gql(IssueLicenceDocument, { input: licenceInput }, community),
      await hub.gql(SuspendLicenceDocument, { id, reason: '越权' }, community),
      await hub.gql(RegisterEnterpriseDocument, { input: enterpriseInput }, community),
      await hub.gql(
        DecidePenaltyDocument,
        {
          input: {
            decisionNumber,
            enterprise: holder,
            facts: '超范围经营。',
            legalBasis: '《中华人民共和国食品安全法》第一百二十二条',
            kinds: ['FINE'],
            fineAmount: '5000.00',
            decidedOn: '2025-09-01',
          },
        },
        community,
      ),
    ];
    for (const w of writes) expect(w.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await prisma.licence.count({ where: { number: licenceInput.number } })).toBe(0);
    expect(await prisma.licence.findUniqueOrThrow({ where: { id } })).toEqual(suspended);
    expect(await prisma.enterprise.count({ where: { uscc: enterpriseInput.uscc } })).toBe(0);
    expect(await prisma.penalty.count({ where: { decisionNumber } })).toBe(0);
    expect(await eventsOf()).toBe(eventsBefore);
    const communityKey = await prisma.apiKey.findUniqueOrThrow({ where: { id: community.split('_')[1] } });
    expect(await prisma.changeEvent.count({ where: { systemId: communityKey.systemId } })).toBe(0);
  });
});

describe('webhooks', () => {
  it('a receiver that hangs with a long backlog does not hold back another receiver', async () => {
    // A receiver that accepts connections and never answers: every attempt waits for the timeout.
    const hanging = http.createServer(() => undefined);
    const healthy: string[] = [];
    const ok = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        healthy.push(body);
        res.end('ok');
      });
    });
    await Promise.all([hanging, ok].map((srv) => new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))));
    const urlOf = (srv: http.Server) => `http://127.0.0.1:${(srv.address() as AddressInfo).port}/hook`;
    const stuck = (await hub.gql(RegisterWebhookDocument, { url: urlOf(hanging), types: ['LICENCE'] }, community)).data!
      .registerWebhook.webhook;
    try {
      // 200 events for the hanging receiver: four full claims of the oldest due deliveries.
      await hub.platform.prisma.$transaction((tx) =>
        recordChanges(
          tx,
          Array.from({ length: 200 }, (_, i) => ({
            entityType: 'LICENCE' as const,
            entityId: `backlog-${i}`,
            action: 'TEST',
            actor: null,
            changes: {},
          })),
        ),
      );
      await poll(
        () => hub.platform.prisma.webhookDelivery.count({ where: { webhookId: stuck.id } }),
        (n) => expect(n).toBe(200),
        { timeout: 10_000, interval: 100 },
      );
      const reg = await hub.gql(RegisterWebhookDocument, { url: urlOf(ok), types: ['LICENCE'] }, community);
      const input = aFoodLicenceInput(holder);
      const issued = await hub.gql(IssueLicenceDocument, { input }, issuer);
      expect(issued.errors).toBeUndefined();
      // Well within one delivery timeout (10 s): it is claimed in the same round as the stuck ones.
      await poll(
        () => healthy.some((b) => b.includes(input.number)),
        (got) => expect(got).toBe(true),
        { timeout: 5000, interval: 50 },
      );
      await hub.gql(DeleteWebhookDocument, { id: reg.data!.registerWebhook.webhook.id }, community);
    } finally {
      await hub.gql(DeleteWebhookDocument, { id: stuck.id }, community);
      for (const srv of [hanging, ok]) {
        srv.closeAllConnections();
        await new Promise<void>((r) => srv.close(() => r()));
      }
    }
  }, 60_000);

  it('delivers a change at least once, retrying failures with backoff, signed with the secret', async () => {
    // Other test files write licences into the same database at the same time, so the receiver
    // keeps count per event (X-Hub-Event-Id) and the test looks at its own licence's event only.
    const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
    const attempts = new Map<string, number>();
    const input = aFoodLicenceInput(holder);
    const target = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const event = String(req.headers['x-hub-event-id']);
        attempts.set(event, (attempts.get(event) ?? 0) + 1);
        // Only this test's licence is refused twice; other files' events are taken at once.
        const own = (JSON.parse(body) as { changes?: { number?: string } }).changes?.number === input.number;
        if (own && attempts.get(event)! <= 2) {
          res.statusCode = 503;
          res.end('not yet');
          return;
        }
        received.push({ headers: req.headers, body });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/hook`;
    try {
      const reg = await hub.gql(RegisterWebhookDocument, { url, types: ['LICENCE'] }, community);
      expect(reg.errors).toBeUndefined();
      const { secret, webhook } = reg.data!.registerWebhook;
      expect(secret).toMatch(/^whsec_/);

      type Payload = { id: string; entityType: string; entityId: string; action: string };
      const issued = await hub.gql(IssueLicenceDocument, { input }, issuer);
      expect(issued.errors).toBeUndefined();
      const id = issued.data!.issueLicence.id;
      const mineOf = () => received.find((d) => (JSON.parse(d.body) as Payload).entityId === id);
      await poll(mineOf, (d) => expect(d).toBeDefined(), { timeout: 15_000, interval: 100 });
      const delivery = mineOf()!;
      const payload = JSON.parse(delivery.body) as Payload;
      expect(payload).toMatchObject({ entityType: 'LICENCE', entityId: id, action: 'CREATED' });
      expect(delivery.headers['x-hub-event-id']).toBe(payload.id);
      const timestamp = String(delivery.headers['x-hub-timestamp']);
      const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${delivery.body}`).digest('hex')}`;
      expect(delivery.headers['x-hub-signature']).toBe(expected);
      expect(attempts.get(payload.id)).toBe(3);
      expect(received.filter((d) => d.headers['x-hub-event-id'] === payload.id)).toHaveLength(1);

      // The receiver has the request before the hub has recorded its answer: wait for the record.
      await poll(
        async () =>
          (await hub.gql(WebhooksDocument, {}, community)).data?.webhooks
            .find((w) => w.id === webhook.id)
            ?.deliveries.find((d) => d.eventCursor === payload.id),
        (mine) =>
          expect(mine).toEqual({
            eventCursor: payload.id,
            status: 'DELIVERED',
            attempts: 3,
            lastError: null,
            deliveredAt: expect.any(String),
          }),
        { timeout: 5000, interval: 50 },
      );
      // Another system sees none of it and cannot delete it.
      expect(
        (
          await hub.gql(
            DeleteWebhookDocument,
            { id: webhook.id },
            (await aSystemKey(hub.platform.prisma, 'MR', ['feed:webhooks'])).key,
          )
        ).errors?.[0]?.extensions?.code,
      ).toBe('NOT_FOUND');
      expect((await hub.gql(DeleteWebhookDocument, { id: webhook.id }, community)).data?.deleteWebhook).toBe(
        webhook.id,
      );
    } finally {
      await new Promise<void>((r) => target.close(() => r()));
    }
  });

  it('refuses non-http URLs and keys without feed:webhooks', async () => {
    for (const url of ['ftp://example.org/x', 'file:///etc/passwd', 'not a url', 'http://user:pw@example.org/']) {
      expectWithMessage(
        (await hub.gql(RegisterWebhookDocument, { url }, community)).errors?.[0]?.extensions?.code,
        url,
      ).toBe('BAD_USER_INPUT');
    }
    expect(
      (await hub.gql(RegisterWebhookDocument, { url: 'https://example.org/' }, reader)).errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
    expect((await hub.gql(WebhooksDocument, {})).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
