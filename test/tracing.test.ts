/**
 * OpenTelemetry: with tracing on (an in-memory exporter here), one request through the gateway
 * to remote subgraphs (SUBGRAPH_URLS) is one trace: the gateway's server span (a child of the
 * caller's `traceparent`), its subgraph fetch, the subgraph's server span continuing it over
 * HTTP, and the SQL statements the subgraph ran.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { HOOK_TIMEOUT, poll } from './helpers/runner.js';
import { anEnterprise, referenceData } from './helpers/builders.js';
import { startTestHub, testConfig, type TestHub } from './helpers/hub.js';
import { EnterpriseByUsccDocument } from './generated/graphql.js';
import { serveSubgraph } from '../src/gateway/subgraph-server.js';
import { subgraphs } from '../src/gateway/subgraphs.js';
import { startPlatform, type RunningPlatform } from '../src/platform/bootstrap.js';
import { createLogger } from '../src/platform/logger.js';
import { startTracing, type Tracing } from '../src/platform/telemetry.js';

const SECRET = 'test-internal-secret-0123456789abcdef0123456789';
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let subgraphPlatform: RunningPlatform;
let served: { url: string; stop(): Promise<void> }[] = [];
let gateway: TestHub;

beforeAll(async () => {
  tracing = await startTracing(testConfig().tracing, { exporter });
  subgraphPlatform = await startPlatform(testConfig({ SUBGRAPH_SHARED_SECRET: SECRET }), {
    migrate: false,
    logger: createLogger('silent'),
  });
  const names = Object.keys(subgraphs) as (keyof typeof subgraphs)[];
  served = [];
  for (const name of names) served.push(await serveSubgraph(subgraphPlatform, subgraphs[name], 0, '127.0.0.1'));
  gateway = await startTestHub({
    SUBGRAPH_SHARED_SECRET: SECRET,
    SUBGRAPH_URLS: names.map((n, i) => `${n}=${served[i]!.url}`).join(','),
  });
  await referenceData(gateway.platform.prisma);
}, HOOK_TIMEOUT);
afterAll(async () => {
  await gateway.stop();
  for (const s of served) await s.stop();
  await subgraphPlatform.close();
  await tracing.shutdown();
}, HOOK_TIMEOUT);

const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

describe('tracing (remote subgraphs)', () => {
  it('makes one trace of gateway, subgraph fetch, subgraph server and SQL, under the incoming traceparent', async () => {
    const { uscc } = await anEnterprise(gateway.platform.prisma);
    exporter.reset();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const read = await gateway.gql(EnterpriseByUsccDocument, { uscc }, undefined, {
      traceparent: `00-${traceId}-${callerSpan}-01`,
    });
    expect(read.errors).toBeUndefined();

    let spans: ReadableSpan[] = [];
    await poll(
      () => (spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId)),
      (found) => expect(found.map((s) => s.name)).toContain('query EnterpriseByUscc'),
      { timeout: 5000 },
    );
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    const ancestors = (s: ReadableSpan): ReadableSpan[] => {
      const up = byId.get(parentOf(s) ?? '');
      return up ? [up, ...ancestors(up)] : [];
    };

    const root = spans.find((s) => s.name === 'query EnterpriseByUscc')!;
    expect(root.kind).toBe(SpanKind.SERVER);
    expect(parentOf(root)).toBe(callerSpan);
    expect(root.attributes['graphql.operation.name']).toBe('EnterpriseByUscc');

    // Apollo Gateway's own spans join the same trace.
    const gatewaySpans = spans.filter((s) => s.name.startsWith('gateway.'));
    expect(gatewaySpans.length).toBeGreaterThan(0);
    expect(gatewaySpans.every((s) => ancestors(s).includes(root))).toBe(true);

    const fetch = spans.find((s) => s.name === 'subgraph subjects');
    expect(fetch?.kind).toBe(SpanKind.CLIENT);
    expect(ancestors(fetch!)).toContain(root);

    // The subgraph's own server span continues the fetch's span (traceparent over HTTP).
    const subgraphServer = spans.find((s) => s.kind === SpanKind.SERVER && ancestors(s).includes(fetch!));
    expect(subgraphServer).toBeDefined();

    const sql = spans.filter((s) => s.name === 'pg.query' && ancestors(s).includes(subgraphServer!));
    expect(sql.length).toBeGreaterThan(0);
    expect(sql.some((s) => String(s.attributes['db.query.text']).includes('"Enterprise"'))).toBe(true);
    expect(sql.every((s) => s.attributes['db.system.name'] === 'postgresql')).toBe(true);
    // The statement's text is sent, never its parameter values.
    expect(sql.some((s) => JSON.stringify(s.attributes).includes(uscc))).toBe(false);
  });

  it('starts a trace of its own for a request without traceparent', async () => {
    const { uscc } = await anEnterprise(gateway.platform.prisma);
    exporter.reset();
    expect((await gateway.gql(EnterpriseByUsccDocument, { uscc })).errors).toBeUndefined();
    let roots: ReadableSpan[] = [];
    await poll(
      () => (roots = exporter.getFinishedSpans().filter((s) => s.name === 'query EnterpriseByUscc')),
      (found) => expect(found).toHaveLength(1),
      { timeout: 5000 },
    );
    const traceId = roots[0]!.spanContext().traceId;
    expect(parentOf(roots[0]!)).toBeUndefined();
    const inTrace = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    expect(inTrace.some((s) => s.name === 'pg.query')).toBe(true);
  });
});
