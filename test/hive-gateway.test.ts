/**
 * Hive Gateway (npm @graphql-hive/gateway, its own process, configured only by
 * deploy/hive-gateway/gateway.config.ts) over the hub's remote subgraphs: the same operations
 * through it and through the hub's own gateway give the same answers (keys, scopes, personal-data
 * masking, error codes), and the feed's `changeEvents` subscription streams through it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { afterAll, beforeAll, poll, withinMs } from './helpers/runner.js';
import { composeSupergraph } from '../src/gateway/compose.js';
import { serveSubgraph } from '../src/gateway/subgraph-server.js';
import { subgraphs } from '../src/gateway/subgraphs.js';
import { startPlatform, type RunningPlatform } from '../src/platform/bootstrap.js';
import { createLogger } from '../src/platform/logger.js';
import {
  EnterpriseByUsccDocument,
  EnterpriseLicencesDocument,
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
import { startTestHub, testConfig, type GqlResult, type TestHub } from './helpers/hub.js';

const SECRET = 'hive-test-shared-secret-0123456789abcdef012345';
const ROOT = path.resolve(import.meta.dirname, '..');
const PURPOSE = { 'x-purpose': 'hive%20gateway%20comparison' };

let subgraphPlatform: RunningPlatform;
let served: { url: string; stop(): Promise<void> }[] = [];
let hub: TestHub;
let hive: ChildProcess | undefined;
let hiveUrl = '';
let hiveLog = '';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-hive-'));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  subgraphPlatform = await startPlatform(
    testConfig({ SUBGRAPH_SHARED_SECRET: SECRET, FEED_POLL_MS: '50', WEBHOOK_WORKER: 'off' }),
    { migrate: false, logger: createLogger('silent') },
  );
  const names = Object.keys(subgraphs) as (keyof typeof subgraphs)[];
  served = [];
  for (const name of names) served.push(await serveSubgraph(subgraphPlatform, subgraphs[name], 0, '127.0.0.1'));
  const urls = Object.fromEntries(names.map((n, i) => [n, served[i]!.url]));
  // The hub's own gateway over the very same subgraph servers.
  hub = await startTestHub({
    SUBGRAPH_SHARED_SECRET: SECRET,
    SUBGRAPH_URLS: names.map((n) => `${n}=${urls[n]}`).join(','),
    WEBHOOK_WORKER: 'off',
  });
  await referenceData(hub.platform.prisma);
  const supergraph = path.join(tmp, 'supergraph.graphql');
  fs.writeFileSync(supergraph, composeSupergraph(Object.values(subgraphs), urls).supergraphSdl);
  const port = await freePort();
  hiveUrl = `http://127.0.0.1:${port}`;
  hive = spawn(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/@graphql-hive/gateway/dist/bin.js'),
      'supergraph',
      supergraph,
      '--config-path',
      path.join(ROOT, 'deploy/hive-gateway/gateway.config.ts'),
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
    ],
    {
      cwd: tmp,
      env: { SUBGRAPH_SHARED_SECRET: SECRET },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  hive.stdout?.on('data', (b: Buffer) => (hiveLog += b.toString()));
  hive.stderr?.on('data', (b: Buffer) => (hiveLog += b.toString()));
  await poll(
    async () => (await fetch(`${hiveUrl}/readiness`).catch(() => null))?.status,
    (status) => expect({ status, log: hiveLog.slice(-2000) }).toMatchObject({ status: 200 }),
    { timeout: 60_000, interval: 250 },
  );
});

afterAll(async () => {
  if (hive && hive.exitCode === null) {
    const exited = new Promise((r) => hive!.once('exit', r));
    hive.kill('SIGTERM');
    await withinMs(exited, 5000, () => undefined);
    if (hive.exitCode === null) hive.kill('SIGKILL');
  }
  await hub?.stop();
  for (const s of served) await s.stop();
  await subgraphPlatform?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function viaHive<T, V>(
  doc: TypedDocumentNode<T, V>,
  variables: Record<string, unknown> = {},
  key?: string,
  headers: Record<string, string> = {},
): Promise<GqlResult<T>> {
  const res = await fetch(`${hiveUrl}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...headers,
    },
    body: JSON.stringify({ query: print(doc), variables }),
  });
  const body = (await res.json()) as Omit<GqlResult<T>, 'status'>;
  return { status: res.status, ...body };
}

const codes = (r: GqlResult<unknown>) => (r.errors ?? []).map((e) => e.extensions?.code);

/** The same operation through both gateways: the same data, the same error codes. */
async function both<T, V>(
  doc: TypedDocumentNode<T, V>,
  variables: Record<string, unknown> = {},
  key?: string,
  headers?: Record<string, string>,
) {
  const own = await hub.gql(doc, variables as V, key, headers);
  const other = await viaHive(doc, variables, key, headers);
  expect({ data: other.data ?? null, codes: codes(other) }).toEqual({ data: own.data ?? null, codes: codes(own) });
  return { own, other };
}

describe('Hive Gateway over the remote subgraphs, beside the hub gateway', () => {
  it('answers the public alike, personal data masked', async () => {
    const holder = await anEnterprise(hub.platform.prisma);
    const { own } = await both(EnterpriseByUsccDocument, { uscc: holder.uscc });
    expect(own.data?.enterprise?.legalRepresentativeIdNumber).toMatch(/\*/);
    expect(own.data?.enterprise?.contactPhone ?? '*').toMatch(/\*/);
  });

  it('unmasks personal data alike for a key with enterprise:read-personal and a stated purpose', async () => {
    const prisma = hub.platform.prisma;
    const dept = await aDepartment(prisma);
    const { key } = await aSystemKey(prisma, dept.code, ['enterprise:register', 'enterprise:read-personal']);
    const input = anEnterpriseInput(dept.code);
    expect((await hub.gql(RegisterEnterpriseDocument, { input }, key)).errors).toBeUndefined();
    const own = await hub.gql(EnterpriseByUsccDocument, { uscc: input.uscc }, key, {
      ...PURPOSE,
      'x-request-id': 'via-hub',
    });
    const other = await viaHive(EnterpriseByUsccDocument, { uscc: input.uscc }, key, {
      ...PURPOSE,
      'x-request-id': 'via-hive',
    });
    expect(other.data).toEqual(own.data);
    expect(own.data?.enterprise?.legalRepresentativeIdNumber).toBe(input.legalRepresentativeIdNumber);
    // Without a purpose: refused alike (FORBIDDEN, reason PURPOSE_REQUIRED).
    const { other: noPurpose } = await both(EnterpriseByUsccDocument, { uscc: input.uscc }, key);
    expect(new Set(codes(noPurpose))).toEqual(new Set(['FORBIDDEN']));
    // Both reads were audited by the subjects subgraph, with the purpose and the request id each gateway forwarded.
    const audited = await prisma.auditEntry.findMany({
      where: { entityId: input.uscc, purpose: 'hive gateway comparison', requestId: { in: ['via-hub', 'via-hive'] } },
    });
    expect(audited.map((a) => a.requestId).sort()).toEqual(['via-hive', 'via-hub']);
  });

  it('knows the caller alike (viewer) and refuses a bad key alike (UNAUTHENTICATED)', async () => {
    const prisma = hub.platform.prisma;
    const dept = await aDepartment(prisma);
    const { key } = await aSystemKey(prisma, dept.code, ['feed:read']);
    const { own } = await both(ViewerDocument, {}, key);
    expect(own.data?.viewer.scopes).toEqual(['feed:read']);
    const bad = 'hub_aaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
    expect(codes(await hub.gql(ViewerDocument, {}, bad))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await viaHive(ViewerDocument, {}, bad))).toEqual(['UNAUTHENTICATED']);
  });

  it('applies scopes alike to mutations: FORBIDDEN without the scope, the write with it', async () => {
    const prisma = hub.platform.prisma;
    const dept = await aDepartment(prisma);
    const { key: reader } = await aSystemKey(prisma, dept.code, []);
    const { key: registrar } = await aSystemKey(prisma, dept.code, ['enterprise:register']);
    const refused = anEnterpriseInput(dept.code);
    const viaHub = await hub.gql(RegisterEnterpriseDocument, { input: refused }, reader);
    const viaOther = await viaHive(RegisterEnterpriseDocument, { input: refused }, reader);
    expect(codes(viaHub)).toEqual(['FORBIDDEN']);
    expect(codes(viaOther)).toEqual(['FORBIDDEN']);
    expect(await prisma.enterprise.count({ where: { uscc: refused.uscc } })).toBe(0);
    // Public: UNAUTHENTICATED through both.
    expect(codes(await viaHive(RegisterEnterpriseDocument, { input: refused }))).toEqual(['UNAUTHENTICATED']);

    const input = anEnterpriseInput(dept.code);
    const written = await viaHive(RegisterEnterpriseDocument, { input }, registrar);
    expect(written.errors).toBeUndefined();
    const row = await prisma.enterprise.findUnique({ where: { uscc: input.uscc } });
    expect(row?.name).toBe(input.name);
    // What Hive wrote reads the same through both, the registration authority joined from the directory.
    await both(EnterpriseByUsccDocument, { uscc: input.uscc });
  });

  it('joins subgraphs alike and keeps input error codes (BAD_USER_INPUT)', async () => {
    const prisma = hub.platform.prisma;
    const holder = await anEnterprise(prisma);
    const { key: issuer } = await aSystemKey(prisma, 'MR', ['licence:issue']);
    expect(
      (await viaHive(IssueLicenceDocument, { input: aFoodLicenceInput(holder.uscc) }, issuer)).errors,
    ).toBeUndefined();
    const { own } = await both(EnterpriseLicencesDocument, { uscc: holder.uscc });
    expect(own.data?.enterprise?.licences).toHaveLength(1);
    const { own: invalid } = await both(EnterpriseByUsccDocument, { uscc: '91440101MA5CXXXXX0' });
    expect(codes(invalid)).toEqual(['BAD_USER_INPUT']);
  });

  it('refuses a direct subgraph call that lacks the gateway secret (401)', async () => {
    const res = await fetch(served[0]!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.status).toBe(401);
  });
});

interface StreamedEvent {
  data?: { changeEvents: { cursor: string; entityType: string; entityId: string; changes: string } };
  errors?: { extensions?: { code?: string } }[];
}

/** Subscribes through Hive Gateway over server-sent events; collects what arrives. */
function subscribeViaHive(query: string, variables: Record<string, unknown>, key?: string) {
  const received: StreamedEvent[] = [];
  const abort = new AbortController();
  const done = (async () => {
    const res = await fetch(`${hiveUrl}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
      signal: abort.signal,
    });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { done: end, value } = await reader.read();
      if (end) return;
      buffer += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const message = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const data = message
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trim())
          .join('\n');
        if (data) received.push(JSON.parse(data) as StreamedEvent);
      }
    }
  })().catch((err: unknown) => {
    if (!abort.signal.aborted) throw err;
  });
  return { received, close: () => abort.abort(), done };
}

describe('the changeEvents subscription through Hive Gateway', () => {
  const SUBSCRIPTION = `subscription ($after: String, $types: [ChangeEntity!]) {
    changeEvents(after: $after, types: $types) { cursor entityType entityId changes }
  }`;

  it('streams the backlog and live events to a key with feed:read, personal data masked', async () => {
    const prisma = hub.platform.prisma;
    const dept = await aDepartment(prisma);
    const { key: reader } = await aSystemKey(prisma, dept.code, ['feed:read']);
    const { key: registrar } = await aSystemKey(prisma, dept.code, ['enterprise:register']);
    const [head] = await prisma.$queryRaw<
      { head: bigint }[]
    >`SELECT COALESCE(max(seq), 0)::bigint AS head FROM "ChangeEvent"`;
    const before = anEnterpriseInput(dept.code);
    expect((await hub.gql(RegisterEnterpriseDocument, { input: before }, registrar)).errors).toBeUndefined();
    const sub = subscribeViaHive(SUBSCRIPTION, { after: String(head!.head), types: ['ENTERPRISE'] }, reader);
    try {
      await poll(
        () => sub.received.map((e) => e.data?.changeEvents.entityId),
        (ids) => expect(ids).toContain(before.uscc),
        { timeout: 20_000, interval: 100 },
      );
      const live = anEnterpriseInput(dept.code);
      expect((await viaHive(RegisterEnterpriseDocument, { input: live }, registrar)).errors).toBeUndefined();
      await poll(
        () => sub.received.map((e) => e.data?.changeEvents.entityId),
        (ids) => expect(ids).toEqual([before.uscc, live.uscc]),
        { timeout: 20_000, interval: 100 },
      );
      const changes = JSON.parse(sub.received[1]!.data!.changeEvents.changes) as Record<string, unknown>;
      expect(String(changes.legalRepresentativeIdNumber)).toMatch(/\*/);
    } finally {
      sub.close();
      await sub.done;
    }
  }, 60_000);

  it('refuses the public (UNAUTHENTICATED) and a key without feed:read (FORBIDDEN)', async () => {
    const prisma = hub.platform.prisma;
    const dept = await aDepartment(prisma);
    const { key: other } = await aSystemKey(prisma, dept.code, ['enterprise:register']);
    for (const [key, code] of [
      [undefined, 'UNAUTHENTICATED'],
      [other, 'FORBIDDEN'],
    ] as const) {
      const sub = subscribeViaHive(SUBSCRIPTION, {}, key);
      await poll(
        () => sub.received.flatMap((e) => (e.errors ?? []).map((x) => x.extensions?.code)),
        (found) => expect(found).toContain(code),
        { timeout: 20_000, interval: 100 },
      );
      sub.close();
      await sub.done;
    }
  }, 60_000);
});
