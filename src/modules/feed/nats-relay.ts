/**
 * The change feed relayed to NATS JetStream (NATS_URL): every final event, in commit order, to
 * `<prefix>.<entity type>` on one stream, as the public sees it (personal data masked), so that
 * consumers at city or province scale read through durable JetStream consumers instead of
 * polling the hub.
 *
 * Exactly once, without a lock or a cursor table: the stream is the cursor. Each message carries
 * its event's seq (`Hub-Seq`); at start, and after any failed publish, the relay reads the
 * stream's last message and resumes after its seq. Publishes are pipelined, each expecting the
 * stream's last sequence to be the one before it, so a failed message fails every message after
 * it instead of letting them overtake it, and two relays (two hub processes) cannot interleave:
 * the loser of a race re-reads the stream and goes on from there. The event's seq is also the
 * message id (`Nats-Msg-Id`), so the server drops a re-sent event within its duplicate window.
 */
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import {
  jetstream,
  jetstreamManager,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import type { NatsConfig } from '../../config/index.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { Logger } from '../../platform/logger.js';
import { currentHead, eventPayload, MAX_PAGE, readChanges, type FeedEvent } from './read.js';

/** Header carrying the event's seq (the hub's cursor) on every message. */
export const SEQ_HEADER = 'Hub-Seq';

export interface RelayOptions {
  nats: NatsConfig;
  pollMs: number;
  /** Events read and published per round (at most MAX_PAGE). */
  pageSize?: number;
  /** Where a new (empty) stream starts: after this seq; the whole feed by default. */
  newStreamAfter?: bigint;
}

/** The subject of an event: `<prefix>.enterprise`, `<prefix>.licence`, `<prefix>.penalty`. */
export function subjectOf(prefix: string, e: Pick<FeedEvent, 'entityType'>): string {
  return `${prefix}.${e.entityType.toLowerCase()}`;
}

function lostRace(err: unknown): boolean {
  return (
    err instanceof JetStreamApiError &&
    (err.code === JetStreamApiCodes.StreamWrongLastSequence ||
      err.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}

export class JetStreamRelay {
  private nc: NatsConnection | undefined;
  private js: JetStreamClient | undefined;
  private jsm: JetStreamManager | undefined;
  /** The seq of the newest event in the stream (what was relayed), and the stream's own sequence. */
  private lastSeq = 0n;
  private streamSeq = 0;
  private synced = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private failures = 0;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly logger: Logger,
    private readonly opts: RelayOptions,
  ) {}

  /** Every event up to this seq is in the stream. */
  get cursor(): bigint {
    return this.lastSeq;
  }

  /** Starts relaying in the background; a NATS server that is down is retried, never fatal. */
  start(): this {
    this.schedule(0);
    return this;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick();
    }, ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    let delay = this.opts.pollMs;
    try {
      const full = await this.round();
      this.failures = 0;
      if (full) delay = 0;
    } catch (err) {
      this.synced = false;
      this.failures += 1;
      delay = Math.min(this.opts.pollMs * 2 ** this.failures, 30_000);
      if (!this.stopped) this.logger.warn({ err, retryInMs: delay }, 'change feed relay to NATS failed; retrying');
    }
    this.schedule(delay);
  }

  private async connection(): Promise<{ js: JetStreamClient; jsm: JetStreamManager }> {
    if (!this.nc || this.nc.isClosed()) {
      this.nc = await connect({
        servers: this.opts.nats.servers,
        name: 'data-sharing-hub change feed relay',
        maxReconnectAttempts: -1,
      });
      this.jsm = await jetstreamManager(this.nc);
      this.js = jetstream(this.nc);
      this.synced = false;
    }
    return { js: this.js!, jsm: this.jsm! };
  }

  /** Creates the stream when missing (operators may change its limits; its subjects must stay). */
  private async ensureStream(jsm: JetStreamManager): Promise<number> {
    const { stream, subjectPrefix } = this.opts.nats;
    try {
      const info = await jsm.streams.info(stream);
      if (!info.config.subjects?.includes(`${subjectPrefix}.>`)) {
        throw new Error(
          `JetStream stream ${stream} does not take the subjects ${subjectPrefix}.> (NATS_SUBJECT_PREFIX)`,
        );
      }
      return info.state.last_seq;
    } catch (err) {
      if (!(err instanceof JetStreamApiError) || err.code !== JetStreamApiCodes.StreamNotFound) throw err;
      await jsm.streams.add({ name: stream, subjects: [`${subjectPrefix}.>`] });
      this.logger.info({ stream, subjects: `${subjectPrefix}.>` }, 'JetStream stream for the change feed created');
      return 0;
    }
  }

  /** Resumes after the event in the stream's last message (the whole feed for a new stream). */
  private async sync(jsm: JetStreamManager): Promise<void> {
    const last = await this.ensureStream(jsm);
    this.streamSeq = last;
    if (last === 0) {
      this.lastSeq = this.opts.newStreamAfter ?? 0n;
    } else {
      const msg = await jsm.streams.getMessage(this.opts.nats.stream, { seq: last }).catch(() => null);
      const seq = msg?.header.get(SEQ_HEADER);
      if (seq && /^\d+$/.test(seq)) this.lastSeq = BigInt(seq);
      else {
        // The stream's messages expired (max age) or were purged: the hub keeps the history, the
        // stream resumes from now. Consumers catch up on the gap through the `changes` query.
        this.lastSeq = await currentHead(this.prisma);
        this.logger.warn(
          { stream: this.opts.nats.stream, resumeAfter: String(this.lastSeq) },
          'the change feed stream has no last message to resume after; relaying from the current head',
        );
      }
    }
    this.synced = true;
  }

  /** Publishes one page of final events; true when more may be waiting. */
  async round(): Promise<boolean> {
    const { js, jsm } = await this.connection();
    if (!this.synced) await this.sync(jsm);
    const limit = Math.min(this.opts.pageSize ?? MAX_PAGE, MAX_PAGE);
    const page = await readChanges(this.prisma, { after: this.lastSeq, limit });
    if (page.events.length === 0) return false;
    const base = this.streamSeq;
    const sent = page.events.map((e, i) => {
      const h = headers();
      h.set(SEQ_HEADER, String(e.seq));
      h.set('Content-Type', 'application/json');
      return js.publish(subjectOf(this.opts.nats.subjectPrefix, e), JSON.stringify(eventPayload(e, [])), {
        msgID: String(e.seq),
        headers: h,
        expect: { lastSequence: base + i },
      });
    });
    const acks = await Promise.allSettled(sent);
    for (const [i, ack] of acks.entries()) {
      const e = page.events[i]!;
      if (ack.status === 'rejected' || ack.value.duplicate) {
        // Another hub's relay got there first (a duplicate, or the stream moved on), or the server
        // refused: re-read the stream and go on from what it holds.
        this.synced = false;
        if (ack.status === 'fulfilled' || lostRace(ack.reason)) return true;
        throw ack.reason;
      }
      this.streamSeq = ack.value.seq;
      this.lastSeq = e.seq;
    }
    return page.hasMore || page.events.length === limit;
  }

  /** Stops after the current round and closes the connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running.catch(() => undefined);
    await this.nc?.drain().catch(() => undefined);
  }
}
