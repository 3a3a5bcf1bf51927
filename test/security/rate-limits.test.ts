/**
 * Quotas: per department system (its own or the default), per public address, and failed
 * authentications per address, answered 429 with Retry-After and RateLimit headers.
 */
import { describe, expect, it } from '@jest/globals';
import { afterAll, beforeAll } from '../helpers/runner.js';
import { aDepartment, aSystemKey } from '../helpers/builders.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({
    RATE_LIMIT_PUBLIC_PER_MINUTE: '5',
    RATE_LIMIT_SYSTEM_PER_MINUTE: '4',
    RATE_LIMIT_AUTH_FAILURES: '3',
  });
});
afterAll(() => hub.stop());

const ask = (headers: Record<string, string> = {}) =>
  fetch(`${hub.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: '{ viewer { authenticated } }' }),
  });

async function expectRefused(res: Response): Promise<void> {
  expect(res.status).toBe(429);
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(res.headers.get('ratelimit-remaining')).toBe('0');
  expect(res.headers.get('ratelimit')).toMatch(/r=0;t=\d+/);
  const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
  expect(body.errors[0]?.extensions.code).toBe('RATE_LIMITED');
}

describe('rate limits', () => {
  it('count public requests per client address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await ask();
      statuses.push(res.status);
      expect(res.headers.get('ratelimit-limit')).toBe('5');
      expect(res.headers.get('ratelimit-remaining')).toBe(String(4 - i));
      expect(res.headers.get('ratelimit-policy')).toBe('"public";q=5;w=60');
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    await expectRefused(await ask());
  });

  it('give each system its own quota: the default, or its own rateLimitPerMinute', async () => {
    const prisma = hub.platform.prisma;
    const dept = await aDepartment(prisma);
    const { key } = await aSystemKey(prisma, dept.code, []);
    const { key: generous, system } = await aSystemKey(prisma, dept.code, []);
    await prisma.departmentSystem.update({ where: { id: system.id }, data: { rateLimitPerMinute: 8 } });
    // The public quota of this address is used up above; systems are counted apart from it.
    for (let i = 0; i < 4; i++) expect((await ask({ authorization: `Bearer ${key}` })).status).toBe(200);
    await expectRefused(await ask({ authorization: `Bearer ${key}` }));
    for (let i = 0; i < 8; i++) {
      const res = await ask({ authorization: `Bearer ${generous}` });
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-limit')).toBe('8');
    }
    await expectRefused(await ask({ authorization: `Bearer ${generous}` }));
  });

  it('refuse an address after repeated failed authentications, before looking the key up', async () => {
    const prisma = hub.platform.prisma;
    const dept = await aDepartment(prisma);
    const { key } = await aSystemKey(prisma, dept.code, []);
    const wrong = `${key.slice(0, -4)}AAAA`;
    for (let i = 0; i < 3; i++) expect((await ask({ authorization: `Bearer ${wrong}` })).status).toBe(401);
    await expectRefused(await ask({ authorization: `Bearer ${wrong}` }));
    // A valid key from the same address is refused as well: the address is throttled, not the key.
    const res = await ask({ authorization: `Bearer ${key}` });
    expect(res.status).toBe(429);
    expect(res.headers.get('ratelimit-policy')).toBe('"auth-failures";q=3;w=300');
  });
});

describe('the public lookup pages', () => {
  let pages: TestHub;
  beforeAll(async () => {
    pages = await startTestHub({ RATE_LIMIT_PUBLIC_PER_MINUTE: '3' });
  });
  afterAll(() => pages.stop());

  it('count receipt-and-code lookups (a case, a joint application) against the public quota, as /graphql does, and refuse in Chinese', async () => {
    const get = (p: string) => fetch(`${pages.url}${p}`);
    // Wrong codes: each guess is counted.
    for (const p of [
      '/joint/progress?receipt=HZJX&code=AAAAAA',
      '/progress?receipt=HZX&code=AAAAAA',
      '/joint/receipts/HZJX?code=AAAAAA',
    ]) {
      const res = await get(p);
      expect(res.status).toBe(404);
      expect(res.headers.get('ratelimit-policy')).toBe('"public";q=3;w=60');
    }
    for (const p of [
      '/joint/progress?receipt=HZJX&code=BBBBBB',
      '/progress?receipt=HZX&code=BBBBBB',
      '/receipts/HZX?code=BBBBBB',
      '/decisions/HZX?code=BBBBBB',
    ]) {
      const res = await get(p);
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toContain('查询过于频繁');
    }
    // One quota per address: the API is refused too, and a guide (which unlocks nothing) is not counted.
    expect(
      (
        await fetch(`${pages.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"query":"{ viewer { authenticated } }"}',
        })
      ).status,
    ).toBe(429);
    expect((await get('/guide/NO-SUCH-ITEM')).status).toBe(404);
  });
});
