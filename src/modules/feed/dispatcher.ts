/**
 * Live fan-out of the change feed inside one hub process. Every process polls the outbox itself
 * (the database is the source of truth, so no process depends on another to see an event);
 * Redis pub/sub only carries a "new events" nudge on `hub:changes` so that the other processes
 * poll at once instead of at their next tick.
 */
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { ChangeEntity } from '../../generated/prisma/enums.js';
import type { Logger } from '../../platform/logger.js';
import type { PubSub } from '../../platform/pubsub/index.js';
import { currentHead, MAX_PAGE, readChanges, type FeedEvent } from './read.js';

export const CHANGES_CHANNEL = 'hub:changes';

/** A contiguous range of the feed: every final event with from < seq <= to (all types). */
export interface FeedBatch {
  from: bigint;
  to: bigint;
  events: FeedEvent[];
}

export class FeedDispatcher {
  private headSeq = 0n;
  private readonly listeners = new Set<(batch: FeedBatch) => void>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private pollAgain = false;
  private stopped = false;
  private unsubscribe: (() => Promise<void>) | undefined;
  readonly ready: Promise<void>;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly pubsub: PubSub,
    private readonly logger: Logger,
    readonly pollMs: number,
  ) {
    this.ready = this.start();
  }

  /** Every event up to here has been dispatched. */
  get head(): bigint {
    return this.headSeq;
  }

  private async start(): Promise<void> {
    this.headSeq = await currentHead(this.prisma);
    this.unsubscribe = await this.pubsub.subscribe(CHANGES_CHANNEL, () => void this.poll(false));
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.poll(true).finally(() => this.schedule());
    }, this.pollMs);
    this.timer.unref();
  }

  /** Reads what is new and hands it to the listeners; a call during a poll polls again after it. */
  async poll(announce: boolean): Promise<void> {
    if (this.stopped) return;
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    this.polling = true;
    try {
      let more = true;
      while (more && !this.stopped) {
        const page = await readChanges(this.prisma, { after: this.headSeq, limit: MAX_PAGE });
        more = page.hasMore;
        if (page.endCursor <= this.headSeq) break;
        const batch: FeedBatch = { from: this.headSeq, to: page.endCursor, events: page.events };
        this.headSeq = page.endCursor;
        for (const l of this.listeners) l(batch);
        // Only the process that found events by itself nudges, so nudges do not echo.
        if (announce && page.events.length > 0) await this.pubsub.publish(CHANGES_CHANNEL, String(this.headSeq));
      }
    } catch (err) {
      if (!this.stopped) this.logger.warn({ err }, 'change feed poll failed; retrying at the next tick');
    } finally {
      this.polling = false;
    }
    if (this.pollAgain) {
      this.pollAgain = false;
      await this.poll(false);
    }
  }

  listen(listener: (batch: FeedBatch) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ready.catch(() => undefined);
    await this.unsubscribe?.();
    this.listeners.clear();
  }
}

/**
 * One subscriber's events: the backlog after `after` from the database, then live batches,
 * without gaps or duplicates (every batch is applied relative to the subscriber's own cursor;
 * a batch that starts beyond it is bridged by reading the database).
 */
export function changeStream(
  dispatcher: FeedDispatcher,
  db: PrismaClient,
  opts: { after: bigint | null; types: readonly ChangeEntity[] | null },
): AsyncIterableIterator<FeedEvent> & { return(): Promise<IteratorResult<FeedEvent>> } {
  const wanted = opts.types && opts.types.length > 0 ? new Set(opts.types) : null;
  const queue: FeedBatch[] = [];
  let closed = false;
  let wake: (() => void) | null = null;
  const signal = () => {
    wake?.();
    wake = null;
  };
  const unlisten = dispatcher.listen((batch) => {
    queue.push(batch);
    signal();
  });
  const waitForSignal = (ms?: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      if (ms !== undefined) setTimeout(signal, ms).unref();
    });

  async function* catchUp(from: bigint): AsyncGenerator<FeedEvent, bigint> {
    let cursor = from;
    for (;;) {
      const page = await readChanges(db, { after: cursor, types: opts.types, limit: MAX_PAGE });
      for (const e of page.events) yield e;
      cursor = page.endCursor;
      if (!page.hasMore || closed) return cursor;
    }
  }

  async function* run(): AsyncGenerator<FeedEvent, undefined> {
    try {
      await dispatcher.ready;
      let cursor = opts.after ?? dispatcher.head;
      if (opts.after !== null) cursor = yield* catchUp(cursor);
      while (!closed) {
        const batch = queue[0];
        if (!batch) {
          await waitForSignal();
          continue;
        }
        if (batch.to <= cursor) {
          queue.shift();
          continue;
        }
        if (batch.from > cursor) {
          const reached = yield* catchUp(cursor);
          // The database shows no more yet than this subscriber has: let it catch up a moment.
          if (reached === cursor) await waitForSignal(dispatcher.pollMs);
          cursor = reached;
          continue;
        }
        queue.shift();
        for (const e of batch.events) if (e.seq > cursor && (!wanted || wanted.has(e.entityType))) yield e;
        cursor = batch.to;
      }
      return undefined;
    } finally {
      unlisten();
    }
  }

  const gen = run();
  return {
    next: () => gen.next(),
    // The generator may be waiting for the next batch: wake it so that return() is not queued behind it.
    return: async () => {
      closed = true;
      unlisten();
      signal();
      return gen.return(undefined);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
