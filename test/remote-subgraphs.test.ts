/**
 * Distributed mode: each subgraph served alone (`hub subgraph`), the gateway calling them over
 * HTTP. Subgraphs refuse calls that did not come through the gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSubgraph } from '../src/gateway/subgraph-server.js';
import { subgraphs } from '../src/gateway/subgraphs.js';
import { signCaller } from '../src/platform/auth/internal-token.js';
import { startPlatform, type RunningPlatform } from '../src/platform/bootstrap.js';
import { createLogger } from '../src/platform/logger.js';
import { EnterpriseByUsccDocument, RegisterEnterpriseDocument, ViewerDocument } from './generated/graphql.js';
import { aDepartment, anEnterpriseInput, aSystemKey } from './helpers/builders.js';
import { startTestHub, testConfig, type TestHub } from './helpers/hub.js';

const SECRET = 'test-internal-secret-0123456789abcdef0123456789';
let subgraphPlatform: RunningPlatform;
let served: { url: string; stop(): Promise<void> }[] = [];
let gateway: TestHub;

beforeAll(async () => {
  subgraphPlatform = await startPlatform(testConfig({ HUB_INTERNAL_SECRET: SECRET }), {
    migrate: false,
    logger: createLogger('silent'),
  });
  served = [
    await serveSubgraph(subgraphPlatform, subgraphs.subjects, 0, '127.0.0.1'),
    await serveSubgraph(subgraphPlatform, subgraphs.directory, 0, '127.0.0.1'),
  ];
  gateway = await startTestHub({
    HUB_INTERNAL_SECRET: SECRET,
    SUBGRAPH_URLS: `subjects=${served[0]!.url},directory=${served[1]!.url}`,
  });
});
afterAll(async () => {
  await gateway.stop();
  for (const s of served) await s.stop();
  await subgraphPlatform.close();
});

const post = (url: string, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });

describe('remote subgraphs', () => {
  it('answer through the gateway, with the caller and its scopes carried across', async () => {
    const prisma = gateway.platform.prisma;
    const dept = await aDepartment(prisma);
    const { key } = await aSystemKey(prisma, dept.code, ['enterprise:register']);
    const { key: reader } = await aSystemKey(prisma, dept.code, []);
    const input = anEnterpriseInput(dept.code);
    expect((await gateway.gql(RegisterEnterpriseDocument, { input }, reader)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const created = await gateway.gql(RegisterEnterpriseDocument, { input }, key);
    expect(created.errors).toBeUndefined();
    const read = await gateway.gql(EnterpriseByUsccDocument, { uscc: input.uscc });
    expect(read.data?.enterprise?.registrationAuthority).toEqual({ code: dept.code, name: dept.name, kind: 'MARKET_REGULATION' });
    const me = await gateway.gql(ViewerDocument, {}, key);
    expect(me.data?.viewer.department?.code).toBe(dept.code);
  });

  it('refuse calls without the gateway signature or with a forged one', async () => {
    for (const s of served) {
      expect((await post(s.url)).status).toBe(401);
      const forged = await signCaller({ kind: 'public' }, 'another-secret-another-secret-another-secret');
      expect((await post(s.url, { 'x-hub-caller': forged })).status).toBe(401);
      const genuine = await signCaller({ kind: 'public' }, SECRET);
      expect((await post(s.url, { 'x-hub-caller': genuine })).status).toBe(200);
    }
  });
});
