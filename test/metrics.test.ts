/**
 * Prometheus metrics at /metrics: refused without a key that has metrics:read, open without a
 * key on METRICS_PORT (loopback), and moving with the work the hub does: operations by name,
 * errors by code, subgraph fetches, cache hits and misses, the database pool, the change feed,
 * ingestion and quarantine, the notification backlog and webhook failures.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HOOK_TIMEOUT } from './helpers/runner.js';
import { anEnterprise, anEnterpriseInput, aSystemKey, referenceData, uniqueCode } from './helpers/builders.js';
import { startTestHub, type TestHub } from './helpers/hub.js';
import { EnterpriseByUsccDocument, RegisterEnterpriseDocument } from './generated/graphql.js';

let hub: TestHub;
let scraper: string;
let other: string;

beforeAll(async () => {
  // Response cache off: this file counts subgraph fetches and record-cache lookups, which a cached
  // whole answer skips (test/response-cache.test.ts covers that path).
  hub = await startTestHub({ METRICS_PORT: '0', RESPONSE_CACHE_TTL_SECONDS: '0' });
  await referenceData(hub.platform.prisma);
  scraper = (await aSystemKey(hub.platform.prisma, 'MR', ['metrics:read'])).key;
  other = (await aSystemKey(hub.platform.prisma, 'MR', ['feed:read'])).key;
}, HOOK_TIMEOUT);
afterAll(() => hub.stop(), HOOK_TIMEOUT);

async function scrape(url = `${hub.url}/metrics`, key: string | undefined = scraper): Promise<string> {
  const res = await fetch(url, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
}

/** The sum of a metric's samples whose labels include `labels` (0 when there is none). */
function value(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = new Map([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1] ?? '', l[2] ?? '']));
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) sum += Number(m[3]);
  }
  return sum;
}

describe('GET /metrics', () => {
  it('needs a key with metrics:read on the hub port', async () => {
    expect((await fetch(`${hub.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${hub.url}/metrics`, { headers: { authorization: 'Bearer nonsense' } })).status).toBe(401);
    const refused = await fetch(`${hub.url}/metrics`, { headers: { authorization: `Bearer ${other}` } });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
  });

  it('is served without a key on METRICS_PORT, bound to loopback', async () => {
    const url = hub.server.metricsUrl();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(await scrape(url, undefined)).toContain('hub_graphql_operation_duration_seconds');
  });

  it('moves with operations, errors, subgraph fetches, the cache, the feed, ingestion, notifications and webhooks', async () => {
    const prisma = hub.platform.prisma;
    const before = await scrape();
    const { uscc } = await anEnterprise(prisma);
    for (let i = 0; i < 3; i++) {
      const read = await hub.gql(EnterpriseByUsccDocument, { uscc });
      expect(read.errors).toBeUndefined();
    }
    const refused = await hub.gql(RegisterEnterpriseDocument, { input: anEnterpriseInput('MR') }, other);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const { key: registrar } = await aSystemKey(prisma, 'MR', ['enterprise:register']);
    expect(
      (await hub.gql(RegisterEnterpriseDocument, { input: anEnterpriseInput('MR') }, registrar)).errors,
    ).toBeUndefined();

    // Rows other processes (workers, CLI ingestion) would have written.
    const system = await prisma.departmentSystem.findFirstOrThrow({ where: { departmentCode: 'MR' } });
    const run = await prisma.ingestionRun.create({
      data: {
        adapter: 'test',
        systemId: system.id,
        file: 'f.csv',
        fileSha256: uniqueCode('sha'),
        created: 5,
        rejected: 2,
      },
    });
    await prisma.quarantinedRecord.create({
      data: {
        runId: run.id,
        adapter: 'test',
        systemId: system.id,
        file: 'f.csv',
        fileSha256: run.fileSha256,
        location: 'line 2',
        raw: {},
        problems: [],
      },
    });
    await prisma.notification.create({
      data: { kind: 'ACCEPTED', audience: 'APPLICANT', recipient: '13800138000', payload: {} },
    });
    const webhook = await prisma.webhook.create({
      data: {
        systemId: system.id,
        url: 'https://example.invalid/hook',
        secret: 'x'.repeat(32),
        entityTypes: ['LICENCE'],
        active: false,
      },
    });
    await prisma.webhookDelivery.create({
      data: { webhookId: webhook.id, eventSeq: 1n, status: 'FAILED', attempts: 10 },
    });

    const after = await scrape();
    const grew = (name: string, labels: Record<string, string> = {}, by = 1) =>
      expect(value(after, name, labels) - value(before, name, labels)).toBeGreaterThanOrEqual(by);
    grew('hub_graphql_operation_duration_seconds_count', { operation: 'EnterpriseByUscc', type: 'query' }, 3);
    grew('hub_graphql_operation_duration_seconds_count', { operation: 'RegisterEnterprise', type: 'mutation' }, 2);
    grew('hub_graphql_errors_total', { code: 'FORBIDDEN' });
    grew('hub_subgraph_fetch_duration_seconds_count', { subgraph: 'subjects', outcome: 'ok' }, 3);
    grew('hub_subgraph_fetch_duration_seconds_count', { subgraph: 'directory' }, 3);
    grew('hub_cache_lookups_total', { result: 'miss' });
    grew('hub_cache_lookups_total', { result: 'hit' }, 2);
    grew('hub_feed_newest_seq');
    grew('hub_ingestion_rows', { outcome: 'created' }, 5);
    grew('hub_ingestion_rows', { outcome: 'rejected' }, 2);
    grew('hub_quarantined_records', { status: 'OPEN' });
    grew('hub_notifications', { status: 'PENDING' });
    grew('hub_webhook_deliveries', { status: 'FAILED' });
    expect(value(after, 'hub_db_pool_connections', { pool: 'main', state: 'total' })).toBeGreaterThan(0);
    expect(after).toMatch(/^hub_feed_lag_events\{relay="subscriptions"\} \d+$/m);
    expect(after).toMatch(/^hub_notifications_oldest_pending_seconds \d/m);
    expect(after).toMatch(/^hub_process_cpu_seconds_total /m);
  });

  it('keeps client-chosen operation names from multiplying the series', async () => {
    const bad = `{ __typename }`;
    const res = await fetch(`${hub.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `query ${'x'.repeat(80)} ${bad}` }),
    });
    expect(res.status).toBe(200);
    const text = await scrape();
    expect(text).not.toContain('x'.repeat(80));
    expect(value(text, 'hub_graphql_operation_duration_seconds_count', { operation: '(other)' })).toBeGreaterThan(0);
  });
});
