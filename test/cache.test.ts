/**
 * The enterprise cache: filled on read, purged on write (across hub processes when Redis is
 * shared), and bypassed at once when Redis is unreachable.
 */
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EnterpriseByUsccDocument, RegisterEnterpriseDocument, UpdateEnterpriseDocument } from './generated/graphql.js';
import { aDepartment, anEnterpriseInput, aSystemKey } from './helpers/builders.js';
import { startTestHub, type TestHub } from './helpers/hub.js';

const redisUrl = inject('redisUrl');

describe('when Redis is unreachable', () => {
  let hub: TestHub;
  beforeAll(async () => {
    // Port 1 on loopback: nothing listens there, connections are refused.
    hub = await startTestHub({ REDIS_URL: 'redis://127.0.0.1:1' });
  });
  afterAll(() => hub.stop());

  it('reads and writes go to the database without waiting for Redis', async () => {
    const prisma = hub.platform.prisma;
    const dept = (await aDepartment(prisma)).code;
    const { key } = await aSystemKey(prisma, dept, ['enterprise:register', 'enterprise:update']);
    const input = anEnterpriseInput(dept);
    const started = Date.now();
    expect((await hub.gql(RegisterEnterpriseDocument, { input }, key)).errors).toBeUndefined();
    const read = await hub.gql(EnterpriseByUsccDocument, { uscc: input.uscc });
    expect(read.data?.enterprise?.name).toBe(input.name);
    await hub.gql(UpdateEnterpriseDocument, { uscc: input.uscc, input: { name: '无缓存修改有限公司' } }, key);
    expect((await hub.gql(EnterpriseByUsccDocument, { uscc: input.uscc })).data?.enterprise?.name).toBe('无缓存修改有限公司');
    // Generous bound: a client that queued commands or waited for a connect timeout would take far longer.
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('reports not ready on /readyz, naming Redis', async () => {
    const res = await fetch(`${hub.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'not ready', checks: { database: true, redis: false } });
  });
});

describe.skipIf(!redisUrl)('with Redis (skipped without REDIS_URL)', () => {
  let a: TestHub;
  let b: TestHub;
  let redis: ReturnType<typeof createClient>;
  const prefix = `test-shared:${process.pid}:${Date.now()}:`;

  beforeAll(async () => {
    // Two hub processes sharing one Redis, as in a deployment behind a load balancer.
    a = await startTestHub({ CACHE_PREFIX: prefix });
    b = await startTestHub({ CACHE_PREFIX: prefix });
    redis = createClient({ url: redisUrl });
    await redis.connect();
  });
  afterAll(async () => {
    await redis.close();
    await a.stop();
    await b.stop();
  });

  it('fills Redis on a read and serves the next read without SQL', async () => {
    const prisma = a.platform.prisma;
    const dept = (await aDepartment(prisma)).code;
    const { key } = await aSystemKey(prisma, dept, ['enterprise:register']);
    const input = anEnterpriseInput(dept);
    await a.gql(RegisterEnterpriseDocument, { input }, key);
    expect(await redis.exists(`${prefix}enterprise:${input.uscc}`)).toBe(0);
    await a.gql(EnterpriseByUsccDocument, { uscc: input.uscc });
    const cached = await redis.get(`${prefix}enterprise:${input.uscc}`);
    expect(JSON.parse(cached ?? '{}')).toMatchObject({ uscc: input.uscc, name: input.name });
    expect(await redis.ttl(`${prefix}enterprise:${input.uscc}`)).toBeGreaterThan(0);
    // The other process reads it from Redis: no SQL statement for the lookup itself.
    const before = b.platform.db.statementCount();
    const res = await b.gql(EnterpriseByUsccDocument, { uscc: input.uscc });
    expect(res.data?.enterprise?.name).toBe(input.name);
    // One statement remains: the directory subgraph's department lookup.
    expect(b.platform.db.statementCount() - before).toBe(1);
  });

  it('an update through one process is seen at once by the other', async () => {
    const prisma = a.platform.prisma;
    const dept = (await aDepartment(prisma)).code;
    const { key } = await aSystemKey(prisma, dept, ['enterprise:register', 'enterprise:update']);
    const input = anEnterpriseInput(dept);
    await a.gql(RegisterEnterpriseDocument, { input }, key);
    expect((await b.gql(EnterpriseByUsccDocument, { uscc: input.uscc })).data?.enterprise?.status).toBe('ACTIVE');
    expect(await redis.exists(`${prefix}enterprise:${input.uscc}`)).toBe(1);
    await a.gql(UpdateEnterpriseDocument, { uscc: input.uscc, input: { status: 'REVOKED' } }, key);
    expect(await redis.exists(`${prefix}enterprise:${input.uscc}`)).toBe(0);
    expect((await b.gql(EnterpriseByUsccDocument, { uscc: input.uscc })).data?.enterprise?.status).toBe('REVOKED');
  });

  it('reports ready on /readyz with Redis up', async () => {
    const res = await fetch(`${a.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { database: true, redis: true } });
  });
});
