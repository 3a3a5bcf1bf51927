/**
 * The HTTP surface: GraphQL over HTTP conformance (graphql-http's audit suite), GraphiQL served
 * without any external asset, health probes, and the query limit rules.
 */
import { buildSchema, parse, validate } from 'graphql';
import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectWithMessage, HOOK_TIMEOUT } from './helpers/runner.js';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { queryLimitRules } from '../src/gateway/query-limits.js';
import { readyzHandler, READINESS_REUSE_MS } from '../src/platform/readiness.js';
import { startTestHub, type TestHub } from './helpers/hub.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
}, HOOK_TIMEOUT);
afterAll(() => hub.stop(), HOOK_TIMEOUT);

describe('GraphQL over HTTP', () => {
  it('passes every MUST and SHOULD audit of the graphql-http suite', async () => {
    const audits = serverAudits({ url: `${hub.url}/graphql`, fetchFn: fetch });
    const required = audits.filter((a) => a.name.startsWith('MUST') || a.name.startsWith('SHOULD'));
    expect(required.length).toBeGreaterThan(30);
    // Request errors answer 200 to clients that accept only application/json (572B, FDE2, 7B9B).
    expect(required.map((a) => a.id)).toEqual(expect.arrayContaining(['572B', 'FDE2', '7B9B']));
    const failures: string[] = [];
    for (const audit of required) {
      const result = await audit.fn();
      if (result.status !== 'ok') failures.push(`${audit.id} ${audit.name}: ${result.reason}`);
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

  it('runs the readiness checks at most once a second however often /readyz is called', async () => {
    let rounds = 0;
    const app = express();
    app.get(
      '/readyz',
      readyzHandler(hub.platform, () => {
        rounds += 1;
        return new Promise((r) => setTimeout(() => r({ 'subgraph:x': true }), 50));
      }),
    );
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`;
    try {
      const flood = await Promise.all(Array.from({ length: 50 }, () => fetch(url)));
      expect(flood.map((r) => r.status)).toEqual(Array(50).fill(200));
      expect(rounds).toBe(1);
      await new Promise((r) => setTimeout(r, READINESS_REUSE_MS + 100));
      const later = await fetch(url);
      expect(((await later.json()) as { checks: Record<string, boolean> }).checks).toEqual({
        database: true,
        ...(hub.platform.cache.kind === 'redis' ? { redis: true } : {}),
        'subgraph:x': true,
      });
      expect(rounds).toBe(2);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('refuses operations deeper than GRAPHQL_MAX_DEPTH before executing them', async () => {
    const nested = (depth: number) => `${'viewer { '.repeat(depth - 1)}authenticated${' }'.repeat(depth - 1)}`;
    const res = await hub.gql(`query { ${nested(14)} }`);
    expect(res.status).toBe(400);
    expect(res.errors?.map((e) => [e.extensions?.code, e.extensions?.limit])).toContainEqual(['QUERY_TOO_DEEP', 12]);
  });
});

describe('query limit rules', () => {
  const schema = buildSchema('type Query { node: Node } type Node { child: Node name: String }');
  const depthOf = (n: number) => `{ ${'node { '}${'child { '.repeat(n - 2)}name${' }'.repeat(n - 1)} }`;
  const limits = { maxDepth: 5, maxAliases: 2, maxDirectives: 2, maxTokens: 1000, maxCost: 1000 };
  const codes = (q: string) => validate(schema, parse(q), queryLimitRules(limits)).map((e) => e.extensions.code);

  it('allows operations at the depth limit and refuses deeper ones', () => {
    expect(codes(depthOf(5))).toEqual([]);
    expect(codes(depthOf(6))).toEqual(['QUERY_TOO_DEEP']);
  });

  it('follows fragments without counting them as levels, and survives fragment cycles', () => {
    const viaFragment = `{ node { ...A } } fragment A on Node { child { child { child { child { name } } } } }`;
    expect(codes(viaFragment)).toEqual(['QUERY_TOO_DEEP']);
    const atLimit = `{ node { ...A } } fragment A on Node { child { child { child { name } } } }`;
    expect(codes(atLimit)).toEqual([]);
    const cyclic = `{ node { ...A } } fragment A on Node { child { ...B } } fragment B on Node { child { ...A } }`;
    expect(() => codes(cyclic)).not.toThrow();
  });

  it('counts aliases and directives through fragments', () => {
    expect(codes('{ a: node { name } b: node { name } }')).toEqual([]);
    expect(codes('{ a: node { name } ...F } fragment F on Query { b: node { name } c: node { name } }')).toEqual([
      'TOO_MANY_ALIASES',
    ]);
    expect(codes('{ node @skip(if: false) @skip(if: false) @skip(if: false) { name } }')).toContain(
      'TOO_MANY_DIRECTIVES',
    );
  });
});
