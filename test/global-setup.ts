/**
 * Gives the test run a migrated database: DATABASE_URL when set (CI creates a fresh one),
 * otherwise the embedded PGlite default in a temporary folder.
 *
 * Jest runs this in its parent process (through test/jest-global-setup.mjs) and the test files
 * in a worker started afterwards, which inherits process.env: the URLs are handed over as
 * HUB_TEST_* variables, read by test/helpers/provided.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config/index.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../src/platform/db/embedded.js';
import { migrateDeploy } from '../src/platform/db/migrate.js';

let embedded: EmbeddedDatabase | undefined;
let tmp: string | undefined;

/** True when `url` is served by PGlite (PostgreSQL compiled to WebAssembly). */
async function isPglite(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>('SELECT version() AS v');
    return /emscripten|emcc|wasm/i.test(rows[0]?.v ?? '');
  } finally {
    await client.end();
  }
}

export async function setup(): Promise<void> {
  const config = loadConfig();
  let url = config.databaseUrl;
  if (!url) {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-test-'));
    embedded = await startEmbeddedDatabase(tmp, 20);
    url = embedded.url;
  }
  await migrateDeploy(url);
  process.env.HUB_TEST_DATABASE_URL = url;
  process.env.HUB_TEST_DATABASE_EMBEDDED = (await isPglite(url)) ? '1' : '';
  process.env.HUB_TEST_REDIS_URL = config.redisUrl ?? '';
}

export async function teardown(): Promise<void> {
  await embedded?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
}
