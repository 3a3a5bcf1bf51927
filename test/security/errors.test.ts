/**
 * Errors never show internals: every route answers JSON without stack traces or file paths,
 * database refusals of the input are BAD_USER_INPUT, and introspection can be turned off.
 */
import { describe, expect, it } from '@jest/globals';
import { afterAll, beforeAll } from '../helpers/runner.js';
import { ApiKeyVerifier, createApiKey } from '../../src/platform/auth/api-keys.js';
import { aDepartment, aSystemKey } from '../helpers/builders.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';

let hub: TestHub;
let closed: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ RATE_LIMIT_PUBLIC_PER_MINUTE: '0' });
  closed = await startTestHub({ RATE_LIMIT_PUBLIC_PER_MINUTE: '0', GRAPHQL_INTROSPECTION: 'off' });
});
afterAll(async () => {
  await hub.stop();
  await closed.stop();
});

const LEAKS = /at .+\(|node_modules|\/src\/|\/work\/|<html|<pre|Error:/i;

async function expectJsonError(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const text = await res.text();
  expect(text).not.toMatch(LEAKS);
  const body = JSON.parse(text) as { errors: { extensions: { code: string } }[] };
  expect(body.errors[0]?.extensions.code).toBe(code);
}

describe('HTTP errors', () => {
  it('answer malformed JSON, too large bodies, unknown routes and static refusals in JSON', async () => {
    const post = (body: string) =>
      fetch(`${hub.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await expectJsonError(await post('{"query": '), 400, 'BAD_REQUEST');
    await expectJsonError(
      await post(JSON.stringify({ query: `{ viewer { authenticated } } #${'x'.repeat(600 * 1024)}` })),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    await expectJsonError(await fetch(`${hub.url}/no/such/route`), 404, 'NOT_FOUND');
    await expectJsonError(await fetch(`${hub.url}/assets/graphiql/graphiql/no-such-file.js`), 404, 'NOT_FOUND');
    // express.static refuses a path that climbs out of its folder with 403.
    await expectJsonError(await fetch(`${hub.url}/assets/graphiql/graphiql/..%2fpackage.json`), 403, 'FORBIDDEN');
  });
});

describe('database errors', () => {
  it('turn a NUL byte in the input into BAD_USER_INPUT without the database message', async () => {
    const res = await hub.gql('{ enterprises(filter: { name: "a\\u0000b" }) { totalCount } }');
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(JSON.stringify(res.errors)).not.toMatch(/UTF8|0x00|encoding|invalid byte/);
  });
});

describe('introspection', () => {
  it('is served by default and off with GRAPHQL_INTROSPECTION=off, "Did you mean" included', async () => {
    expect((await hub.gql('{ __schema { queryType { name } } }')).errors).toBeUndefined();
    expect((await hub.gql('{ viewer { authenticatd } }')).errors?.[0]?.message).toMatch(/Did you mean/);
    const schema = await closed.gql('{ __schema { queryType { name } } }');
    expect(schema.errors?.[0]?.message).toMatch(/introspection is not allowed/i);
    const typo = await closed.gql('{ viewer { authenticatd } }');
    expect(typo.errors?.[0]?.message).toBeDefined();
    expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean|authenticated/);
  });
});

describe('API keys', () => {
  it('take the same work to refuse an unknown key id as a wrong secret', async () => {
    const prisma = hub.platform.prisma;
    const dept = await aDepartment(prisma);
    const { system } = await aSystemKey(prisma, dept.code, []);
    const key = await createApiKey(prisma, system.id);
    const verifier = new ApiKeyVerifier(prisma, 0);
    const wrongSecret = `${key.slice(0, -4)}AAAA`;
    const unknownId = `hub_zzzzzzzzzzzz_${key.slice(-43)}`;
    const time = async (k: string) => {
      const started = process.hrtime.bigint();
      await expect(verifier.verify(`Bearer ${k}`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    for (let i = 0; i < 5; i++) await Promise.all([time(wrongSecret), time(unknownId)]);
    // Paired, interleaved measurements cancel the drift of a busy machine.
    const differences: number[] = [];
    const wrongTimes: number[] = [];
    for (let i = 0; i < 40; i++) {
      const w = await time(wrongSecret);
      differences.push(w - (await time(unknownId)));
      wrongTimes.push(w);
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    // Both do one indexed lookup and one hash comparison; what differs is noise only.
    expect(Math.abs(median(differences))).toBeLessThan(Math.max(2, median(wrongTimes) * 0.5));
  });
});
