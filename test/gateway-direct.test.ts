/**
 * The direct path (src/gateway/direct.ts): a query whose plan is one fetch from one in-process
 * subgraph runs on that subgraph's schema without the gateway's plan execution. Its answers are
 * the gateway's, byte for byte: data, aliases, null-bubbling and errors; cross-subgraph queries,
 * introspection and refused variables still go through the gateway.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { HOOK_TIMEOUT } from './helpers/runner.js';
import { IssueLicenceDocument } from './generated/graphql.js';
import { aFoodLicenceInput, anEnterprise, aSystemKey, referenceData } from './helpers/builders.js';
import { startTestHub, type TestHub } from './helpers/hub.js';
import { seedCatalogue } from '../prisma/seed/cases.js';
import { directExecutions, setDirectPathEnabled } from '../src/gateway/direct.js';

let hub: TestHub;
let reader: string;
let licence: { t: string; n: string };
let uscc: string;

beforeAll(async () => {
  // Response cache off: every request here must be executed.
  hub = await startTestHub({ RESPONSE_CACHE_TTL_SECONDS: '0' });
  const prisma = hub.platform.prisma;
  await referenceData(prisma);
  await seedCatalogue(prisma);
  const issuer = (await aSystemKey(prisma, 'MR', ['licence:issue'])).key;
  reader = (await aSystemKey(prisma, 'MR', ['enterprise:read-personal'])).key;
  uscc = (await anEnterprise(prisma)).uscc;
  const issued = await hub.gql(IssueLicenceDocument, { input: aFoodLicenceInput(uscc) }, issuer);
  expect(issued.errors).toBeUndefined();
  const row = await prisma.licence.findUniqueOrThrow({ where: { id: issued.data!.issueLicence.id } });
  licence = { t: row.typeCode, n: row.number };
}, HOOK_TIMEOUT);
afterEach(() => setDirectPathEnabled(true));
afterAll(() => hub.stop(), HOOK_TIMEOUT);

/** The raw answer (status and body text) to one POST. */
async function post(body: Record<string, unknown>, key?: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${hub.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

/** The answer with the direct path on and off, and how many operations ran direct meanwhile. */
async function both(body: Record<string, unknown>, key?: string) {
  const before = directExecutions();
  const direct = await post(body, key);
  const ran = directExecutions() - before;
  setDirectPathEnabled(false);
  const gateway = await post(body, key);
  setDirectPathEnabled(true);
  expect(directExecutions() - before).toBe(ran);
  return { direct, gateway, ran };
}

type Case = { name: string; body: () => Record<string, unknown>; key?: () => string; expect?: (text: string) => void };

const single: Case[] = [
  {
    name: 'licenceByNumber with its type',
    body: () => ({
      query:
        'query($t: String!, $n: String!) { licenceByNumber(type: $t, number: $n) { number status validFrom validUntil inForce type { code name } } }',
      variables: licence,
    }),
    expect: (text) => expect(text).toContain(licence.n),
  },
  {
    name: 'serviceItem',
    body: () => ({
      query: 'query($c: String!) { serviceItem(code: $c) { code name audience acceptedAt onTheSpot conditions } }',
      variables: { c: 'HZ-EE-001' },
    }),
    expect: (text) => expect(text).toContain('"code":"HZ-EE-001"'),
  },
  {
    name: 'departments',
    body: () => ({ query: '{ departments { code name kind consultationPhone } }' }),
    expect: (text) => expect(text).toContain('"code":"MR"'),
  },
  {
    name: 'enterprise with a scoped key, one field refused',
    body: () => ({
      query: 'query($u: USCC!) { enterprise(uscc: $u) { uscc name status legalRepresentative contactPhone } }',
      variables: { u: uscc },
    }),
    key: () => reader,
    // Its key may read the enterprise, but contactPhone unmasked only with a stated purpose.
    expect: (text) => {
      expect(text).toContain(uscc);
      expect(text).toContain('"path":["enterprise","contactPhone"],"extensions":{"code":"FORBIDDEN"');
    },
  },
  {
    name: 'aliases, fragments, variables, @include and root __typename',
    body: () => ({
      query: `query Pick($t: String!, $n: String!, $with: Boolean!, $skip: Boolean!) {
        kind: __typename
        first: licenceByNumber(type: $t, number: $n) { ...L }
        missing: licenceByNumber(type: $t, number: "NO-SUCH") { number }
        again: licenceByNumber(type: $t, number: $n) { n: number ... on Licence { status @skip(if: $skip) } }
      }
      fragment L on Licence { num: number validFrom @include(if: $with) type { name } __typename }
      query Other { departments { code } }`,
      operationName: 'Pick',
      variables: { ...licence, with: true, skip: false },
    }),
    expect: (text) => expect(text).toContain('"missing":null'),
  },
  {
    name: 'a FORBIDDEN field bubbling up to a nullable root field',
    body: () => ({ query: '{ department(code: "MR") { code name systems { name } } }' }),
    key: () => reader,
    expect: (text) => expect(text).toContain('"path":["department","systems"],"extensions":{"code":"FORBIDDEN",'),
  },
  {
    name: 'a field refused to the public, bubbling up to data',
    body: () => ({ query: '{ departments { code systems { name } } }' }),
    expect: (text) => expect(text).toContain('"extensions":{"code":"UNAUTHENTICATED"}}],"data":null}'),
  },
];

const viaGateway: Case[] = [
  {
    name: 'a query across subgraphs',
    body: () => ({
      query:
        'query($t: String!, $n: String!) { licenceByNumber(type: $t, number: $n) { number holder { uscc name } } }',
      variables: licence,
    }),
    expect: (text) => expect(text).toContain(uscc),
  },
  {
    name: 'introspection next to a subgraph field',
    body: () => ({ query: '{ departments { code } __type(name: "Department") { name } }' }),
    expect: (text) => expect(text).toContain('"__type":{"name":"Department"}'),
  },
  {
    name: 'introspection in a fragment',
    body: () => ({ query: '{ ...F } fragment F on Query { __schema { queryType { name } } }' }),
  },
  {
    name: 'root __typename alone',
    body: () => ({ query: '{ __typename }' }),
    expect: (text) => expect(text).toBe('{"data":{"__typename":"Query"}}\n'),
  },
  {
    name: 'a variable of the wrong type',
    body: () => ({ query: 'query($c: String!) { serviceItem(code: $c) { code } }', variables: { c: 5 } }),
    expect: (text) => expect(text).toContain('"errors"'),
  },
];

describe('direct path', () => {
  it.each(single.map((c) => [c.name, c] as const))('answers %s directly, as the gateway does', async (_name, c) => {
    const { direct, gateway, ran } = await both(c.body(), c.key?.());
    expect(ran).toBe(1);
    expect(direct).toEqual(gateway);
    c.expect?.(direct.text);
  });

  it.each(viaGateway.map((c) => [c.name, c] as const))('leaves %s to the gateway', async (_name, c) => {
    const { direct, gateway, ran } = await both(c.body(), c.key?.());
    expect(ran).toBe(0);
    expect(direct).toEqual(gateway);
    c.expect?.(direct.text);
  });

  it('counts a direct execution as a fetch from its subgraph', async () => {
    const fetches = async () => {
      const text = (await hub.platform.metrics.text()).body;
      const line = text
        .split('\n')
        .find(
          (l) =>
            l.startsWith('hub_subgraph_fetch_duration_seconds_count{') &&
            l.includes('subgraph="directory"') &&
            l.includes('outcome="ok"'),
        );
      return line ? Number(line.split(' ').pop()) : 0;
    };
    const before = await fetches();
    const ran = directExecutions();
    expect((await post({ query: '{ departments { code } }' })).status).toBe(200);
    expect(directExecutions() - ran).toBe(1);
    expect((await fetches()) - before).toBe(1);
  });
});
