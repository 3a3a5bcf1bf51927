/**
 * Distributed mode with one remote subgraph down (its server stopped): queries that touch only
 * the others answer as before; a query that touches it gets the other fields and one error that
 * names the missing subgraph (no stack, no URL); /readyz names it.
 */
import { expect, it } from '@jest/globals';
import { afterAll, beforeAll, describeSkipIf, inject } from '../helpers/runner.js';
import { serveSubgraph } from '../../src/gateway/subgraph-server.js';
import { subgraphs } from '../../src/gateway/subgraphs.js';
import { startPlatform, type RunningPlatform } from '../../src/platform/bootstrap.js';
import { createLogger } from '../../src/platform/logger.js';
import { anEnterprise, referenceData } from '../helpers/builders.js';
import { startTestHub, testConfig, type TestHub } from '../helpers/hub.js';

const SECRET = 'test-internal-secret-0123456789abcdef0123456789';
// Nine servers and a gateway on one PGlite session would queue behind each other; the fault is the same.
const reason = inject('databaseEmbedded') ? 'needs PostgreSQL (DATABASE_URL) for ten servers sharing it' : '';

describeSkipIf(reason !== '', reason)('a remote subgraph down', () => {
  let platform: RunningPlatform;
  let gateway: TestHub;
  const served = new Map<string, { url: string; stop(): Promise<void> }>();
  let uscc: string;

  beforeAll(async () => {
    platform = await startPlatform(testConfig({ SUBGRAPH_SHARED_SECRET: SECRET }), {
      migrate: false,
      logger: createLogger('silent'),
    });
    const names = Object.keys(subgraphs) as (keyof typeof subgraphs)[];
    for (const name of names) served.set(name, await serveSubgraph(platform, subgraphs[name], 0, '127.0.0.1'));
    gateway = await startTestHub({
      SUBGRAPH_SHARED_SECRET: SECRET,
      SUBGRAPH_URLS: names.map((n) => `${n}=${served.get(n)!.url}`).join(','),
    });
    await referenceData(platform.prisma);
    uscc = (await anEnterprise(platform.prisma)).uscc;
    // Then the penalties subgraph goes down.
    await served.get('penalties')!.stop();
  });
  afterAll(async () => {
    await gateway?.stop();
    for (const [name, s] of served) if (name !== 'penalties') await s.stop();
    await platform?.close();
  });

  it('queries touching only other subgraphs answer normally', async () => {
    const res = await gateway.gql('query($u: USCC!) { enterprise(uscc: $u) { name registrationAuthority { code } } }', {
      u: uscc,
    });
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data).toMatchObject({ enterprise: { registrationAuthority: { code: 'MR' } } });
  });

  it('a query touching it returns the other fields and an error naming the subgraph, without stack or URL', async () => {
    const res = await gateway.gql(
      'query($u: USCC!) { enterprise(uscc: $u) { name } penaltyByDecisionNumber(decisionNumber: "无此决定书") { id } }',
      { u: uscc },
    );
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ enterprise: { name: expect.any(String) }, penaltyByDecisionNumber: null });
    expect(res.errors).toHaveLength(1);
    expect(res.errors?.[0]).toMatchObject({
      message: expect.stringContaining('penalties'),
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'penalties', retryable: true },
    });
    const text = JSON.stringify(res.errors);
    expect(text).not.toMatch(/127\.0\.0\.1|http:|ECONNREFUSED|stack|\bat /);
    expect(Object.keys(res.errors?.[0]?.extensions ?? {}).sort()).toEqual(['code', 'retryable', 'subgraph']);
  });

  it('/readyz reports not ready and names the subgraph that is down', async () => {
    const res = await fetch(`${gateway.url}/readyz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; checks: Record<string, boolean> };
    expect(body.status).toBe('not ready');
    expect(body.checks['subgraph:penalties']).toBe(false);
    const down = Object.entries(body.checks).filter(([, up]) => !up);
    expect(down).toEqual([['subgraph:penalties', false]]);
  });
});
