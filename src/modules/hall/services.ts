/**
 * Process-wide services of the hall: the SMS notifier, the file store and the rate limiters.
 * Created once per platform (keyed by its Prisma client, which every per-request context shares)
 * and closed with the server.
 */
import { createClient } from 'redis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { HubConfig } from '../../config/index.js';
import type { Platform } from '../../platform/context.js';
import type { Logger } from '../../platform/logger.js';
import { createFileStorage, type FileStorage } from '../../platform/storage/index.js';
import { createNotifier, type Notifier } from '../approvals/index.js';

export interface HallLimits {
  smsPerNumber: RateLimiterAbstract;
  smsPerAddress: RateLimiterAbstract;
  /** Attempts to prove an enterprise by the legal representative's ID number, per account. */
  enterpriseProof: RateLimiterAbstract;
}

export interface HallServices {
  notifier: Notifier;
  storage: FileStorage;
  limits: HallLimits;
  close(): Promise<void>;
}

const HOUR = 3600;

function limiters(config: HubConfig, logger: Logger): { limits: HallLimits; close: () => Promise<void> } {
  const specs = {
    smsPerNumber: {
      points: config.hall.smsPerNumberHour,
      duration: HOUR,
      keyPrefix: `${config.cachePrefix}hall:sms:n`,
    },
    smsPerAddress: {
      points: config.hall.smsPerAddressHour,
      duration: HOUR,
      keyPrefix: `${config.cachePrefix}hall:sms:a`,
    },
    enterpriseProof: { points: 10, duration: HOUR, keyPrefix: `${config.cachePrefix}hall:proof` },
  };
  const memory = (k: keyof typeof specs) => new RateLimiterMemory(specs[k]);
  if (!config.redisUrl) {
    return {
      limits: {
        smsPerNumber: memory('smsPerNumber'),
        smsPerAddress: memory('smsPerAddress'),
        enterpriseProof: memory('enterpriseProof'),
      },
      close: () => Promise.resolve(),
    };
  }
  // Shared across hub processes through Redis; while Redis is down each process falls back to
  // its own memory counters (the insurance limiter) instead of refusing every code.
  const client = createClient({ url: config.redisUrl, disableOfflineQueue: true });
  client.on('error', (err: Error) => logger.warn({ err: err.message }, 'hall rate limiter: redis unavailable'));
  client.connect().catch(() => undefined);
  const redis = (k: keyof typeof specs) =>
    new RateLimiterRedis({ ...specs[k], storeClient: client, useRedisPackage: true, insuranceLimiter: memory(k) });
  return {
    limits: {
      smsPerNumber: redis('smsPerNumber'),
      smsPerAddress: redis('smsPerAddress'),
      enterpriseProof: redis('enterpriseProof'),
    },
    async close() {
      if (client.isOpen) await client.close().catch(() => undefined);
      else client.destroy();
    },
  };
}

const byPlatform = new WeakMap<object, HallServices>();

export function hallServices(platform: Platform): HallServices {
  let s = byPlatform.get(platform.prisma);
  if (!s) {
    const l = limiters(platform.config, platform.logger);
    s = {
      notifier: createNotifier(platform.config, platform.logger),
      storage: createFileStorage(platform.config.dataDir),
      limits: l.limits,
      close: l.close,
    };
    byPlatform.set(platform.prisma, s);
  }
  return s;
}

export async function closeHallServices(platform: Platform): Promise<void> {
  const s = byPlatform.get(platform.prisma);
  byPlatform.delete(platform.prisma);
  await s?.close();
}
