/**
 * Live change events over graphql-ws at /graphql/ws on real hubs: a mutation's change reaches a
 * subscriber, `after` replays the backlog then continues live without gaps or duplicates, keys
 * are required, and with Redis a change made through one hub process reaches a subscriber of
 * another.
 */
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { describeSkipIf, HOOK_TIMEOUT, inject, poll } from './helpers/runner.js';
import WebSocket from 'ws';
import { IssueLicenceDocument } from './generated/graphql.js';
import { aFoodLicenceInput, anEnterprise, aSystemKey, referenceData } from './helpers/builders.js';
import { startTestHub, type TestHub } from './helpers/hub.js';

interface LiveEvent {
  cursor: string;
  entityType: string;
  entityId: string;
  action: string;
}

const SUBSCRIPTION = `subscription ($types: [ChangeEntity!], $after: String) {
  changeEvents(types: $types, after: $after) { cursor entityType entityId action }
}`;

let hub: TestHub;
let issuer: string;
let reader: string;
let noFeed: string;
let holder: string;
const clients: Client[] = [];

beforeAll(async () => {
  hub = await startTestHub({ FEED_POLL_MS: '50', WEBHOOK_WORKER: 'off' });
  const prisma = hub.platform.prisma;
  await referenceData(prisma);
  issuer = (await aSystemKey(prisma, 'MR', ['licence:issue'])).key;
  reader = (await aSystemKey(prisma, 'HC', ['feed:read'])).key;
  noFeed = (await aSystemKey(prisma, 'HC', ['licence:issue'])).key;
  holder = (await anEnterprise(prisma)).uscc;
}, HOOK_TIMEOUT);
afterAll(async () => {
  await Promise.all(
    clients.map(async (c) => {
      await c.dispose();
    }),
  );
  await hub.stop();
}, HOOK_TIMEOUT);

function subscribe(target: TestHub, key: string | undefined, variables: { types?: string[]; after?: string } = {}) {
  let onConnected = () => {};
  const connected = new Promise<void>((r) => (onConnected = r));
  const client = createClient({
    url: `${target.url.replace(/^http/, 'ws')}/graphql/ws`,
    webSocketImpl: WebSocket,
    connectionParams: key ? { authorization: `Bearer ${key}` } : {},
    retryAttempts: 0,
    on: { connected: () => onConnected() },
  });
  clients.push(client);
  const events: LiveEvent[] = [];
  let onClosed: (code: number) => void = () => {};
  const closed = new Promise<number>((r) => (onClosed = r));
  client.subscribe<{ changeEvents: LiveEvent }>(
    { query: SUBSCRIPTION, variables },
    {
      next: (r) => {
        if (r.data) events.push(r.data.changeEvents);
      },
      error: (err) => onClosed((err as { code?: number }).code ?? -1),
      complete: () => onClosed(1000),
    },
  );
  return { events, connected, closed };
}

async function issue(target: TestHub = hub): Promise<string> {
  const res = await target.gql(IssueLicenceDocument, { input: aFoodLicenceInput(holder) }, issuer);
  expect(res.errors).toBeUndefined();
  return res.data!.issueLicence.id;
}

async function headCursor(): Promise<string> {
  const [row] = await hub.platform.prisma.$queryRaw<
    { head: bigint }[]
  >`SELECT COALESCE(max(seq), 0)::bigint AS head FROM "ChangeEvent"`;
  return String(row!.head);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('changeEvents subscription', () => {
  it('receives a change made through a GraphQL mutation', async () => {
    const sub = subscribe(hub, reader, { types: ['LICENCE'] });
    await sub.connected;
    await sleep(300); // the subscribe message is processed after the connection ack
    const id = await issue();
    await poll(
      () => sub.events.map((e) => e.entityId),
      (v) => expect(v).toContain(id),
      { timeout: 10_000 },
    );
    expect(sub.events.find((e) => e.entityId === id)).toMatchObject({ entityType: 'LICENCE', action: 'CREATED' });
  });

  it('with `after`, replays the backlog then continues live, in order, without gaps or duplicates', async () => {
    const start = await headCursor();
    const backlog = [await issue(), await issue()];
    const sub = subscribe(hub, reader, { after: start });
    await poll(
      () => sub.events.length,
      (v) => expect(v).toBeGreaterThanOrEqual(2),
      { timeout: 10_000 },
    );
    const live = [await issue(), await issue()];
    await poll(
      () => sub.events.length,
      (v) => expect(v).toBeGreaterThanOrEqual(4),
      { timeout: 10_000 },
    );
    await sleep(300);
    expect(sub.events.map((e) => e.entityId)).toEqual([...backlog, ...live]);
    const cursors = sub.events.map((e) => BigInt(e.cursor));
    expect(cursors).toEqual([...cursors].sort((a, b) => (a < b ? -1 : 1)));
    expect(cursors[0]! > BigInt(start)).toBe(true);
  });

  it('filters by type', async () => {
    const start = await headCursor();
    const sub = subscribe(hub, reader, { after: start, types: ['PENALTY'] });
    await sub.connected;
    await issue();
    await sleep(500);
    expect(sub.events).toEqual([]);
  });

  it('is refused over POST /graphql, with a pointer to /graphql/ws', async () => {
    const res = await hub.gql(SUBSCRIPTION, {}, reader);
    expect(res.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
      ['BAD_REQUEST', 'Subscriptions are served over graphql-ws at /graphql/ws'],
    ]);
  });

  it('closes connections without a key (4401) or without feed:read (4403)', async () => {
    expect(await subscribe(hub, undefined).closed).toBe(4401);
    expect(await subscribe(hub, 'hub_aaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb').closed).toBe(4401);
    expect(await subscribe(hub, noFeed).closed).toBe(4403);
  });
});

describeSkipIf(!inject('redisUrl'), 'no REDIS_URL')('several hub processes (Redis)', () => {
  it('a subscriber of hub A receives a change made through hub B, woken by the Redis nudge', async () => {
    // A polls only once a minute: the event can reach it in time only through B's nudge.
    const a = await startTestHub({ FEED_POLL_MS: '60000', WEBHOOK_WORKER: 'off' });
    const b = await startTestHub({ FEED_POLL_MS: '50', WEBHOOK_WORKER: 'off' });
    try {
      expect(a.platform.config.redisUrl).toBeDefined();
      const sub = subscribe(a, reader, { types: ['LICENCE'] });
      await sub.connected;
      await sleep(300);
      const id = await issue(b);
      await poll(
        () => sub.events.map((e) => e.entityId),
        (v) => expect(v).toContain(id),
        { timeout: 10_000 },
      );
    } finally {
      await Promise.all(
        clients.splice(0).map(async (c) => {
          await c.dispose();
        }),
      );
      await a.stop();
      await b.stop();
    }
  });
});
