/**
 * The gateway's response cache: hot public and scoped reads are answered from it, every commit
 * invalidates it before the writer's answer (so a revoked licence never reads VALID afterwards,
 * also on another hub sharing Redis), reads with a stated purpose are never cached and stay
 * audited, and audiences never share answers.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { describeSkipIf, HOOK_TIMEOUT, inject } from './helpers/runner.js';
import { IssueLicenceDocument, RevokeLicenceDocument } from './generated/graphql.js';
import { aFoodLicenceInput, anEnterprise, aSystemKey, referenceData } from './helpers/builders.js';
import { startTestHub, type TestHub } from './helpers/hub.js';
import { writtenTables } from '../src/platform/db/client.js';

const redisUrl = inject('redisUrl');

const BY_NUMBER =
  'query($t: String!, $n: String!) { licenceByNumber(type: $t, number: $n) { number status validUntil type { name } } }';

/** A raw POST, returning the answer and whether the cache served it. */
async function post(
  hub: TestHub,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${hub.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: Record<string, unknown> | null; errors?: unknown[] };
  return { body, cache: res.headers.get('x-hub-cache'), status: res.status };
}

type LicenceRead = { licenceByNumber: { status: string } | null };

async function setUp(hub: TestHub) {
  const prisma = hub.platform.prisma;
  await referenceData(prisma);
  const mr = (await aSystemKey(prisma, 'MR', ['licence:issue', 'licence:revoke'])).key;
  const holder = (await anEnterprise(prisma)).uscc;
  const issue = async () => {
    const res = await hub.gql(IssueLicenceDocument, { input: aFoodLicenceInput(holder) }, mr);
    expect(res.errors).toBeUndefined();
    const l = res.data!.issueLicence;
    const row = await prisma.licence.findUniqueOrThrow({ where: { id: l.id } });
    return { id: l.id, vars: { t: row.typeCode, n: row.number } };
  };
  return { mr, holder, issue };
}

describe('response cache (one hub)', () => {
  let hub: TestHub;
  let fx: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => {
    // Without Redis the hub also invalidates when it polls the change feed (for other processes'
    // commits); a slow poll keeps that out of these tests, which are about invalidation at commit.
    hub = await startTestHub({ FEED_POLL_MS: '600000' });
    fx = await setUp(hub);
  }, HOOK_TIMEOUT);
  afterAll(() => hub.stop(), HOOK_TIMEOUT);

  it('answers a repeated public read from the cache, with the same body and no SQL', async () => {
    const l = await fx.issue();
    const first = await post(hub, BY_NUMBER, l.vars);
    expect(first.cache).toBe('miss');
    const before = hub.platform.db.statementCount();
    const second = await post(hub, BY_NUMBER, l.vars);
    expect(second.cache).toBe('hit');
    expect(hub.platform.db.statementCount()).toBe(before);
    expect(second.body).toEqual(first.body);
  });

  it('never reads a revoked licence as VALID once the revocation has returned', async () => {
    for (let round = 0; round < 5; round++) {
      const l = await fx.issue();
      expect(((await post(hub, BY_NUMBER, l.vars)).body.data as LicenceRead).licenceByNumber?.status).toBe('VALID');
      expect((await post(hub, BY_NUMBER, l.vars)).cache).toBe('hit');
      // Readers keep filling the cache while the revocation commits.
      const readers = Array.from({ length: 10 }, () => post(hub, BY_NUMBER, l.vars));
      const revoked = await hub.gql(RevokeLicenceDocument, { id: l.id, reason: '严重违法' }, fx.mr);
      expect(revoked.data?.revokeLicence.status).toBe('REVOKED');
      await Promise.all(readers);
      for (let i = 0; i < 5; i++) {
        const after = await post(hub, BY_NUMBER, l.vars);
        expect((after.body.data as LicenceRead).licenceByNumber?.status).toBe('REVOKED');
      }
    }
  });

  it('keeps audiences apart: a system key never gets the public answer and vice versa', async () => {
    const l = await fx.issue();
    expect((await post(hub, BY_NUMBER, l.vars)).cache).toBe('miss');
    expect((await post(hub, BY_NUMBER, l.vars, { authorization: `Bearer ${fx.mr}` })).cache).toBe('miss');
    expect((await post(hub, BY_NUMBER, l.vars, { authorization: `Bearer ${fx.mr}` })).cache).toBe('hit');
    expect((await post(hub, BY_NUMBER, l.vars)).cache).toBe('hit');
  });

  it('never caches a read with a stated purpose, and audits every one', async () => {
    const prisma = hub.platform.prisma;
    const reader = (await aSystemKey(prisma, 'MR', ['enterprise:read-personal'])).key;
    const query = 'query($u: USCC!) { enterprise(uscc: $u) { uscc legalRepresentativeIdNumber } }';
    const headers = { authorization: `Bearer ${reader}`, 'x-purpose': 'case 2026-001' };
    const audited = () => prisma.auditEntry.count({ where: { entityId: fx.holder } });
    const before = await audited();
    for (let i = 0; i < 3; i++) {
      const res = await post(hub, query, { u: fx.holder }, headers);
      expect(res.body.errors).toBeUndefined();
      expect(res.cache).toBeNull();
    }
    expect(await audited()).toBe(before + 3);
  });

  it('lets mutations and uncached root fields through untouched', async () => {
    const l = await fx.issue();
    const res = await fetch(`${hub.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${fx.mr}` },
      body: JSON.stringify({
        query: 'mutation($id: ID!) { revokeLicence(id: $id, reason: "x") { status } }',
        variables: { id: l.id },
      }),
    });
    expect(res.headers.get('x-hub-cache')).toBeNull();
    expect((await post(hub, '{ viewer { scopes } }', {}, { authorization: `Bearer ${fx.mr}` })).cache).toBeNull();
  });

  it('reads the tables a statement writes, ignoring the read audit and lock clauses', () => {
    expect(writtenTables('UPDATE "public"."Licence" SET "status" = $1 WHERE "id" = $2')).toEqual(['Licence']);
    expect(writtenTables('INSERT INTO "ChangeEvent" ("entityType") SELECT 1')).toEqual(['ChangeEvent']);
    expect(writtenTables('INSERT INTO "AuditEntry" (seq) VALUES (1)')).toEqual([]);
    expect(writtenTables('SELECT * FROM "Case" FOR UPDATE SKIP LOCKED')).toEqual([]);
    expect(writtenTables('INSERT INTO t (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET a = 2')).toEqual(['t']);
  });
});

describeSkipIf(!redisUrl, 'no REDIS_URL')('response cache shared by two hubs over Redis', () => {
  let a: TestHub;
  let b: TestHub;
  let fx: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => {
    const prefix = `test-rc:${process.pid}:${Date.now()}:`;
    a = await startTestHub({ CACHE_PREFIX: prefix });
    b = await startTestHub({ CACHE_PREFIX: prefix });
    fx = await setUp(a);
  }, HOOK_TIMEOUT);
  afterAll(async () => {
    await a.stop();
    await b.stop();
  }, HOOK_TIMEOUT);

  it('a revocation on one hub is never read as VALID on the other', async () => {
    for (let round = 0; round < 5; round++) {
      const l = await fx.issue();
      expect(((await post(b, BY_NUMBER, l.vars)).body.data as LicenceRead).licenceByNumber?.status).toBe('VALID');
      // The other hub's answer is shared: it comes from the cache b filled.
      expect((await post(a, BY_NUMBER, l.vars)).cache).toBe('hit');
      expect((await post(b, BY_NUMBER, l.vars)).cache).toBe('hit');
      const revoked = await a.gql(RevokeLicenceDocument, { id: l.id, reason: '严重违法' }, fx.mr);
      expect(revoked.data?.revokeLicence.status).toBe('REVOKED');
      const after = await post(b, BY_NUMBER, l.vars);
      expect((after.body.data as LicenceRead).licenceByNumber?.status).toBe('REVOKED');
    }
  });
});
