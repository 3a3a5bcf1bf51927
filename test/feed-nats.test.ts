/**
 * The change feed relayed to NATS JetStream, against the NATS server on the machine: every
 * committed event once, in commit order (so in order per entity), across a relay stopped
 * mid-way and restarted, with two relays racing, and read back through a durable consumer that
 * is itself closed and reopened. The stream carries the public view (personal data masked).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AckPolicy, jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { describeSkipIf, HOOK_TIMEOUT, poll } from './helpers/runner.js';
import { anEnterpriseInput, aSystemKey, referenceData, uniqueCode } from './helpers/builders.js';
import { startTestHub, testConfig, type TestHub } from './helpers/hub.js';
import { RegisterEnterpriseDocument } from './generated/graphql.js';
import { JetStreamRelay, SEQ_HEADER } from '../src/modules/feed/nats-relay.js';
import { currentHead } from '../src/modules/feed/read.js';
import { startPlatform, type RunningPlatform } from '../src/platform/bootstrap.js';
import { maskIdNumber } from '../src/platform/graphql/masking.js';
import { createLogger } from '../src/platform/logger.js';
import { recordChanges, type ChangeInput } from '../src/platform/outbox.js';

const NATS_URL = 'nats://127.0.0.1:4222';
const RUN = `${process.pid}_${Date.now()}`;
const STREAM = `HUB_TEST_${RUN}`;
const PREFIX = `hubtest.${RUN}`;
const nats = { servers: [NATS_URL], stream: STREAM, subjectPrefix: PREFIX };

async function reachable(): Promise<boolean> {
  try {
    const nc = await connect({ servers: NATS_URL, timeout: 2000 });
    await nc.close();
    return true;
  } catch {
    return false;
  }
}
const natsUp = await reachable();

const message = z.object({
  id: z.string(),
  cursor: z.string(),
  entityType: z.enum(['ENTERPRISE', 'LICENCE', 'PENALTY']),
  entityId: z.string(),
  action: z.string(),
  revision: z.number().nullable(),
  changes: z.record(z.string(), z.unknown()),
});
type Message = z.infer<typeof message> & { seq: bigint; subject: string };

let platform: RunningPlatform;
let nc: NatsConnection;
let jsm: JetStreamManager;
let start: bigint;
const ids = { enterprise: uniqueCode('ent-'), licence: uniqueCode('lic-'), penalty: uniqueCode('pen-') };
const logger = createLogger('silent');

/** `n` transactions of three events each (one per entity type), revisions counting up per entity. */
async function commitEvents(n: number, fromRevision: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const revision = fromRevision + i;
    const events: ChangeInput[] = [
      {
        entityType: 'ENTERPRISE',
        entityId: ids.enterprise,
        action: 'UPDATED',
        revision,
        actor: null,
        changes: { legalRepresentativeIdNumber: '440106199001011234', name: `name ${revision}` },
      },
      {
        entityType: 'LICENCE',
        entityId: ids.licence,
        action: 'AMENDED',
        revision,
        actor: null,
        changes: { n: revision },
      },
      {
        entityType: 'PENALTY',
        entityId: ids.penalty,
        action: 'UPDATED',
        revision,
        actor: null,
        changes: { n: revision },
      },
    ];
    await platform.prisma.$transaction((tx) => recordChanges(tx, events));
  }
}

/** This test's events in the database, in seq order. */
async function committed(): Promise<bigint[]> {
  const rows = await platform.prisma.changeEvent.findMany({
    where: { seq: { gt: start }, entityId: { in: Object.values(ids) } },
    orderBy: { seq: 'asc' },
    select: { seq: true },
  });
  return rows.map((r) => r.seq);
}

/** Reads everything the durable consumer `name` has not acknowledged yet, up to `max` messages. */
async function consume(name: string, max: number): Promise<Message[]> {
  const consumer = await jetstream(nc).consumers.get(STREAM, name);
  const out: Message[] = [];
  while (out.length < max) {
    const m = await consumer.next({ expires: 1000 });
    if (!m) break;
    out.push({ ...message.parse(m.json()), seq: BigInt(m.headers?.get(SEQ_HEADER) ?? '-1'), subject: m.subject });
    m.ack();
  }
  return out;
}

beforeAll(async () => {
  if (!natsUp) return;
  platform = await startPlatform(testConfig(), { migrate: false, logger });
  nc = await connect({ servers: NATS_URL });
  jsm = await jetstreamManager(nc);
  start = await currentHead(platform.prisma);
}, HOOK_TIMEOUT);

afterAll(async () => {
  if (!natsUp) return;
  await jsm.streams.delete(STREAM).catch(() => undefined);
  await nc.close();
  await platform.close();
}, HOOK_TIMEOUT);

describeSkipIf(!natsUp, `no NATS server at ${NATS_URL}`)('the JetStream relay of the change feed', () => {
  it('publishes every event once, in commit order, across a restart, two racing relays and a reopened durable consumer', async () => {
    await commitEvents(40, 1); // 120 events
    // A relay that is stopped after two pages of 25: mid-way through this test's events.
    const first = new JetStreamRelay(platform.prisma, logger, {
      nats,
      pollMs: 20,
      pageSize: 25,
      newStreamAfter: start,
    });
    // An event is final once every transaction older than it has ended on the whole server
    // (other test files' too, in any database), so a round may find nothing final yet: round
    // until the first page is out, then one more.
    await poll(
      async () => {
        await first.round();
        return first.cursor;
      },
      (cursor) => expect(cursor).toBeGreaterThan(start),
      { timeout: 30_000, interval: 100 },
    );
    await first.round();
    await first.stop();
    const events = await committed();
    expect(first.cursor).toBeGreaterThan(start);
    expect(first.cursor).toBeLessThan(events.at(-1)!);
    await jsm.consumers.add(STREAM, {
      durable_name: 'reader',
      ack_policy: AckPolicy.Explicit,
      filter_subject: `${PREFIX}.>`,
    });
    const before = await consume('reader', 1000);
    expect(before.length).toBeGreaterThan(0);

    // More events while no relay runs, then a fresh relay: it resumes after the stream's last message.
    await commitEvents(40, 41);
    const restarted = new JetStreamRelay(platform.prisma, logger, { nats, pollMs: 20 }).start();
    const all = await committed();
    await poll(
      () => restarted.cursor,
      (cursor) => expect(cursor).toBe(all.at(-1)),
      { timeout: 30_000 },
    );
    await restarted.stop();

    // Two relays at once (two hub processes): the stream still takes each event once.
    await commitEvents(30, 81);
    const racing = [1, 2].map(() =>
      new JetStreamRelay(platform.prisma, logger, { nats, pollMs: 5, pageSize: 10 }).start(),
    );
    const final = await committed();
    await poll(
      () => racing.map((r) => r.cursor),
      (cursors) => expect(cursors).toEqual([final.at(-1), final.at(-1)]),
      { timeout: 30_000 },
    );
    await Promise.all(racing.map((r) => r.stop()));

    // The durable consumer, reopened, delivers the rest; together: each event once, in order.
    const after = await consume('reader', 10_000);
    const received = [...before, ...after];
    expect(received.map((m) => m.seq)).toEqual(final);
    const info = await jsm.streams.info(STREAM);
    expect(info.state.messages).toBe(final.length);

    // In order per entity (revisions 1..110 each), on the entity's subject, personal data masked.
    for (const [type, id] of [
      ['enterprise', ids.enterprise],
      ['licence', ids.licence],
      ['penalty', ids.penalty],
    ] as const) {
      const mine = received.filter((m) => m.entityId === id);
      expect(mine.map((m) => m.revision)).toEqual(Array.from({ length: 110 }, (_, i) => i + 1));
      expect(new Set(mine.map((m) => m.subject))).toEqual(new Set([`${PREFIX}.${type}`]));
    }
    const enterprise = received.find((m) => m.entityId === ids.enterprise)!;
    expect(enterprise.changes.legalRepresentativeIdNumber).toBe(maskIdNumber('440106199001011234'));
    expect(enterprise.id).toBe(String(enterprise.seq));
  }, 120_000);

  it('lets the server drop a re-sent event (its seq is the message id)', async () => {
    const last = await jsm.streams.getMessage(STREAM, { seq: (await jsm.streams.info(STREAM)).state.last_seq });
    const seq = last!.header.get(SEQ_HEADER);
    const ack = await jetstream(nc).publish(last!.subject, last!.data, { msgID: seq });
    expect(ack.duplicate).toBe(true);
  });

  describe('in a serving hub (NATS_URL)', () => {
    let hub: TestHub;
    beforeAll(async () => {
      hub = await startTestHub({ NATS_URL, NATS_STREAM: STREAM, NATS_SUBJECT_PREFIX: PREFIX, FEED_POLL_MS: '50' });
      await referenceData(hub.platform.prisma);
    }, HOOK_TIMEOUT);
    afterAll(() => hub?.stop(), HOOK_TIMEOUT);

    it('relays an enterprise registered through the API, masked, after what the stream held', async () => {
      const { key } = await aSystemKey(hub.platform.prisma, 'MR', ['enterprise:register']);
      const input = anEnterpriseInput('MR');
      const created = await hub.gql(RegisterEnterpriseDocument, { input }, key);
      expect(created.errors).toBeUndefined();
      const id = input.uscc;
      const consumer = `hub-${RUN}`;
      await jsm.consumers.add(STREAM, {
        durable_name: consumer,
        ack_policy: AckPolicy.Explicit,
        filter_subject: `${PREFIX}.enterprise`,
      });
      const received: Message[] = [];
      await poll(
        async () => {
          received.push(...(await consume(consumer, 10_000)));
          return received.find((m) => m.entityId === id);
        },
        (seen) => expect(seen).toBeDefined(),
        { timeout: 20_000 },
      );
      const seen = received.find((m) => m.entityId === id)!;
      expect(seen.action).toBe('CREATED');
      expect(seen.changes.legalRepresentativeIdNumber).toBe(maskIdNumber(input.legalRepresentativeIdNumber));
      expect(seen.changes.contactPhone).not.toBe(input.contactPhone);
    }, 60_000);
  });
});
