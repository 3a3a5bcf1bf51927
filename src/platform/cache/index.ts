/**
 * The cross-request cache: Redis when REDIS_URL is set, process memory otherwise. Every operation
 * degrades to a miss (reads) or a no-op (writes) when Redis is unreachable, so the hub keeps
 * answering from the database instead of hanging.
 */
import { createClient } from 'redis';
import type { Logger } from '../logger.js';

export interface Cache {
  readonly kind: 'redis' | 'memory';
  /** Values for the keys, null where missing (or where the cache is unavailable). */
  getMany(keys: readonly string[]): Promise<(string | null)[]>;
  /**
   * Stores values. Readers filling the cache pass onlyIfAbsent, writers (after their commit)
   * do not: so a reader that read the old row before a commit can never overwrite the new value.
   */
  setMany(
    entries: readonly (readonly [string, string])[],
    ttlSeconds: number,
    opts?: { onlyIfAbsent?: boolean },
  ): Promise<void>;
  delete(keys: readonly string[]): Promise<void>;
  /** True when the backing store answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Bounded in-process cache with per-entry expiry; evicts the oldest entries first. */
export class MemoryCache implements Cache {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, { value: string; expires: number }>();
  constructor(private readonly maxEntries = 50_000) {}

  getMany(keys: readonly string[]): Promise<(string | null)[]> {
    const now = Date.now();
    return Promise.resolve(
      keys.map((k) => {
        const e = this.entries.get(k);
        if (!e) return null;
        if (e.expires <= now) {
          this.entries.delete(k);
          return null;
        }
        return e.value;
      }),
    );
  }

  setMany(
    entries: readonly (readonly [string, string])[],
    ttlSeconds: number,
    opts: { onlyIfAbsent?: boolean } = {},
  ): Promise<void> {
    const expires = Date.now() + ttlSeconds * 1000;
    const now = Date.now();
    for (const [k, v] of entries) {
      const existing = this.entries.get(k);
      if (opts.onlyIfAbsent && existing && existing.expires > now) continue;
      this.entries.delete(k);
      this.entries.set(k, { value: v, expires });
    }
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return Promise.resolve();
  }

  delete(keys: readonly string[]): Promise<void> {
    for (const k of keys) this.entries.delete(k);
    return Promise.resolve();
  }

  ping(): Promise<boolean> {
    return Promise.resolve(true);
  }

  close(): Promise<void> {
    this.entries.clear();
    return Promise.resolve();
  }
}

type RedisClient = ReturnType<typeof createClient>;

/** Redis-backed cache. Commands are not queued while disconnected and time out quickly. */
export class RedisCache implements Cache {
  readonly kind = 'redis' as const;
  private readonly client: RedisClient;
  private lastErrorLog = 0;

  constructor(
    url: string,
    private readonly logger: Logger,
    private readonly timeoutMs = 250,
  ) {
    this.client = createClient({
      url,
      disableOfflineQueue: true,
      socket: { connectTimeout: 1000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000) },
    });
    this.client.on('error', (err: Error) => {
      // Reconnection errors repeat; log at most every 10 s.
      if (Date.now() - this.lastErrorLog > 10_000) {
        this.lastErrorLog = Date.now();
        this.logger.warn({ err: err.message }, 'redis unavailable; cache bypassed');
      }
    });
    this.client.on('ready', () => void this.flushPendingPurges().catch(() => undefined));
    this.client.connect().catch(() => undefined);
  }

  private async guarded<T>(fallback: T, op: () => Promise<T>): Promise<T> {
    if (!this.client.isReady) return fallback;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        op(),
        new Promise<T>((resolve) => {
          timer = setTimeout(() => resolve(fallback), this.timeoutMs);
        }),
      ]);
    } catch {
      return fallback;
    } finally {
      clearTimeout(timer);
    }
  }

  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    const misses = keys.map(() => null);
    if (keys.length === 0) return [];
    // Purges owed after a timeout (Redis slow, not disconnected) are retried by the next reader.
    if (this.pendingPurges.size > 0 && !this.flushing) void this.flushPendingPurges();
    return this.guarded<(string | null)[]>(misses, async () => {
      const values = await this.client.mGet([...keys]);
      // A key whose purge is still owed may hold a value older than the database's: a miss.
      return values.map((v, i) => (typeof v === 'string' && !this.pendingPurges.has(keys[i]!) ? v : null));
    });
  }

  async setMany(
    entries: readonly (readonly [string, string])[],
    ttlSeconds: number,
    opts: { onlyIfAbsent?: boolean } = {},
  ): Promise<void> {
    const wanted = opts.onlyIfAbsent ? entries.filter(([k]) => !this.pendingPurges.has(k)) : entries;
    if (wanted.length === 0) return;
    const ok = await this.guarded(false, async () => {
      const multi = this.client.multi();
      for (const [k, v] of wanted)
        multi.set(k, v, opts.onlyIfAbsent ? { EX: ttlSeconds, NX: true } : { EX: ttlSeconds });
      await multi.exec();
      return true;
    });
    // A writer's new value that did not reach Redis leaves the old one there (if Redis kept it
    // through the outage): owe a purge, as for a failed delete.
    if (!ok && !opts.onlyIfAbsent) for (const [k] of wanted) this.pendingPurges.add(k);
    else if (ok && !opts.onlyIfAbsent) for (const [k] of wanted) this.pendingPurges.delete(k);
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    // A purge that cannot reach Redis must not leave a stale entry for its whole TTL:
    // it is retried once the connection is back (see onReconnect).
    const ok = await this.guarded(false, async () => {
      await this.client.del([...keys]);
      return true;
    });
    if (!ok) for (const k of keys) this.pendingPurges.add(k);
    else for (const k of keys) this.pendingPurges.delete(k);
  }

  private readonly pendingPurges = new Set<string>();
  private flushing = false;

  /** Deletes purges that failed while Redis was unreachable. */
  async flushPendingPurges(): Promise<void> {
    if (this.pendingPurges.size === 0 || !this.client.isReady || this.flushing) return;
    this.flushing = true;
    try {
      // delete() takes the keys off the list only once Redis confirmed it; until then they read as misses.
      await this.delete([...this.pendingPurges]);
    } finally {
      this.flushing = false;
    }
  }

  async ping(): Promise<boolean> {
    return this.guarded(false, async () => (await this.client.ping()) === 'PONG');
  }

  async close(): Promise<void> {
    if (this.client.isOpen) await this.client.close().catch(() => undefined);
    else this.client.destroy();
  }
}

export function createCache(redisUrl: string | undefined, logger: Logger): Cache {
  return redisUrl ? new RedisCache(redisUrl, logger) : new MemoryCache();
}
