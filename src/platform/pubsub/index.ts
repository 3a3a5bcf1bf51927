/**
 * Cross-process notifications: Redis pub/sub when REDIS_URL is set, an in-process emitter
 * otherwise. Messages are hints (e.g. "new change events"), never data that must arrive: a
 * message published while Redis is down is dropped, and subscribers poll the database anyway.
 */
import { EventEmitter } from 'node:events';
import { createClient } from 'redis';
import type { Logger } from '../logger.js';

export type MessageHandler = (message: string) => void;

export interface PubSub {
  readonly kind: 'redis' | 'memory';
  /** Publishes to every subscriber of the channel (in every process, for Redis). Never throws. */
  publish(channel: string, message: string): Promise<void>;
  /** Subscribes; returns the function that unsubscribes. */
  subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Pub/sub inside one process. */
export class MemoryPubSub implements PubSub {
  readonly kind = 'memory' as const;
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  publish(channel: string, message: string): Promise<void> {
    this.emitter.emit(channel, message);
    return Promise.resolve();
  }

  subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    this.emitter.on(channel, handler);
    return Promise.resolve(() => {
      this.emitter.off(channel, handler);
      return Promise.resolve();
    });
  }

  close(): Promise<void> {
    this.emitter.removeAllListeners();
    return Promise.resolve();
  }
}

type RedisClient = ReturnType<typeof createClient>;

/**
 * Redis pub/sub over two connections (a subscribed connection cannot publish). Subscriptions
 * survive reconnects (node-redis resubscribes); publishing while disconnected is dropped.
 */
export class RedisPubSub implements PubSub {
  readonly kind = 'redis' as const;
  private readonly publisher: RedisClient;
  private readonly subscriber: RedisClient;
  private lastErrorLog = 0;

  constructor(
    url: string,
    private readonly logger: Logger,
    private readonly timeoutMs = 250,
  ) {
    const options = {
      url,
      disableOfflineQueue: true,
      socket: { connectTimeout: 1000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 5000) },
    };
    this.publisher = createClient(options);
    // The subscriber queues SUBSCRIBE commands until it is connected.
    this.subscriber = createClient({ ...options, disableOfflineQueue: false });
    for (const c of [this.publisher, this.subscriber]) c.on('error', (err: Error) => this.logError(err));
    // connect() keeps retrying while Redis is down; nothing waits for it.
    this.publisher.connect().catch(() => undefined);
    this.subscriber.connect().catch(() => undefined);
  }

  private logError(err: Error): void {
    if (Date.now() - this.lastErrorLog > 10_000) {
      this.lastErrorLog = Date.now();
      this.logger.warn({ err: err.message }, 'redis pub/sub unavailable; relying on polling');
    }
  }

  async publish(channel: string, message: string): Promise<void> {
    if (!this.publisher.isReady) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.publisher.publish(channel, message),
        new Promise((resolve) => {
          timer = setTimeout(resolve, this.timeoutMs);
        }),
      ]);
    } catch {
      // A lost hint costs one poll interval of latency, nothing else.
    } finally {
      clearTimeout(timer);
    }
  }

  subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    const listener = (message: string) => handler(message);
    // Queued until connected, so a hub started while Redis is down subscribes once it is back.
    this.subscriber
      .subscribe(channel, listener)
      .catch((err: unknown) => this.logError(err instanceof Error ? err : new Error(String(err))));
    return Promise.resolve(async () => {
      if (this.subscriber.isReady) await this.subscriber.unsubscribe(channel, listener).catch(() => undefined);
    });
  }

  async close(): Promise<void> {
    // close() waits for queued commands (a SUBSCRIBE queued while Redis is down never ends).
    for (const c of [this.subscriber, this.publisher]) {
      if (c.isReady) await c.close().catch(() => undefined);
      else if (c.isOpen) c.destroy();
    }
  }
}

export function createPubSub(redisUrl: string | undefined, logger: Logger): PubSub {
  return redisUrl ? new RedisPubSub(redisUrl, logger) : new MemoryPubSub();
}
