/**
 * QR lookup over HTTP: a scan on a warm cache, on a cold cache (the licence purged before every
 * request) and a plain /healthz request as the baseline, one after another in the same run,
 * sequentially on one connection. Uses DATABASE_URL / REDIS_URL when set, else the embedded default.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/index.js';
import { licenceCacheKey } from '../src/modules/licences/index.js';
import { createHubServer } from '../src/gateway/server.js';
import { startPlatform } from '../src/platform/bootstrap.js';
import { createLogger } from '../src/platform/logger.js';
import { qrCodeLink } from '../src/platform/qr/link.js';
import { seedDemo } from '../prisma/seed/demo.js';
import { measure, table } from './stats.js';

export async function run(): Promise<void> {
  const n = Number(process.env.BENCH_N ?? 1000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-'));
  const config = loadConfig({
    ...process.env,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    CACHE_PREFIX: `bench:${Date.now()}:`,
  });
  process.stderr.write(
    `database: ${config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : 'embedded PGlite'}, cache: ${config.redisUrl ? 'Redis' : 'memory'}\n`,
  );
  const platform = await startPlatform(config, { logger: createLogger('silent') });
  const server = await createHubServer(platform);
  const base = await server.listen(0, '127.0.0.1');
  try {
    await seedDemo(platform.prisma);
    const licence = await platform.prisma.licence.findFirstOrThrow({
      where: { status: 'VALID' },
      orderBy: { number: 'asc' },
    });
    const { token } = await qrCodeLink(
      platform.qr,
      config.publicUrl,
      { type: 'licence', id: licence.id },
      licence.createdAt,
    );
    const body = JSON.stringify({
      query: 'query($t: String!) { qrLookup(token: $t) { licence { number status validUntil type { name } } } }',
      variables: { t: token },
    });
    const lookup = async () => {
      const res = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const json = (await res.json()) as { errors?: unknown };
      if (json.errors) throw new Error(JSON.stringify(json.errors));
    };
    const key = licenceCacheKey(config.cachePrefix, licence.id);
    const health = await measure('GET /healthz (baseline)', n, async () => {
      await (await fetch(`${base}/healthz`)).arrayBuffer();
    });
    const warm = await measure('qrLookup, warm cache', n, lookup);
    const cold = await measure('qrLookup, cold cache', n, async () => {
      await platform.cache.delete([key]);
      await lookup();
    });
    process.stdout.write(`\n${table([health, warm, cold], health)}\n`);
    process.stdout.write(`\ncold / warm: ${(cold.mean / warm.mean).toFixed(2)}×\n`);
  } finally {
    await server.stop();
    await platform.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
