/**
 * The HTTP surface: GraphQL over HTTP conformance (graphql-http's audit suite), GraphiQL served
 * without any external asset, health probes, and the depth limit.
 */
import { buildSchema, parse, validate } from 'graphql';
import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectWithMessage, HOOK_TIMEOUT } from './helpers/runner.js';
import { depthLimit } from '../src/gateway/depth-limit.js';
import { startTestHub, type TestHub } from './helpers/hub.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
}, HOOK_TIMEOUT);
afterAll(() => hub.stop(), HOOK_TIMEOUT);

describe('GraphQL over HTTP', () => {
  it('passes every MUST audit of the graphql-http suite', async () => {
    const audits = serverAudits({ url: `${hub.url}/graphql`, fetchFn: fetch });
    const must = audits.filter((a) => a.name.startsWith('MUST'));
    expect(must.length).toBeGreaterThan(10);
    const failures: string[] = [];
    for (const audit of must) {
      const result = await audit.fn();
      if (result.status !== 'ok') failures.push(`${audit.name}: ${result.reason}`);
    }
    expect(failures).toEqual([]);
  });
});

describe('GraphiQL', () => {
  it('is served to browsers from the hub itself, with no external asset', async () => {
    const res = await fetch(`${hub.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('GraphiQL');
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      const r = await fetch(`${hub.url}${asset}`);
      expectWithMessage(r.status, asset).toBe(200);
      expectWithMessage((await r.arrayBuffer()).byteLength, asset).toBeGreaterThan(1000);
    }
  });

  it('does not replace JSON answers to GET queries', async () => {
    // A GET must carry a non-simple header (CSRF prevention), as documented in the README.
    const res = await fetch(`${hub.url}/graphql?query=${encodeURIComponent('{ viewer { authenticated } }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(await res.json()).toEqual({ data: { viewer: { authenticated: false } } });
  });
});

describe('probes and limits', () => {
  it('answers /healthz and /readyz', async () => {
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${hub.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: { database: boolean } }).checks.database).toBe(true);
  });

  it('refuses operations deeper than GRAPHQL_MAX_DEPTH before executing them', async () => {
    const nested = (depth: number) => `${'viewer { '.repeat(depth - 1)}authenticated${' }'.repeat(depth - 1)}`;
    const res = await hub.gql(`query { ${nested(14)} }`);
    expect(res.errors?.map((e) => e.extensions?.maxDepth)).toContain(12);
  });
});

describe('depthLimit rule', () => {
  const schema = buildSchema('type Query { node: Node } type Node { child: Node name: String }');
  const depthOf = (n: number) => `{ ${'node { '}${'child { '.repeat(n - 2)}name${' }'.repeat(n - 1)} }`;
  const errors = (q: string) => validate(schema, parse(q), [depthLimit(5)]);

  it('allows operations at the limit and refuses deeper ones', () => {
    expect(errors(depthOf(5))).toEqual([]);
    expect(errors(depthOf(6)).map((e) => e.extensions.depth)).toEqual([6]);
  });

  it('follows fragments and survives fragment cycles', () => {
    const viaFragment = `{ node { ...A } } fragment A on Node { child { child { child { child { name } } } } }`;
    expect(errors(viaFragment).map((e) => e.extensions.depth)).toEqual([6]);
    const cyclic = `{ node { ...A } } fragment A on Node { child { ...B } } fragment B on Node { child { ...A } }`;
    expect(() => errors(cyclic)).not.toThrow();
  });
});
