/**
 * The enterprise cache: filled on read, purged on write (across hub processes when Redis is
 * shared), and bypassed at once when Redis is unreachable.
 */
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { describeSkipIf, HOOK_TIMEOUT, inject } from './helpers/runner.js';
import { EnterpriseByUsccDocument, RegisterEnterpriseDocument, UpdateEnterpriseDocument } from './generated/graphql.js';
import { aDepartment, anEnterpriseInput, aSystemKey } from './helpers/builders.js';
import { startTestHub, type TestHub } from './helpers/hub.js';
import { MemoryCache, RedisCache } from '../src/platform/cache/index.js';
import { createLogger } from '../src/platform/logger.js';

const redisUrl = inject('redisUrl');

describe('when Redis is unreachable', () => {
  let hub: TestHub;
  beforeAll(async () => {
    // Port 1 on loopback: nothing listens there, connections are refused.
    hub = await startTestHub({ REDIS_URL: 'redis://127.0.0.1:1' });
  }, HOOK_TIMEOUT);
  afterAll(() => hub.stop(), HOOK_TIMEOUT);

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
    expect((await hub.gql(EnterpriseByUsccDocument, { uscc: input.uscc })).data?.enterprise?.name).toBe(
      '无缓存修改有限公司',
    );
    // Generous bound: a client that queued commands or waited for a connect timeout would take far longer.
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('reports not ready on /readyz, naming Redis', async () => {
    const res = await fetch(`${hub.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'not ready', checks: { database: true, redis: false } });
  });
});

describeSkipIf(!redisUrl, 'no REDIS_URL')('with Redis (skipped without REDIS_URL)', () => {
  let a: TestHub;
  let b: TestHub;
  let redis: ReturnType<typeof createClient>;
  const prefix = `test-shared:${process.pid}:${Date.now()}:`;

  beforeAll(async () => {
    // Two hub processes sharing one Redis, as in a deployment behind a load balancer. The
    // response cache (test/response-cache.test.ts) is off: these tests are about the record cache below it.
    a = await startTestHub({ CACHE_PREFIX: prefix, RESPONSE_CACHE_TTL_SECONDS: '0' });
    b = await startTestHub({ CACHE_PREFIX: prefix, RESPONSE_CACHE_TTL_SECONDS: '0' });
    redis = createClient({ url: redisUrl });
    await redis.connect();
  }, HOOK_TIMEOUT);
  afterAll(async () => {
    await redis.close();
    await a.stop();
    await b.stop();
  }, HOOK_TIMEOUT);

  it('fills Redis on a read and serves the next read without SQL', async () => {
    const prisma = a.platform.prisma;
    const dept = (await aDepartment(prisma)).code;
    const { key } = await aSystemKey(prisma, dept, ['enterprise:register']);
    const input = anEnterpriseInput(dept);
    await a.gql(RegisterEnterpriseDocument, { input }, key);
    // Registration writes the new record through to the cache.
    await redis.del(`${prefix}enterprise:${input.uscc}`);
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
    // The update wrote the new row through to Redis (not merely deleted the old one).
    expect(JSON.parse((await redis.get(`${prefix}enterprise:${input.uscc}`)) ?? '{}')).toMatchObject({
      status: 'REVOKED',
      revision: 2,
    });
    expect((await b.gql(EnterpriseByUsccDocument, { uscc: input.uscc })).data?.enterprise?.status).toBe('REVOKED');
  });

  it('reports ready on /readyz with Redis up', async () => {
    const res = await fetch(`${a.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { database: true, redis: true } });
  });
});

describe('cache fills never overwrite a newer committed value', () => {
  const backends: [string, () => Promise<import('../src/platform/cache/index.js').Cache>][] = [
    ['memory', () => Promise.resolve(new MemoryCache())],
  ];
  if (redisUrl)
    backends.push([
      'redis',
      async () => {
        const c = new RedisCache(redisUrl, createLogger('silent'));
        for (let i = 0; i < 50 && !(await c.ping()); i++) await new Promise((r) => setTimeout(r, 20));
        return c;
      },
    ]);
  it.each(backends)('%s: a reader that read the old row before the commit cannot put it back', async (_name, make) => {
    const cache = await make();
    const key = `race-test:${process.pid}:${Date.now()}`;
    try {
      await cache.setMany([[key, 'new']], 60); // the writer, after its commit
      await cache.setMany([[key, 'old']], 60, { onlyIfAbsent: true }); // a slow reader's fill
      expect(await cache.getMany([key])).toEqual(['new']);
      await cache.delete([key]);
      await cache.setMany([[key, 'filled']], 60, { onlyIfAbsent: true });
      expect(await cache.getMany([key])).toEqual(['filled']);
    } finally {
      await cache.delete([key]);
      await cache.close();
    }
  });
});
