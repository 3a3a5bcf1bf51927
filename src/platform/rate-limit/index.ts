/**
 * Request quotas: per department system (its own quota or the default), per client address for
 * the public, and failed authentications per address. Counters live in Redis when REDIS_URL is
 * set, so every hub process shares them; otherwise in this process's memory.
 */
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { createClient } from 'redis';
import type { HubConfig } from '../../config/index.js';
import type { Logger } from '../logger.js';

/** The outcome of counting one request, with what the RateLimit headers report. */
export interface Quota {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets (at least 1). */
  resetSeconds: number;
  windowSeconds: number;
}

const MINUTE = 60;

function quotaOf(res: RateLimiterRes, limit: number, windowSeconds: number, allowed: boolean): Quota {
  return {
    allowed,
    limit,
    remaining: Math.max(0, res.remainingPoints),
    resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
    windowSeconds,
  };
}

/** HTTP headers for a counted request: IETF RateLimit draft (-08 fields and the older triple) plus Retry-After when refused. */
export function quotaHeaders(q: Quota, policyName: string): Record<string, string> {
  const headers: Record<string, string> = {
    'RateLimit-Policy': `"${policyName}";q=${q.limit};w=${q.windowSeconds}`,
    RateLimit: `"${policyName}";r=${q.remaining};t=${q.resetSeconds}`,
    'RateLimit-Limit': String(q.limit),
    'RateLimit-Remaining': String(q.remaining),
    'RateLimit-Reset': String(q.resetSeconds),
  };
  if (!q.allowed) headers['Retry-After'] = String(q.resetSeconds);
  return headers;
}

type RedisClient = ReturnType<typeof createClient>;

export class RateLimits {
  private readonly limiters = new Map<string, RateLimiterAbstract>();
  private constructor(
    private readonly config: HubConfig,
    private readonly redis: RedisClient | undefined,
  ) {}

  /** Connects to Redis when configured; the limits are in memory otherwise. */
  static start(config: HubConfig, logger: Logger): Promise<RateLimits> {
    if (!config.redisUrl) return Promise.resolve(new RateLimits(config, undefined));
    const client = createClient({ url: config.redisUrl, disableOfflineQueue: true });
    client.on('error', (err: unknown) => logger.warn({ err }, 'rate-limit redis connection error'));
    // Not awaited: an unreachable Redis must not stop the hub from starting. Until it connects
    // (and whenever it drops) the in-memory insurance limiter counts instead.
    client
      .connect()
      .catch((err: unknown) => logger.warn({ err }, 'rate-limit redis is unreachable; counting in memory'));
    return Promise.resolve(new RateLimits(config, client));
  }

  private limiter(name: string, points: number, duration: number): RateLimiterAbstract {
    const id = `${name}:${points}:${duration}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      const keyPrefix = `${this.config.cachePrefix}rl:${name}:${points}:${duration}`;
      // A store outage must not take the API down: the insurance limiter counts in memory meanwhile.
      const memory = new RateLimiterMemory({ keyPrefix, points, duration });
      limiter = this.redis
        ? new RateLimiterRedis({
            storeClient: this.redis,
            useRedisPackage: true,
            rejectIfRedisNotReady: true,
            keyPrefix,
            points,
            duration,
            insuranceLimiter: memory,
          })
        : memory;
      this.limiters.set(id, limiter);
    }
    return limiter;
  }

  private async consume(name: string, key: string, points: number, duration: number): Promise<Quota> {
    try {
      const res = await this.limiter(name, points, duration).consume(key);
      return quotaOf(res, points, duration, true);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return quotaOf(rejection, points, duration, false);
      throw rejection;
    }
  }

  /** Counts a request of a department system against its quota (its own, or the default); undefined when unlimited. */
  async system(systemId: string, perMinute: number | null): Promise<Quota | undefined> {
    const quota = perMinute ?? this.config.rateLimits.systemPerMinute;
    if (quota <= 0) return undefined;
    return this.consume('system', systemId, quota, MINUTE);
  }

  /** Counts an anonymous request from a client address; undefined when unlimited. */
  async public(address: string): Promise<Quota | undefined> {
    const quota = this.config.rateLimits.publicPerMinute;
    if (quota <= 0) return undefined;
    return this.consume('public', address, quota, MINUTE);
  }

  /** Whether an address has used up its failed authentications, without counting anything. */
  async authBlocked(address: string): Promise<Quota | undefined> {
    const { authFailures, authWindowSeconds } = this.config.rateLimits;
    const res = await this.limiter('auth-fail', authFailures, authWindowSeconds).get(address);
    if (!res || res.consumedPoints < authFailures) return undefined;
    return quotaOf(res, authFailures, authWindowSeconds, false);
  }

  /** Records a failed authentication from an address. */
  async authFailed(address: string): Promise<void> {
    const { authFailures, authWindowSeconds } = this.config.rateLimits;
    await this.consume('auth-fail', address, authFailures, authWindowSeconds);
  }

  async stop(): Promise<void> {
    if (this.redis?.isOpen) await this.redis.close().catch(() => undefined);
    // A client still trying to reach an unreachable Redis is stopped too.
    else this.redis?.destroy();
  }
}
