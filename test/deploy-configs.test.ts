/**
 * The router configurations in deploy/ (no hub code in them): the Apollo Router file parses and
 * passes on exactly the headers the hub's subgraphs read, plus the shared gateway secret taken
 * from the environment; the Hive Gateway file forwards the same headers. (Hive Gateway itself
 * runs in test/hive-gateway.test.ts; Apollo Router is a binary download, not run here.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { z } from 'zod';
import { FORWARDED_HEADERS, GATEWAY_SECRET_HEADER } from '../src/platform/auth/gateway-proof.js';
import { subgraphNames } from '../src/config/index.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), 'utf8');

const Rule = z.union([
  z.object({ propagate: z.object({ named: z.string() }) }),
  z.object({ insert: z.object({ name: z.string(), value: z.string() }) }),
]);
const RouterConfig = z.object({
  supergraph: z.object({ listen: z.string(), path: z.string() }),
  headers: z.object({
    all: z.object({ request: z.array(Rule) }).optional(),
    subgraphs: z.record(z.string(), z.object({ request: z.array(Rule) })).optional(),
  }),
  include_subgraph_errors: z.object({ all: z.boolean() }),
});

describe('deploy/apollo-router/router.yaml', () => {
  const config = RouterConfig.parse(parse(read('deploy/apollo-router/router.yaml')));
  const rules = config.headers.all?.request ?? [];

  it('propagates every header the subgraphs read, and no other', () => {
    const propagated = rules.flatMap((r) => ('propagate' in r ? [r.propagate.named.toLowerCase()] : []));
    expect(propagated.sort()).toEqual([...FORWARDED_HEADERS].sort());
  });

  it('inserts the shared gateway secret from SUBGRAPH_SHARED_SECRET, never a literal', () => {
    const inserted = rules.flatMap((r) => ('insert' in r ? [r.insert] : []));
    expect(inserted).toEqual([{ name: GATEWAY_SECRET_HEADER, value: '${env.SUBGRAPH_SHARED_SECRET}' }]);
  });

  it('names only subgraphs the hub has, and keeps their error codes', () => {
    for (const name of Object.keys(config.headers.subgraphs ?? {})) expect(subgraphNames).toContain(name);
    expect(config.include_subgraph_errors.all).toBe(true);
    expect(config.supergraph.path).toBe('/graphql');
  });
});

describe('deploy/hive-gateway/gateway.config.ts', () => {
  const text = read('deploy/hive-gateway/gateway.config.ts');

  it('forwards the same headers and adds the secret from the environment, importing no hub code', () => {
    const list = /const FORWARDED = \[([^\]]*)\]/.exec(text)?.[1] ?? '';
    const names = [...list.matchAll(/'([^']+)'/g)].map((m) => m[1]);
    expect(names.sort()).toEqual([...FORWARDED_HEADERS].sort());
    expect(text).toContain(`['${GATEWAY_SECRET_HEADER}', '{env.SUBGRAPH_SHARED_SECRET}']`);
    const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(imports).toEqual(['@graphql-hive/gateway']);
  });
});
