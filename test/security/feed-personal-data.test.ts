/**
 * Personal data through the change feed, replayed on its three channels: the `changes` query,
 * the `changeEvents` subscription (graphql-ws) and webhook bodies carry an enterprise's
 * legalRepresentativeIdNumber and contactPhone unmasked only to systems with
 * enterprise:read-personal (for webhooks: the registering system's scopes when delivering).
 * And a revoked key's open subscription is closed within 10 s.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, type Client } from 'graphql-ws';
import { describe, expect, it } from '@jest/globals';
import { afterAll, beforeAll, poll, withinMs } from '../helpers/runner.js';
import WebSocket from 'ws';
import { ChangesDocument, RegisterEnterpriseDocument, RegisterWebhookDocument } from '../generated/graphql.js';
import { anEnterpriseInput, aSystemKey, referenceData } from '../helpers/builders.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';

const ID = '11010519491231002X';
const PHONE = '13800138000';
const MASKED = { legalRepresentativeIdNumber: '110105********002X', contactPhone: '138****8000' };

let hub: TestHub;
let registrar: string;
let community: { key: string; systemId: string }; // feed:read, feed:webhooks
let personal: string; // feed:read, enterprise:read-personal
const clients: Client[] = [];
let receiver: http.Server;
let receiverUrl: string;
const bodies: string[] = [];

beforeAll(async () => {
  hub = await startTestHub({
    FEED_POLL_MS: '50',
    WEBHOOK_INTERVAL_MS: '100',
    // The receiver listens on loopback.
    OUTBOUND_ALLOW_PRIVATE: 'true',
  });
  const prisma = hub.platform.prisma;
  await referenceData(prisma);
  registrar = (await aSystemKey(prisma, 'MR', ['enterprise:register'])).key;
  const c = await aSystemKey(prisma, 'HC', ['feed:read', 'feed:webhooks']);
  community = { key: c.key, systemId: c.system.id };
  personal = (await aSystemKey(prisma, 'MR', ['feed:read', 'enterprise:read-personal'])).key;
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      bodies.push(body);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await Promise.all(
    clients.map(async (c) => {
      await c.dispose();
    }),
  );
  await new Promise<void>((r) => receiver.close(() => r()));
  await hub.stop();
});

async function headCursor(): Promise<string> {
  const [row] = await hub.platform.prisma.$queryRaw<
    { head: bigint }[]
  >`SELECT COALESCE(max(seq), 0)::bigint AS head FROM "ChangeEvent"`;
  return String(row!.head);
}

async function registerEnterprise(): Promise<string> {
  const res = await hub.gql(
    RegisterEnterpriseDocument,
    { input: anEnterpriseInput('MR', { legalRepresentativeIdNumber: ID, contactPhone: PHONE }) },
    registrar,
  );
  expect(res.errors).toBeUndefined();
  return res.data!.registerEnterprise.uscc;
}

function subscribe(key: string, after: string) {
  const client = createClient({
    url: `${hub.url.replace(/^http/, 'ws')}/graphql/ws`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${key}` },
    retryAttempts: 0,
  });
  clients.push(client);
  const events: { entityId: string; changes: string }[] = [];
  let onClosed: (code: number) => void = () => {};
  const closed = new Promise<number>((r) => (onClosed = r));
  client.subscribe<{ changeEvents: { entityId: string; changes: string } }>(
    {
      query: 'subscription ($after: String) { changeEvents(types: [ENTERPRISE], after: $after) { entityId changes } }',
      variables: { after },
    },
    {
      next: (r) => {
        if (r.data) events.push(r.data.changeEvents);
      },
      error: (err) => onClosed((err as { code?: number }).code ?? -1),
      complete: () => onClosed(1000),
    },
  );
  return { events, closed };
}

const changesOf = (json: string) => JSON.parse(json) as Record<string, unknown>;

describe('personal data on the change feed', () => {
  it('the changes query masks it for a key without enterprise:read-personal', async () => {
    const after = await headCursor();
    const uscc = await registerEnterprise();
    const read = async (key: string) => {
      const res = await hub.gql(ChangesDocument, { after, types: ['ENTERPRISE'] }, key);
      expect(res.errors).toBeUndefined();
      return changesOf(res.data!.changes.events.find((e) => e.entityId === uscc)!.changes);
    };
    const masked = await read(community.key);
    expect(masked).toMatchObject(MASKED);
    expect(JSON.stringify(masked)).not.toContain(ID);
    expect(JSON.stringify(masked)).not.toContain(PHONE);
    expect(await read(personal)).toMatchObject({ legalRepresentativeIdNumber: ID, contactPhone: PHONE });
  });

  it('the changeEvents subscription masks it the same way', async () => {
    const after = await headCursor();
    const masked = subscribe(community.key, after);
    const full = subscribe(personal, after);
    const uscc = await registerEnterprise();
    await poll(
      () => masked.events.some((e) => e.entityId === uscc),
      (v) => expect(v).toBe(true),
      { timeout: 15_000 },
    );
    await poll(
      () => full.events.some((e) => e.entityId === uscc),
      (v) => expect(v).toBe(true),
      { timeout: 15_000 },
    );
    const seen = changesOf(masked.events.find((e) => e.entityId === uscc)!.changes);
    expect(seen).toMatchObject(MASKED);
    expect(JSON.stringify(seen)).not.toContain(ID);
    expect(changesOf(full.events.find((e) => e.entityId === uscc)!.changes)).toMatchObject({
      legalRepresentativeIdNumber: ID,
      contactPhone: PHONE,
    });
  });

  it('webhook bodies follow the registering system’s scopes at delivery time', async () => {
    const reg = await hub.gql(RegisterWebhookDocument, { url: receiverUrl, types: ['ENTERPRISE'] }, community.key);
    expect(reg.errors).toBeUndefined();
    const delivered = async (uscc: string) => {
      await poll(
        () => bodies.some((b) => b.includes(uscc)),
        (v) => expect(v).toBe(true),
        { timeout: 20_000, interval: 100 },
      );
      return (JSON.parse(bodies.find((b) => b.includes(uscc))!) as { changes: Record<string, unknown> }).changes;
    };
    const first = await delivered(await registerEnterprise());
    expect(first).toMatchObject(MASKED);
    expect(JSON.stringify(first)).not.toContain(ID);

    // The system is granted the scope after registering: later deliveries carry the data.
    await hub.platform.prisma.departmentSystem.update({
      where: { id: community.systemId },
      data: { scopes: ['feed:read', 'feed:webhooks', 'enterprise:read-personal'] },
    });
    const second = await delivered(await registerEnterprise());
    expect(second).toMatchObject({ legalRepresentativeIdNumber: ID, contactPhone: PHONE });
    await hub.platform.prisma.departmentSystem.update({
      where: { id: community.systemId },
      data: { scopes: ['feed:read', 'feed:webhooks'] },
    });
  });
});

describe('revoked keys', () => {
  it('closes an open subscription within 10 s of the key being revoked', async () => {
    const { system, key } = await aSystemKey(hub.platform.prisma, 'HC', ['feed:read']);
    const sub = subscribe(key, await headCursor());
    const uscc = await registerEnterprise();
    await poll(
      () => sub.events.some((e) => e.entityId === uscc),
      (v) => expect(v).toBe(true),
      { timeout: 15_000 },
    );
    // As `hub keys revoke` does.
    const revokedAt = Date.now();
    await hub.platform.prisma.apiKey.updateMany({ where: { systemId: system.id }, data: { revokedAt: new Date() } });
    const code = await withinMs(sub.closed, 10_000, () => 0);
    expect(code).toBe(4403);
    expect(Date.now() - revokedAt).toBeLessThan(10_000);
  }, 30_000);
});
