/**
 * The feed's WebSocket endpoint under hostile use: open connections per client address are
 * bounded (an upgrade needs no key until connection_init), subscriptions per connection are
 * bounded, and an oversized message closes the connection before it is parsed. The client
 * address is Express's, X-Forwarded-For read through TRUST_PROXY hops only.
 */
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HOOK_TIMEOUT, poll } from './helpers/runner.js';
import { aSystemKey, referenceData } from './helpers/builders.js';
import { startTestHub, type TestHub } from './helpers/hub.js';
import { upgradeClientAddress } from '../src/platform/rate-limit/client-address.js';
import { WS_MAX_MESSAGE_BYTES } from '../src/modules/feed/ws.js';

let hub: TestHub;
let reader: string;
const open: WebSocket[] = [];

beforeAll(async () => {
  hub = await startTestHub({
    WEBHOOK_WORKER: 'off',
    FEED_WS_MAX_CONNECTIONS_PER_ADDRESS: '3',
    FEED_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '2',
  });
  await referenceData(hub.platform.prisma);
  reader = (await aSystemKey(hub.platform.prisma, 'HC', ['feed:read'])).key;
}, HOOK_TIMEOUT);
afterAll(async () => {
  for (const s of open) s.terminate();
  await hub.stop();
}, HOOK_TIMEOUT);

const wsUrl = () => `${hub.url.replace(/^http/, 'ws')}/graphql/ws`;

/** Opens a raw connection (no connection_init): resolves when upgraded, or with the refusal's status and body. */
function connect(): Promise<{ socket?: WebSocket; status?: number; body?: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl(), 'graphql-transport-ws');
    socket.once('open', () => {
      open.push(socket);
      resolve({ socket });
    });
    socket.once('unexpected-response', (_req, res: IncomingMessage) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    socket.once('error', reject);
  });
}

describe('feed WebSocket limits', () => {
  it('refuses a connection past FEED_WS_MAX_CONNECTIONS_PER_ADDRESS with 429, and takes one again when one closes', async () => {
    const first = await Promise.all([connect(), connect(), connect()]);
    expect(first.map((c) => c.socket !== undefined)).toEqual([true, true, true]);
    const refused = await connect();
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body ?? '{}')).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    const closing = first[0].socket!;
    const closed = new Promise((r) => closing.once('close', r));
    closing.terminate();
    await closed;
    await poll(connect, (c) => expect(c.socket).toBeDefined(), { timeout: 5000, interval: 100 });
    for (const s of open.splice(0)) s.terminate();
  });

  it('closes a connection whose message is larger than 64 KiB (1009) without reading it', async () => {
    await poll(connect, (c) => expect(c.socket).toBeDefined(), { timeout: 5000, interval: 100 });
    const socket = open.at(-1)!;
    const code = new Promise<number>((r) => socket.once('close', (c: number) => r(c)));
    socket.send('x'.repeat(WS_MAX_MESSAGE_BYTES + 1));
    expect(await code).toBe(1009);
    for (const s of open.splice(0)) s.terminate();
  });

  it('refuses a subscription past FEED_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION with RATE_LIMITED', async () => {
    const client = createClient({
      url: wsUrl(),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${reader}` },
      retryAttempts: 0,
      lazy: false,
    });
    try {
      const outcomes: unknown[] = [];
      for (let i = 0; i < 3; i++)
        client.subscribe(
          { query: 'subscription { changeEvents { cursor } }' },
          { next: () => undefined, error: (e) => outcomes.push(e), complete: () => undefined },
        );
      await poll(
        () => outcomes,
        (o) => expect(o).toHaveLength(1),
        { timeout: 5000, interval: 50 },
      );
      expect(outcomes[0]).toEqual([
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'RATE_LIMITED' }) }),
      ]);
    } finally {
      await client.dispose();
    }
  });

  it('counts the client address as Express does for every TRUST_PROXY setting', async () => {
    const cases = ['', '203.0.113.7', '198.51.100.1, 203.0.113.7', '192.0.2.1, 198.51.100.1 , 203.0.113.7'];
    for (const hops of [0, 1, 2, 3]) {
      const app = express();
      app.set('trust proxy', hops);
      app.get('/', (req, res) => {
        res.json({ express: req.ip, ours: upgradeClientAddress(req, hops) });
      });
      const server = http.createServer(app).listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      try {
        for (const xff of cases) {
          const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, {
            headers: xff ? { 'x-forwarded-for': xff } : {},
          });
          const { express: expected, ours } = (await res.json()) as { express: string; ours: string };
          expect({ hops, xff, address: ours }).toEqual({ hops, xff, address: expected });
        }
      } finally {
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      }
    }
  });
});
