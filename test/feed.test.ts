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

    const prisma = hub.platform.prisma;
    const before = [
      await prisma.licence.count(),
      await prisma.enterprise.count(),
      await prisma.penalty.count(),
      await prisma.changeEvent.count(),
    ];
    const writes = [
      await hub.gql(IssueLicenceDocument, { input: aFoodLicenceInput(holder) }, community),
      await hub.gql(SuspendLicenceDocument, { id, reason: '越权' }, community),
      await hub.gql(RegisterEnterpriseDocument, { input: anEnterpriseInput('MR') }, community),
      await hub.gql(
        DecidePenaltyDocument,
        {
          input: {
            decisionNumber: uniqueCode('穗海市监罚〔2025〕'),
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
    expect([
      await prisma.licence.count(),
      await prisma.enterprise.count(),
      await prisma.penalty.count(),
      await prisma.changeEvent.count(),
    ]).toEqual(before);
  });
});

describe('webhooks', () => {
  it('delivers a change at least once, retrying failures with backoff, signed with the secret', async () => {
    const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
    let requests = 0;
    const target = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        requests += 1;
        if (requests <= 2) {
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

      const id = await issue();
      await poll(
        () => received.length,
        (v) => expect(v).toBeGreaterThanOrEqual(1),
        { timeout: 15_000, interval: 100 },
      );
      const [delivery] = received;
      const payload = JSON.parse(delivery!.body) as {
        id: string;
        entityType: string;
        entityId: string;
        action: string;
      };
      expect(payload).toMatchObject({ entityType: 'LICENCE', entityId: id, action: 'CREATED' });
      expect(delivery!.headers['x-hub-event-id']).toBe(payload.id);
      const timestamp = String(delivery!.headers['x-hub-timestamp']);
      const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${delivery!.body}`).digest('hex')}`;
      expect(delivery!.headers['x-hub-signature']).toBe(expected);
      expect(requests).toBe(3);

      const list = await hub.gql(WebhooksDocument, {}, community);
      const mine = list.data?.webhooks.find((w) => w.id === webhook.id);
      expect(mine?.deliveries).toEqual([
        { eventCursor: payload.id, status: 'DELIVERED', attempts: 3, lastError: null, deliveredAt: expect.any(String) },
      ]);
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
