/**
 * Through the gateway: a change made by ingestion (POST /ingest) appears in `changes`, in a
 * graphql-ws subscription and in a signed webhook delivery.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HOOK_TIMEOUT, poll } from './helpers/runner.js';
import WebSocket from 'ws';
import { ChangesDocument, RegisterWebhookDocument } from './generated/graphql.js';
import { aSystemKey, referenceData } from './helpers/builders.js';
import { startTestHub, type TestHub } from './helpers/hub.js';
import { marketRegistryCsv } from '../prisma/seed/market-registry-export.js';

let hub: TestHub;
let registry: string;
let community: string;
let client: Client | undefined;
let target: http.Server | undefined;

beforeAll(async () => {
  hub = await startTestHub({
    FEED_POLL_MS: '50',
    WEBHOOK_INTERVAL_MS: '100',
    WEBHOOK_BACKOFF_MS: '50',
    OUTBOUND_ALLOW_PRIVATE: 'true',
  });
  const prisma = hub.platform.prisma;
  await referenceData(prisma);
  registry = (await aSystemKey(prisma, 'MR', ['ingest:write'])).key;
  community = (await aSystemKey(prisma, 'ST-JNZ', ['feed:read', 'feed:webhooks'])).key;
}, HOOK_TIMEOUT);
afterAll(async () => {
  await client?.dispose();
  await new Promise((r) => (target ? target.close(r) : r(null)));
  await hub.stop();
}, HOOK_TIMEOUT);

describe('a change made by ingestion', () => {
  it('reaches the changes query, a subscription and a webhook', async () => {
    // A webhook receiver and a live subscriber, both set up before the ingestion.
    const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
    target = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => target!.listen(0, '127.0.0.1', r));
    const reg = await hub.gql(
      RegisterWebhookDocument,
      { url: `http://127.0.0.1:${(target.address() as AddressInfo).port}/hook`, types: ['ENTERPRISE'] },
      community,
    );
    expect(reg.errors).toBeUndefined();
    const secret = reg.data!.registerWebhook.secret;

    const head = await hub.gql(ChangesDocument, { types: ['ENTERPRISE'], first: 500 }, community);
    let after = head.data!.changes.endCursor ?? undefined;
    for (let page = head.data!.changes; page.hasMore;) {
      page = (await hub.gql(ChangesDocument, { after, types: ['ENTERPRISE'], first: 500 }, community)).data!.changes;
      after = page.endCursor ?? after;
    }
    const live: { entityId: string; action: string }[] = [];
    let connected = () => {};
    const ready = new Promise<void>((r) => (connected = r));
    client = createClient({
      url: `${hub.url.replace(/^http/, 'ws')}/graphql/ws`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${community}` },
      retryAttempts: 0,
      on: { connected: () => connected() },
    });
    client.subscribe<{ changeEvents: { entityId: string; action: string } }>(
      {
        query: 'subscription($after: String) { changeEvents(types: [ENTERPRISE], after: $after) { entityId action } }',
        variables: { after },
      },
      { next: (r) => r.data && live.push(r.data.changeEvents), error: () => undefined, complete: () => undefined },
    );
    await ready;

    // The market-regulation registry sends its export.
    const { csv, rows } = marketRegistryCsv(3, { offset: 77_000 });
    const res = await fetch(`${hub.url}/ingest/market-registry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${registry}`, 'x-file-name': 'feed.csv' },
      body: csv,
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { created: number }).created).toBe(3);
    const usccs = rows.map((r) => r.uscc).sort();

    // Events become readable a moment after commit, once no older transaction is running.
    const readCreated = async () =>
      (await hub.gql(ChangesDocument, { after, types: ['ENTERPRISE'] }, community)).data!.changes.events.filter((e) =>
        usccs.includes(e.entityId),
      );
    await poll(
      async () => (await readCreated()).map((e) => e.entityId).sort(),
      (v) => expect(v).toEqual(usccs),
      { timeout: 10_000, interval: 100 },
    );
    const created = await readCreated();
    expect(created.every((e) => e.action === 'CREATED' && e.department?.code === 'MR')).toBe(true);
    expect(created.find((e) => e.entityId === rows[0]!.uscc)?.enterprise?.name).toBe(rows[0]!.name);

    await poll(
      () => live.filter((e) => usccs.includes(e.entityId)).length,
      (v) => expect(v).toBe(3),
      { timeout: 10_000, interval: 50 },
    );

    await poll(
      () => received.filter((d) => usccs.some((u) => d.body.includes(u))).length,
      (v) => expect(v).toBe(3),
      { timeout: 15_000, interval: 100 },
    );
    for (const d of received.filter((x) => usccs.some((u) => x.body.includes(u)))) {
      const ts = String(d.headers['x-hub-timestamp']);
      expect(d.headers['x-hub-signature']).toBe(
        `sha256=${createHmac('sha256', secret).update(`${ts}.${d.body}`).digest('hex')}`,
      );
    }
  });
});
