/**
 * Distributed mode: each subgraph served alone (`hub subgraph`), the gateway calling them over
 * HTTP as any router does (client headers forwarded, the shared gateway secret added). Subgraphs
 * refuse calls without the secret and authenticate the forwarded key themselves.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HOOK_TIMEOUT, poll } from './helpers/runner.js';
import { serveSubgraph } from '../src/gateway/subgraph-server.js';
import { subgraphs } from '../src/gateway/subgraphs.js';
import { startPlatform, type RunningPlatform } from '../src/platform/bootstrap.js';
import { createLogger } from '../src/platform/logger.js';
import {
  DecidePenaltyDocument,
  EnterpriseByUsccDocument,
  EnterpriseLicencesDocument,
  EnterprisePenaltiesDocument,
  IssueLicenceDocument,
  RegisterEnterpriseDocument,
  ViewerDocument,
} from './generated/graphql.js';
import {
  aDepartment,
  aFoodLicenceInput,
  anEnterprise,
  anEnterpriseInput,
  aSystemKey,
  referenceData,
} from './helpers/builders.js';
import { startTestHub, testConfig, type TestHub } from './helpers/hub.js';

const SECRET = 'test-internal-secret-0123456789abcdef0123456789';
let subgraphPlatform: RunningPlatform;
let served: { url: string; stop(): Promise<void> }[] = [];
let gateway: TestHub;

beforeAll(async () => {
  subgraphPlatform = await startPlatform(testConfig({ SUBGRAPH_SHARED_SECRET: SECRET }), {
    migrate: false,
    logger: createLogger('silent'),
  });
  // Every subgraph in its own server, as `hub subgraph <name>` runs it.
  const names = Object.keys(subgraphs) as (keyof typeof subgraphs)[];
  served = [];
  for (const name of names) served.push(await serveSubgraph(subgraphPlatform, subgraphs[name], 0, '127.0.0.1'));
  gateway = await startTestHub({
    SUBGRAPH_SHARED_SECRET: SECRET,
    SUBGRAPH_URLS: names.map((n, i) => `${n}=${served[i]!.url}`).join(','),
  });
}, HOOK_TIMEOUT);
afterAll(async () => {
  await gateway.stop();
  for (const s of served) await s.stop();
  await subgraphPlatform.close();
}, HOOK_TIMEOUT);

const post = (url: string, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });

describe('remote subgraphs', () => {
  it('answer the probes deploy/ points an orchestrator at: /healthz and /readyz (database and Redis up)', async () => {
    for (const s of served) {
      expect((await fetch(new URL('/healthz', s.url))).status).toBe(200);
      const ready = await fetch(new URL('/readyz', s.url));
      const body = (await ready.json()) as { status: string; checks: Record<string, boolean> };
      expect({ status: ready.status, body }).toMatchObject({ status: 200, body: { status: 'ready' } });
      expect(body.checks.database).toBe(true);
    }
  });

  it('answer through the gateway, with the caller and its scopes carried across', async () => {
    const prisma = gateway.platform.prisma;
    const dept = await aDepartment(prisma);
    const { key } = await aSystemKey(prisma, dept.code, ['enterprise:register']);
    const { key: reader } = await aSystemKey(prisma, dept.code, []);
    const input = anEnterpriseInput(dept.code);
    expect((await gateway.gql(RegisterEnterpriseDocument, { input }, reader)).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    const created = await gateway.gql(RegisterEnterpriseDocument, { input }, key);
    expect(created.errors).toBeUndefined();
    const read = await gateway.gql(EnterpriseByUsccDocument, { uscc: input.uscc });
    expect(read.data?.enterprise?.registrationAuthority).toEqual({
      code: dept.code,
      name: dept.name,
      kind: 'MARKET_REGULATION',
    });
    const me = await gateway.gql(ViewerDocument, {}, key);
    expect(me.data?.viewer.department?.code).toBe(dept.code);
  });

  it('join licences, penalties and the directory across servers, the caller carried to each', async () => {
    const prisma = gateway.platform.prisma;
    await referenceData(prisma);
    const holder = await anEnterprise(prisma);
    const { key: issuer } = await aSystemKey(prisma, 'MR', ['licence:issue', 'penalty:decide']);
    const issued = await gateway.gql(IssueLicenceDocument, { input: aFoodLicenceInput(holder.uscc) }, issuer);
    expect(issued.errors).toBeUndefined();
    const decided = await gateway.gql(
      DecidePenaltyDocument,
      {
        input: {
          decisionNumber: `REMOTE-${holder.uscc}`,
          enterprise: holder.uscc,
          facts: '远程测试',
          legalBasis: '《食品安全法》',
          kinds: ['WARNING'],
          decidedOn: '2025-06-01',
          publicityUntil: '2099-01-01',
        },
      },
      issuer,
    );
    expect(decided.errors).toBeUndefined();
    const res = await gateway.gql(EnterpriseLicencesDocument, { uscc: holder.uscc });
    expect(res.data?.enterprise?.licences.map((l) => l.number)).toEqual([issued.data!.issueLicence.number]);
    const penalties = await gateway.gql(EnterprisePenaltiesDocument, { uscc: holder.uscc });
    expect(penalties.data?.enterprise?.penalties.map((p) => p.decisionNumber)).toEqual([`REMOTE-${holder.uscc}`]);
  });

  it('refuse calls without the shared gateway secret, or with a wrong one', async () => {
    for (const s of served) {
      expect((await post(s.url)).status).toBe(401);
      expect(
        (await post(s.url, { 'x-hub-gateway-secret': 'another-secret-another-secret-another-secret' })).status,
      ).toBe(401);
      expect((await post(s.url, { 'x-hub-gateway-secret': SECRET })).status).toBe(200);
    }
  });

  it('authenticate the forwarded key themselves: a bad key is refused, its scopes apply, a revoked key stops', async () => {
    const prisma = gateway.platform.prisma;
    const dept = await aDepartment(prisma);
    const { key, system } = await aSystemKey(prisma, dept.code, ['enterprise:register']);
    const subjects = served[Object.keys(subgraphs).indexOf('subjects')]!.url;
    const register = (authorization: string | undefined) =>
      fetch(subjects, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-gateway-secret': SECRET,
          ...(authorization ? { authorization } : {}),
        },
        body: JSON.stringify({
          query: 'mutation ($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { uscc } }',
          variables: { input: anEnterpriseInput(dept.code) },
        }),
      });
    const bad = await register('Bearer hub_aaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb');
    expect(bad.status).toBe(401);
    const anonymous = (await (await register(undefined)).json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const ok = (await (await register(`Bearer ${key}`)).json()) as { errors?: unknown };
    expect(ok.errors).toBeUndefined();
    await prisma.apiKey.updateMany({ where: { systemId: system.id }, data: { revokedAt: new Date() } });
    // Verified keys are remembered for 10 s, as at the gateway.
    await poll(
      async () => (await register(`Bearer ${key}`)).status,
      (status) => expect(status).toBe(401),
      { timeout: 20_000, interval: 1000 },
    );
  }, 30_000);
});
