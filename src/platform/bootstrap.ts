/**
 * Starts the platform services a hub process needs: the database (real PostgreSQL, or the
 * embedded PGlite default with migrations applied), the cache, and the logger.
 */
import type { HubConfig } from '../config/index.js';
import { createCache, type Cache } from './cache/index.js';
import type { Platform } from './context.js';
import { createDatabase, onCommittedWrite, type Database } from './db/client.js';
import { RowReader } from './db/rows.js';
import { isPGliteServer, startEmbeddedDatabase, type EmbeddedDatabase, type EmbeddedOptions } from './db/embedded.js';
import { migrateDeploy } from './db/migrate.js';
import { ResponseCache } from './cache/response.js';
import { createLogger, type Logger } from './logger.js';
import { countingCache, HubMetrics } from './metrics.js';
import { loadKeyRingFromJson, loadOrCreateKeyRingInDir } from './qr/keys.js';

export interface RunningPlatform extends Platform {
  db: Database;
  cache: Cache;
  /** Whole answers of public and scoped reads, invalidated by every commit (see cache/response.ts). */
  responseCache: ResponseCache;
  /** This process's Prometheus registry; modules add their gauges to it. */
  metrics: HubMetrics;
  /** Where the database is: "embedded" (PGlite under DATA_DIR) or "postgres". */
  databaseKind: 'embedded' | 'postgres';
  databaseUrl: string;
  /** True when this start created the embedded database. */
  freshDatabase: boolean;
  /** Set when this process uses the embedded database of a running hub (a CLI command beside it). */
  attachedTo?: { pid: number; port: number | null; command: string };
  close(): Promise<void>;
}

export async function startPlatform(
  config: HubConfig,
  opts: {
    migrate?: boolean;
    logger?: Logger;
    /** Who opens the embedded database (the lock file records it) and whether it may use a running hub's. */
    embedded?: Pick<EmbeddedOptions, 'command' | 'serving' | 'attach'>;
  } = {},
): Promise<RunningPlatform> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  let embedded: EmbeddedDatabase | undefined;
  let url = config.databaseUrl;
  const wantMigrate = opts.migrate !== false;
  if (!url) {
    // A first start creates the database (initdb, some seconds): say so before the wait.
    logger.info({ dataDir: config.dataDir }, 'opening the embedded PostgreSQL (PGlite)');
    embedded = await startEmbeddedDatabase(config.dataDir, {
      ...opts.embedded,
      migrate: wantMigrate && {
        onStep: (s) => logger.info({ migration: s.migration, step: `${s.n}/${s.of}`, ms: s.ms }, 'migration applied'),
      },
    });
    url = embedded.url;
    if (embedded.attachedTo) {
      const { pid, port, command } = embedded.attachedTo;
      logger.info({ dataDir: config.dataDir, pid, port, command }, 'using the embedded database of the running hub');
    } else {
      logger.info(
        { dataDir: config.dataDir, created: embedded.created, ms: embedded.openMs },
        'embedded PostgreSQL (PGlite) started',
      );
    }
  }
  // The running hub migrated its database when it started; this process migrated its own
  // embedded database before serving it, unless an earlier migration had failed (then the
  // Prisma CLI reports that).
  if (wantMigrate && !embedded?.attachedTo && !embedded?.migrated) {
    const started = performance.now();
    const applied = await migrateDeploy(url);
    if (applied.length > 0)
      logger.info({ migrations: applied, ms: Math.round(performance.now() - started) }, 'migrations applied');
  }
  // Several hub processes must share the QR keys: configure QR_SIGNING_KEYS for them.
  const qr = config.qrSigningKeys
    ? await loadKeyRingFromJson(config.qrSigningKeys)
    : await loadOrCreateKeyRingInDir(config.dataDir);
  // Also a DATABASE_URL may point at an embedded database (the test run's, another hub's).
  const singleSession = embedded !== undefined || (await isPGliteServer(url));
  const db = createDatabase(url, config.dbPoolSize, { singleSession });
  // The hot reads' column lists, read once here rather than by the first requests.
  // Not fatal: with the database down now, the first read of each model tries again.
  const rows = new RowReader(db.pool, config.dbPreparedStatements && !singleSession);
  await rows.load().catch((err: unknown) => logger.warn({ err }, 'could not read the column lists yet'));
  const metrics = new HubMetrics(logger);
  metrics.trackPool('main', db.pool);
  const cache = countingCache(createCache(config.redisUrl, logger), metrics);
  const responseCache = new ResponseCache(cache, config.cachePrefix, config.responseCacheTtlSeconds, logger);
  // Every commit that wrote tracked tables, on any pool of this process, invalidates cached answers.
  const stopInvalidating = responseCache.enabled
    ? onCommittedWrite(async () => {
        await responseCache.bump();
      })
    : () => undefined;
  return {
    config,
    prisma: db.prisma,
    rows,
    cache,
    responseCache,
    metrics,
    logger,
    qr,
    db,
    databaseKind: embedded ? 'embedded' : 'postgres',
    databaseUrl: url,
    freshDatabase: embedded?.created ?? false,
    attachedTo: embedded?.attachedTo,
    async close() {
      stopInvalidating();
      await cache.close();
      await db.close();
      await embedded?.stop();
    },
  };
}
