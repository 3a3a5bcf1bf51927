/**
 * Remote-subgraph mode (SUBGRAPH_URLS): a subgraph's refusal reaches the client with the
 * subgraph's own code, as in-process, and never with the subgraph's URL.
 */
import { describe, expect, it } from '@jest/globals';
import { afterAll, beforeAll } from '../helpers/runner.js';
import { serveSubgraph } from '../../src/gateway/subgraph-server.js';
import { subgraphs } from '../../src/gateway/subgraphs.js';
import { startPlatform, type RunningPlatform } from '../../src/platform/bootstrap.js';
import { createLogger } from '../../src/platform/logger.js';
import { EnterpriseByUsccDocument } from '../generated/graphql.js';
import { startTestHub, testConfig, type TestHub } from '../helpers/hub.js';

const SECRET = 'test-internal-secret-0123456789abcdef0123456789';
let subgraphPlatform: RunningPlatform;
let served: { url: string; stop(): Promise<void> }[] = [];
let gateway: TestHub;
let local: TestHub;

beforeAll(async () => {
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
  local = await startTestHub();
});
afterAll(async () => {
  await gateway.stop();
  await local.stop();
  for (const s of served) await s.stop();
  await subgraphPlatform.close();
});

describe('remote subgraph errors', () => {
  it('keep the subgraph code of an invalid USCC, as the in-process gateway answers, without any URL', async () => {
    const uscc = '91440101MA5CXXXXX0';
    const remote = await gateway.gql(EnterpriseByUsccDocument, { uscc });
    const inProcess = await local.gql(EnterpriseByUsccDocument, { uscc });
    expect(inProcess.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(remote.errors?.map((e) => e.extensions?.code)).toEqual(inProcess.errors?.map((e) => e.extensions?.code));
    const text = JSON.stringify(remote);
    expect(text).not.toMatch(/127\.0\.0\.1|http:|\/graphql|serviceName|response/);
  });

  it('turn a NUL byte into BAD_USER_INPUT in the subgraph server too', async () => {
    const res = await gateway.gql('{ enterprises(filter: { name: "a\\u0000b" }) { totalCount } }');
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(JSON.stringify(res)).not.toMatch(/UTF8|0x00|127\.0\.0\.1|http:/);
  });

  it('answer JSON, not an HTML page, for malformed bodies sent to a subgraph', async () => {
    const res = await fetch(served[0]!.url, {
      method: 'POST',
      // From a gateway (with the shared secret), so the body is what gets refused.
      headers: { 'content-type': 'application/json', 'x-hub-gateway-secret': SECRET },
      body: '{"query": ',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toMatch(/<html|node_modules|\/src\//i);
  });
});
